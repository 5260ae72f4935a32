"""The figures of the home page's dashboards, one function per role (issue 12 §4).

Every function runs a fixed number of aggregate queries whatever the data (no query per row,
week or consultant): counts per period are conditional aggregates (``COUNT(...) FILTER``,
``SUM(CASE ...)`` on MySQL) over one indexed range, groupings are one ``GROUP BY`` each. Periods
are computed in Python in the configured time zone, so no database time-zone function (and no
MySQL time-zone table) is needed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from web.models import (
    ClassList,
    ConsultRecord,
    CourseRecord,
    Customer,
    CustomerEvent,
    DailyFigure,
    PaymentRecord,
    Student,
    StudyRecord,
    UserInfo,
)
from web.selectors.customers import (
    DUE_OVERDUE,
    DUE_TODAY,
    customers_due,
    customers_private,
    customers_public,
    local_day_start,
    sales_consultants,
)
from web.selectors.returns import customers_returning_soon
from web.selectors.teaching import talk_records_of_classes

#: How many weeks the manager's funnel shows.
FUNNEL_WEEKS = 12
#: Recent rejections listed on the consultant's dashboard.
RECENT_REJECTIONS = 5
#: Customers about to be returned, listed on the consultant's dashboard.
RETURNING_SOON_LIMIT = 20
RETURNING_SOON_DAYS = 3
#: A student whose score is below this is listed on the class teacher's dashboard.
LOW_SCORE = 80
LOW_SCORE_LIMIT = 20
ATTENDANCE_WEEKS = 4
#: The operations dashboard counts the public pool up to this many, then shows "N+".
PUBLIC_POOL_COUNT_CAP = 10_000

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of ``day``'s week."""
    return day - datetime.timedelta(days=day.weekday())


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def _money_sum(condition: Q | None = None) -> Coalesce:
    return Coalesce(Sum("paid_fee", filter=condition), Value(Decimal("0")), output_field=_MONEY)


# ---------------------------------------------------------------------------------- consultant
def consultant_dashboard(*, consultant: UserInfo, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    mine = customers_private(consultant=consultant)
    # Three counts, each read from one index alone: (consultant, status, ...) for the cap, and
    # (consultant, next_consult_date, id) for the reminders. One aggregate over all of the
    # consultant's rows would read every row (thousands for a consultant with many signed customers).
    pool = {
        "unsigned": mine.filter(status=Customer.Status.UNSIGNED).count(),
        "due_today": customers_due(mine, due=DUE_TODAY, today=today).count(),
        "overdue": customers_due(mine, due=DUE_OVERDUE, today=today).count(),
    }
    cap = settings.CUSTOMER_PRIVATE_POOL_CAP
    # The payment figures and "signed this month" count customers, as the private pool lists them
    # behind each (``?payment=<status>``, ``?signed_from=…&signed_by=<me>``; web.handlers.figure_filters):
    # those with an application of mine in each status, from the (consultant, confirm_status,
    # customer) index alone; those with a ``signed`` event naming me this month, from the
    # (consultant, kind, at) index (a customer is signed once: the event is written when the status
    # flips). No join to the customers: at a million rows those reads miss the cache. A customer
    # that has left my pool since is counted but not listed (the list shows my pool only).
    by_status = dict.fromkeys(PaymentRecord.ConfirmStatus.values, 0)
    for status, count in (
        PaymentRecord.objects.filter(consultant=consultant)
        .order_by()
        .values_list("confirm_status")
        .annotate(n=Count("customer_id", distinct=True))
    ):
        by_status[status] = count
    rejections = list(
        CustomerEvent.objects.filter(kind=CustomerEvent.Kind.PAYMENT_REJECTED, consultant=consultant)
        .select_related("customer", "actor")
        .order_by("-at", "-id")[:RECENT_REJECTIONS]
    )
    month = month_start(today)
    signed_this_month = CustomerEvent.objects.filter(
        kind=CustomerEvent.Kind.SIGNED, consultant=consultant, at__gte=local_day_start(month)
    ).aggregate(n=Count("pk"))["n"]
    returning = list(
        customers_returning_soon(consultant=consultant, within_days=RETURNING_SOON_DAYS).order_by("recv_date", "pk")[
            :RETURNING_SOON_LIMIT
        ]
    )
    return {
        "unsigned": pool["unsigned"],
        "cap": cap,
        "percent": min(100, round(100 * pool["unsigned"] / cap)) if cap else 0,
        "due_today": pool["due_today"],
        "overdue": pool["overdue"],
        "returning": returning,
        "payments_by_status": by_status,
        "rejections": rejections,
        "signed_this_month": signed_this_month,
        "month": month,
        "today": today,
    }


# ---------------------------------------------------------------------------------- sales manager
@dataclass(frozen=True)
class ConsultantLoad:
    consultant: UserInfo
    unsigned: int
    cap: int
    follow_ups_this_week: int
    signed_this_month: int

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.unsigned / self.cap)) if self.cap else 0


#: The load table's sortable columns (``?sort=`` on the home page).
LOAD_SORTS = {
    "name": lambda row: row.consultant.name or row.consultant.username,
    "unsigned": lambda row: row.unsigned,
    "follow_ups": lambda row: row.follow_ups_this_week,
    "signed": lambda row: row.signed_this_month,
}


def manager_dashboard(*, today: datetime.date | None = None, sort: str = "-unsigned") -> dict:
    today = today or timezone.localdate()
    first_week = week_start(today) - datetime.timedelta(weeks=FUNNEL_WEEKS - 1)
    weeks = [first_week + datetime.timedelta(weeks=n) for n in range(FUNNEL_WEEKS)]
    bounds = [*weeks, weeks[-1] + datetime.timedelta(weeks=1)]

    # Entered, claimed or assigned, and signed per day and source: one query summing the daily
    # roll-up (web.services.figures) over the 12 weeks, from its (kind, day, source, n) index
    # alone; weeks and sources are summed here.
    week_of = {weeks[0] + datetime.timedelta(days=n): n // 7 for n in range(7 * FUNNEL_WEEKS)}
    column = {"entered": "entered", "claimed": "claimed", "assigned": "claimed", "signed": "signed"}
    per_week = [{"entered": 0, "claimed": 0, "signed": 0} for _week in weeks]
    by_source = {value: {"entered": 0, "claimed": 0, "signed": 0} for value in Customer.Source.values}
    rows = (
        DailyFigure.objects.filter(kind__in=DailyFigure.KINDS, day__gte=first_week, day__lt=bounds[-1])
        .order_by()
        .values_list("kind", "day", "source")
        .annotate(total=Sum("n"))
    )
    for kind, day, source, total in rows:
        per_week[week_of[day]][column[kind]] += total
        by_source.setdefault(source, {"entered": 0, "claimed": 0, "signed": 0})[column[kind]] += total
    funnel_weeks = [{"week": weeks[n], **per_week[n]} for n in range(FUNNEL_WEEKS)]
    sources = [
        {"value": value, "label": label, **by_source[value]}
        for value, label in Customer.Source.choices
        if any(by_source[value].values())
    ]
    return {
        "weeks": funnel_weeks,
        "sources": sources,
        "load": consultant_loads(today=today, sort=sort),
        "sort": sort,
        "today": today,
        "week": week_start(today),
        "totals": {key: sum(week[key] for week in funnel_weeks) for key in ("entered", "claimed", "signed")},
    }


def consultant_loads(*, today: datetime.date, sort: str = "-unsigned") -> list[ConsultantLoad]:
    """Each active sales consultant's unsigned customers against the cap, follow-ups this week and
    signed this month: three GROUP BY queries plus the consultants, whatever their number."""
    consultants = list(sales_consultants().order_by("name", "username"))
    ids = [user.pk for user in consultants]
    unsigned = dict(
        Customer.objects.filter(consultant_id__in=ids, status=Customer.Status.UNSIGNED)
        .order_by()
        .values_list("consultant_id")
        .annotate(n=Count("pk"))
    )
    follow_ups = dict(
        ConsultRecord.objects.filter(consultant_id__in=ids, date__gte=week_start(today))
        .order_by()
        .values_list("consultant_id")
        .annotate(n=Count("pk"))
    )
    # Signed this month: the customers with a ``signed`` event naming the consultant this month,
    # what the all-customers list shows for ``?signed_from=<month>&signed_by=<id>``.
    signed = dict(
        CustomerEvent.objects.filter(
            kind=CustomerEvent.Kind.SIGNED,
            at__gte=local_day_start(month_start(today)),
            consultant_id__in=ids,
        )
        .order_by()
        .values_list("consultant_id")
        .annotate(n=Count("pk"))
    )
    cap = settings.CUSTOMER_PRIVATE_POOL_CAP
    rows = [
        ConsultantLoad(user, unsigned.get(user.pk, 0), cap, follow_ups.get(user.pk, 0), signed.get(user.pk, 0))
        for user in consultants
    ]
    key = sort.lstrip("-")
    if key in LOAD_SORTS:
        rows.sort(key=LOAD_SORTS[key], reverse=sort.startswith("-"))
    return rows


# ---------------------------------------------------------------------------------- operations
def operations_dashboard(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    this_week, this_month = week_start(today), month_start(today)
    since = min(this_week, this_month)
    rows = {value: {"week": 0, "month": 0} for value in Customer.Source.values}
    for source, week, month in (
        Customer.objects.filter(date__gte=since)
        .order_by()
        .values_list("source")
        .annotate(week=Count("pk", filter=Q(date__gte=this_week)), month=Count("pk", filter=Q(date__gte=this_month)))
    ):
        rows[source] = {"week": week, "month": month}
    sources = [{"value": value, "label": label, **rows[value]} for value, label in Customer.Source.choices]
    return {
        "sources": sources,
        "week_total": sum(row["week"] for row in sources),
        "month_total": sum(row["month"] for row in sources),
        # Capped: an exact COUNT of several hundred thousand public rows costs a scan of their index.
        "public_pool": customers_public().order_by()[: PUBLIC_POOL_COUNT_CAP + 1].count(),
        "public_pool_cap": PUBLIC_POOL_COUNT_CAP,
        "week": this_week,
        "month": this_month,
    }


# ---------------------------------------------------------------------------------- finance
def finance_dashboard(*, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    since = local_day_start(month_start(today))
    pending_q = Q(confirm_status=PaymentRecord.ConfirmStatus.PENDING)
    confirmed_q = Q(confirm_status=PaymentRecord.ConfirmStatus.CONFIRMED, confirm_date__gte=since)
    rejected_q = Q(confirm_status=PaymentRecord.ConfirmStatus.REJECTED, confirm_date__gte=since)
    # Two GROUP BYs by class, each read from one covering index alone: the pending applications
    # (confirm_status, class_list, paid_fee) and those decided this month (confirm_date, ...). The
    # totals are the sums of the per-class rows, so no query scans every application ever made.
    rows: dict[int, dict] = {}

    def row_of(class_id: int) -> dict:
        return rows.setdefault(
            class_id,
            {
                "class_list_id": class_id,
                "pending_count": 0,
                "pending_amount": Decimal("0"),
                "confirmed_amount": Decimal("0"),
                "rejected_amount": Decimal("0"),
            },
        )

    pending = PaymentRecord.objects.filter(pending_q).order_by().values_list("class_list_id")
    for class_id, count, amount in pending.annotate(n=Count("pk"), amount=_money_sum()):
        row_of(class_id).update(pending_count=count, pending_amount=amount)
    decided = PaymentRecord.objects.filter(confirm_date__gte=since).order_by().values_list("class_list_id")
    for class_id, confirmed, rejected in decided.annotate(
        confirmed=_money_sum(confirmed_q), rejected=_money_sum(rejected_q)
    ):
        row_of(class_id).update(confirmed_amount=confirmed, rejected_amount=rejected)
    per_class = list(rows.values())
    totals = {
        key: sum((row[key] for row in per_class), Decimal("0") if key != "pending_count" else 0)
        for key in ("pending_count", "pending_amount", "confirmed_amount", "rejected_amount")
    }
    classes = ClassList.objects.select_related("course", "school").in_bulk([row["class_list_id"] for row in per_class])
    for row in per_class:
        row["class"] = classes.get(row["class_list_id"])
    per_class.sort(key=lambda row: (-row["pending_count"], str(row["class"])))
    return {**totals, "per_class": per_class, "month": month_start(today)}


# ---------------------------------------------------------------------------------- class teacher
def teacher_dashboard(*, teacher: UserInfo, today: datetime.date | None = None) -> dict:
    today = today or timezone.localdate()
    since = today - datetime.timedelta(weeks=ATTENDANCE_WEEKS)
    present = (StudyRecord.Record.CHECKED_IN, StudyRecord.Record.LATE, StudyRecord.Record.LEAVE_EARLY)
    per_class = list(
        StudyRecord.objects.filter(course_record__class_object__class_teacher=teacher, course_record__date__gte=since)
        .order_by()
        .values("course_record__class_object_id")
        .annotate(
            total=Count("pk"),
            present=Count("pk", filter=Q(record__in=present)),
        )
    )
    classes = ClassList.objects.select_related("course", "school").filter(class_teacher=teacher).in_bulk()
    rates = {row["course_record__class_object_id"]: row for row in per_class}
    # The lessons of the same weeks, what each class's course-record list shows for ``?date_from=``.
    lessons = dict(
        CourseRecord.objects.filter(class_object__class_teacher=teacher, date__gte=since)
        .order_by()
        .values_list("class_object_id")
        .annotate(n=Count("pk"))
    )
    attendance = []
    for pk, klass in sorted(classes.items(), key=lambda item: str(item[1])):
        row = rates.get(pk, {"total": 0, "present": 0})
        rate = round(100 * row["present"] / row["total"]) if row["total"] else None
        attendance.append(
            {
                "class": klass,
                "total": row["total"],
                "present": row["present"],
                "rate": rate,
                "lessons": lessons.get(pk, 0),
            }
        )
    low = list(
        Student.objects.filter(class_list__class_teacher=teacher, score__lt=LOW_SCORE)
        .select_related("customer")
        .distinct()
        .order_by("score", "pk")[:LOW_SCORE_LIMIT]
    )
    # The talk records of the students of their classes this month, whoever wrote them: what the
    # list of their classes' talk records shows for ``?date_from=<month>`` (their scope ``own``).
    talks = talk_records_of_classes(teacher=teacher).filter(date__gte=month_start(today)).count()
    return {
        "attendance": attendance,
        "since": since,
        "today": today,
        "low_scores": low,
        "low_score": LOW_SCORE,
        "talks_this_month": talks,
        "month": month_start(today),
    }
