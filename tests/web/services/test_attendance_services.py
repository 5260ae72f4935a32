import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.concurrency import mysql_only, run_concurrently
from tests.factories import ClassListFactory, CourseRecordFactory, StudentFactory, StudyRecordFactory
from web.models import CourseRecord, Student, StudyRecord
from web.selectors.attendance import attendance_counts
from web.services.attendance import attendance_generate, attendance_save

pytestmark = pytest.mark.django_db
Record = StudyRecord.Record


def class_with_students(n, **student_kwargs):
    klass = ClassListFactory()
    for _ in range(n):
        StudentFactory(**student_kwargs).class_list.add(klass)
    return klass


def test_generates_one_checked_in_record_per_studying_student_and_lesson():
    klass = class_with_students(3)
    StudentFactory(student_status=Student.Status.WITHDRAWN).class_list.add(klass)
    StudentFactory(student_status=Student.Status.APPLYING).class_list.add(klass)
    StudentFactory().class_list.add(ClassListFactory())  # studying, another class
    lessons = [CourseRecordFactory(class_object=klass) for _ in range(2)]

    result = attendance_generate(course_record_ids=[c.pk for c in lessons])

    assert (result.created, result.course_records) == (6, 2)
    assert StudyRecord.objects.count() == 6
    assert set(StudyRecord.objects.values_list("record", flat=True)) == {Record.CHECKED_IN}
    assert set(StudyRecord.objects.values_list("student__student_status", flat=True)) == {Student.Status.STUDYING}
    assert set(StudyRecord.objects.values_list("student__class_list", flat=True)) == {klass.pk}


def test_generating_twice_creates_nothing_the_second_time_and_keeps_edits():
    klass = class_with_students(3)
    lesson = CourseRecordFactory(class_object=klass)
    attendance_generate(course_record_ids=[lesson.pk])
    StudyRecord.objects.filter(pk=StudyRecord.objects.first().pk).update(record=Record.LATE)

    result = attendance_generate(course_record_ids=[lesson.pk])

    assert result.created == 0
    assert StudyRecord.objects.count() == 3
    assert StudyRecord.objects.filter(record=Record.LATE).count() == 1


def test_new_student_is_added_to_an_already_generated_lesson():
    klass = class_with_students(2)
    lesson = CourseRecordFactory(class_object=klass)
    attendance_generate(course_record_ids=[lesson.pk])
    StudentFactory().class_list.add(klass)
    assert attendance_generate(course_record_ids=[lesson.pk]).created == 1


def test_unknown_ids_create_nothing():
    assert attendance_generate(course_record_ids=[987654]).created == 0


def _generate_and_capture(size):
    klass = class_with_students(size)
    lessons = [CourseRecordFactory(class_object=klass) for _ in range(2)]
    with CaptureQueriesContext(connection) as captured:
        result = attendance_generate(course_record_ids=[c.pk for c in lessons])
    assert result.created == 2 * size
    return [q["sql"] for q in captured.captured_queries]


def test_generation_query_count_is_the_same_for_5_and_50_students(django_assert_max_num_queries):
    small = _generate_and_capture(5)
    large = _generate_and_capture(50)
    assert len(small) == len(large)
    assert sum(sql.startswith("INSERT") for sql in large) == 1
    with django_assert_max_num_queries(6):  # 3 reads + 1 insert + savepoint bookkeeping
        attendance_generate(course_record_ids=list(CourseRecord.objects.values_list("pk", flat=True)))


def test_save_changes_every_row_in_one_go():
    lesson = CourseRecordFactory()
    rows = [StudyRecordFactory(course_record=lesson) for _ in range(3)]
    result = attendance_save(
        course_record=lesson, records={rows[0].pk: Record.LATE, rows[1].pk: Record.ABSENT, rows[2].pk: Record.LATE}
    )
    assert result.saved == 3
    assert dict(StudyRecord.objects.values_list("pk", "record")) == {
        rows[0].pk: Record.LATE,
        rows[1].pk: Record.ABSENT,
        rows[2].pk: Record.LATE,
    }


def test_save_rejects_a_record_of_another_lesson_and_saves_nothing():
    lesson = CourseRecordFactory()
    own = StudyRecordFactory(course_record=lesson)
    foreign = StudyRecordFactory()
    with pytest.raises(ValidationError):
        attendance_save(course_record=lesson, records={own.pk: Record.LATE, foreign.pk: Record.ABSENT})
    assert set(StudyRecord.objects.values_list("record", flat=True)) == {Record.CHECKED_IN}


def test_save_rejects_an_unknown_value():
    lesson = CourseRecordFactory()
    own = StudyRecordFactory(course_record=lesson)
    with pytest.raises(ValidationError):
        attendance_save(course_record=lesson, records={own.pk: "sleeping"})
    own.refresh_from_db()
    assert own.record == Record.CHECKED_IN


def test_counts_per_kind_include_zeros():
    student = StudentFactory()
    StudyRecordFactory(student=student, record=Record.LATE)
    StudyRecordFactory(student=student, record=Record.LATE)
    StudyRecordFactory(student=student, record=Record.ABSENT)
    counts = attendance_counts(student=student)
    assert counts == {
        Record.CHECKED_IN: 0,
        Record.VACATE: 0,
        Record.LATE: 2,
        Record.ABSENT: 1,
        Record.LEAVE_EARLY: 0,
    }


@mysql_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_generations_create_each_record_once():
    klass = class_with_students(20)
    lessons = [CourseRecordFactory(class_object=klass) for _ in range(3)]
    ids = [c.pk for c in lessons]

    results = run_concurrently(
        lambda: attendance_generate(course_record_ids=ids), lambda: attendance_generate(course_record_ids=ids)
    )

    assert StudyRecord.objects.count() == 60
    assert max(r.created for r in results) == 60
