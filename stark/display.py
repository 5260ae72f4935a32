"""How a model field's value is shown in a list cell (HTML) or an export cell (text)."""

import datetime
import functools
import re
from collections.abc import Callable
from decimal import Decimal

from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from stark.html import escape_text


def field_text(obj: models.Model, field: models.Field, for_export: bool = False) -> str:
    """Plain text of ``obj``'s ``field``: choice labels, ``str`` of relations, local dates.

    ``for_export`` writes dates as ISO 8601 (local time), which spreadsheets parse in any locale.
    """
    if field.many_to_many:
        return ", ".join(str(related) for related in getattr(obj, field.name).all())
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.name)
    if for_export:
        return str(export_value(field, value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return local_date_text(translation.get_language(), value)
    if isinstance(value, Decimal | float | int):
        return formats.number_format(value)
    return str(value)


@functools.lru_cache(maxsize=4096)
def local_date_text(language: str | None, value: datetime.date) -> str:
    """A date in the short format of ``language`` (the active one: callers pass it for the key).

    Cached because ``formats.date_format`` costs ~25 µs (a format lookup and a ``DateFormat`` per
    call), a list page shows dozens of dates, and the same dates come back page after page. The
    text depends only on the language, the date and the format settings (the cache is cleared when
    a setting changes, as Django clears its own format cache).
    """
    return formats.date_format(value, "SHORT_DATE_FORMAT")


@receiver(setting_changed)
def _clear_date_texts(**kwargs) -> None:
    local_date_text.cache_clear()


def export_value(field: models.Field, value: object) -> str | int | float | Decimal:
    """A stored value as an export cell (see ``export_converter``)."""
    return export_converter(field)(value)


def export_converter(field: models.Field, neutralise: bool = False) -> Callable[[object], str | int | float | Decimal]:
    """A function turning ``field``'s stored values into export cells, chosen once per column.

    Numbers stay numbers (XLSX writes them as such); the rest becomes text: choice labels,
    Yes/No, dates and times in full ISO form (local time). Chosen per column because an export
    converts millions of cells and the type tests would otherwise run for each one.
    ``neutralise`` passes free text (and choice labels, once) through ``neutralise_cell``; dates,
    numbers and Yes/No can never start a formula.
    """
    if field.choices:
        labels = {key: str(label) for key, label in field.flatchoices}
        if neutralise:
            labels = {key: neutralise_cell(label) for key, label in labels.items()}
        return lambda value: "" if value is None else labels.get(value, str(value))
    if isinstance(field, models.BooleanField):
        yes, no = str(_("Yes")), str(_("No"))
        return lambda value: "" if value is None else (yes if value else no)
    if isinstance(field, models.DateTimeField):
        return _export_datetime
    if isinstance(field, models.DateField):
        return lambda value: "" if value is None else value.isoformat()
    if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField):
        return lambda value: "" if value is None else value
    if neutralise:
        return lambda value: "" if value is None else neutralise_cell(value)
    return lambda value: "" if value is None else str(value)


def _export_datetime(value: datetime.datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M:%S")


def field_html(obj: models.Model, field: models.Field) -> SafeString:
    """Escaped HTML of ``obj``'s ``field``; booleans become icons."""
    return html_converter(field)(obj)


def _bool_icon(value: bool | None) -> SafeString:
    if value is None:
        return format_html('<span class="text-muted">{}</span>', "-")
    icon, css, label = ("fa-check", "text-success", _("Yes")) if value else ("fa-times", "text-danger", _("No"))
    # role="img": an aria-label on a plain <i> is prohibited (axe: aria-prohibited-attr), so
    # screen readers would say nothing; as an image the icon reads "Yes" / "No".
    return format_html('<i class="fa {} {}" role="img" title="{}" aria-label="{}"></i>', icon, css, label, label)


def html_converter(field: models.Field) -> Callable[[models.Model], SafeString]:
    """A function giving the cell HTML of ``field`` for a row, chosen once per column.

    The same text as ``field_text``, escaped; what does not depend on the row (choice labels,
    the Yes/No icons) is worked out here, once per list rather than once per cell: a page of
    twenty rows has a few hundred cells.
    """
    if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField) and not field.choices:
        # The language once per column (each ``get_language()`` costs ~2.5 µs), not once per cell.
        language, attname = translation.get_language(), field.attname

        def date(obj: models.Model) -> SafeString:
            value = getattr(obj, attname)
            return escape_text("" if value is None else local_date_text(language, value))

        return date
    numeric_or_date = models.DateField | models.DecimalField | models.FloatField | models.IntegerField
    if field.is_relation or (isinstance(field, numeric_or_date) and not field.choices):
        # Related rows' str() and local formats of dates and numbers: worked out per value.
        return lambda obj: escape_text(field_text(obj, field))
    attname = field.attname
    if field.choices:
        labels = {key: conditional_escape(str(label)) for key, label in field.flatchoices}

        def choice(obj: models.Model) -> SafeString:
            value = getattr(obj, attname)
            label = labels.get(value)
            return label if label is not None else escape_text("" if value is None else str(value))

        return choice
    if isinstance(field, models.BooleanField):
        icons = {value: _bool_icon(value) for value in (True, False, None)}
        return lambda obj: icons[getattr(obj, attname)]

    def text(obj: models.Model) -> SafeString:
        value = getattr(obj, attname)
        return escape_text("" if value is None else str(value))

    return text


#: What a spreadsheet may take as the start of a formula (or of a command, in older Excel):
#: ASCII and full-width (Excel on Chinese systems reads ＝ as =) signs, and tab / CR / LF.
FORMULA_STARTS = frozenset("=+-@\t\r\n＝＋－＠")
#: A first character that needs a closer look (a formula start, or spaces that may hide one).
_SUSPECT_STARTS = FORMULA_STARTS | {" "}
#: A plain negative amount (a refund) is a number, not a formula: it is left as it is.
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(\.[0-9]+)?\Z")


def neutralise_cell(value: object) -> str:
    """Text for a CSV or XLSX cell that no spreadsheet will run as a formula (CSV/formula injection).

    A cell starting with one of ``FORMULA_STARTS`` — also after leading spaces, which Excel
    skips — gets a leading ``'``, which spreadsheets read as "this is text" and do not show.
    Every export (stark's CSV and XLSX writers, the import's rejected-rows file) goes through here.
    """
    text = value if value.__class__ is str else ("" if value is None else str(value))
    # Most cells are decided by their first character (an export calls this millions of times).
    if not text or text[0] not in _SUSPECT_STARTS:
        return text
    stripped = text.lstrip(" ")
    if stripped and stripped[0] in FORMULA_STARTS and not _NEGATIVE_NUMBER.match(text):
        return "'" + text
    return text
