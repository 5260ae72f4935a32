"""Model fields of the CRM."""

from django.db import models
from pypinyin import Style, lazy_pinyin


def pinyin_sort_key(text: str) -> str:
    """A key that sorts Chinese names as readers expect (丁海燕, 丁静, 丁军, 任刚), not by code point.

    Each character becomes its pinyin with the tone number (``ding1 hai3 yan4``), so names
    order by sound, then tone; Latin letters and digits pass through in lower case. pypinyin
    knows the readings of common polyphonic characters in names and words.
    """
    syllables = lazy_pinyin(text or "", style=Style.TONE3, neutral_tone_with_five=True)
    return " ".join(part.strip().lower() for part in syllables if part.strip())


class PinyinSortKeyField(models.CharField):
    """The pinyin sort key of another field of the row, kept by every write that saves it.

    Computed in ``pre_save``, which Django calls for ``save()`` and ``bulk_create()`` alike; a
    ``save(update_fields=[source])`` must list this field too (the model's ``save`` does it).
    """

    def __init__(self, *args, source: str = "name", **kwargs) -> None:
        self.source = source
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 255), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add: bool) -> str:
        value = pinyin_sort_key(getattr(model_instance, self.source))[: self.max_length]
        setattr(model_instance, self.attname, value)
        return value
