"""Classes (班级): list with combined search by campus and course, add, edit, delete.

The form (web.forms.classlist) limits the class teacher to the teaching-quality
department and the teachers to the teaching department, checks the dates and shows
the (course, semester, campus) uniqueness rule as a form error.
"""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext

from stark.handlers import StarkHandler
from stark.search import Option
from stark.utils import check_permission, nested_url
from web.forms.classlist import ClassListForm
from web.selectors.teaching import CLASS_SCOPE, classes_with_counts

#: The page of a class's course records and attendance (kwarg ``class_id``).
COURSE_RECORDS = "stark:web_courserecord_list"


class ClassListHandler(StarkHandler):
    def display_title(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs):
        # ClassList.__str__: "course (semester N) · campus"; both come with the row (list_select_related).
        return gettext("Class") if is_header else str(obj)

    display_title.order_field = "course__name"

    def display_course_records(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs):
        """The way from a class to its course records and attendance, for whoever may open them."""
        if is_header:
            return gettext("Course records")
        return format_html(
            '<a href="{}" class="btn btn-sm btn-outline-secondary"><i class="fa fa-calendar-check-o"></i> {}</a>',
            nested_url(request, reverse(COURSE_RECORDS, kwargs={"class_id": obj.pk})),
            gettext("Course records"),
        )

    def display_studying(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs):
        """How many students are studying in the class now (annotated by ``get_queryset``)."""
        return gettext("Studying") if is_header else obj.studying_count

    display_studying.order_field = "studying_count"

    #: The data scope "own" is a class teacher's classes (web.selectors.teaching).
    scope_lookups = CLASS_SCOPE

    def get_queryset(self, request: HttpRequest, *args, **kwargs):
        return classes_with_counts()

    list_display = [
        display_title,
        "school",
        display_studying,
        "price",
        "start_date",
        "graduate_date",
        "class_teacher",
        "tech_teachers",
        display_course_records,
        StarkHandler.display_edit_del,
    ]

    def get_list_display(self, request: HttpRequest, *args, **kwargs) -> list:
        # The column is absent, not refused, for a user who may not open the course records.
        columns = super().get_list_display(request, *args, **kwargs)
        if not check_permission(request, COURSE_RECORDS):
            columns.remove(ClassListHandler.display_course_records)
        return columns

    search_list = ["course__name", "school__title", "class_teacher__name", "memo"]
    search_group = [Option("school"), Option("course")]
    list_select_related = ["course", "school"]
    model_form_class = ClassListForm
