import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, TalkRecordFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class
from web.models import TalkRecord

pytestmark = pytest.mark.django_db

LIST = "stark:web_talkrecord_list"
ADD = "stark:web_talkrecord_add"
CHANGE = "stark:web_talkrecord_change"


@pytest.fixture
def teacher(client):
    user = class_teacher()
    grant_permissions(user, LIST, ADD, CHANGE, scope="own")
    client.force_login(user)
    return user


@pytest.fixture
def my_student(teacher):
    return student_in_class(ClassListFactory(class_teacher=teacher))


def test_class_teacher_adds_and_lists_own_records(client, teacher, my_student):
    response = client.post(
        reverse(ADD, kwargs={"student_id": my_student.pk}),
        {"date": "2026-10-08", "topic": "学习计划", "content": "每天练习两小时", "teacher": 1, "student": 1},
    )
    assert response.status_code == 302
    record = TalkRecord.objects.get()
    assert (record.student, record.teacher, record.topic) == (my_student, teacher, "学习计划")
    other_teachers = TalkRecordFactory(student=my_student, topic="别人的谈话")
    html = client.get(reverse(LIST, kwargs={"student_id": my_student.pk})).content.decode()
    assert "学习计划" in html and other_teachers.topic not in html


def test_edit_own_record(client, teacher, my_student):
    record = TalkRecordFactory(student=my_student, teacher=teacher)
    url = reverse(CHANGE, kwargs={"student_id": my_student.pk, "pk": record.pk})
    response = client.post(url, {"date": "2026-10-09", "topic": "改过的主题", "content": "内容"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.topic == "改过的主题" and record.teacher == teacher


def test_records_are_scoped_to_students_of_my_classes(client, teacher, my_student):
    stranger = student_in_class(ClassListFactory(class_teacher=class_teacher("teacher_b")))
    assert client.get(reverse(LIST, kwargs={"student_id": stranger.pk})).status_code == 404
    response = client.post(
        reverse(ADD, kwargs={"student_id": stranger.pk}), {"date": "2026-10-08", "topic": "t", "content": "c"}
    )
    assert response.status_code == 404
    assert not TalkRecord.objects.exists()


def test_another_teachers_record_cannot_be_edited(client, teacher, my_student):
    record = TalkRecordFactory(student=my_student, topic="原主题")
    url = reverse(CHANGE, kwargs={"student_id": my_student.pk, "pk": record.pk})
    assert client.post(url, {"date": "2026-10-09", "topic": "篡改", "content": "c"}).status_code == 404
    record.refresh_from_db()
    assert record.topic == "原主题"
