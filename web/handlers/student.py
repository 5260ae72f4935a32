"""Students (学员) for class teachers: list, edit contact fields and classes, attendance history."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stark.handlers import StarkHandler
from stark.search import Option
from stark.utils import check_permission, check_scope, nested_url
from web.forms.students import StudentChangeForm
from web.handlers.approval import class_option
from web.models import Student, StudyRecord
from web.selectors.attendance import attendance_counts, attendance_history
from web.selectors.teaching import STUDENT_SCOPE, students_flag_in_scope

#: Links from a student's row to their record pages: (URL name, label, icon, only for the
#: students of the user's own classes — the pages that 404 for anyone else's student).
STUDENT_LINKS = [
    ("stark:web_scorerecord_list", _("Score records"), "fa-star", False),
    ("stark:web_talkrecord_list", _("Talk records"), "fa-comments", True),
    ("stark:web_classchange_list", _("Transfer / repeat"), "fa-exchange", True),
]
#: The page whose data scope says which students are "own" for the links above.
OWN_ONLY_SCOPE_PAGE = "stark:web_talkrecord_list"


class StudentHandler(StarkHandler):
    search_list = ["customer__name", "qq", "mobile"]
    search_group = [class_option("class_list", visible_only=True), Option("student_status")]
    list_select_related = ["customer"]
    list_prefetch_related = ["class_list__course", "class_list__school"]
    model_form_class = StudentChangeForm
    has_add_btn = False
    form_template = "web/student_form.html"

    def display_name(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        return _("name") if is_header else obj.customer.name

    display_name.order_field = "customer__name_pinyin"  # pinyin order (web.fields)

    def display_classes(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        if is_header:
            return _("classes")
        return format_html_join(", ", "{}", ((str(klass),) for klass in obj.class_list.all()))

    def display_links(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        if is_header:
            return _("Records")
        links = [
            (nested_url(request, reverse(name, kwargs={"student_id": obj.pk})), label, icon)
            for name, label, icon, own_only in STUDENT_LINKS
            if check_permission(request, name)  # answered once per request, not per row
            and (obj.is_own or not own_only)
        ]
        return format_html_join(
            " ",
            '<a href="{}" class="btn btn-sm btn-outline-secondary"><i class="fa {}"></i> {}</a>',
            ((url, icon, label) for url, label, icon in links),
        )

    list_display = [
        display_name,
        "qq",
        "mobile",
        display_classes,
        "student_status",
        "score",
        display_links,
        StarkHandler.display_edit,
    ]

    def get_list_display(self, request: HttpRequest, *args, **kwargs) -> list:
        # No empty "Records" column for a user who may open none of those pages (finance).
        columns = super().get_list_display(request, *args, **kwargs)
        if not any(check_permission(request, name) for name, *_rest in STUDENT_LINKS):
            columns.remove(StudentHandler.display_links)
        return columns

    #: The data scope "own" is the students of a class teacher's classes (web.selectors.teaching).
    scope_lookups = STUDENT_SCOPE

    def get_queryset(self, request: HttpRequest, *args, **kwargs):
        # ``is_own``: the student is in the scope of the talk-record pages (their links 404 otherwise).
        scope = check_scope(request, OWN_ONLY_SCOPE_PAGE)
        return students_flag_in_scope(user=request.user, scope=scope, queryset=Student.objects.all())

    has_export_btn = True
    export_list = ["id", display_name, "qq", "mobile", display_classes, "student_status", "score"]

    #: Students come from payment applications: no add or delete page (the export comes with the list).
    pages = ("list", "change")

    def render_form(self, request: HttpRequest, form, is_add: bool, *args, **kwargs):
        response = super().render_form(request, form, is_add, *args, **kwargs)
        student = form.instance
        kinds = dict(StudyRecord.Record.choices)
        counts = attendance_counts(student=student)
        response.context_data.update(
            {
                "title": gettext("Student %(name)s") % {"name": student},
                "student": student,
                "classes": student.class_list.select_related("course", "school"),
                "attendance_counts": [(kinds[value], counts[value]) for value in StudyRecord.Record.values],
                "attendance_history": attendance_history(student=student),
            }
        )
        return response
