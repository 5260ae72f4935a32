"""Course records and attendance (考勤) (DESIGN.md §4 rule 9); the reads are in web.selectors.attendance."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stark.utils import clean_pks
from web.models import CourseRecord, Student, StudyRecord
from web.services.locks import retry_on_conflict


@dataclass(frozen=True)
class AttendanceGenerateResult:
    created: int
    course_records: int


@dataclass(frozen=True)
class AttendanceSaveResult:
    saved: int


@retry_on_conflict
@transaction.atomic
def attendance_generate(*, course_record_ids: Iterable[int]) -> AttendanceGenerateResult:
    """Create one "checked in" record per studying student of the class for each course record.

    Records that exist are skipped, so a second run creates nothing. The work is a constant
    number of queries whatever the class size: the course records, the (class, student) pairs,
    the existing (course record, student) pairs, and one bulk INSERT. ``ignore_conflicts``
    keeps a concurrent run from failing on the unique (course_record, student) constraint; in
    that race ``created`` may count rows the other run inserted first (never a duplicate row).
    """
    ids = clean_pks(CourseRecord, course_record_ids)
    records = list(CourseRecord.objects.filter(pk__in=ids).values_list("pk", "class_object_id"))
    if not records:
        return AttendanceGenerateResult(created=0, course_records=0)

    students_by_class: dict[int, list[int]] = {}
    memberships = Student.class_list.through.objects.filter(
        classlist_id__in={class_id for _pk, class_id in records},
        student__student_status=Student.Status.STUDYING,
    ).values_list("classlist_id", "student_id")
    for class_id, student_id in memberships:
        students_by_class.setdefault(class_id, []).append(student_id)

    existing = set(
        StudyRecord.objects.filter(course_record_id__in=[pk for pk, _class_id in records]).values_list(
            "course_record_id", "student_id"
        )
    )
    new_rows = [
        StudyRecord(course_record_id=record_id, student_id=student_id, record=StudyRecord.Record.CHECKED_IN)
        for record_id, class_id in records
        for student_id in students_by_class.get(class_id, ())
        if (record_id, student_id) not in existing
    ]
    StudyRecord.objects.bulk_create(new_rows, ignore_conflicts=True)
    return AttendanceGenerateResult(created=len(new_rows), course_records=len(records))


@retry_on_conflict
@transaction.atomic
def attendance_save(*, course_record: CourseRecord, records: Mapping[int, str]) -> AttendanceSaveResult:
    """Set the attendance of several records of ``course_record`` at once, all or nothing.

    ``records`` maps a StudyRecord id to its new value. An id that belongs to another course
    record (a tampered form) or an unknown value rejects the whole batch.
    """
    valid_values = set(StudyRecord.Record.values)
    bad_values = {value for value in records.values() if value not in valid_values}
    if bad_values:
        raise ValidationError(_("Unknown attendance value."), code="invalid_choice")
    cleaned = {pk: value for raw, value in records.items() for pk in clean_pks(StudyRecord, [raw])}
    owned = set(StudyRecord.objects.filter(course_record=course_record, pk__in=cleaned).values_list("pk", flat=True))
    if len(cleaned) != len(records) or owned != set(cleaned):
        raise ValidationError(_("Some records do not belong to this lesson."), code="foreign_record")

    by_value: dict[str, list[int]] = {}
    for pk, value in cleaned.items():
        by_value.setdefault(value, []).append(pk)
    # One UPDATE per attendance kind (at most five), not one per student.
    for value, pks in by_value.items():
        StudyRecord.objects.filter(pk__in=pks).update(record=value)
    return AttendanceSaveResult(saved=len(cleaned))
