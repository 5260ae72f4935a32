"""Customer-list filters behind the dashboards' figures (issue 12 §4: every figure links to the
list of exactly the rows it counts).

* :class:`EventDateRangeOption`: customers with an event of some kinds on a local day in a range,
  e.g. ``?signed_from=2026-12-01&signed_to=2026-12-31`` (the customers signed this month) or
  ``?claimed_from=…&claimed_to=…`` (claimed or assigned that week); ``&signed_by=<user id>``
  keeps only the events naming that consultant (their sales). Shown as a from/to row.
* :class:`PaymentStatusOption`: ``?payment=pending|confirmed|rejected``, the customers with a
  payment application of that status made by the user of the list (the consultant's own).

* :func:`consultant_option`: the consultant row of the manager's lists, read as ``(id, name)``
  pairs (a big school has thousands of consultants: a drop-down, not a model instance each).

The first two filter the list's scoped queryset with ``pk IN (subquery)``, so they narrow what the user may
see and never widen it; the dashboard's figure counts the same rows (``web.selectors.dashboards``).
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import HttpRequest
from django.utils.dateparse import parse_date
from django.utils.translation import gettext_lazy as _

from stark.search import BoundDateRange, BoundOption, DateRangeOption, Option
from web.models import CustomerEvent, Department, PaymentRecord
from web.selectors.customers import local_day_start


def _parse_day(value: str) -> datetime.date | None:
    try:
        day = parse_date(value or "")
    except ValueError:  # well-formed but impossible, e.g. 2026-02-30
        return None
    if day is not None and not datetime.date.min < day < datetime.date.max:
        return None
    return day


def customers_with_events(
    queryset: QuerySet, *, kinds, start: datetime.date | None, end: datetime.date | None, by: int | None = None
):
    """``queryset`` narrowed to the customers with an event of ``kinds`` on a local day from
    ``start`` to ``end`` (both included; None: open), naming consultant ``by`` when given."""
    if start is None and end is None:
        return queryset
    events = CustomerEvent.objects.filter(kind__in=kinds)
    if by is not None:
        events = events.filter(consultant_id=by)
    if start is not None:
        events = events.filter(at__gte=local_day_start(start))
    if end is not None:
        events = events.filter(at__lt=local_day_start(end + datetime.timedelta(days=1)))
    return queryset.filter(pk__in=events.values("customer_id"))


class _BoundEventRange(BoundDateRange):
    by: int | None = None

    def filter(self, queryset: QuerySet) -> QuerySet:
        return customers_with_events(queryset, kinds=self.option.kinds, start=self.start, end=self.end, by=self.by)


class EventDateRangeOption(DateRangeOption):
    """A from/to row (``<name>_from``, ``<name>_to``) for customers with an event of ``kinds`` then."""

    def __init__(self, name: str, kinds: tuple[str, ...], label) -> None:
        super().__init__(name, label=label)
        self.name = name
        self.kinds = kinds

    def bind(self, model, request: HttpRequest, *args, **kwargs) -> BoundDateRange:
        bound = _BoundEventRange(
            self,
            self.name,
            str(self.label),
            _parse_day(request.GET.get(f"{self.name}_from", "")),
            _parse_day(request.GET.get(f"{self.name}_to", "")),
            True,
        )
        by = request.GET.get(f"{self.name}_by", "")
        bound.by = int(by) if by.isdigit() and len(by) < 19 else None
        return bound


class _BoundPaymentStatus(BoundOption):
    user_id: int | None = None

    def filter(self, queryset: QuerySet) -> QuerySet:
        if not self.selected:
            return queryset
        applications = PaymentRecord.objects.filter(confirm_status=self.selected[0], consultant_id=self.user_id)
        return queryset.filter(pk__in=applications.values("customer_id"))

    def facet_counts(self, queryset: QuerySet) -> dict[str, int]:
        return {}


class PaymentStatusOption(Option):
    """``?payment=<status>``: the customers with a payment application of that status by the user."""

    def __init__(self, label) -> None:
        super().__init__("customer", label=label)

    def bind(self, model, request: HttpRequest, *args, **kwargs) -> BoundOption:
        statuses = PaymentRecord.ConfirmStatus
        choices = [(value, value, str(label)) for value, label in statuses.choices]
        selected = [value for value in request.GET.getlist("payment") if value in statuses.values][:1]
        bound = _BoundPaymentStatus(
            self, "payment", str(self.label), choices, selected, PaymentRecord._meta.get_field("confirm_status")
        )
        bound.user_id = request.user.pk
        return bound


#: The event kinds behind the dashboards' "claimed" and "signed" figures.
CLAIMED_KINDS = (CustomerEvent.Kind.CLAIMED, CustomerEvent.Kind.ASSIGNED)
SIGNED_KINDS = (CustomerEvent.Kind.SIGNED,)


def signed_option() -> EventDateRangeOption:
    return EventDateRangeOption("signed", SIGNED_KINDS, _("Signed on"))


def claimed_option() -> EventDateRangeOption:
    return EventDateRangeOption("claimed", CLAIMED_KINDS, _("Claimed or assigned on"))


def consultant_option() -> Option:
    """Filter by consultant: every member of a sales department, shown as ``UserInfo.__str__`` does."""
    return Option(
        "consultant",
        db_condition={"depart__kind": Department.Kind.SALES},
        text_field=Coalesce(NullIf("name", Value("")), "username"),
    )
