"""Course records (上课记录) of a class, attendance generation and batch attendance (考勤)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stark.handlers import StarkHandler, action
from stark.search import DateRangeOption
from web.forms.attendance import CourseRecordForm, StudyRecordFormSet
from web.models import ClassList, CourseRecord, StudyRecord
from web.selectors.attendance import attendance_of
from web.selectors.teaching import classes_in_scope, scope_through
from web.services.attendance import attendance_generate, attendance_save


class CourseRecordHandler(StarkHandler):
    #: The class of the URL, in the user's data scope (a class teacher's own classes; 404 otherwise).
    parent_kwarg = "class_id"
    parent_field = "class_object"
    scope_lookups = scope_through("class_object")
    #: The list the parent is picked from: the list page links back to it as it was left.
    parent_list_url_name = "stark:web_classlist_list"
    model_form_class = CourseRecordForm
    list_select_related = ["teacher"]
    order_list = ["day_num"]

    def display_attendance(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        if is_header:
            return _("Attendance")
        # Carries the list's state, so saving the attendance returns to the list as it was left.
        url = self.reverse_url(request, "attendance", *args, **{**kwargs, "course_record_id": obj.pk})
        if url is None:
            return ""
        return format_html(
            '<a href="{}" class="btn btn-sm btn-outline-secondary"><i class="fa fa-check-square-o"></i> {}</a>',
            url,
            gettext("Attendance"),
        )

    @action(_("Generate attendance"))
    def multi_init(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> None:
        result = attendance_generate(course_record_ids=queryset.values_list("pk", flat=True))
        messages.success(
            request,
            gettext("Created %(created)d attendance records for %(lessons)d course records.")
            % {"created": result.created, "lessons": result.course_records},
        )

    list_display = [
        StarkHandler.display_checkbox,
        "day_num",
        "teacher",
        "date",
        display_attendance,
        StarkHandler.display_edit_del,
    ]
    action_list = [multi_init]
    #: Issue 12: the class teacher's dashboard links the lessons of the last 4 weeks here.
    search_group = [DateRangeOption("date")]

    # ------------------------------------------------------------------ scoping
    def get_parent_queryset(self, request: HttpRequest) -> QuerySet[ClassList]:
        return classes_in_scope(user=request.user, scope=self.get_scope(request)).select_related("course", "school")

    def get_queryset(self, request: HttpRequest, *args, **kwargs):
        return CourseRecord.objects.all()  # stark narrows it to the URL's class

    def get_list_title(self, request: HttpRequest, context: dict, *args, **kwargs) -> str:
        return gettext("Course records of %(class)s") % {"class": context["class_object"]}

    def render_form(self, request: HttpRequest, form, is_add: bool, *args, **kwargs):
        response = super().render_form(request, form, is_add, *args, **kwargs)
        response.context_data["title"] = gettext("Course record of %(class)s") % {
            "class": response.context_data["class_object"]
        }
        return response

    def get_form(self, request: HttpRequest, is_add: bool, instance, *args, **kwargs):
        form = super().get_form(request, is_add, instance, *args, **kwargs)
        return form.for_class(self.get_parent(request))

    # ------------------------------------------------------------------ batch attendance
    def get_attendance_url_name(self) -> str:
        return self.get_url_name("attendance")

    def extra_urls(self):
        return [
            path(
                f"{self.get_route_prefix()}<int:course_record_id>/attendance/",
                self.wrap(self.attendance_view),
                name=self.get_attendance_url_name(),
            )
        ]

    def attendance_view(self, request: HttpRequest, class_id: int, course_record_id: int) -> HttpResponse:
        """Every attendance record of one course record on one page, saved in one transaction."""
        course_record = get_object_or_404(
            self.get_scoped_queryset(request, class_id=class_id).select_related(
                "class_object__course", "class_object__school", "teacher"
            ),
            pk=course_record_id,
        )
        queryset = attendance_of(course_record=course_record)
        formset = StudyRecordFormSet(request.POST or None, queryset=queryset)
        save_errors: list[str] = []
        if request.method == "POST" and formset.is_valid():
            try:
                result = attendance_save(
                    course_record=course_record,
                    records={form.cleaned_data["id"].pk: form.cleaned_data["record"] for form in formset.forms},
                )
            except ValidationError as error:
                save_errors = error.messages
            else:
                messages.success(
                    request, gettext("Saved the attendance of %(count)d students.") % {"count": result.saved}
                )
                return HttpResponseRedirect(self.get_return_url(request, class_id=class_id))
        context = {
            **self.get_context(request, class_id=class_id),
            "title": gettext("Attendance of %(lesson)s") % {"lesson": course_record},
            "course_record": course_record,
            "formset": formset,
            "save_errors": save_errors,
            "record_choices": StudyRecord.Record.choices,
        }
        return TemplateResponse(request, "web/courserecord_attendance.html", context)
