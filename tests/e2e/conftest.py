"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser).

Every page a test opens is watched (tests.e2e.harness.PageWatcher): console errors, uncaught
exceptions and failed requests (a static file that does not load offline, say) fail the test.
On failure, test-results/<test name>/ receives a screenshot of each open page (failure.png,
failure-2.png, ...) and of the home page each user landed on after logging in (home-<user>.png).
"""

import os
import re
from pathlib import Path

import pytest

from tests.e2e import accessibility
from tests.e2e.harness import WATCHERS, PageWatcher, click_and_wait

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
RESULTS_DIR = Path(__file__).resolve().parents[2] / "test-results"

# The sync Playwright API runs an event loop in the test thread; Django's guard against
# database access from async code would trip over it although our code stays synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = pytest.mark.e2e


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def pytest_terminal_summary(terminalreporter):
    """The accessibility walk's numbers (pages checked, violations by rule), whatever the verbosity."""
    for summary in accessibility.SUMMARIES:
        terminalreporter.write_line(summary)


_failed_key = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.stash[_failed_key] = report.failed
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        yield browser
        browser.close()


class BrowserPages:
    """The watched pages of one test, each in its own browser context (its own cookies)."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.opened: list[tuple] = []  # (context, page, watcher)
        #: PNG bytes of the page each user landed on after logging in, by file name.
        self.home_shots: dict[str, bytes] = {}

    def new_page(self):
        context = self.browser.new_context(base_url=self.base_url, locale="zh-CN")
        context.set_default_timeout(10_000)
        page = context.new_page()
        watcher = PageWatcher(page)
        WATCHERS[page] = watcher
        self.opened.append((context, page, watcher))
        return page

    def save_screenshots(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for index, (_context, page, _watcher) in enumerate(self.opened, start=1):
            name = "failure.png" if index == 1 else f"failure-{index}.png"
            try:
                page.screenshot(path=str(folder / name), full_page=True)
            except Exception as error:  # noqa: BLE001 - a crashed page must not hide the test's own failure
                (folder / f"{name}.txt").write_text(f"no screenshot: {error}\n")
        for name, png in self.home_shots.items():
            (folder / name).write_bytes(png)

    def close(self) -> list[str]:
        problems = []
        for context, page, watcher in self.opened:
            context.close()
            WATCHERS.pop(page, None)
            problems += watcher.problems()
        return problems


@pytest.fixture
def pages(browser, live_server, request):
    """Open more watched pages with ``pages.new_page()`` (a second user in a second browser)."""
    opened = BrowserPages(browser, live_server.url)
    yield opened
    if request.node.stash.get(_failed_key, False):
        opened.save_screenshots(RESULTS_DIR / re.sub(r"[^\w.-]+", "_", request.node.nodeid))
    problems = opened.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def page(pages):
    return pages.new_page()


@pytest.fixture
def login(page, pages):
    """Log in through the login form, as a person would: ``login(username, password, on=page)``."""

    def do_login(username: str, password: str, on=None):
        target = on or page
        target.goto("/login/")
        target.fill("input[name=username]", username)
        target.fill("input[name=password]", password)
        click_and_wait(target, target.locator("main button[type=submit]"))
        if target.url.rstrip("/") == pages.base_url:  # landed on the home page
            pages.home_shots[f"home-{username}.png"] = target.screenshot(full_page=True)
        return target

    return do_login
