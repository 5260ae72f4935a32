"""Checks of the contact fields people type in (QQ numbers, mobile numbers)."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

#: A QQ number: 5 to 12 digits, not starting with 0.
qq_validator = RegexValidator(r"^[1-9][0-9]{4,11}\Z", _("Enter a QQ number: 5 to 12 digits."), code="qq")

#: A mainland mobile number, 11 digits starting with 1, optionally with +86 in front.
mobile_validator = RegexValidator(
    r"^(\+?86[ -]?)?1[3-9][0-9]{9}\Z", _("Enter an 11-digit mobile number, e.g. 13800138000."), code="mobile"
)


def add_validators(form, **validators) -> None:
    """Append a validator to each named field that the form has (fields may have been dropped)."""
    for name, validator in validators.items():
        if name in form.fields:
            form.fields[name].validators.append(validator)
