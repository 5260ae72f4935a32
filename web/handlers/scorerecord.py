"""Score records (积分记录) of one student."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from stark.handlers import StarkHandler
from web.forms.students import ScoreRecordForm
from web.handlers.approval import keep_urls
from web.models import ScoreRecord, Student
from web.services.students import score_record_add


class ScoreRecordHandler(StarkHandler):
    route_prefix = "<int:student_id>/"
    #: A double click or a resubmit of the add page saves one row (issue 16).
    form_token = True
    list_display = ["date", "content", "score", "user"]
    list_select_related = ["user"]
    model_form_class = ScoreRecordForm

    def get_urls(self):
        return keep_urls(super().get_urls(), {self.get_list_url_name(), self.get_add_url_name()})

    def get_student(self, request: HttpRequest, student_id: int) -> Student:
        return get_object_or_404(Student.objects.select_related("customer"), pk=student_id)

    def get_queryset(self, request: HttpRequest, *args, student_id: int, **kwargs):
        return ScoreRecord.objects.filter(student=self.get_student(request, student_id))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["student"] = self.get_student(request, kwargs["student_id"])
        return context

    def get_list_title(self, request: HttpRequest, context: dict, *args, **kwargs) -> str:
        student = context["student"]
        return gettext("Score records of %(student)s (score %(score)s)") % {
            "student": student,
            "score": student.score,
        }

    def get_form(self, request: HttpRequest, is_add: bool, instance, *args, **kwargs):
        form = super().get_form(request, is_add, instance, *args, **kwargs)
        form.student = self.get_student(request, kwargs["student_id"])
        return form

    def save(self, request: HttpRequest, form: ScoreRecordForm, is_update: bool, *args, **kwargs) -> ScoreRecord:
        return score_record_add(
            student=form.student,
            user=request.user,
            content=form.cleaned_data["content"],
            score=form.cleaned_data["score"],
        )
