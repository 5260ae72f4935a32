import pytest
from django.core.management import call_command

from web.models import ClassChange, CourseRecord, Customer, PaymentRecord, ScoreRecord, Student, StudyRecord, TalkRecord

pytestmark = pytest.mark.django_db


def counts():
    models = [Customer, PaymentRecord, Student, ScoreRecord, CourseRecord, StudyRecord, TalkRecord, ClassChange]
    return {model.__name__: model.objects.count() for model in models}


def test_seed_demo_enrolment_and_teaching_cover_every_status_and_are_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first

    statuses = set(PaymentRecord.objects.values_list("confirm_status", flat=True))
    assert statuses == set(PaymentRecord.ConfirmStatus.values)
    assert set(Student.objects.values_list("student_status", flat=True)) >= {"applying", "studying", "withdrawn"}
    assert Student.objects.filter(student_status="studying", class_list__isnull=False).exists()
    assert first["StudyRecord"] > 0 and first["ScoreRecord"] > 0 and first["TalkRecord"] > 0
    assert ClassChange.objects.filter(status=ClassChange.Status.PENDING).count() == 1
