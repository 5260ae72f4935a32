"""Talk records (谈话记录): a class teacher's own records with a student in their data scope (their classes)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

from stark.handlers import StarkHandler
from web.forms.teaching import TalkRecordForm
from web.models import Student, TalkRecord
from web.selectors.teaching import STUDENT_SCOPE, scope_through, students_in_scope, talk_records_of


def students_of_page(handler: StarkHandler, request: HttpRequest) -> QuerySet[Student]:
    """The students in the data scope of ``handler``'s page: the parents of talk records and applications."""
    return students_in_scope(user=request.user, scope=handler.get_scope(request)).select_related("customer")


class TalkRecordHandler(StarkHandler):
    #: The student of the URL, one of the class teacher's (404 otherwise, on every page).
    parent_kwarg = "student_id"
    scope_lookups = scope_through("student", STUDENT_SCOPE)
    #: The list the parent is picked from: the list page links back to it as it was left.
    parent_list_url_name = "stark:web_student_list"
    pages = ("list", "add", "change")
    list_display = ["date", "topic", "content", StarkHandler.display_edit]
    model_form_class = TalkRecordForm
    order_list = ["-date", "-id"]

    def get_parent_queryset(self, request: HttpRequest) -> QuerySet[Student]:
        return students_of_page(self, request)

    def get_queryset(self, request: HttpRequest, *args, **kwargs):
        return talk_records_of(user=request.user, student=self.get_parent(request))

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
            form.instance.teacher = request.user  # the student is the URL's, set by stark
        return form.save()
