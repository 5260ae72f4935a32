"""A password validator Django lacks: the password must not contain the user name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class UsernameInPasswordValidator:
    """Refuse a password that contains the user's user name (ignoring case).

    Django's ``UserAttributeSimilarityValidator`` compares whole strings, so a user name
    repeated or with a few characters added scores below its threshold and passes. User
    names shorter than ``min_username_length`` are not checked (too many false refusals).
    """

    def __init__(self, min_username_length: int = 3) -> None:
        self.min_username_length = min_username_length

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "get_username", lambda: "")() or "").casefold() if user is not None else ""
        if len(username) >= self.min_username_length and username in password.casefold():
            raise ValidationError(_("The password must not contain the user name."), code="password_has_username")

    def get_help_text(self) -> str:
        return _("Your password must not contain your user name.")
