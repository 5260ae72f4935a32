"""Pagination that never errors on a bad ``page``, keeps the other query parameters, and
stays fast on deep pages of large tables: the deferred join reads a page's primary keys first,
and the capped count stops counting at a threshold instead of reading every matching row."""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import DatabaseError, connections
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from stark.html import format_cell_html, hidden_inputs_html
from stark.positions import GroupCounts
from stark.utils import hidden_fields, query_urls

#: MariaDB's "Query execution was interrupted (max_statement_time exceeded)" and MySQL's
#: "maximum statement execution time exceeded".
_TIMEOUT_ERRORS = {1969, 3024}


@contextmanager
def _sqlite_deadline(connection, seconds: float):
    """Abort SQLite statements running past ``seconds`` (sqlite3's progress handler; it raises
    ``OperationalError: interrupted``) — the counterpart of MariaDB's ``max_statement_time``."""
    deadline = time.monotonic() + seconds
    connection.ensure_connection()
    raw = connection.connection
    raw.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    try:
        yield
    finally:
        raw.set_progress_handler(None, 0)


def bounded_exact_count(queryset: QuerySet, timeout: float) -> int | None:
    """The exact number of rows of ``queryset``, or None when counting takes longer than ``timeout`` s.

    MariaDB: ``SET STATEMENT max_statement_time=… FOR SELECT COUNT(*) …`` (the server stops the
    statement); MySQL: the ``MAX_EXECUTION_TIME`` optimizer hint; SQLite: a progress handler.
    Other databases count without a bound.
    """
    connection = connections[queryset.db]
    inner = queryset.order_by().values("pk")
    if connection.vendor == "mysql":
        # The inner SQL is the ORM's (values are parameters); the timeout is a float formatted here.
        sql, params = inner.query.sql_with_params()
        if connection.mysql_is_mariadb:
            statement = (
                f"SET STATEMENT max_statement_time={max(float(timeout), 0.001):.3f} FOR SELECT COUNT(*) FROM ({sql}) c"  # noqa: S608
            )
        else:
            statement = f"SELECT /*+ MAX_EXECUTION_TIME({int(timeout * 1000)}) */ COUNT(*) FROM ({sql}) c"  # noqa: S608
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchone()[0]
        except DatabaseError as exc:
            cause = exc.__cause__ or exc
            if getattr(cause, "args", None) and cause.args[0] in _TIMEOUT_ERRORS:
                return None
            raise
    if connection.vendor == "sqlite":
        try:
            with _sqlite_deadline(connection, timeout):
                return inner.count()
        except DatabaseError as exc:
            if "interrupted" in str(exc):
                return None
            raise
    return inner.count()


def capped_count(queryset: QuerySet, limit: int) -> int:
    """``queryset.order_by().values("pk")[:limit].count()``: the rows, counted up to ``limit``.

    Written as ``SELECT COUNT(*) FROM (<the ORM's own SQL>) c``: the same statement the ORM
    sends, without the ORM's aggregation machinery, which costs more Python than the rest of a
    small list's queries (every list page counts once).
    """
    inner = queryset.order_by().values("pk")[:limit]
    try:
        sql, params = inner.query.get_compiler(using=inner.db).as_sql()
    except EmptyResultSet:  # e.g. ``.none()`` or ``pk__in=[]``: nothing to ask the database
        return 0
    with connections[inner.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql}) c", params)  # noqa: S608 - the ORM's SQL, values as parameters
        return cursor.fetchone()[0]


class StarkPaginator(Paginator):
    """A Paginator that reads a page's primary keys first, then only those rows (a "deferred join"),
    and (with ``count_cap``) counts only as far as the pages it links to.

    ``ORDER BY ... LIMIT 20 OFFSET 400000`` makes the database read and throw away 400,000 full rows;
    selecting only the primary keys can walk an index instead (the pk is in every secondary index),
    and nothing is joined yet, so MySQL cannot pick a join order that sorts every joined row before
    the LIMIT. The second query fetches just the page's rows by primary key, with the queryset's
    filters, joins, annotations and prefetches. Costs one query more per page, by primary key.

    Capped count: an exact ``COUNT(*)`` reads every matching row (110 ms for 700,000 customers,
    seconds for a "contains" search), the page itself reads 20. With ``count_cap=N`` the count is
    ``SELECT COUNT(*) FROM (SELECT … LIMIT N+1)``: exact up to N rows; beyond, ``is_capped`` is set,
    ``count_floor`` says "at least this many" and the pages up to the requested one plus ``window``
    (and one more) exist. ``want_exact`` asks for the exact count anyway, bounded by
    ``exact_count_timeout`` seconds (``exact_timed_out`` when it took longer).

    Group counts (``group_counts``, ``stark.positions``): the rows per value of the order's first
    key, kept by the application. They give the exact count, and a page starts in the group its
    first row lies in instead of walking every row before it.
    """

    #: Pages starting before this offset are read the plain way (one query); 0: every page deferred.
    deferred_offset = 0

    def __init__(
        self,
        object_list,
        per_page,
        orphans=0,
        allow_empty_first_page=True,
        *,
        count_cap: int | None = None,
        window: int = 3,
        want_exact: bool = False,
        exact_count_timeout: float = 2.0,
        rows_queryset: QuerySet | None = None,
        group_counts: GroupCounts | None = None,
    ) -> None:
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        #: Where the page's rows are read from by their pks (default: ``object_list``). The list
        #: passes its scoped rows with their joins, without the search and the filters: those
        #: chose the pks already, and a name search's condition (up to 5,000 candidate ids and a
        #: LIKE per word) would be compiled and evaluated a second time for 20 known rows.
        self.rows_queryset = rows_queryset
        #: The rows per value of the order's first key (``stark.positions``): the exact count, and
        #: deep pages that start in their group instead of walking every row before them.
        self.group_counts = group_counts
        self.count_cap = count_cap
        self.window = window
        self.want_exact = want_exact
        self.exact_count_timeout = exact_count_timeout
        #: The page number asked for (set by ``get_page`` before counting): the count reaches past it.
        self.reach = 1
        self.is_capped = False
        self.count_floor: int | None = None
        self.exact_timed_out = False
        #: ``(offset, pks)`` of the requested page when the count read them (``_count_from_the_page``).
        self._page_pks: tuple[int, list] | None = None

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if self.group_counts is not None:
            return self.group_counts.total
        if self.count_cap is None or not isinstance(queryset, QuerySet) or queryset.query.combinator:
            return super().count
        if self.want_exact:
            exact = bounded_exact_count(queryset, self.exact_count_timeout)
            if exact is not None:
                return exact
            self.exact_timed_out = True
        # Enough rows for the links around the requested page, and one more to know there is more.
        limit = max(self.count_cap, (self.reach + self.window) * self.per_page) + 1
        counted = self._count_from_the_page(queryset, limit)
        if counted is None:
            counted = capped_count(queryset, limit)
        if counted < limit:
            return counted
        self.is_capped = True
        self.count_floor = limit - 1
        return counted

    def _count_from_the_page(self, queryset: QuerySet, limit: int) -> int | None:
        """For a page past the cap: read the page's pks and the few after it in one ordered walk.

        Counting up to ``limit`` and then reading the page's pks at ``OFFSET bottom`` walk the same
        index entries twice (page 20,000 of the public pool: 400,000 entries each time). The rows
        of the page and of the ``window`` pages after it tell the count as well: there are
        ``bottom`` rows before the page (the walk found rows after them) plus those read. None when
        the page is not past the cap or holds no rows (a number beyond the last row: the plain
        count finds the last page).
        """
        bottom = (self.reach - 1) * self.per_page
        if bottom < self.count_cap or self.orphans or queryset.query.is_sliced:
            return None
        pks = list(queryset.values_list("pk", flat=True)[bottom:limit])
        if not pks:
            return None
        self._page_pks = (bottom, pks[: self.per_page])
        return bottom + len(pks)

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        queryset = self.object_list
        # A list, a union or a sliced queryset cannot be filtered by pk again: read it the plain way.
        plain = not isinstance(queryset, QuerySet) or queryset.query.combinator or queryset.query.is_sliced
        # The first page of a list without joins in one query: there are no rows to skip, and no
        # join whose order MySQL could get wrong (the ids query and the rows query compile and run
        # the same conditions for 20 rows, ~0.3 ms of a small page).
        first_without_joins = bottom == 0 and not queryset.query.select_related
        if plain or bottom < self.deferred_offset or first_without_joins:
            return self._get_page(queryset[bottom:top], number, self)
        read = self._page_pks
        located = self.group_counts.locate(bottom) if self.group_counts is not None else None
        if read is not None and read[0] == bottom:
            pks = list(dict.fromkeys(read[1]))  # read with the count (_count_from_the_page)
        elif located is not None:
            # From the group the page starts in: the rows of the groups before it are not walked.
            condition, skip = located
            pks = list(
                dict.fromkeys(queryset.filter(condition).values_list("pk", flat=True)[skip : skip + top - bottom])
            )
        else:
            pks = list(dict.fromkeys(queryset.values_list("pk", flat=True)[bottom:top]))
        position = {pk: index for index, pk in enumerate(pks)}
        source = queryset if self.rows_queryset is None else self.rows_queryset.order_by()
        rows = sorted(source.filter(pk__in=pks), key=lambda obj: position[obj.pk])
        return self._get_page(rows, number, self)


def get_page(paginator: Paginator, raw_number: str | None) -> Page:
    """The requested page; non-numeric or < 1 gives the first page, too large the last."""
    try:
        number = int(raw_number or 1)
    except (TypeError, ValueError):
        number = 1
    number = max(1, number)
    if isinstance(paginator, StarkPaginator) and "count" not in paginator.__dict__:
        # The capped count reaches just past this page (bounded: a page beyond every row is clamped below).
        paginator.reach = min(number, 10**9 // max(1, paginator.per_page))
    number = min(number, paginator.num_pages)
    return paginator.page(number)


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None: an ellipsis
    url: str
    is_current: bool


def page_links(page: Page, query: QueryDict, window: int = 3) -> list[PageLink]:
    """Links to the first, last and nearby pages; each keeps every other parameter.

    With a capped count the last page is unknown: the links end with the pages after the current
    one that are known to exist, then an ellipsis.
    """
    last = page.paginator.num_pages
    capped = getattr(page.paginator, "is_capped", False)
    wanted = {1, *range(max(1, page.number - window), min(last, page.number + window) + 1)}
    if not capped:
        wanted.add(last)
    links: list[PageLink] = []
    previous = 0
    url = query_urls(query, "page")
    for number in sorted(wanted):
        if number - previous > 1:
            links.append(PageLink(None, "", False))
        links.append(PageLink(number, url(number), number == page.number))
        previous = number
    if capped:
        links.append(PageLink(None, "", False))
    return links


def exact_count_url(query: QueryDict) -> str:
    """The list as it is, asking for its exact count (``count=exact``)."""
    params = query.copy()
    params["count"] = "exact"
    return "?" + params.urlencode()


@dataclass(frozen=True)
class PageNavigation:
    """Previous / next page links and the fields of a "go to page" box (issue 13)."""

    previous_url: str | None
    next_url: str | None
    #: Every other parameter of the list, as hidden fields of the page box.
    hidden: list[tuple[str, str]]
    number: int
    last: int | None


def page_navigation(page: Page, query: QueryDict) -> PageNavigation:
    """Links to the neighbouring pages (None at either end), each keeping every other parameter."""

    url = query_urls(query, "page")
    return PageNavigation(
        previous_url=url(page.number - 1) if page.has_previous() else None,
        next_url=url(page.number + 1) if page.has_next() else None,
        hidden=hidden_fields(query, "page"),
        number=page.number,
        # With a capped count ("10,000+") the last page is not known: the box has no maximum.
        last=None if getattr(page.paginator, "is_capped", False) else page.paginator.num_pages,
    )


_CURRENT = SafeString(' aria-current="page"')
_ELLIPSIS = SafeString('<li class="page-item disabled"><span class="page-link">…</span></li>')


def pagination_html(links: list[PageLink], navigation: PageNavigation | None) -> SafeString:
    """The page links, previous / next and the "go to page" box of ``stark/list.html``, as HTML.

    Built here rather than by the template's loops and conditions: they cost ~0.2 ms a page, as
    much as the page's own query. The context keeps ``page_links`` and ``page_nav`` for a
    template that draws them its own way.
    """
    if not links:
        return SafeString("")
    parts = [format_cell_html('<nav aria-label="{}"><ul class="pagination pagination-sm mb-0">', gettext("Pages"))]
    if navigation:
        parts.append(_step_html(navigation.previous_url, gettext("Previous"), "prev"))
    for link in links:
        if link.number is None:
            parts.append(_ELLIPSIS)
        else:
            parts.append(
                format_cell_html(
                    '<li class="page-item{}"><a class="page-link" href="{}"{}>{}</a></li>',
                    " active" if link.is_current else "",
                    link.url,
                    _CURRENT if link.is_current else "",
                    _number(link.number),
                )
            )
    if navigation:
        parts.append(_step_html(navigation.next_url, gettext("Next"), "next"))
    parts.append(SafeString("</ul></nav>"))
    if navigation:
        parts.append(
            format_cell_html(
                '<form method="get" class="form-inline ml-2 stark-page-box">{}<input type="number" name="page"'
                ' min="1"{} value="{}" class="form-control form-control-sm mr-1 stark-page-number"'
                ' aria-label="{}"><button type="submit" class="btn btn-sm btn-outline-primary">{}</button></form>',
                hidden_inputs_html(navigation.hidden),
                format_cell_html(' max="{}"', _number(navigation.last)) if navigation.last else "",
                _number(navigation.number),
                gettext("Page number"),
                gettext("Go"),
            )
        )
    return SafeString("".join(parts))


def _number(number: int) -> str:
    # What ``{{ number }}`` shows; without thousand separators that is str(), which spares a
    # language lookup (~5 µs) per link.
    return formats.localize(number) if settings.USE_THOUSAND_SEPARATOR else str(number)


def _step_html(url: str | None, text: str, rel: str) -> SafeString:
    if url is None:
        return format_cell_html('<li class="page-item disabled"><span class="page-link">{}</span></li>', text)
    return format_cell_html('<li class="page-item"><a class="page-link" href="{}" rel="{}">{}</a></li>', url, rel, text)
