"""Payment applications of one of the consultant's own customers (缴费申请)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext

from stark.handlers import StarkHandler
from web.forms.payments import PaymentApplyForm
from web.handlers.approval import display_confirm_date
from web.models import Customer, PaymentRecord
from web.selectors.customers import CUSTOMER_RECORD_SCOPE, customers_private
from web.services.payments import payment_apply


class PaymentRecordHandler(StarkHandler):
    #: The customer of the URL, one of the consultant's own (404 otherwise, on every page).
    parent_kwarg = "customer_id"
    scope_lookups = CUSTOMER_RECORD_SCOPE
    #: The list the parent is picked from: the list page links back to it as it was left.
    parent_list_url_name = "stark:web_customer_priv_list"
    pages = ("list", "add")
    #: A double click or a resubmit of the add page saves one row (issue 16).
    form_token = True
    list_display = [
        "pay_type",
        "paid_fee",
        "class_list",
        "confirm_status",
        "apply_date",
        display_confirm_date,
        "confirm_user",
        "note",
        "reject_reason",
    ]
    list_select_related = ["class_list__course", "class_list__school", "confirm_user"]
    model_form_class = PaymentApplyForm

    def get_parent_queryset(self, request: HttpRequest) -> QuerySet[Customer]:
        return customers_private(consultant=request.user)

    def get_queryset(self, request: HttpRequest, *args, **kwargs):
        return PaymentRecord.objects.all()  # stark narrows it to the URL's customer

    def get_list_title(self, request: HttpRequest, context: dict, *args, **kwargs) -> str:
        return gettext("Payment applications of %(customer)s") % {"customer": context["customer"]}

    def render_form(self, request: HttpRequest, form, is_add: bool, *args, **kwargs):
        response = super().render_form(request, form, is_add, *args, **kwargs)
        response.context_data["title"] = gettext("Payment application of %(customer)s") % {
            "customer": response.context_data["customer"]
        }
        return response

    def get_form(self, request: HttpRequest, is_add: bool, instance, *args, **kwargs):
        form = super().get_form(request, is_add, instance, *args, **kwargs)
        return form.for_customer(self.get_parent(request))

    def save(self, request: HttpRequest, form: PaymentApplyForm, is_update: bool, *args, **kwargs) -> PaymentRecord:
        data = form.cleaned_data
        return payment_apply(
            consultant=request.user,
            customer=form.customer,
            pay_type=data["pay_type"],
            paid_fee=data["paid_fee"],
            class_list=data["class_list"],
            note=data.get("note", ""),
            qq=data.get("qq", ""),
            mobile=data.get("mobile", ""),
            emergency_contract=data.get("emergency_contract", ""),
        )
