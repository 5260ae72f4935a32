"""stark's one table: the n-gram (suffix) search index of ``stark.search_index.NgramIndex``."""

from django.db import models


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
