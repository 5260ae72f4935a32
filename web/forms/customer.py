"""Forms of the customer pages. The pool (consultant), the status (signed by payment approval),
the last follow-up date and a follow-up's customer/consultant/date are set by the server:
they are never fields here, so a forged POST field is simply ignored."""

from django import forms
from django.utils.translation import gettext_lazy as _

from stark.forms import StarkModelForm
from web.forms.contact import add_validators, qq_validator
from web.models import ConsultRecord, Customer, UserInfo
from web.selectors.customers import consultants_for_manager


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
    """The sales manager's choice of consultant for ``multi_assign`` and ``multi_reassign``.

    Nothing is preselected: a batch of customers going to the first name in the list because
    nobody looked would be a silent mistake.
    """

    consultant = forms.ModelChoiceField(
        label=_("Consultant"),
        queryset=UserInfo.objects.none(),
        empty_label=_("— please choose —"),
        required=True,
    )

    def __init__(self, *args, manager: UserInfo, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants_for_manager(manager=manager).order_by("name", "username")
