"""Reads that carry the classes' data scope (DESIGN.md §4 rule 7, §5 data scopes).

Which classes — and so which students and records — a user works on is their role's data scope
on the page (rbac: ``all`` / ``department`` / ``own``, asked through stark's ``get_scope``):
``own`` is the classes where they are the class teacher (班主任), ``department`` the classes whose
class teacher is in their department, ``all`` every class. The demo class-teacher role has
``own``: another teacher's class, its students and their records are 404, as another consultant's
customers are. The administrator and finance (the student list) have ``all``.
"""

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet, Value

from web.models import ClassList, Student, TalkRecord, UserInfo

#: What the data scopes mean for a class (stark's ``scope_lookups``): its class teacher.
CLASS_SCOPE = {"own": "class_teacher", "department": "class_teacher__depart__staff"}


def scope_through(path: str, lookups: dict[str, str] = CLASS_SCOPE) -> dict[str, str]:
    """``lookups`` seen from a model related to the class by ``path`` (``"class_list"`` for a student)."""
    return {scope: f"{path}__{lookup}" for scope, lookup in lookups.items()}


#: A student belongs to the scope of each of their classes.
STUDENT_SCOPE = scope_through("class_list")


def class_scope_condition(*, user: UserInfo, scope: str) -> Q:
    """The classes of data scope ``scope`` for ``user``, as a condition on ClassList rows."""
    lookup = CLASS_SCOPE.get(scope)
    return Q(**{lookup: user}) if lookup else Q()


def classes_in_scope(*, user: UserInfo, scope: str) -> QuerySet[ClassList]:
    """The classes ``user`` works on with data scope ``scope``."""
    return ClassList.objects.filter(class_scope_condition(user=user, scope=scope))


def students_in_scope(*, user: UserInfo, scope: str) -> QuerySet[Student]:
    """The students in at least one class of ``classes_in_scope`` (each once)."""
    lookup = STUDENT_SCOPE.get(scope)
    if not lookup:
        return Student.objects.all()
    return Student.objects.filter(pk__in=Student.objects.filter(**{lookup: user}).values("pk"))


def students_flag_in_scope(*, user: UserInfo, scope: str, queryset: QuerySet[Student]) -> QuerySet[Student]:
    """``queryset`` annotated with ``is_own``: whether the student is one ``students_in_scope`` lists.

    One subquery in the list's own query, so a list can tell its rows apart without a query per row.
    """
    lookup = CLASS_SCOPE.get(scope)
    if not lookup:
        return queryset.annotate(is_own=Value(True, output_field=BooleanField()))
    links = Student.class_list.through.objects.filter(student_id=OuterRef("pk"), **{f"classlist__{lookup}": user})
    return queryset.annotate(is_own=Exists(links))


def classes_with_counts() -> QuerySet[ClassList]:
    """Every class with ``studying_count``: its students whose status is "studying" (others left or graduated)."""
    studying = Count("students", filter=Q(students__student_status=Student.Status.STUDYING), distinct=True)
    return ClassList.objects.annotate(studying_count=studying)


def talk_records_of(*, user: UserInfo, student: Student) -> QuerySet[TalkRecord]:
    """The talk records of ``student`` that ``user`` wrote and may edit (a page rule, whatever the scope)."""
    return TalkRecord.objects.filter(student=student, teacher=user)


def talk_records_in_scope() -> QuerySet[TalkRecord]:
    """Every talk record, for the list of the class teacher's classes' talks (narrowed by the page's
    data scope through the student, ``scope_through("student", STUDENT_SCOPE)``)."""
    return TalkRecord.objects.all()


def talk_records_of_classes(*, teacher: UserInfo) -> QuerySet[TalkRecord]:
    """The talk records of the students of ``teacher``'s classes, whoever wrote them: what the
    talk-record list shows under the ``own`` scope."""
    return TalkRecord.objects.filter(student__in=students_in_scope(user=teacher, scope="own").values("pk"))
