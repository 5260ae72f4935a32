"""Finance's approval list of payment applications (缴费审批)."""

from decimal import Decimal
from operator import attrgetter

from django.contrib import messages
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

from stark.display import export_value
from stark.handlers import StarkHandler, action
from stark.search import DateRangeOption, DefaultOption, Option
from web.handlers.approval import (
    Decision,
    class_option,
    confirm_decision,
    display_confirm_date,
    money,
)
from web.handlers.customer_page import customer_link, customer_link_cells, customer_page
from web.models import PaymentRecord
from web.selectors.payments import PAYMENT_SCOPE, customers_with_payments
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
    #: The applications of the role's data scope (finance: all; "own": the consultant's).
    scope_lookups = PAYMENT_SCOPE

    def display_customer(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        if is_header:
            return PaymentRecord._meta.get_field("customer").verbose_name
        return customer_link(request, self.full_url_name(self.get_url_name("customer")), obj.customer)

    display_customer.make_cell = customer_link_cells("customer", attrgetter("customer"))

    def display_qq(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        return _("QQ") if is_header else obj.customer.qq

    def display_amount(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        return (
            gettext("Amount") if is_header else format_html('<span class="text-nowrap">{}</span>', money(obj.paid_fee))
        )

    display_amount.order_field = "paid_fee"

    def display_note(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        """The consultant's note, and finance's reason when rejected: the facts of the decision."""
        if is_header:
            return pgettext("payment application", "Note")
        if not obj.reject_reason:
            return obj.note
        reason = gettext("Reason for rejection: %(reason)s") % {"reason": obj.reject_reason}
        return format_html('{}<div class="text-danger small">{}</div>', obj.note, reason)

    list_display = [
        StarkHandler.display_checkbox,
        display_customer,
        display_qq,
        "consultant",
        "pay_type",
        display_amount,
        "class_list",
        display_note,
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
        # Issue 12: the finance dashboard's "confirmed / rejected this month" link here.
        DateRangeOption("confirm_date"),
    ]
    order_list = ["-apply_date", "-id"]
    list_select_related = ["customer", "consultant", "class_list__course", "class_list__school", "confirm_user"]
    has_add_btn = False

    def get_list_summary(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> str:
        return gettext("Total amount: %(total)s") % {"total": money(_total(queryset))}

    def decision(self, queryset: QuerySet, **options) -> Decision:
        return Decision(
            headers=[gettext("Customer"), gettext("Type"), gettext("Amount"), gettext("Class"), gettext("Status")],
            describe=lambda p: [
                p.customer,
                p.get_pay_type_display(),
                money(p.paid_fee),
                p.class_list,
                p.get_confirm_status_display(),
            ],
            summary=gettext("Total amount: %(total)s") % {"total": money(_total(queryset))},
            **options,
        )

    @action(_("Confirm selected applications"))
    def multi_confirm(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> HttpResponse | None:
        def decide(reason: str) -> None:
            result = payment_confirm(confirm_user=request.user, payment_ids=queryset.values_list("pk", flat=True))
            done = ngettext("Confirmed %(count)d application.", "Confirmed %(count)d applications.", result.changed)
            decision_message(request, result, done % {"count": result.changed})

        decision = self.decision(
            queryset,
            title=gettext("Confirm payment applications"),
            button=gettext("Yes, confirm"),
            style="primary",
            reason_required=False,
            decide=decide,
        )
        return confirm_decision(self, request, _for_page(queryset), decision, *args, **kwargs)

    @action(_("Reject selected applications"))
    def multi_reject(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> HttpResponse | None:
        def decide(reason: str) -> None:
            result = payment_reject(
                confirm_user=request.user, payment_ids=queryset.values_list("pk", flat=True), reason=reason
            )
            done = ngettext("Rejected %(count)d application.", "Rejected %(count)d applications.", result.changed)
            decision_message(request, result, done % {"count": result.changed})

        decision = self.decision(
            queryset,
            title=gettext("Reject payment applications"),
            button=gettext("Yes, reject"),
            style="danger",
            reason_required=True,
            decide=decide,
        )
        return confirm_decision(self, request, _for_page(queryset), decision, *args, **kwargs)

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

    #: The list, its decisions, its export and the customer page (extra_urls) only.
    pages = ("list",)

    def extra_urls(self) -> list:
        return [
            path(
                "customer/<int:pk>/",
                self.wrap(self.customer_view),
                name=self.get_url_name("customer"),
            )
        ]

    def customer_view(self, request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        """The page of a customer (``pk``) with an application: finance reads the payments, notes and history."""
        payments = self.get_scoped_queryset(request, *args, **kwargs)
        return customer_page(self, request, customers_with_payments(payments), pk, *args, **kwargs)


def _total(queryset: QuerySet) -> Decimal:
    return queryset.aggregate(total=Sum("paid_fee"))["total"] or Decimal(0)


def _for_page(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("customer", "class_list__course", "class_list__school").order_by(
        "-apply_date", "-id"
    )
