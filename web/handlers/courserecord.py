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
from web.forms.attendance import CourseRecordForm, StudyRecordFormSet
from web.models import ClassList, CourseRecord, StudyRecord
from web.selectors.teaching import classes_visible
from web.services.attendance import attendance_generate, attendance_of, attendance_save


class CourseRecordHandler(StarkHandler):
    route_prefix = "<int:class_id>/"
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

    # ------------------------------------------------------------------ scoping
    def get_class(self, request: HttpRequest, class_id: int) -> ClassList:
        return get_object_or_404(classes_visible(user=request.user).select_related("course", "school"), pk=class_id)

    def get_queryset(self, request: HttpRequest, *args, class_id: int, **kwargs):
        return CourseRecord.objects.filter(class_object=self.get_class(request, class_id))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["class_object"] = self.get_class(request, kwargs["class_id"])
        return context

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
        return form.for_class(self.get_class(request, kwargs["class_id"]))

    # ------------------------------------------------------------------ batch attendance
    def get_attendance_url_name(self) -> str:
        return self.get_url_name("attendance")

    def extra_urls(self):
        return [
            path(
                f"{self.route_prefix}<int:course_record_id>/attendance/",
                self.wrap(self.attendance_view),
                name=self.get_attendance_url_name(),
            )
        ]

    def attendance_view(self, request: HttpRequest, class_id: int, course_record_id: int) -> HttpResponse:
        """Every attendance record of one course record on one page, saved in one transaction."""
        course_record = get_object_or_404(
            CourseRecord.objects.select_related("class_object__course", "class_object__school", "teacher"),
            pk=course_record_id,
            class_object=self.get_class(request, class_id),
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
