"""Smaller things staff noticed (issue 13): nested titles, no green check on untouched fields, set-all attendance."""

import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, CourseRecordFactory, CustomerFactory, StudyRecordFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import make_consultant
from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class

pytestmark = pytest.mark.django_db


def test_the_payment_application_page_says_whose_application_it_is(client):
    consultant = make_consultant("consultant1")
    grant_permissions(consultant, "stark:web_paymentrecord_add")
    customer = CustomerFactory(consultant=consultant, name="欧阳晓雯")
    client.force_login(consultant)
    response = client.get(reverse("stark:web_paymentrecord_add", kwargs={"customer_id": customer.pk}))
    assert "欧阳晓雯" in response.context["title"]


def test_nested_teaching_forms_name_their_student_or_class(client):
    teacher = class_teacher()
    klass = ClassListFactory(class_teacher=teacher)
    student = student_in_class(klass)
    grant_permissions(teacher, "stark:web_scorerecord_add", "stark:web_talkrecord_add", "stark:web_courserecord_add")
    client.force_login(teacher)
    for name, kwargs, parent in [
        ("stark:web_scorerecord_add", {"student_id": student.pk}, str(student)),
        ("stark:web_talkrecord_add", {"student_id": student.pk}, str(student)),
        ("stark:web_courserecord_add", {"class_id": klass.pk}, str(klass)),
    ]:
        assert parent in client.get(reverse(name, kwargs=kwargs)).context["title"]


def test_a_failed_submit_paints_no_untouched_field_as_valid(client):
    consultant = make_consultant("consultant1")
    grant_permissions(consultant, "stark:web_customer_priv_add")
    client.force_login(consultant)
    response = client.post(reverse("stark:web_customer_priv_add"), {"name": "", "qq": "12345", "company": ""})
    html = response.content.decode()
    assert "is-invalid" in html  # the name is missing and says so
    assert "is-valid" not in html.replace("is-invalid", "")


def test_batch_attendance_offers_set_all(client):
    teacher = class_teacher()
    klass = ClassListFactory(class_teacher=teacher)
    lesson = CourseRecordFactory(class_object=klass)
    StudyRecordFactory(course_record=lesson, student=student_in_class(klass))
    grant_permissions(teacher, "stark:web_courserecord_attendance")
    client.force_login(teacher)
    url = reverse("stark:web_courserecord_attendance", kwargs={"class_id": klass.pk, "course_record_id": lesson.pk})
    html = client.get(url).content.decode()
    assert 'id="attendance-set-all"' in html and "luffy/attendance.js" in html
