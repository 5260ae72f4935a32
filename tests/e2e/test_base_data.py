"""An administrator sets up a campus, a department, staff with passwords, a course and a class in the
browser, then finds them again with search and filters; the new staff member logs in."""

import pytest

from tests.e2e.harness import click_and_wait, log_out
from tests.factories import DEFAULT_TEST_PASSWORD, DepartmentFactory, UserFactory
from tests.permissions import grant_permissions
from web.models import Department

PAGES = ["school", "department", "userinfo", "course", "classlist"]


def submit(page, expected_url: str) -> None:
    click_and_wait(page, page.locator("main form button[type=submit]"))  # not the log-out button in the top bar
    page.wait_for_url(expected_url)


@pytest.mark.django_db(transaction=True)
def test_admin_sets_up_base_data_and_finds_it_again(page, login):
    admin = UserFactory(username="admin", name="路飞管理员")
    names = [f"stark:web_{model}_{kind}" for model in PAGES for kind in ("list", "add", "change", "delete")]
    grant_permissions(admin, *names, "stark:web_userinfo_reset_pwd")
    DepartmentFactory(title="教学部", kind=Department.Kind.TEACHING)
    UserFactory(username="zhouqiang", name="周讲师", depart=Department.objects.get(title="教学部"))
    login("admin", DEFAULT_TEST_PASSWORD)
    page.goto("/stark/web/school/add/")
    page.fill("input[name=title]", "杭州西湖校区")
    submit(page, "**/stark/web/school/list/")

    page.goto("/stark/web/department/add/")
    page.fill("input[name=title]", "教质部")
    page.select_option("select[name=kind]", Department.Kind.TEACHING_QUALITY)
    submit(page, "**/stark/web/department/list/")

    page.goto("/stark/web/userinfo/add/")
    page.fill("input[name=username]", "sunli")
    page.fill("input[name=name]", "孙丽")
    page.select_option("select[name=gender]", "female")
    page.select_option("select[name=depart]", label="教质部")
    page.fill("input[name=phone]", "13912345678")
    page.fill("input[name=email]", "sunli@luffycity.example")
    page.fill("input[name=password]", "Quality-first-2026")
    page.fill("input[name=confirm_password]", "Quality-first-2026")
    submit(page, "**/stark/web/userinfo/list/")

    page.goto("/stark/web/course/add/")
    page.fill("input[name=name]", "Go 语言开发")
    submit(page, "**/stark/web/course/list/")

    page.goto("/stark/web/classlist/add/")
    page.select_option("select[name=school]", label="杭州西湖校区")
    page.select_option("select[name=course]", label="Go 语言开发")
    page.fill("input[name=semester]", "1")
    page.fill("input[name=price]", "16800")
    page.fill("input[name=start_date]", "2026-12-01")  # the browser's own date picker
    page.fill("input[name=graduate_date]", "2027-05-30")
    page.select_option("select[name=class_teacher]", label="孙丽 (教质部)")
    page.get_by_label("周讲师 (教学部)").check()
    submit(page, "**/stark/web/classlist/list/")

    # Find the class again through the campus filter, and the staff member by phone.
    click_and_wait(page, page.get_by_role("link", name="杭州西湖校区"))
    page.wait_for_url("**school=*")
    rows = page.locator("table.stark-table tbody tr")
    assert rows.count() == 1
    assert "Go 语言开发" in rows.first.inner_text()
    assert "孙丽" in rows.first.inner_text()

    page.goto("/stark/web/userinfo/list/")
    page.fill("input[name=q]", "1391234")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url("**q=1391234*")
    rows = page.locator("table.stark-table tbody tr")
    assert rows.count() == 1
    assert "sunli" in rows.first.inner_text()

    # The new staff member logs in with the password the administrator chose.
    log_out(page)
    page.wait_for_url("**/login/")
    login("sunli", "Quality-first-2026")
    assert page.locator(".navbar").get_by_text("孙丽").is_visible()
