"""Checks of the contact fields people type in (QQ numbers, mobile numbers, WeChat IDs)."""

import re

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


#: A WeChat ID (微信号): 6 to 20 letters, digits, "_" or "-" starting with a letter; an account
#: registered by phone may use its mobile number instead.
wechat_validator = RegexValidator(
    r"^([a-z][-_a-z0-9]{5,19}|1[3-9][0-9]{9})\Z",
    _("Enter a WeChat ID: 6 to 20 letters, digits, “_” or “-”, starting with a letter (or a mobile number)."),
    code="wechat",
    flags=re.IGNORECASE,
)


def normalise_mobile(text: str) -> str:
    """``+86 138-0013-8000`` → ``13800138000``: one spelling per number, so uniqueness holds."""
    digits = "".join(text.split()).replace("-", "")
    if len(digits) == 14 and digits.startswith("+86"):
        return digits[3:]
    if len(digits) == 13 and digits.startswith("86"):
        return digits[2:]
    return digits


def normalise_wechat(text: str) -> str:
    """WeChat IDs are case-insensitive: stored in lower case (MariaDB's and SQLite's unique indexes then agree)."""
    return text.strip().lower()
