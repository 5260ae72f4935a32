"""Two consultants in two browsers work the same public pool: one claims, the other's stale page
is told the customer is taken; the winner writes a follow-up and releases the customer."""

import pytest

from tests.factories import DEFAULT_TEST_PASSWORD, CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, make_consultant
from web.models import ConsultRecord, Customer


def settle(page):
    page.wait_for_load_state("networkidle")


def claim_ticked(page):
    page.select_option("select[name=action]", "multi_claim")
    page.get_by_role("button", name="执行").click()
    settle(page)


@pytest.mark.django_db(transaction=True)
def test_two_consultants_claim_follow_up_and_release_in_the_browser(page, login, browser, live_server):
    first = make_consultant("consultant1")
    second = make_consultant("consultant2")
    for user in (first, second):
        grant_permissions(user, *CONSULTANT_PERMISSIONS, role_title="课程顾问")
    CustomerFactory(name="赵敏", qq="20261001")
    CustomerFactory(name="钱多多", qq="20261002")

    # consultant2 opens the public pool first and ticks 赵敏 ...
    other = browser.new_context(base_url=live_server.url, locale="zh-CN").new_page()
    other.goto("/login/")
    other.fill("input[name=username]", "consultant2")
    other.fill("input[name=password]", DEFAULT_TEST_PASSWORD)
    other.click("button[type=submit]")
    settle(other)
    other.goto("/stark/web/customer/pub/list/")
    settle(other)
    other.get_by_role("row", name="赵敏").locator("input[name=pk]").check()

    # ... while consultant1 selects the whole page with the header checkbox and claims it.
    login("consultant1", DEFAULT_TEST_PASSWORD)
    page.goto("/stark/web/customer/pub/list/")
    settle(page)
    page.locator("input.stark-check-all").check()
    assert page.locator("input[name=pk]:checked").count() == 2
    claim_ticked(page)
    assert "已申领 2 个客户到您的私户。" in page.locator(".alert").first.inner_text()

    # consultant2's stale page is told why nothing was claimed.
    claim_ticked(other)
    assert "1 个客户未申领：已被其他课程顾问申领。" in other.locator(".alert").first.inner_text()
    assert set(Customer.objects.values_list("consultant__username", flat=True)) == {"consultant1"}
    other.context.close()

    # consultant1 writes a follow-up from the private pool ...
    page.goto("/stark/web/customer/priv/list/")
    settle(page)
    page.get_by_role("row", name="赵敏").get_by_role("link", name="跟进记录").click()
    settle(page)
    page.get_by_role("link", name="添加").click()
    settle(page)
    page.fill("textarea[name=note]", "电话沟通，周六来试听。")
    page.get_by_role("button", name="保存").click()
    settle(page)
    assert "电话沟通，周六来试听。" in page.content()
    assert ConsultRecord.objects.get().consultant == first

    # ... and releases the other customer back to the public pool.
    page.goto("/stark/web/customer/priv/list/")
    settle(page)
    page.get_by_role("row", name="钱多多").locator("input[name=pk]").check()
    page.select_option("select[name=action]", "multi_release")
    page.get_by_role("button", name="执行").click()
    settle(page)
    assert "已将 1 个客户释放到公户。" in page.locator(".alert").first.inner_text()
    assert Customer.objects.get(name="钱多多").consultant is None
    assert Customer.objects.get(name="赵敏").consultant == first
