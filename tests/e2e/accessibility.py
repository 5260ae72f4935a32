"""axe-core in the test browser, and a walk over every page a user can reach (issue 13).

axe-core is the npm package pinned in package.json (``npm ci``, run by ``scripts/setup.sh --test``),
injected into each page from the local ``node_modules`` file: never from a CDN.

The walk starts from the user's home page, follows the links of the menu, the top bar and the
pages themselves (list rows: add and edit forms, the customer page, follow-ups, payments, score
and talk records, course records, attendance, delete confirmations, ...) and checks each *kind*
of page once: ``/stark/web/consultrecord/12/list/`` and ``/stark/web/consultrecord/40/list/`` are
one page. A list's filter buttons, sort links, page links and breadcrumb lead back to pages of
the same kind and are not followed. Then, on each list with batch actions, every action is run on
the list's first row, and the page it answers with (a confirmation page, a form asking for a
consultant, the list with its message) is checked as well; and every add form is submitted empty
once, to check the page with its error messages.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from playwright.sync_api import Page

from tests.e2e.harness import click_and_wait

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: Where the pages load it from (answered by the browser context, see ``serve_axe``).
AXE_PATH = "/__axe-core.js"
_SERVED: set = set()
#: The walks' summaries, printed at the end of the pytest run (tests/e2e/conftest.py).
SUMMARIES: list[str] = []

#: Impacts that fail the test (axe's four levels are minor, moderate, serious, critical).
FAILING_IMPACTS = ("critical", "serious")

#: How many objects' empty lists of one kind the walk opens, looking for one with rows.
EMPTY_RETRIES = 10

#: Query parameters that only carry a list's state back: the same kind of page with or without.
STATE_PARAMETERS = {"_filter", "_parent", "page", "q", "o", "next"}

#: A stark list page: its query string only chooses rows.
STARK_LIST = re.compile(r"^/stark/.*/list/$")

#: Links that are no page to check: logging out is a POST form anyway; exports are downloads.
NOT_A_PAGE = re.compile(r"/(export|logout)/")

#: The links of a page worth following: not inside the list controls that only change its rows.
LINKS_JS = """() => [...document.querySelectorAll('a[href]')]
    .filter(a => !a.hasAttribute('download'))
    .filter(a => !a.closest('.stark-search-group, .pagination, .stark-page-box, thead, .breadcrumb'))
    .map(a => a.href)"""

AXE_RUN_JS = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary, html: n.html})),
    }));
}"""


@dataclass
class Violation:
    rule: str
    impact: str
    help: str
    url: str
    #: (CSS target, axe's failure summary, the element's HTML) per offending element.
    nodes: list[tuple[str, str, str]]


@dataclass
class Walk:
    """What one or more walks checked: every page view and every violation found."""

    pages: list[str] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    def failing(self) -> list[Violation]:
        return [v for v in self.violations if v.impact in FAILING_IMPACTS]

    def summary(self) -> str:
        by_rule: Counter = Counter()
        elements: Counter = Counter()
        for violation in self.violations:
            by_rule[(violation.rule, violation.impact)] += 1
            elements[(violation.rule, violation.impact)] += len(violation.nodes)
        lines = [f"axe-core: {len(self.pages)} page views checked, {len(self.failing())} failing violations"]
        for (rule, impact), count in sorted(by_rule.items(), key=lambda item: -item[1]):
            lines.append(f"  {rule} ({impact}): {count} pages, {elements[(rule, impact)]} elements")
        return "\n".join(lines)

    def details(self, limit: int = 40) -> str:
        lines = []
        for violation in self.failing()[:limit]:
            lines.append(f"{violation.rule} ({violation.impact}) on {violation.url}: {violation.help}")
            for target, summary, html in violation.nodes[:5]:
                lines.append(f"    {target}: {html[:160]}")
                lines.append("      " + summary.replace("\n", "\n      ")[:400])
        return "\n".join(lines)


def serve_axe(page: Page) -> None:
    """Answer ``/__axe-core.js`` of the site under test from node_modules, inside the browser.

    Served as a file of the site itself, so the pages' Content-Security-Policy
    (``script-src 'self'``) holds as it is: no inline script, no bypass, no CDN.
    """
    if not AXE_JS.exists():
        raise AssertionError(f"{AXE_JS} is missing: run `npm ci` (scripts/setup.sh --test does)")
    if page.context not in _SERVED:
        page.context.route(f"**{AXE_PATH}", lambda route: route.fulfill(path=str(AXE_JS)))
        _SERVED.add(page.context)


def check_page(page: Page, walk: Walk, label: str | None = None) -> None:
    """Run axe-core on the page as it is now and record what it finds."""
    serve_axe(page)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    url = label or page.url
    walk.pages.append(url)
    for found in page.evaluate(AXE_RUN_JS):
        nodes = [(node["target"], node["summary"] or "", node["html"]) for node in found["nodes"]]
        walk.violations.append(Violation(found["id"], found["impact"] or "", found["help"], url, nodes))


def page_kind(url: str) -> str:
    """One key per kind of page: ids become N, list-state parameters are dropped, others keep their name."""
    parts = urlsplit(url)
    path = re.sub(r"\d+", "N", parts.path)
    if STARK_LIST.match(parts.path):
        return path  # a stark list's whole query string is its state (filters, search, sort, page)
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)} - STATE_PARAMETERS)
    return path + ("?" + "&".join(names) if names else "")


def page_links(page: Page, origin: str) -> list[str]:
    links = []
    for href in page.evaluate(LINKS_JS):
        url = urljoin(page.url, href).split("#")[0]
        if url.startswith(origin) and not NOT_A_PAGE.search(urlsplit(url).path):
            links.append(url)
    return links


@dataclass
class Visited:
    """The pages a walk opened: all of them, the lists with batch actions and rows, the add forms."""

    urls: list[str] = field(default_factory=list)
    action_lists: list[str] = field(default_factory=list)
    add_forms: list[str] = field(default_factory=list)


def walk_pages(page: Page, walk: Walk, *, limit: int = 150) -> Visited:
    """Check every kind of page reachable by links from the current page."""
    split = urlsplit(page.url)
    origin = f"{split.scheme}://{split.netloc}"
    queue = deque([page.url])
    seen: set[str] = set()
    #: Kinds seen only as an empty list so far (a customer without follow-ups): tried again on
    #: another object, up to EMPTY_RETRIES times, so the rows' own links are reached too.
    empty: Counter = Counter()
    visited = Visited()
    while queue:
        url = queue.popleft()
        kind = page_kind(url)
        if kind in seen or url in visited.urls:
            continue
        assert len(visited.urls) < limit, f"more than {limit} pages: is the walk following list-state links?"
        if page.url != url:
            response = page.goto(url)
            assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
        visited.urls.append(url)
        if page.locator("table.stark-table tbody td[colspan]").count() and empty[kind] < EMPTY_RETRIES:
            empty[kind] += 1
        else:
            seen.add(kind)
            if page.locator("form.stark-actions-form select[name=action]").count():
                visited.action_lists.append(url)
            if urlsplit(url).path.endswith("/add/") and page.locator("main form.stark-form").count():
                visited.add_forms.append(url)
        if empty[kind] <= 1 or kind in seen:
            check_page(page, walk)
        queue.extend(link for link in page_links(page, origin) if page_kind(link) not in seen)
    return visited


def run_batch_actions(page: Page, walk: Walk, list_urls: list[str]) -> None:
    """On each list with batch actions, run each action on the first row and check the answer."""
    for url in list_urls:
        page.goto(url)
        select = page.locator("form.stark-actions-form select[name=action]")
        actions = [value for value in select.locator("option").evaluate_all("os => os.map(o => o.value)") if value]
        for action in actions:
            page.goto(url)
            rows = page.locator("form.stark-actions-form input[name=pk]")
            if not rows.count():
                break  # an earlier action took the last row away (a claim, say)
            rows.first.check()
            page.locator("form.stark-actions-form select[name=action]").select_option(action)
            click_and_wait(page, page.locator("form.stark-actions-form button[type=submit]"))
            check_page(page, walk, label=f"{url} [{action}]")


def submit_add_forms_empty(page: Page, walk: Walk, urls: list[str]) -> None:
    """Each add form once submitted empty: its error messages must be as readable as the rest."""
    for url in urls:
        page.goto(url)
        form = page.locator("main form.stark-form")
        for field_locator in form.locator("input[type=text], input[type=number], textarea").all():
            field_locator.fill("")
        click_and_wait(page, form.locator("button[type=submit]"))
        check_page(page, walk, label=f"{url} [empty submit]")
