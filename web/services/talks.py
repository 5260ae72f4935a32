"""Talk records (谈话记录): a class teacher's talks with the students of their classes."""

from django.db.models import QuerySet

from web.models import Student, TalkRecord, UserInfo


def students_of_class_teacher(*, user: UserInfo) -> QuerySet[Student]:
    """Students in at least one class whose class teacher is ``user`` (every student for a superuser)."""
    if user.is_superuser:
        return Student.objects.all()
    return Student.objects.filter(pk__in=Student.objects.filter(class_list__class_teacher=user).values("pk"))


def talk_records_of(*, user: UserInfo, student: Student) -> QuerySet[TalkRecord]:
    """The talk records of ``student`` that ``user`` wrote and may edit."""
    return TalkRecord.objects.filter(student=student, teacher=user)
