"""Reads that carry the customer pools' rules (DESIGN.md §4 rules 1, 3, 4).

Every page that shows or looks up a customer or a follow-up starts from one of
these querysets, so an id outside the user's allowed set is simply not found (404).
"""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext

from web.models import ConsultRecord, Customer, CustomerEvent, Department, PaymentRecord, PublicPoolDay, UserInfo

#: What the data scopes mean for a customer (stark's ``scope_lookups``): its consultant, and the
#: consultant's department.
CUSTOMER_SCOPE = {"own": "consultant", "department": "consultant__depart__staff"}
#: A customer's records (follow-ups, payment applications under the customer) follow the customer's
#: *current* consultant, not the record's author: after a release and a claim the new owner sees them.
CUSTOMER_RECORD_SCOPE = {scope: f"customer__{lookup}" for scope, lookup in CUSTOMER_SCOPE.items()}


def customer_scope_condition(*, user: UserInfo, scope: str) -> Q | None:
    """The customers of data scope ``scope`` for ``user`` (None: every customer).

    ``department`` also holds the public pool: nobody's customers, which every consultant sees
    anyway (the sales manager's all-customers list shows them with the department's).
    """
    if scope == "own":
        return Q(consultant=user)
    if scope == "department":
        # The department's staff as a subquery, not a join of every row to its consultant
        # (the manager's page 1 at 300k customers: ~35-50 ms instead of ~78; docs/performance.md).
        department = Q(depart_id=user.depart_id) if user.depart_id is not None else Q(pk=user.pk)
        colleagues = UserInfo.objects.filter(department).values("pk")
        return Q(consultant__in=colleagues) | Q(consultant__isnull=True)
    return None


def customers_public() -> QuerySet[Customer]:
    """The public pool (公户): customers nobody holds."""
    return Customer.objects.filter(consultant__isnull=True)


def public_pool_days(*, using: str | None = None) -> tuple[list[tuple[datetime.date, int]], int]:
    """The public pool's customers per entry day, newest day first (days that sum to 0 left out),
    and how many rows of ``PublicPoolDay`` held them (more rows than days:
    ``compact_public_pool_days`` can sum them)."""
    per_day = PublicPoolDay.objects.using(using).values_list("date")
    rows = per_day.annotate(customers=Sum("delta"), rows=Count("pk")).order_by("-date")
    days, stored = [], 0
    for day, customers, day_rows in rows:
        stored += day_rows
        if customers:
            days.append((day, customers))
    return days, stored


def customers_private(*, consultant: UserInfo) -> QuerySet[Customer]:
    """One consultant's private pool (私户)."""
    return Customer.objects.filter(consultant=consultant)


def customers_all() -> QuerySet[Customer]:
    """Every customer, for the sales manager's read-only overview."""
    return Customer.objects.all()


def customer_private_unsigned_count(*, consultant: UserInfo) -> int:
    """What the private-pool cap counts: the consultant's unsigned customers."""
    return customers_private(consultant=consultant).filter(status=Customer.Status.UNSIGNED).count()


def consult_records_private(*, consultant: UserInfo, customer_id: int) -> QuerySet[ConsultRecord]:
    """Follow-ups of one customer, only while that customer is in ``consultant``'s private pool.

    Scoped by the customer's *current* consultant rather than the record's author: after a
    release and a claim by someone else, the new owner sees the history and the old one does not.
    """
    return ConsultRecord.objects.filter(customer_id=customer_id, customer__consultant=consultant)


def consult_records_public(*, customer_id: int) -> QuerySet[ConsultRecord]:
    """Follow-ups of a customer in the public pool (read-only history for whoever claims next)."""
    return ConsultRecord.objects.filter(customer_id=customer_id, customer__consultant__isnull=True)


def sales_consultants() -> QuerySet[UserInfo]:
    """Who may hold customers when a sales manager assigns them: active sales staff."""
    return UserInfo.objects.filter(is_active=True, depart__kind=Department.Kind.SALES)


def customer_holders(*, field: str, values: Iterable[str], exclude_pk: int | None = None) -> dict[str, str]:
    """Who holds the existing customer with each of ``values`` in the unique ``field`` (qq, mobile, wechat).

    The answer is only "the public pool" or the holding consultant's name: a duplicate warning
    may tell the user whom to ask, never the other customer's name or contacts.
    One query whatever the number of values (the import checks a whole file at once).
    """
    values = {value for value in values if value}
    if not values:
        return {}
    rows = Customer.objects.filter(**{f"{field}__in": values})
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    holders = {}
    for value, consultant_id, name, username in rows.values_list(
        field, "consultant", "consultant__name", "consultant__username"
    ):
        holders[value] = holder_text(None if consultant_id is None else (name or username))
    return holders


def holder_text(consultant_name: str | None) -> str:
    """How a duplicate warning names the holder of an existing customer."""
    if consultant_name is None:
        return gettext("in the public pool")
    return gettext("held by consultant %(name)s") % {"name": consultant_name}


# ---------------------------------------------------------------- issue 12: the customer page
def customer_events(*, customer_id: int) -> QuerySet[CustomerEvent]:
    """A customer's timeline, newest first (reads the (customer, at, id) index backwards)."""
    return CustomerEvent.objects.filter(customer_id=customer_id).select_related("actor").order_by("-at", "-id")


def customer_consult_records(*, customer_id: int) -> QuerySet[ConsultRecord]:
    """A customer's follow-ups, newest first, for whoever may open the customer's page."""
    return ConsultRecord.objects.filter(customer_id=customer_id).select_related("consultant").order_by("-date", "-id")


def customer_payments(*, customer_id: int) -> QuerySet[PaymentRecord]:
    """A customer's payment applications with their decisions, newest first."""
    return (
        PaymentRecord.objects.filter(customer_id=customer_id)
        .select_related("consultant", "confirm_user", "class_list__course", "class_list__school")
        .order_by("-apply_date", "-id")
    )


# ---------------------------------------------------------------- issue 12: follow-up reminders
#: The private pool's ``due`` filter: its URL values.
DUE_TODAY = "today"
DUE_OVERDUE = "overdue"


def customers_due(queryset: QuerySet[Customer], *, due: str, today: datetime.date | None = None) -> QuerySet[Customer]:
    """Customers whose next follow-up is due: ``today`` → on or before today, ``overdue`` → before today.

    "Today" is the date in the configured time zone (``TIME_ZONE``), not UTC's.
    """
    today = today or timezone.localdate()
    if due == DUE_TODAY:
        return queryset.filter(next_consult_date__lte=today)
    if due == DUE_OVERDUE:
        return queryset.filter(next_consult_date__lt=today)
    raise ValueError(f"unknown due value {due!r}")


# ---------------------------------------------------------------- issue 12: claim rules
def customer_ids_in_reclaim_cooldown(*, consultant: UserInfo, customer_ids: list[int], days: int) -> set[int]:
    """Those of ``customer_ids`` released or returned from ``consultant`` within the last ``days`` days."""
    if days <= 0 or not customer_ids:
        return set()
    since = timezone.now() - datetime.timedelta(days=days)
    return set(
        CustomerEvent.objects.filter(
            customer_id__in=customer_ids,
            consultant=consultant,
            kind__in=(CustomerEvent.Kind.RELEASED, CustomerEvent.Kind.RETURNED),
            at__gte=since,
        ).values_list("customer_id", flat=True)
    )


def local_day_start(day: datetime.date | None = None) -> datetime.datetime:
    """Midnight starting ``day`` (default today) in the configured time zone, as an aware datetime."""
    day = day or timezone.localdate()
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def customer_claims_today_count(*, consultant: UserInfo) -> int:
    """How many customers ``consultant`` has claimed since midnight (local time): the daily limit counts these."""
    return CustomerEvent.objects.filter(
        consultant=consultant, kind=CustomerEvent.Kind.CLAIMED, at__gte=local_day_start()
    ).count()


def consultants_for_manager(*, manager: UserInfo) -> QuerySet[UserInfo]:
    """Whom a sales manager may give customers to (assign, reassign): active sales staff but himself."""
    return sales_consultants().exclude(pk=manager.pk)


def consult_records_all(*, customer_id: int) -> QuerySet[ConsultRecord]:
    """Every follow-up of a customer, whoever holds it (the sales manager's read-only view)."""
    return ConsultRecord.objects.filter(customer_id=customer_id)


def customers_entered() -> QuerySet[Customer]:
    """Every customer, for the operations' read-only "customers entered" list (issue 12 §4).

    Operations enter customers into the public pool; the list behind their dashboard's figures
    shows each entered customer's name, source, date, status and whether it is still in the pool,
    whoever holds it now. Only those columns are read: the follow-ups, contacts and payments of a
    consultant's customers are not theirs to see.
    """
    return Customer.objects.only("name", "source", "date", "status", "consultant_id")


#: A follow-up's data scope is its author's (the manager's team list): "own" the user's follow-ups,
#: "department" those written by the staff of the user's department.
CONSULT_RECORD_AUTHOR_SCOPE = {"own": "consultant", "department": "consultant__depart__staff"}


def consult_records_team() -> QuerySet[ConsultRecord]:
    """Every follow-up, for the sales manager's read-only team list (narrowed by the data scope)."""
    return ConsultRecord.objects.all()
