"""The manager's daily roll-up (web/services/figures.py) equals the live counts after every kind of
change the services make, and the rebuild/verify command finds and repairs a drift."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from tests.factories import ClassListFactory, CustomerFactory, UserFactory
from tests.web.customers_support import make_consultant
from web.models import Customer, CustomerEvent, DailyFigure, PaymentRecord
from web.selectors import dashboards
from web.services.customer_import import ImportRow, customer_import_insert
from web.services.customers import (
    consult_record_add,
    customer_assign,
    customer_claim,
    customer_create_private,
    customer_create_public,
    customer_release,
    customer_update,
)
from web.services.figures import figures_live, figures_rebuild, figures_stored, figures_verify
from web.services.payments import payment_apply, payment_confirm, payment_reject
from web.services.reassign import customer_reassign
from web.services.returns import customers_return_idle

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def rules(settings):
    settings.CUSTOMER_PRIVATE_POOL_CAP = 150
    settings.CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS = 15
    settings.CUSTOMER_RETURN_NOT_SIGNED_DAYS = 30
    settings.CUSTOMER_RECLAIM_COOLDOWN_DAYS = 7
    settings.CUSTOMER_DAILY_CLAIM_LIMIT = 0


def agrees() -> bool:
    differences = figures_verify()
    assert differences == []
    return True


def test_the_roll_up_equals_the_live_counts_after_every_kind_of_move():
    ops, finance = UserFactory(username="ops1"), UserFactory(username="finance1")
    first, second = make_consultant("consultant1"), make_consultant("consultant2")
    manager = make_consultant("manager1")
    public = [
        customer_create_public(
            user=ops, customer=Customer(name=f"公{n}", qq=f"1{n:05d}", source=["website", "referral"][n % 2])
        )
        for n in range(8)
    ]
    assert agrees() and figures_stored()[("entered", TODAY, "website", 0)] == 4
    own = customer_create_private(consultant=first, customer=Customer(name="私", qq="200001", source="wechat"))
    assert agrees()
    with transaction.atomic():
        customer_import_insert(
            rows=[ImportRow(number=2, cells=[], values={"name": "导入", "qq": "300001", "date": TODAY})],
            source="paid_search",
            user=ops,
        )
    assert agrees()
    customer_claim(consultant=first, customer_ids=[c.pk for c in public[:3]])
    assert agrees() and figures_stored()[("claimed", TODAY, "website", first.pk)] == 2
    customer_assign(manager=manager, consultant=second, customer_ids=[c.pk for c in public[3:5]])
    assert agrees()
    customer_reassign(manager=manager, consultant=second, customer_ids=[public[0].pk])
    assert agrees()
    customer_release(consultant=first, customer_ids=[public[1].pk])
    assert agrees()
    consult_record_add(consultant=first, customer_id=public[2].pk, note="电话沟通")
    assert agrees()
    klass = ClassListFactory()
    payments = [
        payment_apply(
            consultant=first,
            customer=customer,
            pay_type=PaymentRecord.PayType.ENROLMENT_FEE,
            paid_fee=Decimal("100.00"),
            class_list=klass,
            qq=f"4{customer.pk:05d}",
            mobile="13800000001",
            emergency_contract="母亲 13900000001",
        )
        for customer in (Customer.objects.get(pk=public[2].pk), own)
    ]
    payment_confirm(confirm_user=finance, payment_ids=[payments[0].pk])  # signs the customer
    payment_reject(confirm_user=finance, payment_ids=[payments[1].pk], reason="金额不对")
    assert agrees() and figures_stored()[("signed", TODAY, "website", first.pk)] == 1
    # An edit of the source moves the customer's entered count and its claim and signing.
    signed = Customer.objects.get(pk=public[2].pk)
    signed.source, signed.date = "office_visit", TODAY - datetime.timedelta(days=3)
    customer_update(customer=signed, fields=["source", "date"], holder=first)
    assert agrees() and figures_stored()[("signed", TODAY, "office_visit", first.pk)] == 1
    # The automatic return (not counted by itself, but it must leave the figures right).
    Customer.objects.filter(pk=public[3].pk).update(recv_date=TODAY - datetime.timedelta(days=40))
    assert customers_return_idle().total == 1
    assert agrees()
    # And the dashboard sums what it counted.
    totals = dashboards.manager_dashboard()["totals"]
    assert totals == {"entered": 10, "claimed": 5, "signed": 1}  # a reassignment is no new claim


def test_verify_reports_a_drift_and_the_rebuild_repairs_it():
    CustomerFactory(source="website")  # written around the services: not counted
    customer_create_public(user=UserFactory(), customer=Customer(name="公", qq="100001", source="website"))
    out = StringIO()
    with pytest.raises(CommandError, match="1 daily figures differ"):
        call_command("rollup_daily_figures", verify=True, stdout=out)
    assert "entered website consultant 0: stored 1, live 2" in out.getvalue()
    call_command("rollup_daily_figures", stdout=StringIO())
    call_command("rollup_daily_figures", verify=True, stdout=out)
    assert "agree" in out.getvalue()
    assert figures_stored() == figures_live()
    assert DailyFigure.objects.get(kind="entered").n == 2


def test_events_dated_in_the_past_count_on_their_local_day():
    consultant = make_consultant("consultant1")
    customer = CustomerFactory(consultant=consultant, source="qq_group")
    at = timezone.make_aware(datetime.datetime.combine(TODAY - datetime.timedelta(days=9), datetime.time(0, 30)))
    with transaction.atomic():
        from web.services.events import customer_events_record

        customer_events_record(
            customer_ids=[customer.pk],
            kind=CustomerEvent.Kind.CLAIMED,
            consultant=consultant,
            at_by_customer={customer.pk: at},
        )
    assert figures_stored()[("claimed", TODAY - datetime.timedelta(days=9), "qq_group", consultant.pk)] == 1
    figures_rebuild()
    assert figures_stored()[("claimed", TODAY - datetime.timedelta(days=9), "qq_group", consultant.pk)] == 1
