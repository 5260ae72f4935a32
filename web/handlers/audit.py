"""The audit trail (审计日志): read-only, filterable; nothing in it can be changed or deleted here."""

from __future__ import annotations

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stark.display import field_html
from stark.handlers import StarkHandler
from stark.search import BoundOption, DateRangeOption, Option
from web.audit import EVENTS
from web.selectors.audit import audit_entries, audited_content_types


def _field_label(model, name: str) -> str:
    try:
        # A reverse relation (no verbose name) keeps its name.
        return str(capfirst(getattr(model._meta.get_field(name), "verbose_name", name))) if model else name
    except FieldDoesNotExist:
        return name


def _changes_text(changes: dict, model=None) -> str:
    """``field: old → new; ...`` for field changes, ``field: add a, b`` for many-to-many ones."""
    parts = []
    for name, values in (changes or {}).items():
        field = _field_label(model, name)
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation": ..., "objects": [...]}
            objects = "、".join(str(o) for o in values.get("objects", []))
            parts.append(f"{field}: {values.get('operation', '')} {objects}".strip())
        elif isinstance(values, list | tuple) and len(values) == 2:
            parts.append(f"{field}: {values[0]} → {values[1]}")
        else:
            parts.append(f"{field}: {values}")
    return "; ".join(parts)


class _BoundEventOption(BoundOption):
    def filter(self, queryset: QuerySet) -> QuerySet:
        if not self.selected:
            return queryset
        return queryset.filter(additional_data__event__in=list(self.selected))


class EventOption(Option):
    """Filter on the event kind kept in ``additional_data["event"]`` (a JSON key, not a field)."""

    def __init__(self) -> None:
        super().__init__("event", label=_("Event"))

    def get_model_field(self, model):
        return model._meta.get_field("additional_data")

    def get_items(self, model_field, request: HttpRequest, *args, **kwargs):
        return [((key, label), key) for key, label in EVENTS.items()]

    def bind(self, model, request: HttpRequest, *args, **kwargs) -> BoundOption:
        bound = super().bind(model, request, *args, **kwargs)
        return _BoundEventOption(**{name: getattr(bound, name) for name in bound.__dataclass_fields__})


#: Our own labels of auditlog's record kinds (auditlog ships no Chinese).
ACTION_LABELS = {0: _("Created"), 1: _("Changed"), 2: _("Deleted"), 3: _("Event")}


class AuditHandler(StarkHandler):
    def display_time(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        return _("Time") if is_header else field_html(obj, obj._meta.get_field("timestamp"))

    display_time.order_field = "timestamp"

    def display_actor(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        return _("By") if is_header else (str(obj.actor) if obj.actor_id else "-")

    def display_address(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        return _("Address") if is_header else (obj.remote_addr or "-")

    def display_object(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        return _("Object") if is_header else obj.object_repr

    def display_what(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        if is_header:
            return _("What")
        if obj.action == obj.Action.ACCESS:
            return str(EVENTS.get((obj.additional_data or {}).get("event"), gettext("Event")))
        model = obj.content_type.model_class() if obj.content_type_id else None
        name = capfirst(model._meta.verbose_name) if model else "-"
        return f"{ACTION_LABELS.get(obj.action, obj.get_action_display())} · {name}"

    def display_changes(self, request: HttpRequest, obj=None, is_header=False, *args, **kwargs):
        if is_header:
            return _("Details")
        if obj.action == obj.Action.ACCESS:
            text = obj.changes_text
        else:
            text = _changes_text(obj.changes_dict, obj.content_type.model_class() if obj.content_type_id else None)
        return text if len(text) <= 300 else text[:300] + "…"

    list_display = [display_time, display_actor, display_address, display_what, display_object, display_changes]
    #: Found by the object, the actor's user name or real name, the address, or the details.
    search_list = ["object_repr", "actor__username", "actor__name", "remote_addr", "changes_text"]
    search_group = [
        EventOption(),
        Option("action", label=_("Kind of record"), text_func=lambda item: str(ACTION_LABELS.get(item[0], item[1]))),
        Option(
            "content_type",
            label=_("Model"),
            db_condition=lambda request, *a, **k: {"pk__in": audited_content_types()},
            text_func=lambda ct: capfirst(ct.model_class()._meta.verbose_name) if ct.model_class() else ct.model,
        ),
        DateRangeOption("timestamp", label=_("Time")),
    ]
    order_list = ["-timestamp", "-id"]
    list_select_related = ["actor", "content_type"]
    has_add_btn = False
    list_title = _("Audit trail")

    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        return audit_entries()

    def get_action_list(self, request: HttpRequest, *args, **kwargs) -> list:
        return []

    #: The list only: no add, change or delete page exists for an audit record.
    pages = ("list",)
