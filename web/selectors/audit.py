"""The audit page's one data source (issue 16).

Today every record is a django-auditlog ``LogEntry``: field changes of the audited models and
the events ``web.audit.audit_event`` writes (logins, failures, lockouts, decisions). After the
customer event log (issue 12) is merged, its business events (claims, assignments, releases,
returns, payment decisions) are to be mirrored into the same table with ``audit_event`` — or
added here — so the page keeps reading only this selector.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet


def audit_entries() -> QuerySet[LogEntry]:
    """Every audit record with its actor and model, newest first."""
    return LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-id")


def audited_content_types() -> QuerySet[ContentType]:
    """The models that have audit records (the page's "model" filter)."""
    return ContentType.objects.filter(pk__in=LogEntry.objects.values("content_type_id").distinct())
