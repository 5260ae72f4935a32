"""stark's tables: the n-gram (suffix) search index and the used one-use form tokens."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchGram(models.Model):
    """One indexed fragment: the suffix ``gram`` of the value of field ``field`` of row ``object_id``.

    ``field`` is a stable number for "app_label.model.field" (``NgramIndex.field_key``). The primary key
    ``(field, gram, object_id)`` is the index itself: a search for "张芳" is one range of it
    (``field = … AND gram LIKE '张芳%'``) that yields the matching rows' ids, nothing else read.
    """

    pk = models.CompositePrimaryKey("field", "gram", "object_id")
    field = models.IntegerField()
    gram = models.CharField(max_length=16)
    object_id = models.BigIntegerField()

    class Meta:
        # Re-indexing a row deletes its grams by (field, object_id).
        indexes = [models.Index(fields=["field", "object_id"], name="stark_searchgram_object")]

    def __str__(self) -> str:
        return self.gram


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
