"""Two consultants in two browsers work the same public pool: one claims, the other's stale page
is told the customer is taken; the winner releases a customer back to the public pool.

(Finding, claiming and writing a follow-up on the demo data: tests/e2e/test_role_days.py.)
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import click_and_wait
from tests.factories import DEFAULT_TEST_PASSWORD, CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, make_consultant
from web.models import Customer


def run_action(page, name: str) -> None:
    page.select_option("select[name=action]", name)
    click_and_wait(page, page.get_by_role("button", name="执行"))


@pytest.mark.django_db(transaction=True)
def test_two_consultants_claim_the_same_customers_and_one_releases(page, pages, login):
    first = make_consultant("consultant1")
    second = make_consultant("consultant2")
    for user in (first, second):
        grant_permissions(user, *CONSULTANT_PERMISSIONS, role_title="课程顾问")
    CustomerFactory(name="赵敏", qq="20261001")
    CustomerFactory(name="钱多多", qq="20261002")

    # consultant2 opens the public pool first and ticks 赵敏 ...
    other = login("consultant2", DEFAULT_TEST_PASSWORD, on=pages.new_page())
    other.goto("/stark/web/customer/pub/list/")
    other.get_by_role("row", name="赵敏").locator("input[name=pk]").check()

    # ... while consultant1 selects the whole page with the header checkbox and claims it.
    login("consultant1", DEFAULT_TEST_PASSWORD)
    page.goto("/stark/web/customer/pub/list/")
    page.locator("input.stark-check-all").check()
    assert page.locator("input[name=pk]:checked").count() == 2
    run_action(page, "multi_claim")
    expect(page.locator(".alert").first).to_contain_text("所选 2 个客户中已申领 2 个到您的私户。")

    # consultant2's stale page is told why nothing was claimed.
    run_action(other, "multi_claim")
    expect(other.locator(".alert").first).to_contain_text(
        "所选 1 个客户中已申领 0 个到您的私户。未处理：1 个已被其他课程顾问申领。"
    )
    assert set(Customer.objects.values_list("consultant__username", flat=True)) == {"consultant1"}

    # consultant1 releases one customer back to the public pool.
    page.goto("/stark/web/customer/priv/list/")
    page.get_by_role("row", name="钱多多").locator("input[name=pk]").check()
    run_action(page, "multi_release")
    expect(page.locator("main")).to_contain_text("钱多多")  # the confirmation page names it; nothing moved yet
    assert Customer.objects.get(name="钱多多").consultant == first
    click_and_wait(page, page.get_by_role("button", name="确定释放到公户"))
    expect(page.locator(".alert").first).to_contain_text("所选 1 个客户中已将 1 个释放到公户。")
    assert Customer.objects.get(name="钱多多").consultant is None
    assert Customer.objects.get(name="赵敏").consultant == first
