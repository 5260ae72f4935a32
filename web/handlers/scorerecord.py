"""Score records (积分记录) of one student."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

from stark.handlers import StarkHandler
from web.forms.students import ScoreRecordForm
from web.models import ScoreRecord, Student
from web.selectors.teaching import scope_through, students_in_scope
from web.services.students import score_record_add


class ScoreRecordHandler(StarkHandler):
    #: The student of the URL, in the user's data scope (a class teacher's own classes; 404 otherwise).
    parent_kwarg = "student_id"
    scope_lookups = scope_through("student__class_list")
    #: The list the parent is picked from: the list page links back to it as it was left.
    parent_list_url_name = "stark:web_student_list"
    #: A double click or a resubmit of the add page saves one row (issue 16).
    form_token = True
    list_display = ["date", "content", "score", "user"]
    list_select_related = ["user"]
    model_form_class = ScoreRecordForm

    #: A score record is never edited or deleted: a mistake is corrected by another record.
    pages = ("list", "add")

    def get_parent_queryset(self, request: HttpRequest) -> QuerySet[Student]:
        return students_in_scope(user=request.user, scope=self.get_scope(request)).select_related("customer")

    def get_queryset(self, request: HttpRequest, *args, **kwargs):
        return ScoreRecord.objects.all()  # stark narrows it to the URL's student

    def get_list_title(self, request: HttpRequest, context: dict, *args, **kwargs) -> str:
        student = context["student"]
        return gettext("Score records of %(student)s (score %(score)s)") % {
            "student": student,
            "score": student.score,
        }

    def render_form(self, request: HttpRequest, form, is_add: bool, *args, **kwargs):
        response = super().render_form(request, form, is_add, *args, **kwargs)
        response.context_data["title"] = gettext("Score record of %(student)s") % {
            "student": response.context_data["student"]
        }
        return response

    def get_form(self, request: HttpRequest, is_add: bool, instance, *args, **kwargs):
        form = super().get_form(request, is_add, instance, *args, **kwargs)
        form.student = self.get_parent(request)
        return form

    def save(self, request: HttpRequest, form: ScoreRecordForm, is_update: bool, *args, **kwargs) -> ScoreRecord:
        return score_record_add(
            student=form.student,
            user=request.user,
            content=form.cleaned_data["content"],
            score=form.cleaned_data["score"],
        )
