"""Forms of the customer pages. The pool (consultant), the status (signed by payment approval),
the last follow-up date and a follow-up's customer/consultant/date are set by the server:
they are never fields here, so a forged POST field is simply ignored."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
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
from web.models import ConsultRecord, Customer
from web.selectors.customers import customer_holders, sales_consultants

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
