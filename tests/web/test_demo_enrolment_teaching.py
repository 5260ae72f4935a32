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
    call_command("seed_demo", reset=True)
    assert counts() == first

    statuses = set(PaymentRecord.objects.values_list("confirm_status", flat=True))
    assert statuses == set(PaymentRecord.ConfirmStatus.values)
    assert set(Student.objects.values_list("student_status", flat=True)) >= {"applying", "studying", "withdrawn"}
    assert Student.objects.filter(student_status="studying", class_list__isnull=False).exists()
    assert first["StudyRecord"] > 0 and first["ScoreRecord"] > 0 and first["TalkRecord"] > 0
    assert ClassChange.objects.filter(status=ClassChange.Status.PENDING).count() == 1


def test_demo_users_reach_their_enrolment_and_teaching_pages(settings, client):
    from django.urls import reverse

    from web.models import UserInfo

    settings.DEBUG = True
    call_command("seed_demo")
    lesson = CourseRecord.objects.order_by("pk").first()
    student = lesson.class_object.students.order_by("pk").first()
    class_id = lesson.class_object_id
    customer = Customer.objects.get(qq="90000006")
    pages = {
        "consultant1": [reverse("stark:web_paymentrecord_list", kwargs={"customer_id": customer.pk})],
        "finance1": [reverse("stark:web_paymentrecord_check_list"), reverse("stark:web_student_list")],
        "teacher1": [
            reverse("stark:web_student_change", kwargs={"pk": student.pk}),
            reverse("stark:web_scorerecord_list", kwargs={"student_id": student.pk}),
            reverse("stark:web_talkrecord_list", kwargs={"student_id": student.pk}),
            reverse("stark:web_classchange_list", kwargs={"student_id": student.pk}),
            reverse("stark:web_courserecord_list", kwargs={"class_id": class_id}),
            reverse("stark:web_courserecord_attendance", kwargs={"class_id": class_id, "course_record_id": lesson.pk}),
        ],
        "admin": [reverse("stark:web_classchange_check_list")],
    }
    for username, urls in pages.items():
        client.force_login(UserInfo.objects.get(username=username))
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)
    client.force_login(UserInfo.objects.get(username="consultant1"))
    assert client.get(reverse("stark:web_paymentrecord_check_list")).status_code == 403
