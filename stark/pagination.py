"""Pagination that never errors on a bad ``page`` and keeps the other query parameters."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import QueryDict


def get_page(paginator: Paginator, raw_number: str | None) -> Page:
    """The requested page; non-numeric or < 1 gives the first page, too large the last."""
    try:
        number = int(raw_number or 1)
    except (TypeError, ValueError):
        number = 1
    number = max(1, min(number, paginator.num_pages))
    return paginator.page(number)


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis
    url: str
    is_current: bool


def page_links(page: Page, query: QueryDict, window: int = 3) -> list[PageLink]:
    """Links to the first, last and nearby pages; each keeps every other parameter."""
    last = page.paginator.num_pages
    wanted = {1, last, *range(max(1, page.number - window), min(last, page.number + window) + 1)}
    links: list[PageLink] = []
    previous = 0
    for number in sorted(wanted):
        if number - previous > 1:
            links.append(PageLink(None, "", False))
        params = query.copy()
        params["page"] = str(number)
        links.append(PageLink(number, "?" + params.urlencode(), number == page.number))
        previous = number
    return links
