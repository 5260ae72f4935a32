"""Forms of the payment application page."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from web.forms.contact import mobile_validator, qq_validator
from web.models import ClassList, Customer, PaymentRecord, Student


class PaymentApplyForm(forms.ModelForm):
    """Type, amount, class and note; the student's contact fields on the customer's first application.

    The handler calls ``for_customer`` right after building the form: it drops the contact
    fields when the customer already has a Student, else requires them and pre-fills them.
    """

    qq = forms.CharField(label=_("student QQ"), max_length=64, required=False, validators=[qq_validator])
    mobile = forms.CharField(label=_("mobile"), max_length=32, required=False, validators=[mobile_validator])
    emergency_contract = forms.CharField(label=_("emergency contact"), max_length=64, required=False)

    class Meta:
        model = PaymentRecord
        fields = ["pay_type", "paid_fee", "class_list", "note", "qq", "mobile", "emergency_contract"]

    contact_fields = ("qq", "mobile", "emergency_contract")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A class is shown as "course (semester N) · campus": load courses and campuses with the classes.
        self.fields["class_list"].queryset = ClassList.objects.select_related("course", "school")

    def for_customer(self, customer: Customer) -> "PaymentApplyForm":
        self.customer = customer
        self.needs_student = not Student.objects.filter(customer=customer).exists()
        for name in self.contact_fields:
            if self.needs_student:
                self.fields[name].required = True
            else:
                del self.fields[name]
        if self.needs_student:
            self.fields["qq"].initial = customer.qq
        return self

    def clean_paid_fee(self) -> Decimal:
        paid_fee = self.cleaned_data["paid_fee"]
        if paid_fee is not None and paid_fee <= 0:
            raise forms.ValidationError(_("The amount must be greater than zero."), code="amount")
        return paid_fee
