"""ChangeList: one request's list of one handler — columns, filters, search, ordering, pages, export rows.

The handler is shared by every thread and request and keeps the options and hooks; a ChangeList
is built once per request (``StarkHandler.get_changelist``) and computes each step of the list
pipeline once, reading ``self.request`` instead of threading it through every call. A step used
twice in a request (the columns for the page and for the sort keys of an export, the filtered
rows for the page and for "apply to all matching") is the same object both times.

Subclass it and set ``StarkHandler.changelist_class`` to change a step for every list of a handler.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.http import HttpRequest
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import ngettext

from stark.display import html_converter
from stark.html import escape_text, format_cell_html, table_rows_html
from stark.pagination import (
    StarkPaginator,
    exact_count_url,
    get_page,
    page_links,
    page_navigation,
    pagination_html,
)
from stark.positions import GroupCounts
from stark.utils import PostedPks, hidden_fields, posted_pks, query_urls

if TYPE_CHECKING:
    from django.core.paginator import Page

    from stark.handlers import StarkHandler


_SORT_ARROWS = {
    "asc": SafeString(' <i class="fa fa-sort-asc"></i>'),
    "desc": SafeString(' <i class="fa fa-sort-desc"></i>'),
}


@dataclass
class Column:
    header: Any
    field_name: str | None  # set for model-field columns
    display: Callable | None  # bound display function for callable columns
    sort_key: str | None  # the ``o`` value sorting by this column, None when not sortable


class ChangeList:
    def __init__(self, handler: StarkHandler, request: HttpRequest, *args, **kwargs) -> None:
        self.handler = handler
        self.request = request
        self.args = args
        self.kwargs = kwargs
        self.model = handler.model
        self.opts = handler.opts

    def hook(self, name: str, *extra: Any) -> Any:
        """Call the handler's hook ``name`` with this request and the URL's arguments."""
        return getattr(self.handler, name)(self.request, *extra, *self.args, **self.kwargs)

    # ------------------------------------------------------------------ permissions and actions
    @cached_property
    def may_change(self) -> bool:
        return self.handler.has_permission(self.request, self.handler.get_change_url_name())

    @cached_property
    def may_delete(self) -> bool:
        return self.handler.has_permission(self.request, self.handler.get_delete_url_name())

    @cached_property
    def actions(self) -> list[Callable]:
        """Batch actions the permission hook lets this request run (each checked by its own URL name)."""
        handler = self.handler
        return [
            bind(handler, func)
            for func in self.hook("get_action_list")
            if handler.has_permission(self.request, handler.get_url_name(func.action_name))
        ]

    # ------------------------------------------------------------------ columns
    @cached_property
    def list_display(self) -> list[str | Callable]:
        return self.hook("get_list_display")

    @cached_property
    def columns(self) -> list[Column]:
        """The visible columns: built-in ones the permission hook rules out are dropped entirely."""
        from stark.handlers import StarkHandler

        entries = self.list_display
        has_actions = bool(self.actions)
        if has_actions and StarkHandler.display_checkbox not in map(unbound, entries):
            entries = [StarkHandler.display_checkbox, *entries]
        hidden = {
            StarkHandler.display_checkbox: not has_actions,
            StarkHandler.display_edit: not self.may_change,
            StarkHandler.display_del: not self.may_delete,
            StarkHandler.display_edit_del: not (self.may_change or self.may_delete),
        }
        return [self.make_column(entry) for entry in entries if not hidden.get(unbound(entry), False)]

    def make_column(self, entry: str | Callable) -> Column:
        if isinstance(entry, str):
            try:
                model_field = self.opts.get_field(entry)
            except FieldDoesNotExist as exc:
                raise FieldDoesNotExist(
                    f"{type(self.handler).__name__}.list_display: {self.model.__name__} has no field {entry!r}; "
                    "use a display function for computed columns."
                ) from exc
            sortable = model_field.concrete and not model_field.many_to_many
            return Column(str(capfirst(model_field.verbose_name)), entry, None, entry if sortable else None)
        display = bind(self.handler, entry)
        # A header from format_html stays safe; anything else is escaped by the template.
        header = display(self.request, None, True, *self.args, **self.kwargs)
        return Column(header, None, display, getattr(entry, "order_field", None))

    @cached_property
    def sort_keys(self) -> set[str]:
        return {column.sort_key for column in self.columns if column.sort_key}

    # ------------------------------------------------------------------ rows: scope, filters, search
    @cached_property
    def search_list(self) -> list[str]:
        return self.hook("get_search_list")

    @cached_property
    def search_backend(self) -> Any:
        return self.hook("get_search_backend")

    @cached_property
    def q(self) -> str:
        return self.request.GET.get("q", "").strip()

    @cached_property
    def search_group(self) -> list:
        """The combined-search options, bound to this request's choices."""
        return [
            option.bind(self.model, self.request, *self.args, **self.kwargs) for option in self.hook("get_search_group")
        ]

    @cached_property
    def scoped_queryset(self) -> QuerySet:
        """Every row the request may see: ``get_queryset`` narrowed to the parent and the data scope."""
        return self.hook("get_scoped_queryset")

    @cached_property
    def queryset(self) -> QuerySet:
        """Scope → combined search (options AND-ed) → fuzzy search on ``q``; not yet ordered."""
        queryset = self.scoped_queryset
        for bound in self.search_group:
            queryset = bound.filter(queryset)
        return self.search_backend.apply(queryset, self.search_list, self.q)

    @cached_property
    def ordering(self) -> list:
        """The requested column's sort (``o``) before the default order, ending at a unique key."""
        ordering = list(self.hook("get_order_list"))
        requested = self.request.GET.get("o", "")
        key = requested.removeprefix("-")
        if key in self.sort_keys:
            ordering = [requested.replace(key, self.handler.sort_by.get(key, key), 1), *ordering]
        return total_ordering(self.model, ordering)

    @cached_property
    def ordered_queryset(self) -> QuerySet:
        """The filtered rows in the list's order (what the user sees first comes first)."""
        return self.queryset.order_by(*self.ordering)

    def with_related(self, queryset: QuerySet, fields: list, *, prefetch_many: bool = True) -> QuerySet:
        """Load FK columns with a join and M2M columns with one prefetch, so queries stay constant.

        ``prefetch_many=False`` leaves out the forward many-to-many field columns that
        ``many_texts`` reads instead (the page's rows); an export prefetches them.
        """
        select = list(self.handler.list_select_related)
        prefetch = list(self.handler.list_prefetch_related)
        for entry in fields:
            if not isinstance(entry, str):
                continue
            model_field = self.opts.get_field(entry)
            if model_field.many_to_many:
                if prefetch_many or entry not in self.many_columns:
                    prefetch.append(entry)
            elif model_field.is_relation and model_field.concrete:
                select.append(entry)
        if select:
            queryset = queryset.select_related(*dict.fromkeys(select))
        if prefetch:
            queryset = queryset.prefetch_related(*dict.fromkeys(prefetch))
        return queryset

    @cached_property
    def many_columns(self) -> list[str]:
        """The field columns of forward many-to-many fields that the page reads as text
        (``many_texts``); not those the handler prefetches itself (``list_prefetch_related``)."""
        prefetched = {
            (lookup.prefetch_to if isinstance(lookup, models.Prefetch) else lookup).split(LOOKUP_SEP)[0]
            for lookup in self.handler.list_prefetch_related
        }
        names = []
        for column in self.columns:
            if column.field_name is None or column.field_name in prefetched:
                continue
            model_field = self.opts.get_field(column.field_name)
            if isinstance(model_field, models.ManyToManyField) and not model_field.remote_field.hidden:
                names.append(column.field_name)
        return names

    @cached_property
    def many_texts(self) -> dict[str, dict[Any, str]]:
        """``{field: {row pk: "Python, Linux"}}`` for the page's rows and each of ``many_columns``.

        One query per column, like a prefetch, but of the related rows alone, each annotated with
        the row it belongs to: a prefetch also builds a related manager and a cached queryset
        per row and matches the rows up in Python, about 0.7 ms of a twenty-row page.
        """
        pks = [obj.pk for obj in self.page]
        texts: dict[str, dict[Any, str]] = {}
        for name in self.many_columns:
            model_field = self.opts.get_field(name)
            # By the owner's pk, also when the link points at another unique field (``to_field``).
            owner = f"{model_field.related_query_name()}__pk"
            related = model_field.remote_field.model._default_manager.filter(**{f"{owner}__in": pks})
            per_row: dict[Any, list[str]] = {}
            for item in related.annotate(_stark_row=models.F(owner)):
                per_row.setdefault(item._stark_row, []).append(str(item))
            texts[name] = {pk: ", ".join(items) for pk, items in per_row.items()}
        return texts

    # ------------------------------------------------------------------ the page
    @cached_property
    def paginator(self) -> StarkPaginator:
        field_columns = [column.field_name for column in self.columns if column.field_name]
        return StarkPaginator(
            self.with_related(self.ordered_queryset, field_columns, prefetch_many=False),
            self.hook("get_per_page"),
            count_cap=self.hook("get_count_cap"),
            want_exact=self.request.GET.get("count") == "exact",
            exact_count_timeout=self.handler.exact_count_timeout,
            # The page's rows by pk: still within the parent and the data scope, not searched again.
            rows_queryset=self.with_related(self.scoped_queryset, field_columns, prefetch_many=False),
            group_counts=self.group_counts,
        )

    @cached_property
    def group_counts(self) -> GroupCounts | None:
        """The handler's rows per value of the order's first key (``get_group_counts``), while the
        list shows what they count: every row of its scope (no search, no filter) in its default
        order. None otherwise, and when the handler keeps no such counts."""
        if self.queryset is not self.scoped_queryset or self.request.GET.get("o"):
            return None  # a search or a filter narrowed the rows, or a column's sort reorders them
        counts = self.hook("get_group_counts")
        if counts is None or self.ordering[0] != counts.order_key:
            return None
        return counts

    @cached_property
    def page(self) -> Page:
        return get_page(self.paginator, self.request.GET.get("page"))

    @cached_property
    def cell_renderers(self) -> list[Callable[[models.Model], SafeString]]:
        """One function per column giving a row's cell HTML (field columns: ``html_converter``)."""
        renderers = []
        for column in self.columns:
            if column.field_name in self.many_columns:
                renderers.append(functools.partial(self._many_cell, column.field_name))
            elif column.display is None:
                renderers.append(html_converter(self.opts.get_field(column.field_name)))
            elif (cell := self._page_cell(column.display)) is not None:
                renderers.append(cell)
            else:
                renderers.append(functools.partial(self._display_cell, column.display))
        return renderers

    def _page_cell(self, display: Callable) -> Callable[[models.Model], SafeString] | None:
        """The display function's page-wide form (``make_cell``, see stark.handlers "page cells"),
        escaped like any cell; None when it has none or declines this page."""
        make_cell = getattr(display, "make_cell", None)
        cell = make_cell(self) if make_cell is not None else None
        return None if cell is None else _escaping(cell)

    def _many_cell(self, name: str, obj: models.Model) -> SafeString:
        return escape_text(self.many_texts[name].get(obj.pk, ""))

    def _display_cell(self, display: Callable, obj: models.Model) -> SafeString:
        return escape_text(display(self.request, obj, False, *self.args, **self.kwargs))

    @cached_property
    def rows(self) -> list[list[SafeString]]:
        renderers = self.cell_renderers
        return [[render(obj) for render in renderers] for obj in self.page]

    @cached_property
    def rows_html(self) -> SafeString:
        """The table body's rows as one piece of HTML (every cell escaped by its renderer).

        Joined here rather than by two nested template loops: a template spends several
        microseconds on each variable, and a page has hundreds of cells.
        """
        return table_rows_html(self.rows)

    @cached_property
    def headers(self) -> list[dict[str, Any]]:
        current = self.request.GET.get("o", "")
        params = self.request.GET.copy()
        params.pop("page", None)
        sort_url = query_urls(params, "o")
        headers = []
        for column in self.columns:
            header = {"text": column.header, "sort_url": None, "sorted": None}
            if column.sort_key:
                if current == column.sort_key:
                    value, header["sorted"] = f"-{column.sort_key}", "asc"
                elif current == f"-{column.sort_key}":
                    value, header["sorted"] = column.sort_key, "desc"
                else:
                    value = column.sort_key
                header["sort_url"] = sort_url(value)
            headers.append(header)
        return headers

    @cached_property
    def headers_html(self) -> SafeString:
        """The header row's cells (``headers``) as HTML: a sortable column's text links to its sort,
        with an arrow for the current one. Built here for the reason ``rows_html`` is."""
        cells = []
        for header in self.headers:
            if header["sort_url"] is None:
                cells.append(format_cell_html('<th scope="col">{}</th>', header["text"]))
                continue
            arrow = _SORT_ARROWS.get(header["sorted"], "")
            cells.append(
                format_cell_html(
                    '<th scope="col"><a href="{}">{}{}</a></th>', header["sort_url"], header["text"], arrow
                )
            )
        return SafeString("".join(cells))

    def add_facets(self) -> None:
        """Counts per value, each computed with every *other* filter applied (like Django admin)."""
        base = self.search_backend.apply(self.scoped_queryset, self.search_list, self.q)
        for bound in self.search_group:
            if bound.kind != "links":
                continue
            queryset = base
            for other in self.search_group:
                if other is not bound:
                    queryset = other.filter(queryset)
            bound.counts = bound.facet_counts(queryset)

    def get_context(self) -> dict[str, Any]:
        """The list template's context."""
        handler, request = self.handler, self.request
        if self.hook("get_show_facets"):
            self.add_facets()
        for bound in self.search_group:
            bound.build_links(request.GET)
        paginator, page = self.paginator, self.page
        link_query = request.GET.copy()
        link_query.pop("page", None)
        link_query.pop("count", None)  # an exact count is asked for one page at a time
        # A new search keeps the filters and the sort, and starts again from page 1.
        hidden_for_search = hidden_fields(link_query, "q")
        base_context = self.hook("get_context")
        links = page_links(page, link_query) if paginator.num_pages > 1 else []
        page_nav = page_navigation(page, link_query) if paginator.num_pages > 1 else None
        return {
            **base_context,
            "changelist": self,
            "title": self.hook("get_list_title", base_context),
            "headers": self.headers,
            "rows": self.rows,
            "page": page,
            "page_links": links,
            "total": paginator.count,
            "total_floor": f"{paginator.count_floor:,}" if paginator.is_capped else None,
            "exact_count_url": exact_count_url(request.GET) if paginator.is_capped else None,
            "exact_timed_out": paginator.exact_timed_out,
            "q": self.q,
            "has_search": bool(self.search_list),
            "search_hidden": hidden_for_search,
            "search_group": self.search_group,
            "actions": [(func.action_name, func.label) for func in self.actions],
            "parent_list_url": handler.reverse_parent_list_url(request),
            "add_url": handler.reverse_add_url(request, *self.args, **self.kwargs)
            if self.hook("get_has_add_btn")
            else None,
            **self.hook("get_export_context", paginator.count),
            "list_summary": self.hook("get_list_summary", self.queryset),
            "page_nav": page_nav,
            "pagination_html": pagination_html(links, page_nav),
        }

    # ------------------------------------------------------------------ batch actions
    @cached_property
    def posted_pks(self) -> PostedPks:
        """The ticked rows' pks, cleaned once; a malformed one is dropped and reported to the user."""
        cleaned = posted_pks(self.request, self.model)
        if cleaned.rejected:
            messages.warning(
                self.request,
                ngettext(
                    "%(count)d selected row was not a valid row and was ignored.",
                    "%(count)d selected rows were not valid rows and were ignored.",
                    cleaned.rejected,
                )
                % {"count": cleaned.rejected},
            )
        return cleaned

    def action_queryset(self) -> QuerySet:
        """The rows an action applies to: the ticked pks, or every row matching the list's filters.

        A fresh queryset each call (the steps above are built once, but never evaluated here), so
        an action that reads its rows after changing them reads them again.
        """
        if self.request.POST.get("select_across") == "1":
            return self.queryset.all()
        return self.scoped_queryset.filter(pk__in=self.posted_pks)

    # ------------------------------------------------------------------ export
    @cached_property
    def export_columns(self) -> list[Column]:
        return [self.make_column(entry) for entry in self.hook("get_export_list")]


def total_ordering(model: type[models.Model], ordering: list) -> list:
    """``ordering`` up to its first unique key, or with the pk appended when it has none.

    A unique last key makes pages stable: rows with equal sort values never swap pages. Keys
    after a unique one never decide anything; dropping them lets the database read that
    column's unique index in order (e.g. sorting by QQ) instead of sorting every row.
    """
    for index, key in enumerate(ordering):
        if not isinstance(key, str):
            continue
        name = key.removeprefix("-")
        if name == "pk":
            return ordering[: index + 1]
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if model_field.concrete and (model_field.primary_key or (model_field.unique and not model_field.null)):
            return ordering[: index + 1]
    return [*ordering, "pk"]


def _escaping(cell: Callable[[models.Model], object]) -> Callable[[models.Model], SafeString]:
    return lambda obj: escape_text(cell(obj))


def unbound(entry: Any) -> Any:
    return entry.__func__ if isinstance(entry, types.MethodType) else entry


def bind(handler: StarkHandler, entry: Callable) -> Callable:
    """A display function or action taken from a class body, bound to ``handler``."""
    if isinstance(entry, types.MethodType):
        return entry
    return types.MethodType(entry, handler)
