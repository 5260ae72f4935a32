"""The home page's dashboards: each role's figures against hand-made data, the links behind them,
and a number of queries that does not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ClassListFactory,
    ConsultRecordFactory,
    CourseRecordFactory,
    CustomerFactory,
    PaymentRecordFactory,
    StudentFactory,
    StudyRecordFactory,
    TalkRecordFactory,
    UserFactory,
)
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, MANAGER_PERMISSIONS, bulk_customers, make_consultant
from web.models import Customer, CustomerEvent, PaymentRecord, StudyRecord
from web.selectors import dashboards
from web.services.figures import figures_rebuild

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.CUSTOMER_PRIVATE_POOL_CAP = 150
    settings.CUSTOMER_RETURN_NO_FOLLOW_UP_DAYS = 15
    settings.CUSTOMER_RETURN_NOT_SIGNED_DAYS = 30


def queries_of(func) -> int:
    with CaptureQueriesContext(connection) as captured:
        func()
    return len(captured)


# ---------------------------------------------------------------------------------- consultant
def make_consultant_day(consultant, extra: int = 0):
    CustomerFactory(consultant=consultant, name="今天跟进", next_consult_date=TODAY, recv_date=TODAY)
    CustomerFactory(consultant=consultant, name="逾期", next_consult_date=days_ago(1), recv_date=TODAY)
    CustomerFactory(consultant=consultant, name="快退回", recv_date=days_ago(13))
    signed = CustomerFactory(consultant=consultant, name="已签", status=Customer.Status.SIGNED, recv_date=TODAY)
    CustomerEvent.objects.create(customer=signed, kind="signed", consultant=consultant)
    rejected = PaymentRecordFactory(customer=signed, consultant=consultant, confirm_status="rejected")
    CustomerEvent.objects.create(
        customer=signed,
        kind="payment_rejected",
        consultant=consultant,
        detail={"payment_id": rejected.pk, "reason": "发票抬头错误"},
    )
    PaymentRecordFactory(customer=signed, consultant=consultant)
    if extra:
        bulk_customers(extra, consultant=consultant, recv_date=TODAY)


def test_the_consultants_figures(settings):
    consultant = make_consultant("consultant1")
    make_consultant_day(consultant)
    CustomerFactory(consultant=make_consultant("consultant2"), next_consult_date=TODAY)  # not theirs
    data = dashboards.consultant_dashboard(consultant=consultant)
    assert (data["unsigned"], data["cap"], data["percent"]) == (3, 150, 2)
    assert (data["due_today"], data["overdue"]) == (2, 1)
    assert [customer.name for customer in data["returning"]] == ["快退回"]
    assert data["payments_by_status"] == {"pending": 1, "confirmed": 0, "rejected": 1}
    assert [event.detail["reason"] for event in data["rejections"]] == ["发票抬头错误"]
    assert data["signed_this_month"] == 1


def test_the_consultants_dashboard_runs_a_constant_number_of_queries():
    small, large = make_consultant("consultant1"), make_consultant("consultant2")
    make_consultant_day(small)
    make_consultant_day(large, extra=120)
    small_count = queries_of(lambda: dashboards.consultant_dashboard(consultant=small))
    assert small_count <= 7
    assert queries_of(lambda: dashboards.consultant_dashboard(consultant=large)) == small_count


def test_the_consultants_home_page_links_every_figure(client):
    consultant = make_consultant("consultant1")
    grant_permissions(consultant, *CONSULTANT_PERMISSIONS, "stark:web_customer_priv_detail")
    make_consultant_day(consultant)
    client.force_login(consultant)
    page = client.get(reverse("home")).content.decode()
    priv = reverse("stark:web_customer_priv_list")
    assert f'href="{priv}?due=today&amp;o=next_consult_date">2</a>' in page
    assert f'href="{priv}?due=overdue&amp;o=next_consult_date">1</a>' in page
    assert f'href="{priv}?status=unsigned">3/150</a>' in page
    assert "发票抬头错误" in page and "快退回" in page
    assert 'data-dashboard="manager"' not in page


# ---------------------------------------------------------------------------------- sales manager
def test_the_managers_funnel_and_load(settings):
    first, second = make_consultant("consultant1", name="甲"), make_consultant("consultant2", name="乙")
    this_week = dashboards.week_start(TODAY)
    website = [
        CustomerFactory(source="website", date=this_week),
        CustomerFactory(source="website", date=this_week, consultant=first, status="signed"),
    ]
    CustomerFactory(source="referral", date=this_week - datetime.timedelta(weeks=2), consultant=second)
    CustomerFactory(source="referral", date=this_week - datetime.timedelta(weeks=13))  # outside the 12 weeks
    CustomerEvent.objects.create(customer=website[1], kind="claimed", consultant=first)
    CustomerEvent.objects.create(customer=website[1], kind="signed", consultant=first)
    ConsultRecordFactory(customer=website[1], consultant=first, date=TODAY)
    figures_rebuild()  # hand-made rows, written around the services: count them into the roll-up
    data = dashboards.manager_dashboard(today=TODAY)
    assert len(data["weeks"]) == 12
    assert data["weeks"][-1] == {"week": this_week, "entered": 2, "claimed": 1, "signed": 1}
    assert data["weeks"][-3]["entered"] == 1
    assert data["totals"] == {"entered": 3, "claimed": 1, "signed": 1}
    by_source = {row["value"]: row for row in data["sources"]}
    assert (by_source["website"]["entered"], by_source["website"]["signed"]) == (2, 1)
    assert by_source["referral"]["entered"] == 1
    load = {row.consultant.name: row for row in data["load"]}
    assert (load["甲"].unsigned, load["甲"].follow_ups_this_week, load["甲"].signed_this_month) == (0, 1, 1)
    assert load["乙"].unsigned == 1
    assert [row.consultant.name for row in dashboards.consultant_loads(today=TODAY, sort="name")] == ["乙", "甲"]
    assert [row.consultant.name for row in dashboards.consultant_loads(today=TODAY, sort="-signed")][0] == "甲"


def test_the_managers_dashboard_runs_a_constant_number_of_queries():
    make_consultant("consultant1")
    small_count = queries_of(lambda: dashboards.manager_dashboard())
    for n in range(2, 12):
        consultant = make_consultant(f"consultant{n}")
        bulk_customers(5, consultant=consultant, prefix=str(n))
    assert small_count <= 9
    assert queries_of(lambda: dashboards.manager_dashboard()) == small_count


def test_the_managers_figures_link_to_the_filtered_all_customers_list(client):
    manager = make_consultant("manager1")
    grant_permissions(manager, *MANAGER_PERMISSIONS)
    consultant = make_consultant("consultant1")
    CustomerFactory(source="website", date=TODAY, consultant=consultant)
    figures_rebuild()
    client.force_login(manager)
    page = client.get(reverse("home")).content.decode()
    all_list = reverse("stark:web_customer_all_list")
    week = dashboards.week_start(TODAY)
    first = week - datetime.timedelta(weeks=dashboards.FUNNEL_WEEKS - 1)
    last = week + datetime.timedelta(days=6)
    source_url = f"{all_list}?source=website&date_from={first.isoformat()}&date_to={last.isoformat()}"
    assert f'href="{source_url.replace("&", "&amp;")}">1</a>' in page
    assert f'href="{all_list}?consultant={consultant.pk}&amp;status=unsigned">1/150</a>' in page
    assert f"{all_list}?date_from={week.isoformat()}" in page
    assert "vendor/chartjs/chart.umd.min.js" in page and 'id="luffy-chart-funnel"' in page
    # The link lands on exactly the customers counted (every figure: tests/web/test_dashboard_links.py).
    assert client.get(source_url).context["total"] == 1


# ---------------------------------------------------------------------------------- operations
def test_the_operations_figures():
    this_week = dashboards.week_start(TODAY)
    CustomerFactory(source="qq_group", date=TODAY)
    CustomerFactory(source="qq_group", date=this_week - datetime.timedelta(days=40))  # neither
    CustomerFactory(source="website", date=TODAY, consultant=make_consultant("consultant1"))
    data = dashboards.operations_dashboard(today=TODAY)
    rows = {row["value"]: row for row in data["sources"]}
    assert rows["qq_group"]["week"] == 1 and rows["website"]["week"] == 1
    assert data["week_total"] == 2 and data["month_total"] >= 2
    assert data["public_pool"] == 2
    assert queries_of(lambda: dashboards.operations_dashboard()) == 2


# ---------------------------------------------------------------------------------- finance
def test_the_finance_figures():
    finance = UserFactory(username="finance1")
    klass, other = ClassListFactory(), ClassListFactory()
    PaymentRecordFactory(class_list=klass, paid_fee=Decimal("1000.50"))
    PaymentRecordFactory(class_list=klass, paid_fee=Decimal("2000.00"))
    PaymentRecordFactory(
        class_list=other,
        paid_fee=Decimal("300.00"),
        confirm_status="confirmed",
        confirm_date=timezone.now(),
        confirm_user=finance,
    )
    PaymentRecordFactory(
        class_list=other,
        paid_fee=Decimal("99.00"),
        confirm_status="rejected",
        confirm_date=timezone.now(),
        confirm_user=finance,
    )
    PaymentRecordFactory(  # decided long ago: not this month
        paid_fee=Decimal("5000.00"),
        confirm_status="confirmed",
        confirm_date=timezone.now() - datetime.timedelta(days=70),
        confirm_user=finance,
    )
    data = dashboards.finance_dashboard()
    assert (data["pending_count"], data["pending_amount"]) == (2, Decimal("3000.50"))
    assert (data["confirmed_amount"], data["rejected_amount"]) == (Decimal("300.00"), Decimal("99.00"))
    per_class = {row["class"]: row for row in data["per_class"]}
    assert per_class[klass]["pending_count"] == 2
    assert per_class[other]["confirmed_amount"] == Decimal("300.00")
    assert queries_of(lambda: dashboards.finance_dashboard()) == 3
    PaymentRecord.objects.bulk_create(
        [PaymentRecord(customer=CustomerFactory(), consultant=finance, paid_fee=1, class_list=klass) for _ in range(5)]
    )
    assert queries_of(lambda: dashboards.finance_dashboard()) == 3


# ---------------------------------------------------------------------------------- class teacher
def test_the_class_teachers_figures():
    teacher = UserFactory(username="teacher1")
    klass = ClassListFactory(class_teacher=teacher)
    lesson = CourseRecordFactory(class_object=klass, date=TODAY)
    old_lesson = CourseRecordFactory(class_object=klass, date=days_ago(40))
    students = [StudentFactory(score=score) for score in (100, 75, 90, 60)]
    for student in students:
        student.class_list.add(klass)
    for student, record in zip(students, ["checked", "late", "noshow", "checked"], strict=True):
        StudyRecordFactory(course_record=lesson, student=student, record=record)
    StudyRecordFactory(course_record=old_lesson, student=students[0], record=StudyRecord.Record.ABSENT)
    TalkRecordFactory(student=students[1], teacher=teacher, date=TODAY)
    ClassListFactory()  # someone else's class
    data = dashboards.teacher_dashboard(teacher=teacher)
    assert [(row["class"], row["rate"], row["total"]) for row in data["attendance"]] == [(klass, 75, 4)]
    assert [student.score for student in data["low_scores"]] == [60, 75]
    assert data["talks_this_month"] == 1
    assert queries_of(lambda: dashboards.teacher_dashboard(teacher=teacher)) == 5
    assert data["attendance"][0]["lessons"] == 1  # the lesson 40 days ago is not in the 4 weeks


def test_a_user_without_figures_sees_the_welcome_and_menu_only(client):
    user = UserFactory(username="nobody")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.context["dashboards"] == {}
    assert "luffy-dashboard" not in response.content.decode()
