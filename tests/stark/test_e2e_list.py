"""Browser check of the list page's script and native date inputs (Debian chromium, offline)."""

import os
from pathlib import Path

import pytest

from tests.factories import DEFAULT_TEST_PASSWORD
from tests.permissions import grant_permissions
from tests.stark.conftest import all_testapp_url_names
from tests.stark.factories import BookFactory

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# The sync Playwright API runs an event loop in the test thread; our code stays synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_check_all_ticks_the_page_and_the_date_filter_submits(live_server, user):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    grant_permissions(user, *all_testapp_url_names())
    for i in range(12):
        BookFactory(title=f"Book {i:02d}")
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        page = browser.new_page(base_url=live_server.url)
        page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
        page.on("requestfailed", lambda req: "favicon" not in req.url and problems.append(req.url))
        page.goto("/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", DEFAULT_TEST_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")

        page.goto("/stark/testapp/book/list/?q=Book")
        page.check("input.stark-check-all")
        assert page.locator("input.stark-check:checked").count() == 10
        page.uncheck("input.stark-check-all")
        assert page.locator("input.stark-check:checked").count() == 0

        date_form = page.locator('[data-option="published"] form')
        date_form.locator('input[name="published_from"]').fill("2026-02-01")
        date_form.locator("button[type=submit]").click()
        page.wait_for_url("**published_from=2026-02-01**")
        assert "q=Book" in page.url  # the other filters survive
        browser.close()
    assert not problems, problems
