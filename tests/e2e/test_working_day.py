"""A consultant's day from the dashboard (issue 12): due today → the customer's page → a follow-up
with a next date → the figure drops; and the manager's funnel leads to the filtered list."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.harness import click_and_wait
from tests.factories import DEFAULT_TEST_PASSWORD, CustomerFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, MANAGER_PERMISSIONS, make_consultant
from web.models import Customer
from web.services.customers import customer_create_public


@pytest.mark.django_db(transaction=True)
def test_a_consultant_works_a_follow_up_due_today_from_the_dashboard(page, login):
    consultant = make_consultant("consultant1")
    grant_permissions(consultant, *CONSULTANT_PERMISSIONS, "stark:web_customer_priv_detail", role_title="课程顾问")
    today = timezone.localdate()
    CustomerFactory(name="林晓", qq="20261101", consultant=consultant, next_consult_date=today, recv_date=today)
    CustomerFactory(name="周周", qq="20261102", consultant=consultant, next_consult_date=today, recv_date=today)

    login("consultant1", DEFAULT_TEST_PASSWORD)
    due = page.locator("[data-figure=due_today] a")
    expect(due).to_have_text("2")
    click_and_wait(page, due)
    expect(page.locator("table")).to_contain_text("林晓")

    click_and_wait(page, page.get_by_role("link", name="林晓"))
    expect(page.locator("h1")).to_contain_text("林晓")
    click_and_wait(page, page.get_by_role("link", name="跟进记录").first)
    click_and_wait(page, page.get_by_role("link", name="添加"))
    page.fill("textarea[name=note]", "电话沟通，约周六到校试听")
    page.fill("input[name=next_consult_date]", (today + datetime.timedelta(days=5)).isoformat())
    click_and_wait(page, page.locator("main button[type=submit]"))

    page.goto("/")
    expect(page.locator("[data-figure=due_today]")).to_have_text("1")
    customer = Customer.objects.get(name="林晓")
    assert customer.next_consult_date == today + datetime.timedelta(days=5)
    page.goto(f"/stark/web/customer/priv/{customer.pk}/detail/")
    expect(page.locator(".luffy-timeline")).to_contain_text("电话沟通，约周六到校试听")


@pytest.mark.django_db(transaction=True)
def test_the_managers_funnel_leads_to_the_filtered_list(page, login):
    manager = make_consultant("manager1")
    grant_permissions(manager, *MANAGER_PERMISSIONS, "stark:web_customer_all_detail", role_title="销售主管")
    today = timezone.localdate()
    ops = UserFactory(username="ops1")
    # Through the service, which counts them into the manager's daily figures.
    for name, qq, source in (
        ("官网甲", "20261201", "website"),
        ("官网乙", "20261202", "website"),
        ("转介丙", "20261203", "referral"),
    ):
        customer_create_public(user=ops, customer=Customer(name=name, qq=qq, source=source, date=today))

    login("manager1", DEFAULT_TEST_PASSWORD)
    row = page.locator("[data-dashboard=manager] tr[data-source=website]")
    expect(row).to_contain_text("2")
    expect(page.locator("canvas[data-chart]")).to_be_visible()
    click_and_wait(page, row.locator("a").first)
    rows = page.locator("div.stark-list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("div.stark-list tbody")).not_to_contain_text("转介丙")
    click_and_wait(page, page.get_by_role("link", name="官网甲"))
    expect(page.locator("h1")).to_contain_text("官网甲")
