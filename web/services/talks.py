"""Talk records (谈话记录): a class teacher's talks with the students of their classes."""

from django.db.models import BooleanField, Exists, OuterRef, QuerySet, Value

from web.models import Student, TalkRecord, UserInfo


def students_of_class_teacher(*, user: UserInfo) -> QuerySet[Student]:
    """Students in at least one class whose class teacher is ``user`` (every student for a superuser)."""
    if user.is_superuser:
        return Student.objects.all()
    return Student.objects.filter(pk__in=Student.objects.filter(class_list__class_teacher=user).values("pk"))


def students_flag_own(*, user: UserInfo, queryset: QuerySet[Student]) -> QuerySet[Student]:
    """``queryset`` annotated with ``is_own``: whether the student is one ``students_of_class_teacher`` lists.

    One subquery in the list's own query, so a list can tell its rows apart without a query per row.
    """
    if user.is_superuser:
        return queryset.annotate(is_own=Value(True, output_field=BooleanField()))
    taught = Student.class_list.through.objects.filter(student_id=OuterRef("pk"), classlist__class_teacher=user)
    return queryset.annotate(is_own=Exists(taught))


def talk_records_of(*, user: UserInfo, student: Student) -> QuerySet[TalkRecord]:
    """The talk records of ``student`` that ``user`` wrote and may edit."""
    return TalkRecord.objects.filter(student=student, teacher=user)
