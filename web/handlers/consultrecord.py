"""Follow-ups (跟进记录) of one of my own customers (DESIGN.md §4 rule 4).

Every URL carries ``customer_id``; a customer outside the current user's private pool gives
404 on every page, GET and POST alike, before anything else happens. The record's customer,
consultant and date are set by the server (``web.services.customers``).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext

from stark.handlers import StarkHandler
from web.forms.customer import ConsultRecordForm
from web.models import ConsultRecord, Customer
from web.selectors.customers import CUSTOMER_RECORD_SCOPE, consult_records_private, customers_private
from web.services.customers import consult_record_add, consult_record_edit


class ConsultRecordHandler(StarkHandler):
    #: The customer of the URL, one of the consultant's own (404 otherwise, on every page).
    parent_kwarg = "customer_id"
    scope_lookups = CUSTOMER_RECORD_SCOPE
    #: The list the parent is picked from: the list page links back to it as it was left.
    parent_list_url_name = "stark:web_customer_priv_list"
    #: A double click or a resubmit of the add page saves one row (issue 16).
    form_token = True
    list_display = ["date", "note", "consultant", StarkHandler.display_edit_del]
    order_list = ["-date", "-id"]
    model_form_class = ConsultRecordForm

    def get_parent_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return customers_private(consultant=request.user)

    def get_queryset(self, request: HttpRequest, *args, customer_id: int, **kwargs) -> QuerySet:
        return consult_records_private(consultant=request.user, customer_id=customer_id)

    def _titled(self, response: HttpResponse, request: HttpRequest, text: str) -> HttpResponse:
        if isinstance(response, TemplateResponse) and response.context_data is not None:
            response.context_data["title"] = text % {"customer": self.get_parent(request)}
        return response

    def list_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self._titled(super().list_view(request, *args, **kwargs), request, gettext("Follow-ups of %(customer)s"))

    def add_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return self._titled(
            super().add_view(request, *args, **kwargs), request, gettext("Add a follow-up for %(customer)s")
        )

    def save(self, request: HttpRequest, form, is_update: bool, *args, customer_id: int, **kwargs) -> ConsultRecord:
        note = form.cleaned_data["note"]
        try:
            if is_update:
                return consult_record_edit(
                    consultant=request.user, customer_id=customer_id, record_id=form.instance.pk, note=note
                )
            return consult_record_add(
                consultant=request.user,
                customer_id=customer_id,
                note=note,
                next_consult_date=form.cleaned_data.get("next_consult_date"),
            )
        except (Customer.DoesNotExist, ConsultRecord.DoesNotExist) as exc:
            # Released in another tab between the check and the save.
            raise Http404(gettext("No such customer in your private pool.")) from exc
