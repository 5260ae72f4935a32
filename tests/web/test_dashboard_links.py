"""Every figure on every dashboard links to the list of exactly the rows it counts (issue 12 §4).

The data is written through the services (claims, assignments, payment decisions, follow-ups), so
the manager's daily roll-up is kept by the code that keeps it in production. Each test renders a
role's home page, takes every number that is a link inside its dashboard, follows the link and
checks the list's total against the number (the amounts against the list's total amount).
"""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    ClassListFactory,
    ConsultRecordFactory,
    CourseRecordFactory,
    CustomerFactory,
    DepartmentFactory,
    StudentFactory,
    StudyRecordFactory,
    TalkRecordFactory,
    UserFactory,
)
from tests.permissions import grant_permissions
from tests.web.customers_support import (
    CONSULTANT_PERMISSIONS,
    MANAGER_PERMISSIONS,
    OPERATIONS_PERMISSIONS,
    make_consultant,
)
from web.models import Customer, CustomerEvent, Department, PaymentRecord
from web.selectors.customers import local_day_start
from web.services.customers import consult_record_add, customer_assign, customer_claim, customer_create_public
from web.services.events import customer_events_record
from web.services.figures import figures_verify
from web.services.payments import payment_apply, payment_confirm, payment_reject

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
#: A number shown as a link: "12", "3/150" (the first number counts), "¥300.00" (an amount).
FIGURE_LINK = re.compile(r'<a(?: class="[^"]*")? href="([^"]+)">(¥?[\d.,]+)(?:/\d+)?</a>')


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    settings.CUSTOMER_PRIVATE_POOL_CAP = 150
    settings.CUSTOMER_RECLAIM_COOLDOWN_DAYS = 7
    settings.CUSTOMER_DAILY_CLAIM_LIMIT = 0


def dashboard_links(page: str, name: str) -> list[tuple[str, str]]:
    section = re.search(rf'<section[^>]*data-dashboard="{name}".*?</section>', page, re.S)
    assert section, f"no {name} dashboard"
    return [(html.unescape(url), figure) for url, figure in FIGURE_LINK.findall(section.group(0))]


def follow_every_figure(client, name: str) -> list[tuple[str, str]]:
    """Follow each figure link of dashboard ``name``; assert each list holds what the figure says."""
    page = client.get(reverse("home")).content.decode()
    links = dashboard_links(page, name)
    assert links
    for url, figure in links:
        response = client.get(url)
        assert response.status_code == 200, url
        if figure.startswith("¥"):
            summary = str(response.context["list_summary"])
            listed = Decimal(re.search(r"¥([\d,.]+)", summary).group(1).replace(",", ""))
            assert listed == Decimal(figure[1:]), (url, figure, summary)
        else:
            assert response.context["total"] == int(figure), (url, figure)
    return links


def public_customers(user, count: int, source: str, prefix: str, date=None) -> list[Customer]:
    return [
        customer_create_public(
            user=user,
            customer=Customer(name=f"客户{prefix}{n}", qq=f"{prefix}{n:06d}", source=source, date=date or TODAY),
        )
        for n in range(count)
    ]


@pytest.fixture
def school():
    """A consultant's and a manager's quarter: customers entered, claimed, assigned, signed, paid."""
    ops = UserFactory(username="ops1")
    finance = UserFactory(username="finance1")
    consultant = make_consultant("consultant1", name="甲")
    other = make_consultant("consultant2", name="乙")
    manager = make_consultant("manager1")
    klass = ClassListFactory()
    last_week = TODAY - datetime.timedelta(days=7)
    website = public_customers(ops, 6, "website", "1")
    referral = public_customers(ops, 4, "referral", "2", date=last_week)
    public_customers(ops, 3, "wechat", "3", date=TODAY - datetime.timedelta(days=120))  # before the funnel
    claimed = customer_claim(consultant=consultant, customer_ids=[c.pk for c in website[:4]]).claimed
    customer_assign(manager=manager, consultant=other, customer_ids=[c.pk for c in referral[:3]])
    payments = [
        payment_apply(
            consultant=consultant,
            customer=Customer.objects.get(pk=pk),
            pay_type=PaymentRecord.PayType.ENROLMENT_FEE,
            paid_fee=Decimal(fee),
            class_list=klass,
            qq=f"5{pk:07d}",
            mobile="13800000001",
            emergency_contract="母亲 13900000001",
        )
        for pk, fee in zip(claimed, ["1000.00", "2000.00", "300.50", "99.00"], strict=True)
    ]
    payment_confirm(confirm_user=finance, payment_ids=[payments[0].pk, payments[1].pk])  # signs 2 customers
    payment_reject(confirm_user=finance, payment_ids=[payments[2].pk], reason="发票抬头错误")
    # A customer of the consultant signed 40 days ago: signed, but not this month.
    old = CustomerFactory(consultant=consultant, status=Customer.Status.SIGNED, source="website")
    with transaction.atomic():
        customer_events_record(customer_ids=[old.pk], kind=CustomerEvent.Kind.ENTERED, actor=ops)
        customer_events_record(
            customer_ids=[old.pk],
            kind=CustomerEvent.Kind.SIGNED,
            consultant=consultant,
            at_by_customer={old.pk: local_day_start(TODAY - datetime.timedelta(days=40))},
        )
    return {
        "consultant": consultant,
        "other": other,
        "manager": manager,
        "finance": finance,
        "ops": ops,
        "class": klass,
    }


def test_the_roll_up_the_services_kept_equals_the_live_counts(school):
    assert figures_verify() == []


def test_every_consultant_figure_links_to_exactly_its_customers(client, school):
    consultant = school["consultant"]
    grant_permissions(consultant, *CONSULTANT_PERMISSIONS, "stark:web_customer_priv_detail")
    client.force_login(consultant)
    links = dict((figure_url.split("?")[1], figure) for figure_url, figure in follow_every_figure(client, "consultant"))
    month = TODAY.replace(day=1)
    # Signed this month: the two confirmed this month, not the one signed 40 days ago (unless
    # that was this month too, early in a month).
    signed_query = f"signed_from={month.isoformat()}&signed_to={TODAY.isoformat()}&signed_by={consultant.pk}"
    expected_signed = 2 + (TODAY - datetime.timedelta(days=40) >= month)
    assert links[signed_query] == str(expected_signed)
    assert (links["payment=pending"], links["payment=confirmed"], links["payment=rejected"]) == ("1", "2", "1")
    assert links["status=unsigned"] == "2"


def test_every_manager_figure_links_to_exactly_its_customers(client, school):
    manager = school["manager"]
    grant_permissions(manager, *MANAGER_PERMISSIONS)
    client.force_login(manager)
    links = follow_every_figure(client, "manager")
    queries = {url.split("?")[1] for url, _figure in links}
    week = TODAY - datetime.timedelta(days=TODAY.weekday())
    end = week + datetime.timedelta(days=6)
    for name in ("date", "claimed", "signed"):
        assert f"{name}_from={week.isoformat()}&{name}_to={end.isoformat()}" in queries
    figures = {url.split("?")[1]: figure for url, figure in links}
    # This week: 4 claimed and 3 assigned today, 2 signed today.
    assert figures[f"claimed_from={week.isoformat()}&claimed_to={end.isoformat()}"] == "7"
    assert figures[f"signed_from={week.isoformat()}&signed_to={end.isoformat()}"] == "2"
    assert any(query.startswith("source=website&claimed_from=") for query in queries)
    consultant = school["consultant"]
    month = TODAY.replace(day=1).isoformat()
    assert f"signed_by={consultant.pk}&signed_from={month}&signed_to={TODAY.isoformat()}" in queries


def test_every_finance_figure_links_to_exactly_its_applications(client, school):
    finance = school["finance"]
    grant_permissions(finance, "stark:web_paymentrecord_check_list")
    client.force_login(finance)
    links = follow_every_figure(client, "finance")
    figures = {figure for _url, figure in links}
    assert "1" in figures and {Decimal(f[1:]) for f in figures if f.startswith("¥")} >= {
        Decimal(3000),
        Decimal("300.5"),
    }


def test_every_class_teacher_figure_links_to_exactly_its_rows(client):
    teacher = UserFactory(username="teacher1")
    grant_permissions(teacher, "stark:web_talkrecord_list", "stark:web_courserecord_list", "stark:web_student_list")
    klass = ClassListFactory(class_teacher=teacher)
    lessons = [CourseRecordFactory(class_object=klass, date=TODAY - datetime.timedelta(days=n)) for n in (0, 7, 40)]
    student = StudentFactory(score=70)
    student.class_list.add(klass)
    for lesson in lessons:
        StudyRecordFactory(course_record=lesson, student=student, record="checked")
    TalkRecordFactory(student=student, teacher=teacher, date=TODAY)
    client.force_login(teacher)
    links = follow_every_figure(client, "teacher")
    assert ("2" in {figure for _url, figure in links}) and any("date_from=" in url for url, _figure in links)


ENTERED = "stark:web_customer_entered_list"
CLASS_TALKS = "stark:web_talkrecord_classes_list"
TEAM_FOLLOW_UPS = "stark:web_consultrecord_team_list"


def figure_cell(page: str, name: str, attribute: str) -> str:
    """The HTML of the dashboard's element carrying ``attribute`` (e.g. ``data-consultant="3"``)."""
    section = re.search(rf'<section[^>]*data-dashboard="{name}".*?</section>', page, re.S).group(0)
    return re.search(rf"<tr {attribute}>.*?</tr>", section, re.S).group(0)


def test_every_operations_figure_links_to_exactly_its_customers(client, school):
    """Entered this week and month, by source: every customer entered then, claimed since or not."""
    ops = school["ops"]
    grant_permissions(ops, *OPERATIONS_PERMISSIONS, ENTERED)
    client.force_login(ops)
    links = dict((url.split("?")[1], figure) for url, figure in follow_every_figure(client, "operations") if "?" in url)
    week = (TODAY - datetime.timedelta(days=TODAY.weekday())).isoformat()
    # The 6 website customers entered today (4 claimed since, so the public pool lists only 2) and
    # the one the fixture made for the consultant (entered today too).
    assert links[f"source=website&date_from={week}"] == "7"
    assert links[f"date_from={week}"] == "7"
    page = client.get(reverse(ENTERED), {"source": "website", "date_from": week}).content.decode()
    assert page.count(">No</td>") == 5  # held by a consultant: claimed, or the fixture's
    assert "qq" not in page.lower().split("<tbody")[1].split("</tbody>")[0]  # no contact columns


def test_operations_find_an_entered_customer_by_part_of_the_name_but_not_by_a_contact(client):
    ops = UserFactory(username="ops_x")
    grant_permissions(ops, ENTERED)
    CustomerFactory(name="欧阳娜娜", qq="55566677")
    CustomerFactory(name="张三", qq="12312312", consultant=make_consultant("holder"))
    client.force_login(ops)

    def names(q: str) -> list[str]:
        body = client.get(reverse(ENTERED), {"q": q}).content.decode().split("<tbody>", 1)[1].split("</tbody>")[0]
        return re.findall(r"<td>([^<]+)</td>", body)[:1]

    assert names("阳娜") == ["欧阳娜娜"]
    assert names("张") == ["张三"]  # held by a consultant or not, it was entered
    assert names("55566677") == []  # a contact the list does not show is not searched


def test_every_manager_follow_up_figure_links_to_exactly_its_follow_ups(client, school):
    """The load table's "follow-ups this week": the team list of the consultant's, since Monday."""
    manager, consultant = school["manager"], school["consultant"]
    week = TODAY - datetime.timedelta(days=TODAY.weekday())
    mine = list(Customer.objects.filter(consultant=consultant).order_by("pk")[:2])
    for customer in mine:
        consult_record_add(consultant=consultant, customer_id=customer.pk, note="电话沟通")
    ConsultRecordFactory(customer=mine[0], consultant=consultant, date=week - datetime.timedelta(days=1))
    # A sales consultant of another sales department: on the load table, outside the manager's scope.
    elsewhere = DepartmentFactory(title="销售二部", kind=Department.Kind.SALES)
    outsider = UserFactory(username="consultant9", depart=elsewhere, name="丙")
    ConsultRecordFactory(customer=CustomerFactory(consultant=outsider), consultant=outsider)
    grant_permissions(manager, *MANAGER_PERMISSIONS, TEAM_FOLLOW_UPS, scope="department")
    client.force_login(manager)
    links = follow_every_figure(client, "manager")
    follow_ups = {url.split("?")[1]: figure for url, figure in links if TEAM_FOLLOW_UPS in url or "team" in url}
    assert follow_ups[f"consultant={consultant.pk}&date_from={week.isoformat()}"] == "2"
    page = client.get(reverse("home")).content.decode()
    # The outsider's follow-up is counted on the table but not in the manager's list: a plain figure.
    assert "<td>1</td>" in figure_cell(page, "manager", f'data-consultant="{outsider.pk}"')
    assert client.get(reverse(TEAM_FOLLOW_UPS), {"consultant": outsider.pk}).context["total"] == 0


def test_the_class_teacher_talks_figure_links_to_exactly_this_months_talks_of_their_classes(client):
    teacher, colleague = UserFactory(username="teacher1"), UserFactory(username="teacher2")
    grant_permissions(teacher, "stark:web_talkrecord_list", CLASS_TALKS, scope="own")
    mine, theirs = ClassListFactory(class_teacher=teacher), ClassListFactory(class_teacher=colleague)
    student, other_student = StudentFactory(), StudentFactory()
    student.class_list.add(mine)
    other_student.class_list.add(theirs)
    month = TODAY.replace(day=1)
    TalkRecordFactory(student=student, teacher=teacher, date=TODAY)
    TalkRecordFactory(student=student, teacher=colleague, date=month)  # by another teacher: counted
    TalkRecordFactory(student=student, teacher=teacher, date=month - datetime.timedelta(days=1))  # last month
    TalkRecordFactory(student=other_student, teacher=colleague, date=TODAY)  # another class
    client.force_login(teacher)
    links = follow_every_figure(client, "teacher")
    assert (reverse(CLASS_TALKS) + f"?date_from={month.isoformat()}", "2") in links


def test_the_talks_figure_stays_plain_when_the_list_would_show_other_classes_too(client):
    teacher = UserFactory(username="teacher1")
    grant_permissions(teacher, "stark:web_talkrecord_list", CLASS_TALKS)  # scope "all"
    TalkRecordFactory(date=TODAY)
    client.force_login(teacher)
    page = client.get(reverse("home")).content.decode()
    assert reverse(CLASS_TALKS) not in page


@pytest.mark.parametrize(
    ("url_name", "allowed"),
    [
        (ENTERED, OPERATIONS_PERMISSIONS),
        (CLASS_TALKS, ("stark:web_talkrecord_list",)),
        (TEAM_FOLLOW_UPS, MANAGER_PERMISSIONS),
    ],
)
def test_the_figure_lists_are_forbidden_without_their_permission(client, url_name, allowed):
    user = make_consultant("someone")
    grant_permissions(user, *allowed)
    client.force_login(user)
    assert client.get(reverse(url_name)).status_code == 403


def test_the_class_talks_list_shows_only_the_talks_of_the_teachers_classes(client):
    teacher = UserFactory(username="teacher1")
    grant_permissions(teacher, CLASS_TALKS, scope="own")
    student = StudentFactory()
    student.class_list.add(ClassListFactory(class_teacher=teacher))
    TalkRecordFactory(student=student, teacher=teacher)
    TalkRecordFactory()  # a student of nobody's class of theirs
    client.force_login(teacher)
    assert client.get(reverse(CLASS_TALKS)).context["total"] == 1


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_figure_lists_run_a_constant_number_of_queries(client):
    admin = make_consultant("boss")
    grant_permissions(admin, ENTERED, CLASS_TALKS, TEAM_FOLLOW_UPS)
    client.force_login(admin)
    counts = []
    for rows in (1, 12):
        for _n in range(rows if not counts else rows - 1):
            customer = CustomerFactory(consultant=admin)
            ConsultRecordFactory(customer=customer, consultant=admin)
            TalkRecordFactory()
        counts.append([_queries(client, reverse(name)) for name in (ENTERED, CLASS_TALKS, TEAM_FOLLOW_UPS)])
    assert counts[0] == counts[1]
    assert all(count <= 12 for count in counts[1]), counts


def test_the_migration_gives_an_earlier_demo_database_the_figure_lists(client):
    """A demo database seeded before these lists gets their permissions, menu entries and grants."""
    import importlib

    from django.apps import apps

    from rbac.models import Permission, Role
    from web.demo import seed_all
    from web.models import UserInfo

    migration = importlib.import_module("web.migrations.0011_i12_figure_lists")
    seed_all()
    Permission.objects.filter(name__in=migration.LISTS).delete()  # as seeded before the lists existed

    class Editor:
        connection = connection

    ops = UserInfo.objects.get(username="ops1")
    version = ops.rbac_version
    migration.grant(apps, Editor())
    ops.refresh_from_db()
    assert ops.rbac_version > version  # (real models here: rbac's signals bump it as well)
    granted = {
        role.title: set(role.permissions.filter(name__in=migration.LISTS).values_list("name", flat=True))
        for role in Role.objects.all()
    }
    assert granted["运营"] == {ENTERED}
    assert granted["班主任"] == {CLASS_TALKS}
    assert granted["销售主管"] == {TEAM_FOLLOW_UPS}
    assert granted["管理员"] == set(migration.LISTS)
    assert granted["课程顾问"] == granted["财务"] == set()
    assert Permission.objects.get(name=ENTERED).menu.title == "客户管理"
    client.force_login(ops)
    assert client.get(reverse(ENTERED)).status_code == 200
    migration.revoke(apps, Editor())
    assert client.get(reverse(ENTERED)).status_code == 403
