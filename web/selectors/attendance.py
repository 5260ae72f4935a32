"""Reads of attendance (考勤): one lesson's records, one student's counts and history."""

from django.db.models import Count, QuerySet

from web.models import CourseRecord, Student, StudyRecord


def attendance_of(*, course_record: CourseRecord) -> QuerySet[StudyRecord]:
    """The attendance records of one course record, in a stable order for the batch page."""
    return (
        StudyRecord.objects.filter(course_record=course_record)
        .select_related("student__customer")
        .order_by("student__customer__name", "pk")
    )


def attendance_counts(*, student: Student) -> dict[str, int]:
    """How many lessons of each attendance kind ``student`` has, every kind present (0 if none)."""
    counts = dict.fromkeys(StudyRecord.Record.values, 0)
    for row in StudyRecord.objects.filter(student=student).values("record").annotate(n=Count("pk")).order_by():
        counts[row["record"]] = row["n"]
    return counts


def attendance_history(*, student: Student) -> QuerySet[StudyRecord]:
    """Every attendance record of ``student``, the latest lesson first, with its class."""
    return (
        StudyRecord.objects.filter(student=student)
        .select_related("course_record__class_object__course", "course_record__class_object__school")
        .order_by("-course_record__date", "-course_record__day_num")
    )
