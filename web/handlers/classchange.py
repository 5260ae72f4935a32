"""Class transfer / repeat applications (转班 / 留级申请) and their approval by an administrator."""

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from stark.handlers import StarkHandler, action
from stark.search import Option
from web.forms.teaching import ClassChangeForm
from web.handlers.approval import DefaultOption, display_confirm_date, keep_list_and_actions, keep_urls
from web.handlers.payment_check import decision_message
from web.handlers.talkrecord import my_student
from web.models import ClassChange
from web.services.class_changes import class_change_apply, class_change_approve, class_change_reject


class ClassChangeHandler(StarkHandler):
    """One student's applications, filed by their class teacher."""

    route_prefix = "<int:student_id>/"
    #: A double click or a resubmit of the add page saves one row (issue 16).
    form_token = True
    list_display = ["kind", "from_class", "to_class", "reason", "status", "applicant", "apply_date", "confirm_user"]
    list_select_related = ["from_class__course", "to_class__course", "applicant", "confirm_user"]
    model_form_class = ClassChangeForm

    def get_urls(self):
        return keep_urls(super().get_urls(), {self.get_list_url_name(), self.get_add_url_name()})

    def get_queryset(self, request: HttpRequest, *args, student_id: int, **kwargs):
        return ClassChange.objects.filter(student=my_student(request, student_id))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["student"] = my_student(request, kwargs["student_id"])
        return context

    def get_list_title(self, request: HttpRequest, context: dict, *args, **kwargs) -> str:
        return gettext("Transfer and repeat applications of %(student)s") % {"student": context["student"]}

    def get_form(self, request: HttpRequest, is_add: bool, instance, *args, **kwargs):
        form = super().get_form(request, is_add, instance, *args, **kwargs)
        return form.for_student(my_student(request, kwargs["student_id"]))

    def save(self, request: HttpRequest, form: ClassChangeForm, is_update: bool, *args, **kwargs) -> ClassChange:
        data = form.cleaned_data
        return class_change_apply(
            applicant=request.user,
            student=form.student,
            kind=data["kind"],
            from_class=data["from_class"],
            to_class=data["to_class"],
            reason=data["reason"],
        )


class ClassChangeCheckHandler(StarkHandler):
    """Every application, for the administrator to approve or reject in batch."""

    list_display = [
        StarkHandler.display_checkbox,
        "student",
        "kind",
        "from_class",
        "to_class",
        "reason",
        "status",
        "applicant",
        "apply_date",
        "confirm_user",
        display_confirm_date,
    ]
    list_select_related = ["student__customer", "from_class__course", "to_class__course", "applicant", "confirm_user"]
    search_list = ["student__customer__name", "student__qq"]
    search_group = [DefaultOption("status", default=ClassChange.Status.PENDING), Option("kind")]
    order_list = ["-apply_date", "-id"]
    has_add_btn = False

    @action(_("Approve selected applications"))
    def multi_confirm(self, request: HttpRequest, queryset, *args, **kwargs) -> None:
        result = class_change_approve(confirm_user=request.user, change_ids=queryset.values_list("pk", flat=True))
        done = ngettext("Approved %(count)d application.", "Approved %(count)d applications.", result.changed)
        decision_message(request, result, done % {"count": result.changed})
        if result.stale:
            messages.warning(
                request,
                ngettext(
                    "%(count)d application no longer fits the student's classes (already moved, or the target "
                    "class has graduated) and stays pending: reject it or file a new one.",
                    "%(count)d applications no longer fit the students' classes (already moved, or the target "
                    "class has graduated) and stay pending: reject them or file new ones.",
                    result.stale,
                )
                % {"count": result.stale},
            )

    @action(_("Reject selected applications"))
    def multi_reject(self, request: HttpRequest, queryset, *args, **kwargs) -> None:
        result = class_change_reject(confirm_user=request.user, change_ids=queryset.values_list("pk", flat=True))
        done = ngettext("Rejected %(count)d application.", "Rejected %(count)d applications.", result.changed)
        decision_message(request, result, done % {"count": result.changed})

    action_list = [multi_confirm, multi_reject]
    #: Titled like its menu entry: the page decides on applications rather than listing them.
    list_title = _("Transfer and repeat approval")

    def get_urls(self):
        return keep_list_and_actions(self, super().get_urls())
