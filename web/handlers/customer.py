"""The customer pools (DESIGN.md §4 rules 1–3): public pool, private pool, all customers.

Handlers stay thin: each page scopes its rows with a selector, and every write goes through
``web.services.customers`` (claiming, assigning, releasing, adding, editing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from stark.handlers import StarkHandler, action
from stark.html import format_cell_html
from stark.positions import GroupCounts
from stark.search import BoundOption, DateRangeOption, Option
from stark.utils import nested_url, permitted_url, permitted_urls, row_text
from web.forms.customer import DUPLICATE_MESSAGES, AssignForm, CustomerForm, duplicate_error
from web.handlers.customer_import import CustomerImportMixin
from web.handlers.customer_page import customer_link, customer_link_cells, customer_page
from web.handlers.figure_filters import PaymentStatusOption, claimed_option, consultant_option, signed_option
from web.models import Customer
from web.search import customer_search
from web.selectors.customers import (
    CUSTOMER_SCOPE,
    DUE_OVERDUE,
    DUE_TODAY,
    consult_records_all,
    consult_records_public,
    customer_scope_condition,
    customers_all,
    customers_due,
    customers_private,
    customers_public,
    public_pool_days,
)
from web.services.customers import (
    ClaimResult,
    PrivatePoolFull,
    customer_assign,
    customer_claim,
    customer_create_private,
    customer_create_public,
    customer_release,
    customer_update,
    daily_claim_limit,
    private_pool_cap,
    reclaim_cooldown_days,
)
from web.services.public_pool_days import COMPACT_AFTER_ROWS, compact_public_pool_days
from web.services.reassign import customer_reassign

logger = logging.getLogger(__name__)


def _link(request: HttpRequest, url_name: str, kwargs: dict, text: str, icon: str) -> str:
    """A link to the nested page ``url_name`` (a customer's follow-ups, payments) when it exists and
    the permission hook allows it, carrying the list's state for the way back; else nothing."""
    return _nested_link_html(permitted_url(request, url_name, kwargs), nested_url(request, ""), text, icon)


def _link_cells(url_name: str, key: str, text: str, icon: str) -> Callable:
    """A ``make_cell`` (stark) for a column of ``_link(request, url_name, {key: row pk},
    row_text(text), icon)``: the permission and the label worked out once per page."""

    def make_cell(changelist) -> Callable[[Any], str]:
        request = changelist.request
        urls, label = permitted_urls(request, url_name), row_text(request, text)
        state = nested_url(request, "")  # "?_parent=…", the same on every row
        return lambda obj: _nested_link_html(urls({key: obj.pk}), state, label, icon)

    return make_cell


def _nested_link_html(url: str | None, state: str, text: str, icon: str) -> str:
    """The link to ``url`` carrying ``state`` (``nested_url``'s ``?_parent=…``); nothing without a URL."""
    if url is None:
        return ""
    return format_cell_html('<a href="{}"><i class="fa {}"></i> {}</a>', url + state, icon, text)


def report_batch(
    request: HttpRequest,
    *,
    selected: int,
    done: int,
    done_text: str,
    reasons: list[tuple[int, str]],
    params: dict | None = None,
) -> None:
    """One message that accounts for every selected row: done + each reason's count = selected.

    ``done_text`` may use ``%(done)d`` and ``%(selected)d``, each reason text ``%(count)d``, and
    all of them the names in ``params``.
    """
    params = params or {}
    parts = [text % {**params, "count": count} for count, text in reasons if count]
    text = done_text % {**params, "done": done, "selected": selected}
    if parts:
        text = gettext("%(done)s Not done: %(reasons)s.") % {"done": text, "reasons": gettext("; ").join(parts)}
    (messages.success if done else messages.warning)(request, text)


#: Why a customer was not taken: the private pool's cap (``%(count)d``, ``%(cap)d``).
OVER_CAP = _("%(count)d over the cap of %(cap)d unsigned customers in a private pool")


class BatchRows:
    """Which rows a customer batch action takes, in the list's own order.

    Ticked rows come in the order of their checkboxes (the list's order). "Apply to all matching"
    takes the matching rows as the list sorts them, at most ``limit``: what the user sees first
    is taken first. ``selected`` is what the user asked for; ``beyond`` the matching rows past
    the limit, which the message reports instead of silently dropping.
    """

    def __init__(self, handler: StarkHandler, request: HttpRequest, queryset: QuerySet, limit: int, *args, **kwargs):
        if request.POST.get("select_across") == "1":
            ordering = handler.get_changelist(request, *args, **kwargs).ordering
            self.ids = list(queryset.order_by(*ordering).values_list("pk", flat=True)[:limit])
            self.selected = max(queryset.count(), len(self.ids))
        else:
            self.ids = list(handler.get_posted_pks(request, *args, **kwargs))
            self.selected = len(self.ids)
        self.beyond = self.selected - len(self.ids)


class CustomerColumns:
    """Columns shared by the three customer lists."""

    #: Any part of a name, of a QQ or mobile number or of a WeChat ID, found through the customer
    #: search index (web/search.py) instead of reading every row; results equal LIKE '%…%'
    #: (docs/performance.md).
    search_list = ["name", "qq", "mobile", "wechat"]
    search_backend = customer_search
    order_list = ["-date", "-id"]
    #: Names sort in pinyin order (丁海燕, 丁静, 丁军), not by code point.
    sort_by = {"name": "name_pinyin"}

    has_export_btn = True

    def get_export_list(self, request: HttpRequest, *args, **kwargs) -> list:
        # The list's field columns, with what a spreadsheet needs besides: the id (to match
        # rows again later) and every contact, whether or not the list has room to show it.
        contacts = ["mobile", "wechat"]
        # A display column that shows a field (the name linked to the customer's page) exports the field.
        entries = [getattr(entry, "export_field", entry) for entry in self.get_list_display(request, *args, **kwargs)]
        columns = [entry for entry in entries if isinstance(entry, str) and entry not in contacts]
        position = columns.index("qq") + 1 if "qq" in columns else len(columns)
        return ["id", *columns[:position], *contacts, *columns[position:]]

    #: The columns the public and private pools share, and their filters.
    pool_columns = ["name", "qq", "mobile", "gender", "status", "source", "course", "date"]
    search_group = [
        Option("gender"),
        Option("source", is_multi=True),
        Option("status"),
        Option("course", is_multi=True),
        DateRangeOption("date"),
    ]


class _BoundDueOption(BoundOption):
    def filter(self, queryset: QuerySet) -> QuerySet:
        return customers_due(queryset, due=self.selected[0]) if self.selected else queryset


class DueOption(Option):
    """The private pool's ``due`` filter (issue 12): ``today`` (next follow-up on or before today)
    or ``overdue`` (before today). Not a choice field, so the links are built here."""

    def __init__(self) -> None:
        super().__init__("next_consult_date", label=_("Follow-up due"))

    def bind(self, model, request: HttpRequest, *args, **kwargs) -> BoundOption:
        choices = [(DUE_TODAY, DUE_TODAY, gettext("Due today")), (DUE_OVERDUE, DUE_OVERDUE, gettext("Overdue"))]
        selected = [value for value in request.GET.getlist("due") if value in (DUE_TODAY, DUE_OVERDUE)][:1]
        return _BoundDueOption(
            self, "due", str(self.label), choices, selected, model._meta.get_field("next_consult_date")
        )


class PublicCustomerHandler(CustomerImportMixin, CustomerColumns, StarkHandler):
    """公户: customers nobody holds. Operations add and edit them; consultants claim them;
    the sales manager assigns them to a consultant."""

    model_form_class = CustomerForm
    record_template = "web/customer_record.html"
    assign_template = "web/customer_assign.html"

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return customers_public()

    #: No delete page: customers leave the public pool by being claimed.
    pages = ("list", "add", "change")

    def get_group_counts(self, request: HttpRequest, *args, **kwargs) -> GroupCounts | None:
        """The public pool per entry day (``PublicPoolDay``, kept by triggers): the list's exact
        count, and page 20,000 read from its day on. Only for the whole pool (no data scope)."""
        if self.get_parent(request) is not None or self.get_scope_filter(request, self.get_scope(request)):
            return None
        days, stored = public_pool_days()
        if any(customers < 0 for _day, customers in days):
            # Counts no write path can produce (rows deleted by hand): count the rows instead
            # until ``manage.py public_pool_days --rebuild``.
            logger.warning("public pool day counts are negative; run manage.py public_pool_days --rebuild")
            return None
        if stored - len(days) > COMPACT_AFTER_ROWS:
            # A bulk import's rows, summed per day for the next page. Not this page's business:
            # if it fails (SQLite busy, say), the page is shown and the next one tries again.
            try:
                compact_public_pool_days()
            except DatabaseError:
                logger.exception("summing the public pool's day counts failed")
        return GroupCounts("date", descending=True, counts=days)

    def extra_urls(self) -> list:
        return [
            path("<int:pk>/record/", self.wrap(self.record_view), name=self.get_url_name("record")),
            *self.import_urls(),
        ]

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        return {**super().get_context(request, *args, **kwargs), "import_url": self.get_import_url(request)}

    list_title = _("Public pool")

    def display_record(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Follow-ups")
        url = self.reverse_url(request, "record", pk=obj.pk)  # carries the list's state (_filter)
        if url is None:
            return ""
        return format_cell_html(
            '<a href="{}"><i class="fa fa-comments-o"></i> {}</a>', url, row_text(request, gettext_noop("View"))
        )

    list_display = [
        StarkHandler.display_checkbox,
        *CustomerColumns.pool_columns,
        display_record,
        StarkHandler.display_edit,
    ]

    def record_view(self, request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        """Read-only follow-ups of a public customer, so whoever claims next knows the history."""
        customer = self.get_object(request, pk, *args, **kwargs)
        context = {
            **self.get_context(request, *args, **kwargs),
            "title": gettext("Follow-ups of %(customer)s") % {"customer": customer},
            "customer": customer,
            "records": consult_records_public(customer_id=customer.pk).select_related("consultant"),
        }
        return TemplateResponse(request, self.record_template, context)

    def save(self, request: HttpRequest, form, is_update: bool, *args, **kwargs) -> Customer:
        if not is_update:
            return customer_create_public(
                user=request.user, customer=form.save(commit=False), courses=form.cleaned_data.get("course") or ()
            )
        try:
            return customer_update(
                customer=form.save(commit=False),
                fields=list(form.fields),
                holder=None,
                courses=form.cleaned_data.get("course"),
                user=request.user,
                changed=form.changed_data,
            )
        except Customer.DoesNotExist as exc:
            raise Http404(gettext("This customer is no longer in the public pool.")) from exc

    # ------------------------------------------------------------------ batch actions
    def get_action_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        # Claim and assign must also report the ticked customers someone took since the page
        # was shown, so they see every ticked id; the service moves only rows still public,
        # under a lock. No row data reaches the page through this queryset, only counts.
        if request.POST.get("select_across") == "1":
            return super().get_action_queryset(request, *args, **kwargs)
        return customers_all().filter(pk__in=self.get_posted_pks(request, *args, **kwargs))

    def report(self, request: HttpRequest, rows: BatchRows, result: ClaimResult, done_text: str, **params) -> None:
        """Tell the user how many were claimed or assigned, and why each of the others was not."""
        report_batch(
            request,
            selected=rows.selected,
            done=len(result.claimed),
            done_text=done_text,
            reasons=[
                (len(result.already_taken), gettext("%(count)d already held by a consultant")),
                (len(result.over_cap) + rows.beyond, OVER_CAP),
                # Issue 12's claim rules beside the cap.
                (len(result.cooldown), gettext("%(count)d left your private pool less than %(days)d days ago")),
                (len(result.daily_limit), gettext("%(count)d over the daily claim limit of %(limit)d")),
            ],
            params={"cap": self.cap, "days": reclaim_cooldown_days(), "limit": daily_claim_limit(), **params},
        )

    @property
    def cap(self) -> int:
        return private_pool_cap()

    def rows_for(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> BatchRows:
        # Everything matching the filters: more than the cap can never be claimed at once.
        return BatchRows(self, request, queryset, self.cap, *args, **kwargs)

    @action(_("Claim into my private pool"), name="multi_claim")
    def action_multi_claim(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> None:
        rows = self.rows_for(request, queryset, *args, **kwargs)
        result = customer_claim(consultant=request.user, customer_ids=rows.ids)
        done_text = ngettext(
            "Claimed %(done)d of %(selected)d selected customer into your private pool.",
            "Claimed %(done)d of %(selected)d selected customers into your private pool.",
            rows.selected,
        )
        self.report(request, rows, result, done_text)

    @action(_("Assign to a consultant"), name="multi_assign")
    def action_multi_assign(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> HttpResponse | None:
        """First POST (from the list) shows a form asking for the consultant; its POST assigns."""
        rows = self.rows_for(request, queryset, *args, **kwargs)
        form = AssignForm(request.POST if "consultant" in request.POST else None, manager=request.user)
        if form.is_valid():
            consultant = form.cleaned_data["consultant"]
            try:
                result = customer_assign(manager=request.user, consultant=consultant, customer_ids=rows.ids)
            except ValidationError as error:
                form.add_error("consultant", error)
            else:
                done_text = ngettext(
                    "Assigned %(done)d of %(selected)d selected customer to %(name)s.",
                    "Assigned %(done)d of %(selected)d selected customers to %(name)s.",
                    rows.selected,
                )
                self.report(request, rows, result, done_text, name=str(consultant))
                return None
        return render_consultant_choice(
            self, request, form, rows, gettext("Assign customers to a consultant"), gettext("Assign"), *args, **kwargs
        )

    action_list = [action_multi_claim, action_multi_assign]


class PrivateCustomerHandler(CustomerColumns, StarkHandler):
    """私户: the current user's own customers."""

    model_form_class = CustomerForm
    release_template = "web/customer_release.html"
    #: At most this many rows per "apply to all matching" release.
    release_limit = 1000

    #: The page is "my customers" whatever the scope; the scope says the same of the rows.
    scope_lookups = CUSTOMER_SCOPE

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return customers_private(consultant=request.user)

    def get_scope_filter(self, request: HttpRequest, scope: str) -> None:
        # The user's own customers lie inside every data scope ("own" is exactly them): a scope's
        # condition would repeat ``consultant = user`` (or join the department for nothing).
        return None

    #: No delete: a consultant releases a customer to the public pool instead.
    pages = ("list", "add", "change")

    list_title = _("My customers")
    #: Issue 12: the consultant's dashboard links "signed this month" and the payment figures here.
    search_group = [
        *CustomerColumns.search_group,
        DueOption(),
        signed_option(),
        PaymentStatusOption(_("Payment application")),
    ]

    def extra_urls(self) -> list:
        return [path("<int:pk>/detail/", self.wrap(self.detail_view), name=self.get_url_name("detail"))]

    def detail_view(self, request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        """The customer's page; another consultant's customer is 404."""
        return customer_page(self, request, self.get_scoped_queryset(request, *args, **kwargs), pk, *args, **kwargs)

    def display_name(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return Customer._meta.get_field("name").verbose_name
        return customer_link(request, self.full_url_name(self.get_url_name("detail")), obj)

    display_name.make_cell = customer_link_cells("detail")
    display_name.order_field = "name"
    display_name.export_field = "name"

    def display_records(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Follow-ups")
        text = row_text(request, gettext_noop("Follow-ups"))
        return _link(request, "stark:web_consultrecord_list", {"customer_id": obj.pk}, text, "fa-comments-o")

    display_records.make_cell = _link_cells(
        "stark:web_consultrecord_list", "customer_id", gettext_noop("Follow-ups"), "fa-comments-o"
    )

    def display_payments(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Payments")
        text = row_text(request, gettext_noop("Payments"))
        return _link(request, "stark:web_paymentrecord_list", {"customer_id": obj.pk}, text, "fa-jpy")

    display_payments.make_cell = _link_cells(
        "stark:web_paymentrecord_list", "customer_id", gettext_noop("Payments"), "fa-jpy"
    )

    list_display = [
        StarkHandler.display_checkbox,
        display_name,
        *CustomerColumns.pool_columns[1:],
        "last_consult_date",
        "next_consult_date",
        display_records,
        display_payments,
        StarkHandler.display_edit,
    ]

    def add_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """Like stark's, but the cap can refuse the save: then the form shows why."""
        form = self.get_form(request, True, None, *args, **kwargs)
        if request.method == "POST" and form.is_valid():
            try:
                customer = customer_create_private(
                    consultant=request.user,
                    customer=form.save(commit=False),
                    courses=form.cleaned_data.get("course") or (),
                )
            except PrivatePoolFull as full:
                form.add_error(
                    None,
                    gettext("Your private pool already holds %(cap)d unsigned customers; release some first.")
                    % {"cap": full.cap},
                )
            except IntegrityError:
                # Someone saved the same QQ (or mobile, WeChat) between the form's check and our insert.
                self._report_duplicate(form)
            else:
                messages.success(
                    request, gettext("Added customer “%(name)s” to your private pool.") % {"name": customer}
                )
                return HttpResponseRedirect(self.get_return_url(request, *args, **kwargs))
        return self.render_form(request, form, True, *args, **kwargs)

    @staticmethod
    def _report_duplicate(form) -> None:
        for field in DUPLICATE_MESSAGES:
            error = duplicate_error(field=field, value=form.cleaned_data.get(field))
            if error is not None:
                form.add_error(field, error)
                return
        form.add_error("qq", Customer._meta.get_field("qq").error_messages["unique"])

    def save(self, request: HttpRequest, form, is_update: bool, *args, **kwargs) -> Customer:
        # Only the change page gets here (add_view above does its own saving).
        try:
            return customer_update(
                customer=form.save(commit=False),
                fields=list(form.fields),
                holder=request.user,
                courses=form.cleaned_data.get("course"),
                changed=form.changed_data,
            )
        except Customer.DoesNotExist as exc:
            raise Http404(gettext("This customer is no longer in your private pool.")) from exc

    def get_action_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        queryset = super().get_action_queryset(request, *args, **kwargs)
        # Ticked ids of which none is mine: a forged request, answered like any foreign id.
        if request.POST.get("select_across") != "1" and request.POST.getlist("pk") and not queryset.exists():
            raise Http404(gettext("No such customer in your private pool."))
        return queryset

    @action(_("Release to the public pool"), name="multi_release")
    def action_multi_release(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> HttpResponse | None:
        """Ask for confirmation (listing the customers), then put them back into the public pool."""
        rows = BatchRows(self, request, queryset, self.release_limit, *args, **kwargs)
        if request.POST.get("confirm") != "yes":
            return render_release_confirmation(self, request, rows, *args, **kwargs)
        result = customer_release(consultant=request.user, customer_ids=rows.ids)
        report_batch(
            request,
            selected=rows.selected,
            done=len(result.released),
            done_text=ngettext(
                "Released %(done)d of %(selected)d selected customer to the public pool.",
                "Released %(done)d of %(selected)d selected customers to the public pool.",
                rows.selected,
            ),
            reasons=[
                (len(result.not_mine), gettext("%(count)d not in your private pool")),
                (rows.beyond, gettext("%(count)d beyond the first %(limit)d of one batch")),
            ],
            params={"limit": self.release_limit},
        )
        return None

    action_list = [action_multi_release]


class AllCustomerHandler(CustomerColumns, StarkHandler):
    """Every customer for the sales manager: read-only, except moving private customers between
    consultants (``multi_reassign``); filter by consultant, status, source."""

    record_template = "web/customer_record.html"
    assign_template = "web/customer_assign.html"
    #: At most this many rows per "apply to all matching" reassignment.
    reassign_limit = 1000

    def display_record(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Follow-ups")
        url = self.reverse_url(request, "record", pk=obj.pk)
        if url is None:
            return ""
        return format_cell_html(
            '<a href="{}"><i class="fa fa-comments-o"></i> {}</a>', url, row_text(request, gettext_noop("View"))
        )

    def display_name(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return Customer._meta.get_field("name").verbose_name
        return customer_link(request, self.full_url_name(self.get_url_name("detail")), obj)

    display_name.make_cell = customer_link_cells("detail")
    display_name.order_field = "name"
    display_name.export_field = "name"

    list_display = [
        StarkHandler.display_checkbox,
        display_name,
        "qq",
        "gender",
        "status",
        "source",
        "course",
        "consultant",
        "date",
        "last_consult_date",
        display_record,
    ]
    search_group = [
        consultant_option(),
        Option("status"),
        Option("source", is_multi=True),
        # Issue 12: the manager's funnel links each week's entered, claimed and signed customers here.
        DateRangeOption("date"),
        claimed_option(),
        signed_option(),
    ]
    has_add_btn = False

    #: The rows are the role's data scope: a consultant's own, their department's (with the public
    #: pool), or every customer (web.selectors.customers.customer_scope_condition).
    scope_lookups = CUSTOMER_SCOPE

    def get_scope_filter(self, request: HttpRequest, scope: str):
        return customer_scope_condition(user=request.user, scope=scope)

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return customers_all()

    #: Read-only but for reassignment: the list (with its action and export), the customer page
    #: and the follow-ups (extra_urls).
    pages = ("list",)

    def extra_urls(self) -> list:
        return [
            path("<int:pk>/detail/", self.wrap(self.detail_view), name=self.get_url_name("detail")),
            path("<int:pk>/record/", self.wrap(self.record_view), name=self.get_url_name("record")),
        ]

    def detail_view(self, request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        """The customer's page, read-only, for the sales manager."""
        return customer_page(self, request, self.get_scoped_queryset(request, *args, **kwargs), pk, *args, **kwargs)

    list_title = _("All customers")

    def record_view(self, request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        """Read-only follow-ups of any customer, whoever holds it."""
        customer = self.get_object(request, pk, *args, **kwargs)
        context = {
            **self.get_context(request, *args, **kwargs),
            "title": gettext("Follow-ups of %(customer)s") % {"customer": customer},
            "customer": customer,
            "records": consult_records_all(customer_id=customer.pk).select_related("consultant"),
        }
        return TemplateResponse(request, self.record_template, context)

    def get_action_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        # Every ticked id in the user's scope, so the message can account for each (one deleted
        # since counts too; one outside the scope is not found, as if deleted).
        if request.POST.get("select_across") == "1":
            return super().get_action_queryset(request, *args, **kwargs)
        return self.get_scoped_queryset(request, *args, **kwargs).filter(
            pk__in=self.get_posted_pks(request, *args, **kwargs)
        )

    @action(_("Move to another consultant"), name="multi_reassign")
    def action_multi_reassign(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> HttpResponse | None:
        """First POST (from the list) asks for the consultant; its POST moves the customers."""
        rows = BatchRows(self, request, queryset, self.reassign_limit, *args, **kwargs)
        form = AssignForm(request.POST if "consultant" in request.POST else None, manager=request.user)
        if form.is_valid():
            consultant = form.cleaned_data["consultant"]
            try:
                result = customer_reassign(manager=request.user, consultant=consultant, customer_ids=rows.ids)
            except ValidationError as error:
                form.add_error("consultant", error)
            else:
                report_batch(
                    request,
                    selected=rows.selected,
                    done=len(result.moved),
                    done_text=ngettext(
                        "Moved %(done)d of %(selected)d selected customer to %(name)s.",
                        "Moved %(done)d of %(selected)d selected customers to %(name)s.",
                        rows.selected,
                    ),
                    reasons=[
                        (len(result.already_theirs), gettext("%(count)d already with them")),
                        (len(result.not_private), gettext("%(count)d in the public pool (assign those instead)")),
                        (len(result.over_cap), OVER_CAP),
                        (rows.beyond, gettext("%(count)d beyond the first %(limit)d of one batch")),
                    ],
                    params={"name": str(consultant), "cap": private_pool_cap(), "limit": self.reassign_limit},
                )
                return None
        return render_consultant_choice(
            self,
            request,
            form,
            rows,
            gettext("Move customers to another consultant"),
            gettext("Move"),
            *args,
            **kwargs,
        )

    action_list = [action_multi_reassign]


#: Customers named on the choose-a-consultant page; the rest are counted.
NAMED_CUSTOMERS = 20


def render_consultant_choice(
    handler: StarkHandler, request: HttpRequest, form, rows: BatchRows, title: str, button: str, *args, **kwargs
) -> TemplateResponse:
    """The page between the list and an assignment: whom to, and which customers (named)."""
    shown = rows.ids[:NAMED_CUSTOMERS]
    # Named only from what this user may see: a forged id adds to the count, never a name.
    names = dict(handler.get_queryset(request, *args, **kwargs).filter(pk__in=shown).values_list("pk", "name"))
    back = reverse(handler.full_url_name(handler.get_list_url_name()), args=args, kwargs=kwargs)
    context = {
        **handler.get_context(request, *args, **kwargs),
        "list_url": f"{back}?{request.GET.urlencode()}" if request.GET else back,
        "title": title,
        "button": button,
        "form": form,
        "count": rows.selected,
        "names": [names[pk] for pk in shown if pk in names],
        "more": max(0, rows.selected - len(shown)),
        "post_items": [
            (key, value) for key in ("action", "select_across", "pk") for value in request.POST.getlist(key)
        ],
    }
    return TemplateResponse(request, handler.assign_template, context)


def render_release_confirmation(
    handler: StarkHandler, request: HttpRequest, rows: BatchRows, *args, **kwargs
) -> TemplateResponse:
    """Nothing moves until this page is confirmed: it names the customers that would go."""
    shown = rows.ids[:NAMED_CUSTOMERS]
    # Named only from what this user may see: a forged id adds to the count, never a name.
    names = dict(handler.get_queryset(request, *args, **kwargs).filter(pk__in=shown).values_list("pk", "name"))
    back = reverse(handler.full_url_name(handler.get_list_url_name()), args=args, kwargs=kwargs)
    context = {
        **handler.get_context(request, *args, **kwargs),
        "list_url": f"{back}?{request.GET.urlencode()}" if request.GET else back,
        "title": gettext("Release customers to the public pool"),
        "count": rows.selected,
        "names": [names[pk] for pk in shown if pk in names],
        "more": max(0, rows.selected - len(shown)),
        "post_items": [
            (key, value) for key in ("action", "select_across", "pk") for value in request.POST.getlist(key)
        ],
    }
    return TemplateResponse(request, handler.release_template, context)
