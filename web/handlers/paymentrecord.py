"""Payment applications of one of the consultant's own customers (缴费申请)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from stark.handlers import StarkHandler
from web.forms.payments import PaymentApplyForm
from web.handlers.approval import display_confirm_date, keep_urls
from web.models import Customer, PaymentRecord
from web.services.payments import payment_apply


def own_customer(request: HttpRequest, customer_id: int) -> Customer:
    """The customer ``customer_id`` if it is in the current user's private pool, else 404."""
    return get_object_or_404(Customer, pk=customer_id, consultant_id=request.user.pk)


class PaymentRecordHandler(StarkHandler):
    route_prefix = "<int:customer_id>/"
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
    ]
    list_select_related = ["class_list__course", "confirm_user"]
    model_form_class = PaymentApplyForm

    def get_urls(self):
        return keep_urls(super().get_urls(), {self.get_list_url_name(), self.get_add_url_name()})

    def get_queryset(self, request: HttpRequest, *args, customer_id: int, **kwargs):
        return PaymentRecord.objects.filter(customer=own_customer(request, customer_id))

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict:
        context = super().get_context(request, *args, **kwargs)
        context["customer"] = own_customer(request, kwargs["customer_id"])
        return context

    def get_list_title(self, request: HttpRequest, context: dict, *args, **kwargs) -> str:
        return gettext("Payment applications of %(customer)s") % {"customer": context["customer"]}

    def get_form(self, request: HttpRequest, is_add: bool, instance, *args, **kwargs):
        form = super().get_form(request, is_add, instance, *args, **kwargs)
        return form.for_customer(own_customer(request, kwargs["customer_id"]))

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
