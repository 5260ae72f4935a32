"""An admin, entirely in the browser, discovers URLs, builds a menu and a role, gives it to a user;
that user's next page shows exactly that menu."""

import pytest

from rbac.models import Permission, Role
from tests.e2e.harness import click_and_wait, menu_entries, open_expecting, open_menu
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


@pytest.mark.django_db(transaction=True)
def test_admin_builds_a_role_in_the_browser_and_the_user_sees_its_menu(page, pages, login):
    admin = UserFactory(username="admin", name="管理员")
    grant_permissions(admin, *RBAC_PAGES, role_title="超级管理")
    clerk = UserFactory(username="clerk", name="小王")
    login("admin", DEFAULT_TEST_PASSWORD)

    # discover the project's URLs
    page.goto("/rbac/multi/permissions/")
    assert page.locator("input[name$='-name'][value='rbac:role_delete']").count() == 1
    click_and_wait(page, page.get_by_role("button", name="应用"))
    assert page.url.endswith("/rbac/multi/permissions/")
    assert Permission.objects.filter(name="rbac:role_delete").exists()

    # a menu, and the role list page as its entry
    page.goto("/rbac/menu/add/")
    page.fill("input[name=title]", "系统设置")
    page.fill("input[name=icon]", "fa-cogs")
    click_and_wait(page, page.get_by_role("button", name="保存"))
    role_list = Permission.objects.get(name="rbac:role_list")
    page.goto(f"/rbac/permission/{role_list.pk}/change/")
    page.fill("input[name=title]", "角色列表")
    page.select_option("select[name=menu]", label="系统设置")
    click_and_wait(page, page.get_by_role("button", name="保存"))

    # a role
    page.goto("/rbac/role/add/")
    page.fill("input[name=title]", "人事专员")
    click_and_wait(page, page.get_by_role("button", name="保存"))
    assert page.url.endswith("/rbac/role/list/")

    # assignment: pick the clerk and the role, tick the role, select the whole menu group
    page.goto("/rbac/distribute/permissions/")
    click_and_wait(page, page.get_by_role("link", name="小王"))
    click_and_wait(page, page.get_by_role("link", name="人事专员"))
    role = Role.objects.get(title="人事专员")
    page.check(f"input[name=roles][value='{role.pk}']")
    group = page.locator("[data-rbac-scope]").filter(has_text="系统设置").first
    group.locator("[data-rbac-select-all]").first.check()
    assert group.locator("input[name=permissions]").evaluate_all("boxes => boxes.every(b => b.checked)")
    click_and_wait(page, page.get_by_role("button", name="保存"))
    assert list(clerk.roles.all()) == [role]

    # the clerk logs in and sees exactly that menu; any other page is refused
    other = login("clerk", DEFAULT_TEST_PASSWORD, on=pages.new_page())
    assert menu_entries(other) == {"系统设置": ["角色列表"]}
    open_menu(other, "系统设置", "角色列表")
    assert other.url.endswith("/rbac/role/list/")
    assert other.locator(".luffy-sidebar .nav-link.active").inner_text().strip() == "角色列表"
    assert other.locator(".rbac-breadcrumb").inner_text().count("角色列表") == 1
    open_expecting(other, "/rbac/menu/list/", 403)
