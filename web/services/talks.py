"""Talk records (谈话记录): a class teacher's talks with the students of their classes."""

from django.db.models import QuerySet

from web.models import Student, TalkRecord, UserInfo


def talk_records_of(*, user: UserInfo, student: Student) -> QuerySet[TalkRecord]:
    """The talk records of ``student`` that ``user`` wrote and may edit."""
    return TalkRecord.objects.filter(student=student, teacher=user)
