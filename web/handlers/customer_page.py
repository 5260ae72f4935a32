"""The customer page (客户详情): contact data, owner, follow-ups, payments and the timeline.

One view, mounted on three handlers that each scope it with their own queryset: the
consultant's private pool (``stark:web_customer_priv_detail``), the sales manager's all
customers (``stark:web_customer_all_detail``) and finance's payment approval
(``stark:web_paymentrecord_check_customer``: customers with an application). A customer outside
the handler's queryset is 404. The number of queries does not grow with the history: the
follow-ups and payments are capped, the timeline is paginated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from stark.html import format_cell_html
from stark.utils import (
    FILTER_PARAM,
    list_state,
    nested_url,
    origin_query,
    permitted_url,
    permitted_urls,
    url_with_state,
)
from web.models import Customer, CustomerEvent, PaymentRecord
from web.selectors.customers import customer_consult_records, customer_events, customer_payments

#: Events per page of the timeline.
TIMELINE_PER_PAGE = 20
#: The newest follow-ups and payment applications shown; the full lists are one link away.
RECENT_LIMIT = 10

DETAIL_TEMPLATE = "web/customer_detail.html"


def customer_link(request: HttpRequest, url_name: str, customer: Customer, pk_kwarg: str = "pk") -> str:
    """The customer's name, linked to their page when the user may open it; else the plain name."""
    return _customer_link_html(permitted_url(request, url_name, {pk_kwarg: customer.pk}), customer, _state(request))


def customer_link_cells(page: str, customer_of: Callable[[Any], Customer] = lambda obj: obj) -> Callable:
    """A ``make_cell`` (stark) for a column of ``customer_link`` to the handler's ``page`` of the
    row's customer (``customer_of(row)``): the permission is asked once per page, not per row."""

    def make_cell(changelist) -> Callable[[Any], str]:
        handler, request = changelist.handler, changelist.request
        urls = permitted_urls(request, handler.full_url_name(handler.get_url_name(page)))
        state = _state(request)  # the same on every row

        def cell(obj: Any) -> str:
            customer = customer_of(obj)
            return _customer_link_html(urls({"pk": customer.pk}), customer, state)

        return cell

    return make_cell


def _customer_link_html(url: str | None, customer: Customer, state: str) -> str:
    if url is None:
        return str(customer)
    # The customer page is a page of the same list: it carries the list's state for its way back.
    return format_cell_html('<a href="{}">{}</a>', url + state, customer)


def _state(request: HttpRequest) -> str:
    """``?_filter=<the list's state>``, or nothing: what ``url_with_state`` adds to a URL."""
    return url_with_state("", FILTER_PARAM, list_state(request))


def _choice_label(choices: type, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def _payment_text(detail: dict) -> str:
    return gettext("%(type)s %(amount)s yuan, class %(class)s") % {
        "type": _choice_label(PaymentRecord.PayType, detail.get("pay_type", "")),
        "amount": detail.get("amount", ""),
        "class": detail.get("class", ""),
    }


def _field_labels(names: list[str]) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(Customer._meta.get_field(name).verbose_name))
        except Exception:  # a field removed since the event was written
            labels.append(name)
    return ", ".join(labels)


#: Why the automatic return moved a customer (the rule names of return_idle_customers).
RETURN_RULES = {
    "no_follow_up": lambda days: gettext("no follow-up for %(days)s days") % {"days": days},
    "not_signed": lambda days: gettext("not signed %(days)s days after being taken") % {"days": days},
}


def event_text(event: CustomerEvent) -> str:
    """One line describing the event, from its kind and detail (plain text; the template escapes it)."""
    detail = event.detail or {}
    kind = CustomerEvent.Kind
    if event.kind == kind.ENTERED:
        if detail.get("pool") == "private":
            return gettext("Entered into the private pool")
        if detail.get("imported_from"):
            return gettext("Imported into the public pool from %(file)s") % {"file": detail["imported_from"]}
        return gettext("Entered into the public pool")
    if event.kind == kind.IMPORTED:
        return gettext("Imported into the public pool")
    if event.kind == kind.CLAIMED:
        return gettext("Claimed by %(consultant)s") % {"consultant": detail.get("consultant", "")}
    if event.kind == kind.ASSIGNED:
        return gettext("Assigned to %(consultant)s") % {"consultant": detail.get("consultant", "")}
    if event.kind == kind.REASSIGNED:
        return gettext("Reassigned from %(from)s to %(to)s") % {
            "from": detail.get("from_consultant", ""),
            "to": detail.get("consultant", ""),
        }
    if event.kind == kind.RELEASED:
        return gettext("Released to the public pool")
    if event.kind == kind.RETURNED:
        rule = RETURN_RULES.get(detail.get("rule", ""))
        reason = rule(detail.get("days", "")) if rule else detail.get("rule", "")
        return gettext("Returned to the public pool automatically: %(reason)s") % {"reason": reason}
    if event.kind == kind.EDITED:
        return gettext("Edited: %(fields)s") % {"fields": _field_labels(detail.get("fields", []))}
    if event.kind == kind.FOLLOWED_UP:
        return gettext("Follow-up: %(note)s") % {"note": detail.get("note", "")}
    if event.kind == kind.PAYMENT_APPLIED:
        return gettext("Payment applied: %(payment)s") % {"payment": _payment_text(detail)}
    if event.kind == kind.PAYMENT_CONFIRMED:
        return gettext("Payment confirmed: %(payment)s") % {"payment": _payment_text(detail)}
    if event.kind == kind.PAYMENT_REJECTED:
        text = gettext("Payment rejected: %(payment)s") % {"payment": _payment_text(detail)}
        if detail.get("reason"):
            text += " — " + gettext("reason: %(reason)s") % {"reason": detail["reason"]}
        return text
    if event.kind == kind.ENROLLED:
        return gettext("Joined the class %(class)s") % {"class": detail.get("class", "")}
    if event.kind == kind.SIGNED:
        return gettext("Signed")
    return event.get_kind_display()


def _rejection_reasons(events: QuerySet[CustomerEvent]) -> dict[int, str]:
    """payment id → the reason it was rejected with, from the customer's payment_rejected events."""
    reasons: dict[int, str] = {}
    for detail in events.filter(kind=CustomerEvent.Kind.PAYMENT_REJECTED).values_list("detail", flat=True)[:100]:
        if isinstance(detail, dict) and detail.get("payment_id") and detail.get("reason"):
            reasons.setdefault(detail["payment_id"], detail["reason"])
    return reasons


def customer_page(
    handler, request: HttpRequest, queryset: QuerySet[Customer], pk: int, *args, **kwargs
) -> HttpResponse:
    """Render the page of customer ``pk`` found in ``queryset`` (404 otherwise)."""
    customer = get_object_or_404(
        queryset.select_related("consultant", "referral_from").prefetch_related("course"), pk=pk
    )
    events = customer_events(customer_id=customer.pk)
    timeline = Paginator(events, TIMELINE_PER_PAGE).get_page(request.GET.get("page"))
    follow_ups = list(customer_consult_records(customer_id=customer.pk)[: RECENT_LIMIT + 1])
    payments = list(customer_payments(customer_id=customer.pk)[: RECENT_LIMIT + 1])
    reasons = (
        _rejection_reasons(events)
        if any(p.confirm_status == PaymentRecord.ConfirmStatus.REJECTED for p in payments)
        else {}
    )
    context: dict[str, Any] = {
        **handler.get_context(request, *args, **kwargs),
        "title": str(customer),
        "customer": customer,
        "courses": list(customer.course.all()),
        "follow_ups": follow_ups[:RECENT_LIMIT],
        "more_follow_ups": len(follow_ups) > RECENT_LIMIT,
        "payments": [(payment, reasons.get(payment.pk, "")) for payment in payments[:RECENT_LIMIT]],
        "more_payments": len(payments) > RECENT_LIMIT,
        "timeline": timeline,
        "timeline_rows": [(event, event_text(event)) for event in timeline],
        "follow_up_url": _optional_url(request, "stark:web_consultrecord_list", nested=True, customer_id=customer.pk)
        if customer.consultant_id == request.user.pk
        else None,
        "payments_url": _optional_url(request, "stark:web_paymentrecord_list", nested=True, customer_id=customer.pk)
        if customer.consultant_id == request.user.pk
        else None,
        "change_url": _optional_url(request, "stark:web_customer_priv_change", nested=False, pk=customer.pk)
        if customer.consultant_id == request.user.pk
        else None,
    }
    return TemplateResponse(request, DETAIL_TEMPLATE, context)


def _optional_url(request: HttpRequest, url_name: str, *, nested: bool, **kwargs) -> str | None:
    """The URL when the user may open it, carrying the list's state for the way back: in ``_parent``
    for a nested page (follow-ups, payments), in ``_filter`` for a page of the same list (edit)."""
    url = permitted_url(request, url_name, kwargs)
    if url is None:
        return None
    # The customers list's state this page came with (never the page's own, its timeline page).
    state = origin_query(request, nested=False)
    return nested_url(request, url, state) if nested else url_with_state(url, FILTER_PARAM, state)
