"""Reads that carry the class teachers' scope (DESIGN.md §4 rule 7, §5 data scopes).

A class teacher (班主任: a member of the teaching-quality department) works on the classes
where they are the class teacher, and on those classes' students and records; another class's
pages are 404, as another consultant's customers are. The administrator sees every class, and
so does staff outside teaching quality whose role opens these pages (finance's student list).
"""

from django.db.models import Q, QuerySet

from web.models import ClassList, Department, Student, UserInfo


def is_class_scoped(user: UserInfo) -> bool:
    """Whether ``user`` sees only the classes where they are the class teacher."""
    if user.is_superuser:
        return False
    return user.depart_id is not None and user.depart.kind == Department.Kind.TEACHING_QUALITY


def classes_visible(*, user: UserInfo) -> QuerySet[ClassList]:
    """The classes ``user`` may see and work on."""
    classes = ClassList.objects.all()
    return classes.filter(class_teacher=user) if is_class_scoped(user) else classes


def classes_visible_condition(*, user: UserInfo) -> Q:
    """``classes_visible`` as a condition on ClassList rows (for filters and choices)."""
    return Q(class_teacher=user) if is_class_scoped(user) else Q()


def students_visible(*, user: UserInfo) -> QuerySet[Student]:
    """The students in one of the classes ``user`` may see (every student when not scoped)."""
    if not is_class_scoped(user):
        return Student.objects.all()
    return Student.objects.filter(pk__in=Student.objects.filter(class_list__class_teacher=user).values("pk"))
