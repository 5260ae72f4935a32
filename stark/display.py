"""How a model field's value is shown in a list cell (HTML) or an export cell (text)."""

import datetime
from decimal import Decimal

from django.db import models
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def field_text(obj: models.Model, field: models.Field, for_export: bool = False) -> str:
    """Plain text of ``obj``'s ``field``: choice labels, ``str`` of relations, local dates.

    ``for_export`` writes dates as ISO 8601 (local time), which spreadsheets parse in any locale.
    """
    if field.many_to_many:
        return ", ".join(str(related) for related in getattr(obj, field.name).all())
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    value = getattr(obj, field.name)
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M") if for_export else formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return value.isoformat() if for_export else formats.date_format(value, "SHORT_DATE_FORMAT")
    if for_export:
        return str(value)
    if isinstance(value, Decimal | float | int):
        return formats.number_format(value)
    return str(value)


def field_html(obj: models.Model, field: models.Field) -> SafeString:
    """Escaped HTML of ``obj``'s ``field``; booleans become icons."""
    if isinstance(field, models.BooleanField) and not field.choices:
        value = getattr(obj, field.name)
        if value is None:
            return format_html('<span class="text-muted">-</span>')
        icon, css, label = ("fa-check", "text-success", _("Yes")) if value else ("fa-times", "text-danger", _("No"))
        # role="img": an aria-label on a plain <i> is prohibited (axe: aria-prohibited-attr), so
        # screen readers would say nothing; as an image the icon reads "Yes" / "No".
        return format_html('<i class="fa {} {}" role="img" title="{}" aria-label="{}"></i>', icon, css, label, label)
    return conditional_escape(field_text(obj, field))


def export_text(value: object) -> str:
    """A cell for CSV: formula-looking text is quoted so spreadsheets do not execute it."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        try:
            float(text)
        except ValueError:
            return "'" + text
    return text
