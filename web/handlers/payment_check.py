"""Finance's approval list of payment applications (缴费审批)."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from stark.display import export_value
from stark.handlers import StarkHandler, action
from stark.search import Option
from web.handlers.approval import DefaultOption, class_option, display_confirm_date, keep_list_and_actions
from web.models import PaymentRecord
from web.services.class_changes import ClassChangeDecisionResult
from web.services.payments import PaymentDecisionResult, payment_confirm, payment_reject


def decision_message(
    request: HttpRequest, result: PaymentDecisionResult | ClassChangeDecisionResult, done: str
) -> None:
    """Tell the user how many changed (``done``) and how many were skipped because they were no longer pending."""
    text = done
    if result.skipped:
        text += " " + ngettext(
            "%(count)d was no longer pending and was left unchanged.",
            "%(count)d were no longer pending and were left unchanged.",
            result.skipped,
        ) % {"count": result.skipped}
    (messages.success if result.changed else messages.warning)(request, text)


def export_confirm_date(handler, request: HttpRequest, obj=None, is_header: bool = False, *args, **kwargs):
    """The decision's time in full for a spreadsheet, headed like the list's column."""
    if is_header:
        return pgettext("column header", "decided at")
    return export_value(obj._meta.get_field("confirm_date"), obj.confirm_date)


class PaymentCheckHandler(StarkHandler):
    def display_qq(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        return _("QQ") if is_header else obj.customer.qq

    list_display = [
        StarkHandler.display_checkbox,
        "customer",
        display_qq,
        "consultant",
        "pay_type",
        "paid_fee",
        "class_list",
        "confirm_status",
        "apply_date",
        "confirm_user",
        display_confirm_date,
    ]
    #: Fuzzy search by the customer's name or QQ.
    search_list = ["customer__name", "customer__qq"]
    search_group = [
        DefaultOption("confirm_status", default=PaymentRecord.ConfirmStatus.PENDING),
        class_option("class_list"),
        Option("pay_type"),
    ]
    order_list = ["-apply_date", "-id"]
    list_select_related = ["customer", "consultant", "class_list__course", "confirm_user"]
    has_add_btn = False

    @action(_("Confirm selected applications"))
    def multi_confirm(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> None:
        result = payment_confirm(confirm_user=request.user, payment_ids=queryset.values_list("pk", flat=True))
        done = ngettext("Confirmed %(count)d application.", "Confirmed %(count)d applications.", result.changed)
        decision_message(request, result, done % {"count": result.changed})

    @action(_("Reject selected applications"))
    def multi_reject(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> None:
        result = payment_reject(confirm_user=request.user, payment_ids=queryset.values_list("pk", flat=True))
        done = ngettext("Rejected %(count)d application.", "Rejected %(count)d applications.", result.changed)
        decision_message(request, result, done % {"count": result.changed})

    action_list = [multi_confirm, multi_reject]
    #: Titled like its menu entry: the page decides on applications rather than listing them.
    list_title = _("Payment approval")

    has_export_btn = True
    #: The list's columns for a reconciliation, with the id and the decision's full time.
    export_list = [
        "id",
        "customer",
        display_qq,
        "consultant",
        "pay_type",
        "paid_fee",
        "class_list",
        "confirm_status",
        "apply_date",
        "confirm_user",
        export_confirm_date,
        "note",
    ]

    def get_urls(self):
        urls = super().get_urls()
        export = [url for url in urls if getattr(url, "name", None) == self.get_export_url_name()]
        return keep_list_and_actions(self, urls) + export
