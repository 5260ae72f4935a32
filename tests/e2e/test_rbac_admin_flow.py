"""An admin, entirely in the browser, discovers URLs, builds a menu and a role, gives it to a user;
that user's next page shows exactly that menu."""

import pytest

from rbac.models import Permission, Role
from tests.factories import DEFAULT_TEST_PASSWORD, UserFactory
from tests.permissions import grant_permissions

RBAC_PAGES = [
    "rbac:menu_list",
    "rbac:menu_add",
    "rbac:permission_change",
    "rbac:multi_permissions",
    "rbac:role_list",
    "rbac:role_add",
    "rbac:distribute_permissions",
]


def settle(page):
    """Wait until the page that a click or goto opened has finished loading (favicon included)."""
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_admin_builds_a_role_in_the_browser_and_the_user_sees_its_menu(page, login, browser, live_server):
    admin = UserFactory(username="admin", name="管理员")
    grant_permissions(admin, *RBAC_PAGES, role_title="超级管理")
    clerk = UserFactory(username="clerk", name="小王")
    login("admin", DEFAULT_TEST_PASSWORD)

    # discover the project's URLs
    page.goto("/rbac/multi/permissions/")
    settle(page)
    assert page.locator("input[name$='-name'][value='rbac:role_delete']").count() == 1
    page.get_by_role("button", name="应用").click()
    page.wait_for_url("**/rbac/multi/permissions/")
    settle(page)
    assert Permission.objects.filter(name="rbac:role_delete").exists()

    # a menu, and the role list page as its entry
    page.goto("/rbac/menu/add/")
    settle(page)
    page.fill("input[name=title]", "系统设置")
    page.fill("input[name=icon]", "fa-cogs")
    page.get_by_role("button", name="保存").click()
    settle(page)
    role_list = Permission.objects.get(name="rbac:role_list")
    page.goto(f"/rbac/permission/{role_list.pk}/change/")
    settle(page)
    page.fill("input[name=title]", "角色列表")
    page.select_option("select[name=menu]", label="系统设置")
    page.get_by_role("button", name="保存").click()
    settle(page)

    # a role
    page.goto("/rbac/role/add/")
    settle(page)
    page.fill("input[name=title]", "人事专员")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/rbac/role/list/")
    settle(page)

    # assignment: pick the clerk and the role, tick the role, select the whole menu group
    page.goto("/rbac/distribute/permissions/")
    settle(page)
    page.get_by_role("link", name="小王").click()
    settle(page)
    page.get_by_role("link", name="人事专员").click()
    settle(page)
    role = Role.objects.get(title="人事专员")
    page.check(f"input[name=roles][value='{role.pk}']")
    group = page.locator("[data-rbac-scope]").filter(has_text="系统设置").first
    group.locator("[data-rbac-select-all]").first.check()
    assert group.locator("input[name=permissions]").evaluate_all("boxes => boxes.every(b => b.checked)")
    page.get_by_role("button", name="保存").click()
    settle(page)
    assert list(clerk.roles.all()) == [role]

    # the clerk logs in and sees exactly that menu
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    other = context.new_page()
    other.goto("/login/")
    other.fill("input[name=username]", "clerk")
    other.fill("input[name=password]", DEFAULT_TEST_PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_load_state("networkidle")
    sidebar = other.locator(".luffy-sidebar")
    assert sidebar.get_by_text("系统设置").is_visible()
    sidebar.get_by_role("link", name="角色列表").click()
    other.wait_for_url("**/rbac/role/list/")
    assert other.locator(".luffy-sidebar .nav-link.active").inner_text().strip() == "角色列表"
    assert other.locator(".rbac-breadcrumb").inner_text().count("角色列表") == 1
    response = other.goto("/rbac/menu/list/")
    assert response.status == 403
    context.close()
