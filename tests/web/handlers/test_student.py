import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, CourseRecordFactory, CustomerFactory, StudyRecordFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class
from web.models import Student, StudyRecord

pytestmark = pytest.mark.django_db

LIST = "stark:web_student_list"
CHANGE = "stark:web_student_change"


@pytest.fixture
def teacher(client):
    user = class_teacher()
    grant_permissions(user, LIST, CHANGE, scope="own")
    client.force_login(user)
    return user


def listed(response):
    return set(response.context["page"].object_list)


def test_list_searches_name_qq_mobile_and_filters_by_class_and_status(client, teacher):
    klass = ClassListFactory(class_teacher=teacher)
    wanted = student_in_class(klass, customer=CustomerFactory(name="王小明", qq="55501"), mobile="13912345678")
    other = student_in_class(ClassListFactory(class_teacher=teacher), student_status=Student.Status.APPLYING)
    assert listed(client.get(reverse(LIST), {"q": "小明"})) == {wanted}
    assert listed(client.get(reverse(LIST), {"q": "55501"})) == {wanted}
    assert listed(client.get(reverse(LIST), {"q": "12345678"})) == {wanted}
    assert listed(client.get(reverse(LIST), {"class_list": klass.pk})) == {wanted}
    assert listed(client.get(reverse(LIST), {"student_status": "applying"})) == {other}


def test_list_shows_name_classes_and_score(client, teacher):
    klass = ClassListFactory(class_teacher=teacher)
    student_in_class(klass, customer=CustomerFactory(name="赵一鸣"), score=97)
    html = client.get(reverse(LIST)).content.decode()
    assert "赵一鸣" in html and str(klass) in html and "97" in html


def test_list_query_count_is_constant(client, teacher, django_assert_max_num_queries):
    klass = ClassListFactory(class_teacher=teacher)
    for _ in range(12):
        student_in_class(klass)
    with django_assert_max_num_queries(12):
        assert len(client.get(reverse(LIST)).context["rows"]) == 12


def test_change_saves_contact_fields_but_neither_the_classes_nor_the_score(client, teacher):
    klass = ClassListFactory(class_teacher=teacher)
    student = student_in_class(klass, score=90)
    new_class = ClassListFactory(class_teacher=teacher)
    assert "class_list" not in client.get(reverse(CHANGE, kwargs={"pk": student.pk})).context["form"].fields
    response = client.post(
        reverse(CHANGE, kwargs={"pk": student.pk}),
        {
            "qq": "77700001",
            "mobile": "13700000000",
            "emergency_contract": "母亲",
            "class_list": [new_class.pk],
            "memo": "需要多关注",
            "score": 1000,
        },
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert (student.qq, student.mobile, student.memo, student.score) == ("77700001", "13700000000", "需要多关注", 90)
    assert list(student.class_list.all()) == [klass]  # classes change by payment or application only


def test_student_page_shows_attendance_history_and_counts_per_kind(client, teacher, settings):
    settings.LANGUAGE_CODE = "en"
    student = student_in_class(ClassListFactory(class_teacher=teacher))
    for day, record in [(1, "late"), (2, "late"), (3, "noshow"), (4, "checked")]:
        StudyRecordFactory(student=student, course_record=CourseRecordFactory(day_num=day), record=record)
    response = client.get(reverse(CHANGE, kwargs={"pk": student.pk}))
    assert response.status_code == 200
    counts = dict(response.context["attendance_counts"])
    assert (counts["late"], counts["absent"], counts["checked in"], counts["on leave"]) == (2, 1, 1, 0)
    assert len(response.context["attendance_history"]) == 4
    assert "late: 2" in response.content.decode()
    assert StudyRecord.objects.count() == 4


def test_only_the_class_teacher_role_reaches_students(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="someone"))
    assert client.get(reverse(LIST)).status_code == 403


def test_change_page_query_count_does_not_grow_with_classes(client, teacher, django_assert_max_num_queries):
    student = student_in_class(ClassListFactory(class_teacher=teacher))
    for _ in range(10):
        student.class_list.add(ClassListFactory(class_teacher=teacher))
    with django_assert_max_num_queries(12):
        assert client.get(reverse(CHANGE, kwargs={"pk": student.pk})).status_code == 200


def test_list_links_talks_and_class_changes_only_for_students_of_my_classes(client, teacher):
    grant_permissions(teacher, "stark:web_talkrecord_list", "stark:web_classchange_list", "stark:web_scorerecord_list")
    mine = student_in_class(ClassListFactory(class_teacher=teacher))
    other = student_in_class(ClassListFactory())
    response = client.get(reverse(LIST))
    html = response.content.decode()
    for name in ("stark:web_talkrecord_list", "stark:web_classchange_list", "stark:web_scorerecord_list"):
        assert reverse(name, kwargs={"student_id": mine.pk}) in html
        # A student outside the teacher's classes is not listed, and their pages answer 404.
        assert reverse(name, kwargs={"student_id": other.pk}) not in html
        assert client.get(reverse(name, kwargs={"student_id": other.pk})).status_code == 404
    assert listed(response) == {mine}


def test_records_column_is_absent_for_a_user_who_may_open_none_of_those_pages(client, teacher, settings):
    settings.LANGUAGE_CODE = "en"
    student_in_class()
    headers = [str(header["text"]) for header in client.get(reverse(LIST)).context["headers"]]
    assert "Records" not in headers
    grant_permissions(teacher, "stark:web_scorerecord_list")
    headers = [str(header["text"]) for header in client.get(reverse(LIST)).context["headers"]]
    assert "Records" in headers
