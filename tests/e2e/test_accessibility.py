"""Every page of every demo role passes axe-core with no critical or serious violation (issue 13).

The pages are not listed here: each role's walk (tests.e2e.accessibility) starts from its home
page and follows its menu, the top bar and the pages' own links, on the demo data; then runs
each batch action of its lists on a row and submits each add form empty. ``REACHED`` below only
guards that the walk keeps reaching the nested pages (it fails if a link it relied on is lost).
The consultant's pages are checked once more at 375 px (a phone), with the menu unfolded once.
The summary (pages checked, violations by rule) is printed at the end of the pytest run.
"""

import csv
import io
import re

import pytest

from tests.e2e import accessibility
from tests.e2e.accessibility import Walk, check_page, run_batch_actions, submit_add_forms_empty, walk_pages
from tests.e2e.harness import click_and_wait, log_out, open_expecting
from web.demo import DEFAULT_PASSWORD, seed_all

#: One user of each demo role (consultant2 and teacher2 hold the same roles as consultant1, teacher1).
ROLES = ("admin", "manager1", "consultant1", "ops1", "finance1", "teacher1")

#: Kinds of page (tests.e2e.accessibility.page_kind) each role's walk must have reached, at least.
REACHED = {
    "admin": {
        "/rbac/menu/list/?mid",
        "/rbac/menu/N/change/",
        "/rbac/permission/N/change/",
        "/rbac/role/list/",
        "/rbac/distribute/permissions/?rid&uid",
        "/rbac/multi/permissions/",
        "/stark/web/userinfo/N/reset/password/",
        "/stark/web/school/N/delete/",
        "/stark/auditlog/logentry/list/",
    },
    "manager1": {"/stark/web/customer/all/N/detail/", "/stark/web/customer/all/N/record/"},
    "consultant1": {
        "/stark/web/customer/priv/N/detail/",
        "/stark/web/customer/priv/N/change/",
        "/stark/web/consultrecord/N/list/",
        "/stark/web/consultrecord/N/add/",
        "/stark/web/consultrecord/N/N/change/",
        "/stark/web/paymentrecord/N/list/",
        "/stark/web/paymentrecord/N/add/",
    },
    "ops1": {"/stark/web/customer/pub/add/", "/stark/web/customer/pub/import/", "/stark/web/customer/pub/N/change/"},
    "finance1": {"/stark/web/paymentrecord/check/list/", "/stark/web/paymentrecord/check/customer/N/"},
    "teacher1": {
        "/stark/web/courserecord/N/list/",
        "/stark/web/courserecord/N/N/attendance/",
        "/stark/web/scorerecord/N/add/",
        "/stark/web/talkrecord/N/N/change/",
        "/stark/web/classchange/N/add/",
    },
}


@pytest.fixture
def demo(transactional_db):
    return seed_all()


@pytest.mark.django_db(transaction=True)
def test_every_page_of_every_demo_role_has_no_serious_accessibility_violation(page, login, demo, tmp_path):
    walk = Walk()
    page.goto("/login/")
    check_page(page, walk)
    page.fill("input[name=username]", "nobody")  # the login page with its error message
    page.fill("input[name=password]", "wrong")
    click_and_wait(page, page.locator("main button[type=submit]"))
    check_page(page, walk, label="/login/ [failed]")
    for username in ROLES:
        login(username, DEFAULT_PASSWORD)
        visited = walk_pages(page, walk)
        if username == "consultant1":
            check_on_a_phone(page, walk, visited.urls)
        kinds = {accessibility.page_kind(url) for url in visited.urls}
        assert REACHED[username] <= kinds, f"{username}'s walk missed {REACHED[username] - kinds}"
        run_batch_actions(page, walk, visited.action_lists)
        submit_add_forms_empty(page, walk, visited.add_forms)
        if username == "ops1":
            check_an_import(page, walk, tmp_path)
        open_expecting(page, "/no-such-page/", 404)
        check_page(page, walk)
        if username != "admin":
            open_expecting(page, "/rbac/role/list/", 403)
            check_page(page, walk)
        log_out(page)

    accessibility.SUMMARIES.append(walk.summary())
    assert len(walk.pages) > 100, walk.summary()
    assert not walk.failing(), f"{walk.summary()}\n{walk.details()}"


def check_an_import(page, walk: Walk, tmp_path) -> None:
    """The import's preview (a new, a duplicate and a bad row: every part of the page) and its result,
    pages a walk of links cannot reach: they follow an upload."""
    leads = tmp_path / "leads.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["姓名", "QQ", "手机号", "性别"],
            ["无障碍", "20261201", "", "男"],
            ["重复", "20261201", "", "女"],
            ["错号", "12", "", "男"],
        ]
    )
    leads.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    page.goto("/stark/web/customer/pub/import/")
    page.set_input_files("input[name=file]", str(leads))
    click_and_wait(page, page.locator("main button[type=submit]"))
    assert page.locator(".import-counts").count() == 1, "the import preview did not open"
    check_page(page, walk, label="/stark/web/customer/pub/import/ [preview]")
    click_and_wait(page, page.locator("main form button[type=submit]").last)
    check_page(page, walk, label="/stark/web/customer/pub/import/ [imported]")


def check_on_a_phone(page, walk: Walk, urls: list[str]) -> None:
    """The pages again at 375 px, and the menu unfolded over the last one (below the md breakpoint
    the user links live in it)."""
    desktop = page.viewport_size
    page.set_viewport_size({"width": 375, "height": 740})
    for url in urls:
        page.goto(url)
        check_page(page, walk, label=f"{url} [375 px]")
    page.locator(".luffy-menu-toggle").click()
    page.locator("#luffy-sidebar.show").wait_for()
    check_page(page, walk, label=f"{page.url} [375 px, menu open]")
    page.set_viewport_size(desktop)


@pytest.mark.django_db(transaction=True)
def test_axe_finds_a_low_contrast_text(page):
    """The check itself: text made light grey on white is a serious color-contrast violation."""
    page.goto("/login/")
    page.evaluate("() => { document.querySelector('main h1').style.color = '#bbbbbb'; }")
    walk = Walk()
    check_page(page, walk)
    assert [(v.rule, v.impact) for v in walk.failing()] == [("color-contrast", "serious")]
    assert re.search(r"<h1", walk.failing()[0].nodes[0][2])
