"""The customer pools (DESIGN.md §4 rules 1–3): public pool, private pool, all customers.

Handlers stay thin: each page scopes its rows with a selector, and every write goes through
``web.services.customers`` (claiming, assigning, releasing, adding, editing).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stark.handlers import StarkHandler, action
from stark.search import DateRangeOption, Option
from stark.utils import check_permission, clean_pks
from web.forms.customer import DUPLICATE_MESSAGES, AssignForm, CustomerForm, duplicate_error
from web.handlers.customer_import import CustomerImportMixin
from web.models import Customer, Department
from web.search import customer_search
from web.selectors.customers import (
    consult_records_public,
    customers_all,
    customers_private,
    customers_public,
)
from web.services.customers import (
    ClaimResult,
    PrivatePoolFull,
    customer_assign,
    customer_claim,
    customer_create_private,
    customer_release,
    customer_update,
    private_pool_cap,
)


def _posted_ids(request: HttpRequest) -> list[str]:
    return request.POST.getlist("pk")


def _link(request: HttpRequest, url_name: str, kwargs: dict, text: str, icon: str) -> str:
    """A link to ``url_name`` when it exists and the permission hook allows it; else nothing."""
    if not check_permission(request, url_name):
        return ""
    try:
        url = reverse(url_name, kwargs=kwargs)
    except NoReverseMatch:  # a page another area has not built (yet)
        return ""
    return format_html('<a href="{}"><i class="fa {}"></i> {}</a>', url, icon, text)


class CustomerColumns:
    """Columns shared by the three customer lists."""

    #: Any part of a name, of a QQ or mobile number or of a WeChat ID, found through the customer
    #: search index (web/search.py) instead of reading every row; results equal LIKE '%…%'
    #: (docs/performance.md).
    search_list = ["name", "qq", "mobile", "wechat"]
    search_backend = customer_search
    order_list = ["-date", "-id"]

    has_export_btn = True

    def get_export_list(self, request: HttpRequest, *args, **kwargs) -> list:
        # The list's field columns, with what a spreadsheet needs besides: the id (to match
        # rows again later) and every contact, whether or not the list has room to show it.
        contacts = ["mobile", "wechat"]
        columns = [
            entry
            for entry in self.get_list_display(request, *args, **kwargs)
            if isinstance(entry, str) and entry not in contacts
        ]
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


class PublicCustomerHandler(CustomerImportMixin, CustomerColumns, StarkHandler):
    """公户: customers nobody holds. Operations add and edit them; consultants claim them;
    the sales manager assigns them to a consultant."""

    model_form_class = CustomerForm
    record_template = "web/customer_record.html"
    assign_template = "web/customer_assign.html"

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return customers_public()

    def get_urls(self) -> list:
        # The public pool has no delete page: customers leave it by being claimed.
        return [url for url in super().get_urls() if url.name != self.get_delete_url_name()]

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
        return _link(
            request, self.full_url_name(self.get_url_name("record")), {"pk": obj.pk}, gettext("View"), "fa-comments-o"
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
            form.instance.consultant = None  # not a form field anyway; new customers are public
            return form.save()
        try:
            return customer_update(
                customer=form.save(commit=False),
                fields=list(form.fields),
                holder=None,
                courses=form.cleaned_data.get("course"),
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
        return customers_all().filter(pk__in=clean_pks(Customer, _posted_ids(request)))

    def report(self, request: HttpRequest, result: ClaimResult, consultant_name: str | None = None) -> None:
        """Tell the user how many were claimed and why the others were not."""
        if result.claimed:
            if consultant_name:
                text = gettext("Assigned %(count)d customers to %(name)s.")
            else:
                text = gettext("Claimed %(count)d customers into your private pool.")
            messages.success(request, text % {"count": len(result.claimed), "name": consultant_name})
        if result.already_taken:
            messages.warning(
                request,
                gettext("%(count)d customers were skipped: another consultant already holds them.")
                % {"count": len(result.already_taken)},
            )
        if result.over_cap:
            messages.warning(
                request,
                gettext("%(count)d customers were skipped: a private pool holds at most %(cap)d unsigned customers.")
                % {"count": len(result.over_cap), "cap": self.cap},
            )
        if not (result.claimed or result.already_taken or result.over_cap):
            messages.warning(request, gettext("Select at least one row."))

    @property
    def cap(self) -> int:
        return private_pool_cap()

    def _ids_for(self, request: HttpRequest, queryset: QuerySet) -> list:
        if request.POST.get("select_across") == "1":
            # Everything matching the filters: more than the cap can never be claimed at once.
            return list(queryset.order_by("pk").values_list("pk", flat=True)[: self.cap])
        return list(queryset.values_list("pk", flat=True))

    @action(_("Claim into my private pool"), name="multi_claim")
    def action_multi_claim(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> None:
        result = customer_claim(consultant=request.user, customer_ids=self._ids_for(request, queryset))
        self.report(request, result)

    @action(_("Assign to a consultant"), name="multi_assign")
    def action_multi_assign(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> HttpResponse | None:
        """First POST (from the list) shows a form asking for the consultant; its POST assigns."""
        form = AssignForm(request.POST if "consultant" in request.POST else None)
        if form.is_valid():
            consultant = form.cleaned_data["consultant"]
            try:
                result = customer_assign(
                    manager=request.user, consultant=consultant, customer_ids=self._ids_for(request, queryset)
                )
            except ValidationError as error:
                form.add_error("consultant", error)
            else:
                self.report(request, result, consultant_name=str(consultant))
                return None
        count = queryset.count() if request.POST.get("select_across") != "1" else min(queryset.count(), self.cap)
        context = {
            **self.get_context(request, *args, **kwargs),
            "title": gettext("Assign customers to a consultant"),
            "form": form,
            "count": count,
            "post_items": [
                (key, value) for key in ("action", "select_across", "pk") for value in request.POST.getlist(key)
            ],
        }
        return TemplateResponse(request, self.assign_template, context)

    action_list = [action_multi_claim, action_multi_assign]


class PrivateCustomerHandler(CustomerColumns, StarkHandler):
    """私户: the current user's own customers."""

    model_form_class = CustomerForm

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return customers_private(consultant=request.user)

    def get_urls(self) -> list:
        # No delete: a consultant releases a customer to the public pool instead.
        return [url for url in super().get_urls() if url.name != self.get_delete_url_name()]

    list_title = _("My customers")

    def display_records(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Follow-ups")
        return _link(
            request, "stark:web_consultrecord_list", {"customer_id": obj.pk}, gettext("Follow-ups"), "fa-comments-o"
        )

    def display_payments(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Payments")
        return _link(request, "stark:web_paymentrecord_list", {"customer_id": obj.pk}, gettext("Payments"), "fa-jpy")

    list_display = [
        StarkHandler.display_checkbox,
        *CustomerColumns.pool_columns,
        "last_consult_date",
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
            )
        except Customer.DoesNotExist as exc:
            raise Http404(gettext("This customer is no longer in your private pool.")) from exc

    def get_action_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        queryset = super().get_action_queryset(request, *args, **kwargs)
        # Ticked ids of which none is mine: a forged request, answered like any foreign id.
        if request.POST.get("select_across") != "1" and _posted_ids(request) and not queryset.exists():
            raise Http404(gettext("No such customer in your private pool."))
        return queryset

    @action(_("Release to the public pool"), name="multi_release")
    def action_multi_release(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> None:
        result = customer_release(consultant=request.user, customer_ids=list(queryset.values_list("pk", flat=True)))
        if result.released:
            messages.success(
                request, gettext("Released %(count)d customers to the public pool.") % {"count": len(result.released)}
            )
        skipped = len(set(_posted_ids(request))) - len(result.released)
        if request.POST.get("select_across") != "1" and skipped > 0:
            messages.warning(
                request,
                gettext("%(count)d customers were skipped: they are not in your private pool.") % {"count": skipped},
            )

    action_list = [action_multi_release]


class AllCustomerHandler(CustomerColumns, StarkHandler):
    """Every customer, read-only, for the sales manager (filter by consultant, status, source)."""

    list_display = ["name", "qq", "gender", "status", "source", "course", "consultant", "date", "last_consult_date"]
    search_group = [
        Option("consultant", db_condition={"depart__kind": Department.Kind.SALES}),
        Option("status"),
        Option("source", is_multi=True),
    ]
    has_add_btn = False

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return customers_all()

    def get_urls(self) -> list:
        return [url for url in super().get_urls() if url.name in {self.get_list_url_name(), self.get_export_url_name()}]

    list_title = _("All customers")
