"""System checks for handler options: a typo in a field name fails ``manage.py check``, not a page.

Only the class attributes are checked (the static case); a ``get_<option>`` hook that computes
options per request is the developer's own responsibility, as in Django admin.
"""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from stark.search import DateRangeOption, DefaultOption, Option


def _resolves(model: type[models.Model], lookup: str) -> bool:
    """Whether ``lookup`` ("name", "name__icontains", "consultant__name") starts with a field path of ``model``."""
    current = model
    field = None
    for part in lookup.split("__"):
        if current is None:  # past a plain field: the rest are lookups or transforms
            return field.get_lookup(part) is not None or field.get_transform(part) is not None
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            if field is not None and (field.get_lookup(part) or field.get_transform(part)):
                return True
            return False
        current = field.related_model if field.is_relation else None
    return True


def _error(handler, option: str, message: str, hint: str, number: int) -> checks.Error:
    return checks.Error(
        f"{type(handler).__name__}.{option}: {message}", hint=hint, obj=type(handler), id=f"stark.E{number:03d}"
    )


def check_handler(handler) -> list[checks.CheckMessage]:
    model = handler.model
    name = model.__name__
    errors = []
    for entry in handler.list_display:
        if isinstance(entry, str) and not _resolves(model, entry):
            errors.append(
                _error(
                    handler,
                    "list_display",
                    f"{name} has no field {entry!r}.",
                    "Name a field of the model, or add a display function for a computed column.",
                    1,
                )
            )
    for lookup in handler.search_list:
        if not _resolves(model, lookup):
            errors.append(
                _error(
                    handler,
                    "search_list",
                    f"{lookup!r} is not a field or lookup of {name}.",
                    "Use a field name (searched with icontains) or a lookup such as 'qq__startswith'.",
                    2,
                )
            )
    for key in handler.order_list:
        field = key.lstrip("-")
        if field != "pk" and not _resolves(model, field):
            errors.append(
                _error(
                    handler,
                    "order_list",
                    f"{name} has no field {field!r}.",
                    "Order by a field name, prefixed with '-' for descending.",
                    3,
                )
            )
    for option in handler.search_group:
        if not isinstance(option, Option | DateRangeOption):
            errors.append(
                _error(
                    handler,
                    "search_group",
                    f"{option!r} is not an Option or DateRangeOption.",
                    "Use stark.search.Option('field') or DateRangeOption('date_field').",
                    4,
                )
            )
            continue
        if type(option) not in (Option, DefaultOption, DateRangeOption):
            continue  # a custom option class may filter on something that is not a field (a JSON key)
        try:
            field = model._meta.get_field(option.field)
        except FieldDoesNotExist:
            errors.append(
                _error(
                    handler,
                    "search_group",
                    f"{name} has no field {option.field!r}.",
                    "Filter on a field of the model (choices, boolean, FK, M2M or a date).",
                    4,
                )
            )
            continue
        if isinstance(option, DateRangeOption) and not isinstance(field, models.DateField):
            errors.append(
                _error(
                    handler,
                    "search_group",
                    f"DateRangeOption({option.field!r}) is not a date field.",
                    "DateRangeOption needs a DateField or DateTimeField; use Option for choices and relations.",
                    5,
                )
            )
        elif type(option) in (Option, DefaultOption) and not (
            field.choices or isinstance(field, models.BooleanField) or field.many_to_many or field.many_to_one
        ):
            errors.append(
                _error(
                    handler,
                    "search_group",
                    f"Option({option.field!r}) needs choices, a boolean, a FK or a M2M.",
                    "Give the field choices, or use DateRangeOption for dates.",
                    6,
                )
            )
    if handler.parent_kwarg is not None:
        try:
            field = model._meta.get_field(handler.get_parent_field())
        except FieldDoesNotExist:
            field = None
        if field is None or not field.many_to_one:
            errors.append(
                _error(
                    handler,
                    "parent_kwarg",
                    f"{name} has no foreign key {handler.get_parent_field()!r}.",
                    "Set parent_field to the foreign key pointing at the parent object.",
                    7,
                )
            )
    for scope, lookup in handler.scope_lookups.items():
        if scope not in ("own", "department") or not _resolves(model, lookup):
            errors.append(
                _error(
                    handler,
                    "scope_lookups",
                    f"{scope!r}: {lookup!r} is not a scope and a field path of {name}.",
                    "Map 'own' and/or 'department' to a lookup compared with the user, e.g. 'consultant'.",
                    9,
                )
            )
    unknown_pages = set(handler.pages) - {"list", "add", "change", "delete"}
    if unknown_pages:
        errors.append(
            _error(
                handler,
                "pages",
                f"unknown pages {sorted(unknown_pages)}.",
                "pages lists standard pages only: 'list', 'add', 'change', 'delete'; add others in extra_urls().",
                8,
            )
        )
    return errors


def check_registered_handlers(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from stark.sites import all_sites

    errors = []
    for site in all_sites():
        for handler in site.handlers:
            if app_configs is None or any(handler.opts.app_label == config.label for config in app_configs):
                errors += check_handler(handler)
    return errors
