"""Talk records (谈话记录): a class teacher's own records with a student of their classes."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from stark.handlers import StarkHandler
from web.forms.teaching import TalkRecordForm
from web.handlers.approval import keep_urls
from web.models import Student, TalkRecord
from web.services.talks import students_of_class_teacher, talk_records_of


def my_student(request: HttpRequest, student_id: int) -> Student:
    """The student ``student_id`` if they are in one of the current user's classes, else 404."""
    return get_object_or_404(students_of_class_teacher(user=request.user).select_related("customer"), pk=student_id)


class TalkRecordHandler(StarkHandler):
    route_prefix = "<int:student_id>/"
    list_display = ["date", "topic", "content", StarkHandler.display_edit]
    model_form_class = TalkRecordForm
    order_list = ["-date", "-id"]

    def get_urls(self):
        names = {self.get_list_url_name(), self.get_add_url_name(), self.get_change_url_name()}
        return keep_urls(super().get_urls(), names)

    def get_queryset(self, request: HttpRequest, *args, student_id: int, **kwargs):
        return talk_records_of(user=request.user, student=my_student(request, student_id))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["student"] = my_student(request, kwargs["student_id"])
        return context

    def get_list_title(self, request: HttpRequest, context: dict, *args, **kwargs) -> str:
        return gettext("Talk records with %(student)s") % {"student": context["student"]}

    def render_form(self, request: HttpRequest, form, is_add: bool, *args, **kwargs):
        response = super().render_form(request, form, is_add, *args, **kwargs)
        response.context_data["title"] = gettext("Talk record with %(student)s") % {
            "student": response.context_data["student"]
        }
        return response

    def save(self, request: HttpRequest, form: TalkRecordForm, is_update: bool, *args, **kwargs) -> TalkRecord:
        if not is_update:
            form.instance.student = my_student(request, kwargs["student_id"])
            form.instance.teacher = request.user
        return form.save()
