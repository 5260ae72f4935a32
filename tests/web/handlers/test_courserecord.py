import datetime

import pytest
from django.urls import reverse

from tests.factories import ClassListFactory, CourseRecordFactory, StudyRecordFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import class_teacher, english, lecturer, messages_of, student_in_class  # noqa: F401
from web.models import CourseRecord, StudyRecord

pytestmark = pytest.mark.django_db

LIST = "stark:web_courserecord_list"
ADD = "stark:web_courserecord_add"
CHANGE = "stark:web_courserecord_change"
DELETE = "stark:web_courserecord_delete"
INIT = "stark:web_courserecord_multi_init"
ATTENDANCE = "stark:web_courserecord_attendance"
Record = StudyRecord.Record


@pytest.fixture
def teacher(client):
    user = class_teacher()
    grant_permissions(user, LIST, ADD, CHANGE, DELETE, INIT, ATTENDANCE, scope="own")
    client.force_login(user)
    return user


@pytest.fixture
def klass(teacher):
    klass = ClassListFactory(class_teacher=teacher)
    klass.tech_teachers.add(lecturer("lecturer_a"))
    return klass


def form_data(klass, day=1, teacher=None):
    teacher = teacher or klass.tech_teachers.get()
    return {"day_num": day, "teacher": teacher.pk, "date": "2026-09-02"}


def test_list_shows_the_class_records_with_attendance_links(client, teacher, klass):
    record = CourseRecordFactory(class_object=klass, day_num=3)
    CourseRecordFactory(day_num=99)  # another class
    response = client.get(reverse(LIST, kwargs={"class_id": klass.pk}))
    assert list(response.context["page"].object_list) == [record]
    assert (
        reverse(ATTENDANCE, kwargs={"class_id": klass.pk, "course_record_id": record.pk}) in response.content.decode()
    )


def test_add_sets_the_class_from_the_url(client, teacher, klass):
    response = client.post(reverse(ADD, kwargs={"class_id": klass.pk}), form_data(klass, day=1))
    assert response.status_code == 302
    record = CourseRecord.objects.get()
    assert (record.class_object, record.day_num, record.date) == (klass, 1, datetime.date(2026, 9, 2))


def test_teacher_must_be_one_of_the_class_teachers(client, teacher, klass):
    outsider = lecturer("lecturer_b")
    response = client.post(reverse(ADD, kwargs={"class_id": klass.pk}), form_data(klass, teacher=outsider))
    assert response.status_code == 200
    assert "teacher" in response.context["form"].errors
    assert not CourseRecord.objects.exists()


@pytest.mark.usefixtures("english")
def test_same_day_twice_is_a_clear_form_error(client, teacher, klass):
    CourseRecordFactory(class_object=klass, day_num=1)
    response = client.post(reverse(ADD, kwargs={"class_id": klass.pk}), form_data(klass, day=1))
    assert response.status_code == 200
    assert response.context["form"].errors["day_num"] == ["Lesson 1 of this class already has a course record."]
    # The same day in another class is fine.
    other = ClassListFactory(class_teacher=teacher)
    other.tech_teachers.add(klass.tech_teachers.get())
    assert client.post(reverse(ADD, kwargs={"class_id": other.pk}), form_data(other, day=1)).status_code == 302


def test_a_lesson_is_called_by_its_number_the_same_way_everywhere(client, teacher, klass):
    """One word for a lesson (issue 13): 节次 for the number, 第N节 for the lesson, never 第N天."""
    lesson = CourseRecordFactory(class_object=klass, day_num=3)
    listing = client.get(reverse(LIST, kwargs={"class_id": klass.pk})).content.decode()
    assert ">节次<" in listing
    attendance = client.get(reverse(ATTENDANCE, kwargs={"class_id": klass.pk, "course_record_id": lesson.pk}))
    assert attendance.context["title"] == f"{klass} 第3节 考勤"
    assert str(lesson) == f"{klass} 第3节"
    response = client.post(reverse(ADD, kwargs={"class_id": klass.pk}), form_data(klass, day=3))
    assert response.context["form"].errors["day_num"] == ["该班级的第3节已有上课记录。"]
    constraint = CourseRecord._meta.constraints[0]
    assert str(constraint.violation_error_message) == "该班级已有该节次的上课记录。"
    for page in (listing, attendance.content.decode(), response.content.decode()):
        assert "第3天" not in page and "这一天" not in page


def test_record_of_another_class_gives_404(client, teacher, klass):
    foreign = CourseRecordFactory()
    assert client.get(reverse(CHANGE, kwargs={"class_id": klass.pk, "pk": foreign.pk})).status_code == 404
    assert client.post(reverse(DELETE, kwargs={"class_id": klass.pk, "pk": foreign.pk})).status_code == 404
    url = reverse(ATTENDANCE, kwargs={"class_id": klass.pk, "course_record_id": foreign.pk})
    assert client.get(url).status_code == 404
    assert client.get(reverse(LIST, kwargs={"class_id": 987654})).status_code == 404


@pytest.mark.usefixtures("english")
def test_multi_init_generates_once_and_reports_the_count(client, teacher, klass):
    for _ in range(3):
        student_in_class(klass)
    records = [CourseRecordFactory(class_object=klass) for _ in range(2)]
    url = reverse(LIST, kwargs={"class_id": klass.pk})
    response = client.post(url, {"action": "multi_init", "pk": [r.pk for r in records]})
    assert messages_of(response) == ["Created 6 attendance records for 2 course records."]
    response = client.post(url, {"action": "multi_init", "pk": [r.pk for r in records]})
    assert messages_of(response)[-1] == "Created 0 attendance records for 2 course records."
    assert StudyRecord.objects.count() == 6


def test_multi_init_ignores_records_of_another_class(client, teacher, klass):
    foreign_class = ClassListFactory()
    student_in_class(foreign_class)
    foreign = CourseRecordFactory(class_object=foreign_class)
    client.post(reverse(LIST, kwargs={"class_id": klass.pk}), {"action": "multi_init", "pk": [foreign.pk]})
    assert not StudyRecord.objects.exists()


@pytest.fixture
def lesson_with_rows(klass):
    lesson = CourseRecordFactory(class_object=klass)
    rows = [StudyRecordFactory(course_record=lesson, student=student_in_class(klass)) for _ in range(3)]
    return lesson, rows


def formset_data(rows, values):
    data = {
        "form-TOTAL_FORMS": len(rows),
        "form-INITIAL_FORMS": len(rows),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        data[f"form-{index}-id"] = row.pk
        data[f"form-{index}-record"] = value
    return data


def attendance_url(lesson):
    return reverse(ATTENDANCE, kwargs={"class_id": lesson.class_object_id, "course_record_id": lesson.pk})


def test_attendance_page_lists_every_student_of_the_lesson(client, teacher, lesson_with_rows):
    lesson, rows = lesson_with_rows
    response = client.get(attendance_url(lesson))
    assert response.status_code == 200
    assert len(response.context["formset"].forms) == 3
    html = response.content.decode()
    assert all(str(row.student) in html for row in rows)


def test_attendance_saves_every_row_in_one_submit(client, teacher, lesson_with_rows):
    lesson, rows = lesson_with_rows
    response = client.post(attendance_url(lesson), formset_data(rows, [Record.LATE, Record.ABSENT, Record.VACATE]))
    assert response.status_code == 302
    assert [StudyRecord.objects.get(pk=r.pk).record for r in rows] == [Record.LATE, Record.ABSENT, Record.VACATE]


def test_attendance_rejects_a_row_of_another_lesson_and_saves_nothing(client, teacher, lesson_with_rows):
    lesson, rows = lesson_with_rows
    foreign = StudyRecordFactory()
    tampered = [*rows[:2], foreign]
    response = client.post(attendance_url(lesson), formset_data(tampered, [Record.LATE, Record.LATE, Record.ABSENT]))
    assert response.status_code == 200
    assert not response.context["formset"].is_valid()
    assert set(StudyRecord.objects.values_list("record", flat=True)) == {Record.CHECKED_IN}


def test_attendance_invalid_choice_is_a_form_error_and_nothing_is_half_saved(client, teacher, lesson_with_rows):
    lesson, rows = lesson_with_rows
    response = client.post(attendance_url(lesson), formset_data(rows, [Record.LATE, "asleep", Record.ABSENT]))
    assert response.status_code == 200
    assert "record" in response.context["formset"].forms[1].errors
    assert set(StudyRecord.objects.values_list("record", flat=True)) == {Record.CHECKED_IN}


def test_attendance_page_query_count_is_constant(client, teacher, klass, django_assert_max_num_queries):
    lesson = CourseRecordFactory(class_object=klass)
    for _ in range(15):
        StudyRecordFactory(course_record=lesson, student=student_in_class(klass))
    with django_assert_max_num_queries(12):
        assert client.get(attendance_url(lesson)).status_code == 200


def test_pages_need_the_class_teacher_permissions(client, klass):
    record = CourseRecordFactory(class_object=klass)
    consultant = UserFactory(username="consultant_z")
    grant_permissions(consultant, "stark:web_paymentrecord_list")
    client.force_login(consultant)
    assert client.get(reverse(LIST, kwargs={"class_id": klass.pk})).status_code == 403
    assert client.get(attendance_url(record)).status_code == 403
    assert client.post(reverse(INIT, kwargs={"class_id": klass.pk}), {"pk": [record.pk]}).status_code == 403


def test_links_and_actions_follow_the_users_permissions(client, klass):
    record = CourseRecordFactory(class_object=klass)
    viewer = class_teacher("teacher_view")
    klass.class_teacher = viewer  # the viewer's own class, seen with the list permission only
    klass.save()
    grant_permissions(viewer, LIST)
    client.force_login(viewer)
    response = client.get(reverse(LIST, kwargs={"class_id": klass.pk}))
    html = response.content.decode()
    assert response.context["actions"] == []
    assert attendance_url(record) not in html
    assert 'name="pk"' not in html


def test_anonymous_is_sent_to_login(client, klass):
    client.logout()
    response = client.get(reverse(LIST, kwargs={"class_id": klass.pk}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_teacher_is_preselected_when_the_class_has_only_one_lecturer(client, teacher, klass):
    form = client.get(reverse(ADD, kwargs={"class_id": klass.pk})).context["form"]
    assert form["teacher"].value() == klass.tech_teachers.get().pk
    klass.tech_teachers.add(lecturer("lecturer_c"))
    form = client.get(reverse(ADD, kwargs={"class_id": klass.pk})).context["form"]
    assert form["teacher"].value() is None  # two to choose from: nobody is picked for the user
