"""Forms of the customer pages. The pool (consultant), the status (signed by payment approval),
the last follow-up date and a follow-up's customer/consultant/date are set by the server:
they are never fields here, so a forged POST field is simply ignored."""

from django import forms
from django.utils import timezone
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
    #: Issue 12: not a field of the record but of its customer; the service sets both together.
    next_consult_date = forms.DateField(
        label=_("Next follow-up"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Optional: the day you mean to follow up again. It appears in “due today” on that day."),
    )

    class Meta:
        model = ConsultRecord
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["next_consult_date"]  # editing a past follow-up's note does not move the reminder

    def clean_next_consult_date(self):
        day = self.cleaned_data.get("next_consult_date")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The next follow-up cannot be in the past."), code="past")
        return day


class AssignForm(forms.Form):
    """The sales manager's choice of consultant for ``multi_assign``."""

    consultant = forms.ModelChoiceField(
        label=_("Consultant"),
        queryset=sales_consultants().order_by("name", "username"),
        empty_label=None,
    )
