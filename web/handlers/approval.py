"""Shared pieces of the approval lists (payments, class changes) and the nested record pages."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from stark.display import field_html
from stark.search import Option
from stark.utils import check_scope
from web.selectors.teaching import class_scope_condition


def money(value: Decimal | int | None) -> str:
    """An amount of yuan as staff write it: ``¥19,800.00``."""
    return f"¥{Decimal(value or 0):,.2f}"


def display_confirm_date(handler, request: HttpRequest, obj=None, is_header: bool = False, *args, **kwargs):
    """The decision's time, headed "approved at" (审批时间).

    The field's own label, "confirmed", is also the name of a status, and one msgid can only
    have one translation: as a column header it read "已确认" above a date.
    """
    if is_header:
        return pgettext("column header", "decided at")
    return field_html(obj, obj._meta.get_field("confirm_date"))


display_confirm_date.order_field = "confirm_date"


#: The class filter of the enrolment and teaching lists; ``visible_only``: only the classes in the
#: page's data scope are offered (a class teacher's own, web.selectors.teaching).
def class_option(field: str, visible_only: bool = False) -> Option:
    def own_classes(request: HttpRequest, *args, **kwargs) -> Q:
        return class_scope_condition(user=request.user, scope=check_scope(request, request.resolver_match.view_name))

    # A class reads its course and campus: joined, or every offered class would cost two queries.
    return Option(field, select_related=("course", "school"), db_condition=own_classes if visible_only else None)


# ---------------------------------------------------------------------- decision confirmation
#: Rows listed by name on a confirmation page; the rest are counted ("and N more").
CONFIRM_LISTED_ROWS = 100


class DecisionForm(forms.Form):
    """The reason of a batch decision, posted from the confirmation page."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 200}),
    )

    def __init__(self, *args, reason_required: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        if not reason_required:
            self.fields["reason"].label = _("Remark (optional)")


@dataclass(frozen=True)
class Decision:
    """What one batch action decides, for :func:`confirm_decision`."""

    #: Heading of the confirmation page, e.g. "Reject payment applications".
    title: str
    #: Text of the confirming button.
    button: str
    #: ``"danger"`` for a rejection, ``"primary"`` otherwise (Bootstrap button colour).
    style: str
    reason_required: bool
    #: Column headers and, per row, the cells (plain text: the template escapes them).
    headers: list[str]
    describe: Callable[[Any], list[Any]]
    #: Runs the service with the cleaned reason; may raise ``ValidationError`` keyed ``reason``.
    decide: Callable[[str], None]
    #: A line under the table, e.g. the total amount.
    summary: str = ""


def confirm_decision(
    handler, request: HttpRequest, queryset, decision: Decision, *args, **kwargs
) -> HttpResponse | None:
    """Show what a batch decision will change; only the confirmation's POST changes anything.

    The list's POST (``action`` + ``pk`` / ``select_across``) renders the page; it posts the same
    fields back with ``confirm=yes`` and the reason. ``None`` means done: stark redirects to the list.
    """
    form = DecisionForm(
        request.POST if request.POST.get("confirm") == "yes" else None, reason_required=decision.reason_required
    )
    if form.is_valid():
        try:
            decision.decide(form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error("reason" if hasattr(error, "error_dict") and "reason" in error.error_dict else None, error)
        else:
            return None
    count = queryset.count()
    back = reverse(handler.full_url_name(handler.get_list_url_name()), args=args, kwargs=kwargs)
    context = {
        **handler.get_context(request, *args, **kwargs),
        "list_url": f"{back}?{request.GET.urlencode()}" if request.GET else back,
        "title": decision.title,
        "decision": decision,
        "headers": decision.headers,
        "rows": [decision.describe(obj) for obj in queryset[:CONFIRM_LISTED_ROWS]],
        "count": count,
        "more": max(0, count - CONFIRM_LISTED_ROWS),
        "form": form,
        "post_items": [
            (key, value) for key in ("action", "select_across", "pk") for value in request.POST.getlist(key)
        ],
    }
    return TemplateResponse(request, "web/decision_confirm.html", context)
