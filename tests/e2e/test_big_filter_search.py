"""In the browser: in a school with more consultants than a filter row can show, the sales manager
finds one by part of the name, filters the customers by them, and the page passes axe-core."""

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import Walk, check_page
from tests.e2e.harness import click_and_wait
from tests.factories import DEFAULT_TEST_PASSWORD, CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import MANAGER_PERMISSIONS, make_consultant
from web.demo.roles import seed_menus_and_permissions


@pytest.mark.django_db(transaction=True)
def test_the_manager_finds_a_consultant_in_a_big_school_and_filters_by_them(page, login):
    seed_menus_and_permissions()
    manager = make_consultant("manager1", name="王主管")
    grant_permissions(manager, *MANAGER_PERMISSIONS, role_title="销售主管")
    for n in range(40):  # more than Option.max_links
        make_consultant(f"extra{n}", name=f"顾问{n:02d}")
    chosen = make_consultant("zhao", name="赵晓燕")
    CustomerFactory(name="甲客户", consultant=chosen)
    CustomerFactory(name="乙客户", consultant=make_consultant("qian", name="钱多多"))
    login("manager1", DEFAULT_TEST_PASSWORD)
    walk = Walk()

    page.goto("/stark/web/customer/all/list/")
    row = page.locator("[data-option=consultant]")
    expect(row.get_by_role("link", name="顾问07")).to_have_count(0)  # not every consultant is listed
    check_page(page, walk, label="all customers, consultant search box")
    row.get_by_role("searchbox").fill("晓燕")
    click_and_wait(page, row.get_by_role("button", name="查找"))
    check_page(page, walk, label="all customers, consultant matches")
    click_and_wait(page, page.locator("[data-option=consultant]").get_by_role("link", name="赵晓燕"))

    body = page.locator("table.stark-table tbody")
    expect(body).to_contain_text("甲客户")
    expect(body).not_to_contain_text("乙客户")
    expect(page.locator("[data-option=consultant] a.active")).to_have_text("赵晓燕")
    check_page(page, walk, label="all customers, filtered by a found consultant")
    assert not walk.failing(), walk.details()
