"""Forms of the customer pages. The pool (consultant), the status (signed by payment approval),
the last follow-up date and a follow-up's customer/consultant/date are set by the server:
they are never fields here, so a forged POST field is simply ignored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stark.forms import StarkModelForm
from web.forms.contact import add_validators, qq_validator
from web.models import ConsultRecord, Customer
from web.selectors.customers import sales_consultants


class CustomerForm(StarkModelForm):
    class Meta:
        model = Customer
        fields = [
            "name",
            "qq",
            "gender",
            "source",
            "course",
            "education",
            "graduation_school",
            "major",
            "experience",
            "work_status",
            "company",
            "salary",
            "date",
        ]
        widgets = {"course": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        add_validators(self, qq=qq_validator)


class ConsultRecordForm(StarkModelForm):
    class Meta:
        model = ConsultRecord
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


class AssignForm(forms.Form):
    """The sales manager's choice of consultant for ``multi_assign``."""

    consultant = forms.ModelChoiceField(
        label=_("Consultant"),
        queryset=sales_consultants().order_by("name", "username"),
        empty_label=None,
    )
