"""Forms of the customer pages. The pool (consultant), the status (signed by payment approval),
the last follow-up date and a follow-up's customer/consultant/date are set by the server:
they are never fields here, so a forged POST field is simply ignored."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stark.forms import StarkModelForm
from web.forms.contact import (
    add_validators,
    mobile_validator,
    normalise_mobile,
    normalise_wechat,
    qq_validator,
    wechat_validator,
)
from web.models import ConsultRecord, Customer, UserInfo
from web.selectors.customers import consultants_for_manager, customer_holders

#: The customer's unique contacts, and how a duplicate of each is reported.
DUPLICATE_MESSAGES = {
    "qq": _("A customer with this QQ already exists (%(holder)s)."),
    "mobile": _("A customer with this mobile number already exists (%(holder)s)."),
    "wechat": _("A customer with this WeChat ID already exists (%(holder)s)."),
}


def duplicate_error(*, field: str, value: str, exclude_pk: int | None = None) -> ValidationError | None:
    """An error naming who holds the existing customer with ``value`` (pool or consultant), if any."""
    holder = customer_holders(field=field, values=[value], exclude_pk=exclude_pk).get(value)
    if holder is None:
        return None
    return ValidationError(gettext(DUPLICATE_MESSAGES[field]) % {"holder": holder}, code="unique")


class CustomerForm(StarkModelForm):
    class Meta:
        model = Customer
        fields = [
            "name",
            "qq",
            "mobile",
            "wechat",
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
        add_validators(self, qq=qq_validator, wechat=wechat_validator)
        if "mobile" in self.fields:
            # "+86 138-0013-8000" is longer than the 11 digits stored: it is checked after
            # normalising (clean_mobile), not by the column's max_length.
            field = self.fields["mobile"]
            field.max_length = None
            field.widget.attrs.pop("maxlength", None)
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]

    def _clean_unique(self, field: str, value: str | None) -> str | None:
        # Checked here rather than by the model so the message can say who holds the other
        # customer; a field with an error is skipped by the model's own unique check.
        if value:
            error = duplicate_error(field=field, value=value, exclude_pk=self.instance.pk)
            if error is not None:
                raise error
        return value

    def clean_qq(self) -> str:
        return self._clean_unique("qq", self.cleaned_data["qq"])

    def clean_mobile(self) -> str | None:
        value = self.cleaned_data.get("mobile")
        if not value:
            return None
        value = normalise_mobile(value)
        mobile_validator(value)
        return self._clean_unique("mobile", value)

    def clean_wechat(self) -> str | None:
        value = self.cleaned_data.get("wechat")
        return self._clean_unique("wechat", normalise_wechat(value) if value else None)


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
