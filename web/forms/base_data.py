"""Forms of the campus, department and course pages.

Only to word the "name already taken" error: Django's generic one reads
"校区 with this 校区 already exists" ("具有 校区 的 校区 已存在。") for these models.
"""

from django.utils.translation import gettext_lazy as _

from stark.forms import StarkModelForm
from web.models import Course, Department, School


class SchoolForm(StarkModelForm):
    class Meta:
        model = School
        fields = ["title"]
        error_messages = {"title": {"unique": _("A campus with this name already exists.")}}


class DepartmentForm(StarkModelForm):
    class Meta:
        model = Department
        fields = ["title", "kind"]
        error_messages = {"title": {"unique": _("A department with this name already exists.")}}


class CourseForm(StarkModelForm):
    class Meta:
        model = Course
        fields = ["name"]
        error_messages = {"name": {"unique": _("A course with this name already exists.")}}
