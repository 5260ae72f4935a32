"""stark's one table: the one-use tokens of forms already submitted (idempotent submits)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UsedFormToken(models.Model):
    """A form token consumed by a successful submit; the unique nonce refuses a second one.

    Tokens are signed (``stark.form_tokens``), so issued tokens are not stored: only used ones,
    and only until they would have expired anyway.
    """

    nonce = models.CharField(_("nonce"), max_length=64, unique=True)
    used_at = models.DateTimeField(_("used at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")

    def __str__(self) -> str:
        return self.nonce
