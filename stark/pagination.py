"""Pagination that never errors on a bad ``page``, keeps the other query parameters, and
stays fast on deep pages of large tables."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict


class StarkPaginator(Paginator):
    """A Paginator that reads a page's primary keys first, then only those rows (a "deferred join").

    ``ORDER BY ... LIMIT 20 OFFSET 400000`` makes the database read and throw away 400,000 full rows;
    selecting only the primary keys can walk an index instead (the pk is in every secondary index),
    and nothing is joined yet, so MySQL cannot pick a join order that sorts every joined row before
    the LIMIT. The second query fetches just the page's rows by primary key, with the queryset's
    filters, joins, annotations and prefetches. Costs one query more per page, by primary key.
    """

    #: Pages starting before this offset are read the plain way (one query); 0: every page deferred.
    deferred_offset = 0

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        # A list, a union or a sliced queryset cannot be filtered by pk again: read it the plain way.
        plain = not isinstance(queryset, QuerySet) or queryset.query.combinator or queryset.query.is_sliced
        if plain or bottom < self.deferred_offset:
            return self._get_page(queryset[bottom:top], number, self)
        pks = list(dict.fromkeys(queryset.values_list("pk", flat=True)[bottom:top]))
        position = {pk: index for index, pk in enumerate(pks)}
        rows = sorted(queryset.filter(pk__in=pks), key=lambda obj: position[obj.pk])
        return self._get_page(rows, number, self)


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


@dataclass(frozen=True)
class PageNavigation:
    """Previous / next page links and the fields of a "go to page" box (issue 13)."""

    previous_url: str | None
    next_url: str | None
    #: Every other parameter of the list, as hidden fields of the page box.
    hidden: list[tuple[str, str]]
    number: int
    last: int


def page_navigation(page: Page, query: QueryDict) -> PageNavigation:
    """Links to the neighbouring pages (None at either end), each keeping every other parameter."""

    def url(number: int) -> str:
        params = query.copy()
        params["page"] = str(number)
        return "?" + params.urlencode()

    return PageNavigation(
        previous_url=url(page.number - 1) if page.has_previous() else None,
        next_url=url(page.number + 1) if page.has_next() else None,
        hidden=[(key, value) for key, values in query.lists() if key != "page" for value in values],
        number=page.number,
        last=page.paginator.num_pages,
    )
