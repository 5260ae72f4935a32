"""Class transfer / repeat applications (转班 / 留级申请) and their approval by an administrator."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from stark.handlers import StarkHandler, action
from stark.search import DefaultOption, Option
from web.forms.teaching import ClassChangeForm
from web.handlers.approval import (
    Decision,
    confirm_decision,
    display_confirm_date,
)
from web.handlers.payment_check import decision_message
from web.handlers.talkrecord import students_of_page
from web.models import ClassChange
from web.selectors.teaching import STUDENT_SCOPE, scope_through
from web.services.class_changes import class_change_apply, class_change_approve, class_change_reject


class ClassChangeHandler(StarkHandler):
    """One student's applications, filed by their class teacher."""

    #: The student of the URL, one of the class teacher's (404 otherwise, on every page).
    parent_kwarg = "student_id"
    scope_lookups = scope_through("student", STUDENT_SCOPE)
    #: The list the parent is picked from: the list page links back to it as it was left.
    parent_list_url_name = "stark:web_student_list"
    pages = ("list", "add")
    #: A double click or a resubmit of the add page saves one row (issue 16).
    form_token = True
    list_display = [
        "kind",
        "from_class",
        "to_class",
        "reason",
        "status",
        "applicant",
        "apply_date",
        "confirm_user",
        "decision_reason",
    ]
    list_select_related = [
        "from_class__course",
        "from_class__school",
        "to_class__course",
        "to_class__school",
        "applicant",
        "confirm_user",
    ]
    model_form_class = ClassChangeForm

    def get_parent_queryset(self, request: HttpRequest):
        return students_of_page(self, request)

    def get_queryset(self, request: HttpRequest, *args, **kwargs):
        return ClassChange.objects.all()  # stark narrows it to the URL's student

    def get_list_title(self, request: HttpRequest, context: dict, *args, **kwargs) -> str:
        return gettext("Transfer and repeat applications of %(student)s") % {"student": context["student"]}

    def render_form(self, request: HttpRequest, form, is_add: bool, *args, **kwargs):
        response = super().render_form(request, form, is_add, *args, **kwargs)
        response.context_data["title"] = gettext("Transfer or repeat application of %(student)s") % {
            "student": response.context_data["student"]
        }
        return response

    def get_form(self, request: HttpRequest, is_add: bool, instance, *args, **kwargs):
        form = super().get_form(request, is_add, instance, *args, **kwargs)
        return form.for_student(self.get_parent(request))

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
    """Every application (in the data scope: the administrator's is all), to approve or reject in batch."""

    scope_lookups = scope_through("student", STUDENT_SCOPE)

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
        "decision_reason",
    ]
    list_select_related = [
        "student__customer",
        "from_class__course",
        "from_class__school",
        "to_class__course",
        "to_class__school",
        "applicant",
        "confirm_user",
    ]
    search_list = ["student__customer__name", "student__qq"]
    search_group = [DefaultOption("status", default=ClassChange.Status.PENDING), Option("kind")]
    order_list = ["-apply_date", "-id"]
    has_add_btn = False

    def decision(self, **options) -> Decision:
        return Decision(
            headers=[
                gettext("Student"),
                gettext("Kind"),
                gettext("From class"),
                gettext("To class"),
                gettext("Status"),
            ],
            describe=lambda c: [c.student, c.get_kind_display(), c.from_class, c.to_class, c.get_status_display()],
            reason_required=False,
            **options,
        )

    @action(_("Approve selected applications"))
    def multi_confirm(self, request: HttpRequest, queryset, *args, **kwargs) -> HttpResponse | None:
        def decide(reason: str) -> None:
            result = class_change_approve(
                confirm_user=request.user, change_ids=queryset.values_list("pk", flat=True), reason=reason
            )
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

        decision = self.decision(
            title=gettext("Approve class change applications"),
            button=gettext("Yes, approve"),
            style="primary",
            decide=decide,
        )
        return confirm_decision(self, request, _for_page(queryset), decision, *args, **kwargs)

    @action(_("Reject selected applications"))
    def multi_reject(self, request: HttpRequest, queryset, *args, **kwargs) -> HttpResponse | None:
        def decide(reason: str) -> None:
            result = class_change_reject(
                confirm_user=request.user, change_ids=queryset.values_list("pk", flat=True), reason=reason
            )
            done = ngettext("Rejected %(count)d application.", "Rejected %(count)d applications.", result.changed)
            decision_message(request, result, done % {"count": result.changed})

        decision = self.decision(
            title=gettext("Reject class change applications"),
            button=gettext("Yes, reject"),
            style="danger",
            decide=decide,
        )
        return confirm_decision(self, request, _for_page(queryset), decision, *args, **kwargs)

    action_list = [multi_confirm, multi_reject]
    #: Titled like its menu entry: the page decides on applications rather than listing them.
    list_title = _("Transfer and repeat approval")

    #: The list and its decisions only.
    pages = ("list",)


def _for_page(queryset):
    related = ("student__customer", "from_class__course", "from_class__school", "to_class__course", "to_class__school")
    return queryset.select_related(*related).order_by("-apply_date", "-id")
