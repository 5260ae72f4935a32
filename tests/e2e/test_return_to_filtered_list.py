"""In the browser: a consultant on page 2 of a searched customer list opens a customer's
follow-ups, adds one, and the breadcrumb takes them back to the same page of the same search
(issue 13). The web tests (tests/web/test_return_to_filtered_list.py) cover the other sub-pages."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import click_and_wait
from tests.factories import DEFAULT_TEST_PASSWORD, CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, make_consultant
from web.demo.roles import seed_menus_and_permissions


@pytest.mark.django_db(transaction=True)
def test_the_breadcrumb_returns_from_follow_ups_to_the_searched_page(page, login):
    seed_menus_and_permissions()
    consultant = make_consultant("consultant1", name="李晓明")
    grant_permissions(consultant, *CONSULTANT_PERMISSIONS, role_title="课程顾问")
    for index in range(25):  # two pages of 20
        CustomerFactory(name=f"王{index:02d}", consultant=consultant)
    CustomerFactory(name="赵敏", consultant=consultant)
    login("consultant1", DEFAULT_TEST_PASSWORD)

    page.goto("/stark/web/customer/priv/list/")
    page.locator("form.stark-search input[name=q]").fill("王")
    click_and_wait(page, page.locator("form.stark-search button[type=submit]"))
    click_and_wait(page, page.locator(".pagination").get_by_role("link", name="2", exact=True))
    left_at = parse_qs(urlsplit(page.url).query)
    assert left_at["q"] == ["王"] and left_at["page"] == ["2"]

    click_and_wait(page, page.locator("table.stark-table tbody tr").first.get_by_role("link", name="跟进记录"))
    click_and_wait(page, page.locator("main").get_by_role("link", name="添加"))
    page.get_by_label("跟进内容").fill("电话沟通，下周来试听。")
    click_and_wait(page, page.locator("main form").get_by_role("button", name="保存"))
    expect(page.locator("table.stark-table")).to_contain_text("下周来试听")

    click_and_wait(page, page.locator("nav[aria-label=breadcrumb]").get_by_role("link", name="我的客户"))
    assert parse_qs(urlsplit(page.url).query) == left_at
    expect(page.locator("form.stark-search input[name=q]")).to_have_value("王")
    expect(page.locator(".pagination .active")).to_have_text("2")
