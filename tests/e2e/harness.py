"""What the browser tests share: a watcher that fails a test on any page error, and small
helpers to act as a person would (click and wait for the next page, log in and out).

The fixtures in conftest.py build on these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from playwright.sync_api import Locator, Page, Request, Response

#: The watcher of each open page (filled and emptied by the ``pages`` fixture).
WATCHERS: dict[Page, PageWatcher] = {}

#: Chromium's console message for a document or sub-resource answered with an HTTP error.
HTTP_ERROR_CONSOLE = re.compile(r"the server responded with a status of (\d{3})")


@dataclass
class PageWatcher:
    """Collects console errors, uncaught exceptions and failed requests of one page.

    A request that fails with ``net::ERR_ABORTED`` because the page navigated away (a favicon
    still loading when the user clicks a link, say) is not a failure: a person would never see
    it. Every other failure is one: connection refused, DNS, blocked, a request the page itself
    cancels, and any HTTP status >= 400, a page's own included. An HTTP error on a page the test
    *means* to open (a 404 for someone else's customer, say) is announced first with
    ``expect_status`` (``open_expecting`` does both).
    """

    page: Page
    errors: list[str] = field(default_factory=list)
    #: Main-frame navigations so far; a request remembers the count it started under.
    navigations: int = 0
    started_under: dict[Request, int] = field(default_factory=dict)
    aborted: list[tuple[Request, int]] = field(default_factory=list)
    expected: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        page = self.page
        page.on("framenavigated", self._on_navigated)
        page.on("request", self._on_request)
        page.on("requestfinished", self._forget)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    # ------------------------------------------------------------------ events
    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.navigations += 1

    def _on_request(self, request: Request) -> None:
        self.started_under[request] = self.navigations

    def _forget(self, request: Request) -> None:
        self.started_under.pop(request, None)

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        status = HTTP_ERROR_CONSOLE.search(message.text)
        if status and self.expected.get(message.location.get("url", "")) == int(status.group(1)):
            return
        self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def _on_request_failed(self, request: Request) -> None:
        started = self.started_under.pop(request, self.navigations)
        if request.failure == "net::ERR_ABORTED":
            # Decided at the end: the navigation that cancelled it may be reported just after.
            self.aborted.append((request, started))
        else:
            self.errors.append(f"request failed: {request.url} {request.failure}")

    def _on_response(self, response: Response) -> None:
        if response.status < 400:
            return
        if self.expected.get(response.url) == response.status:
            return
        self.errors.append(f"HTTP {response.status}: {response.url} ({response.request.resource_type})")

    # ------------------------------------------------------------------ API
    def expect_status(self, url: str, status: int) -> None:
        """The test is about to open ``url`` (absolute) and expects ``status``: not a page error."""
        self.expected[url] = status

    def problems(self) -> list[str]:
        """Every error seen, with the aborted requests no navigation explains."""
        unexplained = [
            f"request failed: {request.url} net::ERR_ABORTED (no navigation cancelled it)"
            for request, started in self.aborted
            if self.navigations <= started
        ]
        return self.errors + unexplained


def open_expecting(page: Page, path: str, status: int) -> Response:
    """Open ``path`` by typing it, expecting the HTTP error ``status`` (e.g. 404 for a foreign id)."""
    url = urljoin(page.url, path)  # typed into the address bar of the site being used
    WATCHERS[page].expect_status(url, status)
    response = page.goto(url)
    assert response is not None and response.status == status, f"{path}: {response and response.status}"
    return response


def click_and_wait(page: Page, target: Locator) -> None:
    """Click something that opens a page (a link, a submit button) and wait until that page has loaded."""
    with page.expect_navigation():
        target.click()


def menu_entries(page: Page) -> dict[str, list[str]]:
    """The left-hand menu as {group title: [entry titles]}, collapsed groups included."""
    return page.locator(".rbac-menu-group").evaluate_all(
        """groups => Object.fromEntries(groups.map(g => [
            g.querySelector('.menu-title').textContent.trim(),
            [...g.querySelectorAll('.nav-link')].map(a => a.textContent.trim()),
        ]))"""
    )


def open_menu(page: Page, group: str, entry: str) -> None:
    """Click an entry of the left-hand menu, first opening its group if it is collapsed."""
    sidebar = page.locator(".luffy-sidebar")
    link = sidebar.get_by_role("link", name=entry, exact=True)
    if not link.is_visible():
        sidebar.get_by_role("button", name=group, exact=True).click()
        link.wait_for(state="visible")
    click_and_wait(page, link)


def log_out(page: Page) -> None:
    click_and_wait(page, page.get_by_role("button", name="退出"))
