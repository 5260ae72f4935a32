"""One-use form tokens: a double click or a browser resubmit of an add form saves one row.

The add page carries a signed token (user + random nonce). The save that consumes it inserts
the nonce into a unique column *in the same transaction as the row it saves*: a second submit
of the same token then fails on the unique index (on MariaDB it waits for the first commit,
so two simultaneous clicks are decided there too), and a save refused later (a form error)
rolls the nonce back so the same page can be submitted again after the fix.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from stark.models import UsedFormToken

FIELD_NAME = "_form_token"
_SALT = "stark.form_token"


def max_age() -> timedelta:
    """How long a form page stays submittable (``STARK_FORM_TOKEN_MAX_AGE`` seconds, default a day)."""
    return timedelta(seconds=getattr(settings, "STARK_FORM_TOKEN_MAX_AGE", 24 * 60 * 60))


class InvalidToken(Exception):
    """Missing, forged, expired or another user's token."""


class DuplicateSubmit(Exception):
    """The token was already used by a successful submit."""


def _user_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    return str(user.pk) if user is not None and user.is_authenticated else ""


def issue(request: HttpRequest) -> str:
    return signing.dumps({"u": _user_key(request), "n": secrets.token_urlsafe(24)}, salt=_SALT)


def consume(request: HttpRequest) -> None:
    """Mark the request's token used; call inside the transaction of the save it guards."""
    try:
        data = signing.loads(request.POST.get(FIELD_NAME, ""), salt=_SALT, max_age=max_age())
    except signing.BadSignature as exc:
        raise InvalidToken from exc
    if not isinstance(data, dict) or data.get("u") != _user_key(request) or not isinstance(data.get("n"), str):
        raise InvalidToken
    try:
        with transaction.atomic():
            UsedFormToken.objects.create(nonce=data["n"][:64])
    except IntegrityError as exc:
        raise DuplicateSubmit from exc
    # Forget tokens that have expired anyway (index on used_at; usually nothing to delete).
    UsedFormToken.objects.filter(used_at__lt=timezone.now() - max_age()).delete()
