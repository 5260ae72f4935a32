"""Every service given ids cleans them one way (stark.utils.clean_pks): junk is dropped, never a 500."""

import pytest
from django.core.exceptions import ValidationError

from tests.factories import (
    ClassChangeFactory,
    CourseRecordFactory,
    CustomerFactory,
    PaymentRecordFactory,
    StudyRecordFactory,
    UserFactory,
)
from web.models import ClassChange, Customer, Notification, PaymentRecord
from web.services.attendance import attendance_generate, attendance_save
from web.services.class_changes import class_change_reject
from web.services.customers import customer_claim, customer_release
from web.services.notifications import notifications_mark_read
from web.services.payments import payment_reject

pytestmark = pytest.mark.django_db

JUNK = ["junk", "", "1e3", "99999999999999999999999", None, "\u00b2"]


def test_claim_and_release_take_the_valid_ids_in_order_once_each():
    consultant = UserFactory()
    first, second = CustomerFactory(), CustomerFactory()
    result = customer_claim(consultant=consultant, customer_ids=[*JUNK, str(second.pk), second.pk, first.pk])
    assert result.claimed == (second.pk, first.pk)
    assert set(Customer.objects.filter(consultant=consultant).values_list("pk", flat=True)) == {first.pk, second.pk}
    released = customer_release(consultant=consultant, customer_ids=[*JUNK, first.pk])
    assert Customer.objects.get(pk=first.pk).consultant is None
    assert released.released == (first.pk,)


def test_payment_and_class_change_decisions_ignore_junk_ids():
    finance = UserFactory()
    payment = PaymentRecordFactory()
    result = payment_reject(confirm_user=finance, payment_ids=[*JUNK, payment.pk], reason="金额不对")
    assert (result.changed, result.requested) == (1, 1)
    assert PaymentRecord.objects.get(pk=payment.pk).confirm_status == PaymentRecord.ConfirmStatus.REJECTED
    change = ClassChangeFactory()
    decided = class_change_reject(confirm_user=finance, change_ids=[*JUNK, change.pk], reason="名额已满")
    assert (decided.changed, decided.requested) == (1, 1)
    assert ClassChange.objects.get(pk=change.pk).status == ClassChange.Status.REJECTED


def test_notifications_and_attendance_ignore_junk_ids():
    user = UserFactory()
    notice = Notification.objects.create(user=user, text="x")
    assert notifications_mark_read(user=user, notification_ids=[*JUNK, notice.pk]) == 1
    record = CourseRecordFactory()
    assert attendance_generate(course_record_ids=JUNK).course_records == 0
    assert attendance_generate(course_record_ids=[*JUNK, record.pk]).course_records == 1


def test_attendance_refuses_a_batch_with_a_malformed_record_id():
    study = StudyRecordFactory()
    with pytest.raises(ValidationError):
        attendance_save(course_record=study.course_record, records={study.pk: "checked", "junk": "checked"})
