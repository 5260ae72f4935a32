"""The business invariants, checked in the database after a load run (prints OK/BROKEN lines).

Run by tests/load/run.py in a process whose settings point at the load-tested database.
"""

from __future__ import annotations

import django


def main(cap: int) -> None:
    django.setup()
    from django.db.models import Count, Q

    from web.models import ClassList, Customer, PaymentRecord, Student

    def line(ok: bool, text: str) -> None:
        print(("OK      " if ok else "BROKEN  ") + text)

    over = list(
        Customer.objects.filter(consultant__isnull=False, status=Customer.Status.UNSIGNED)
        .values("consultant")
        .annotate(n=Count("pk"))
        .filter(n__gt=cap)
        .values_list("consultant", "n")
    )
    line(not over, f"no consultant holds more than {cap} unsigned customers {over or ''}")

    # One owner: the consultant column is one value; what could go wrong is two claims both
    # reported, which the two-server test checks. Here: every follow-up written in the run was
    # written by the customer's consultant of the time, so a customer followed up by two
    # consultants must have moved (been released) in between; none may be signed by two.
    enrolling = [PaymentRecord.PayType.ENROLMENT_FEE, PaymentRecord.PayType.TUITION]
    confirmed = PaymentRecord.objects.filter(confirm_status=PaymentRecord.ConfirmStatus.CONFIRMED)
    unsigned_paid = confirmed.filter(pay_type__in=enrolling).exclude(customer__status=Customer.Status.SIGNED).count()
    line(unsigned_paid == 0, f"every confirmed enrolment payment signed its customer ({unsigned_paid} not)")
    undecided = confirmed.filter(Q(confirm_user__isnull=True) | Q(confirm_date__isnull=True)).count()
    line(undecided == 0, f"every confirmed payment has its decider and date ({undecided} without)")
    pending_decided = (
        PaymentRecord.objects.filter(confirm_status=PaymentRecord.ConfirmStatus.PENDING)
        .exclude(confirm_user__isnull=True)
        .count()
    )
    line(pending_decided == 0, f"no pending payment carries a decision ({pending_decided})")

    membership = Student.class_list.through.objects
    missing = 0
    # The run's own applications (the demo data also has withdrawals and transfers since enrolling).
    for student_id, class_id in confirmed.filter(pay_type__in=enrolling, note="load test").values_list(
        "customer__student", "class_list_id"
    ):
        if student_id and not membership.filter(student_id=student_id, classlist_id=class_id).exists():
            missing += 1
    line(missing == 0, f"each confirmed enrolment seated its student in the class ({missing} not)")
    doubled = membership.values("student_id", "classlist_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    line(doubled == 0, f"each student is in each class at most once ({doubled} doubled)")
    students_twice = Student.objects.values("customer_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    line(students_twice == 0, f"each customer has at most one student record ({students_twice})")
    line(ClassList.objects.exists(), "the demo classes exist")

    # The event log agrees with the owners: for every customer whose pool changed (claim, assign,
    # reassign, release, automatic return), the latest such event names its holder of now
    # (released and returned: nobody). A change committed without its event, or an event of a
    # change rolled back, breaks it.
    from django.db.models import OuterRef, Subquery

    from web.models import CustomerEvent

    moves = ["claimed", "assigned", "reassigned", "released", "returned"]
    latest = CustomerEvent.objects.filter(customer=OuterRef("pk"), kind__in=moves).order_by("-at", "-id")
    moved = Customer.objects.annotate(
        last_kind=Subquery(latest.values("kind")[:1]), last_consultant=Subquery(latest.values("consultant")[:1])
    ).filter(last_kind__isnull=False)
    disagree = [
        pk
        for pk, holder, kind, named in moved.values_list("pk", "consultant", "last_kind", "last_consultant")
        if holder != (None if kind in ("released", "returned") else named)
    ]
    line(
        not disagree,
        f"the event log names the holder of each of {moved.count()} moved customers ({disagree[:10] or 'all agree'})",
    )
    held = Customer.objects.filter(consultant__isnull=False).count()
    print(f"INFO    customers {Customer.objects.count()}, held {held}, payments confirmed {confirmed.count()}")
