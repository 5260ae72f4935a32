"""StarkHandler: the list / add / change / delete pages of one registered model.

A handler instance is shared by every thread and request: nothing request-specific is
ever stored on it. Every hook receives the request (and the URL's extra kwargs) instead.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError
from django.forms.models import modelform_factory
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from stark import form_tokens
from stark.changelist import ChangeList, Column, bind, unbound
from stark.deletion import summarise_deletion
from stark.display import export_value, field_text, neutralise_cell
from stark.export import ValueRows, csv_response, xlsx_response
from stark.forms import StarkModelForm, use_native_date_inputs
from stark.html import escape_text, format_cell_html
from stark.keyset import KeysetUnsupported, keyset_chunks
from stark.positions import GroupCounts
from stark.search import IcontainsSearch
from stark.utils import (
    FILTER_PARAM,
    PostedPks,
    cached_reverse,
    check_permission,
    check_scope,
    clean_query_string,
    list_state,
    origin_query,
    row_text,
    safe_local_url,
    url_with_state,
)

if TYPE_CHECKING:
    from stark.sites import StarkSite


def action(label: str, name: str | None = None) -> Callable:
    """Mark a handler method ``multi_x(self, request, queryset, *args, **kwargs)`` as a batch action.

    ``name`` (default: the method name without a leading ``action_``) is what the list posts
    as ``action=`` and the suffix of the action's own URL name.
    """

    def decorator(func: Callable) -> Callable:
        func.label = label
        func.action_name = name or func.__name__.removeprefix("action_")
        return func

    return decorator


# ---------------------------------------------------------------------------- page cells
# A display function may carry ``make_cell(changelist) -> (row -> cell HTML)``: what does not
# depend on the row (the permission, the URL's shape, the translated label) is then worked out
# once per page instead of once per row (docs/stark.md "Display functions"); ``make_cell`` may
# return None, and the function is called per row. The built-in columns' cells are exactly what
# their functions return (tests/stark/test_page_cells.py), and only while the handler keeps the
# methods those functions call (a subclass's own ``display_edit`` or ``reverse_change_url`` is
# called per row).


def checkbox_cells(changelist: ChangeList) -> Callable[[Any], SafeString]:
    label = escape_text(row_text(changelist.request, gettext_noop("Select this row")))
    return lambda obj: SafeString(
        f'<input type="checkbox" name="pk" value="{escape_text(obj.pk)}" class="stark-check" aria-label="{label}">'
    )


def _keeps(handler: StarkHandler, *names: str) -> bool:
    """Whether ``handler`` uses StarkHandler's own methods ``names``."""
    return all(getattr(type(handler), name) is getattr(StarkHandler, name) for name in names)


def _link_cells(changelist: ChangeList, url_name: str, markup: str, title: str) -> Callable[[Any], SafeString]:
    urls = changelist.handler.row_urls(changelist.request, url_name, *changelist.args, **changelist.kwargs)
    if urls is None:
        return lambda obj: SafeString("")
    before, after = markup.split("{url}")
    after = after.replace("{title}", escape_text(row_text(changelist.request, title)))
    return lambda obj: SafeString(before + escape_text(urls(obj.pk)) + after)


def edit_cells(changelist: ChangeList) -> Callable[[Any], SafeString] | None:
    if not _keeps(changelist.handler, "reverse_change_url", "_reverse"):
        return None
    url_name = changelist.handler.get_change_url_name()
    return _link_cells(changelist, url_name, _EDIT_LINK, gettext_noop("Edit"))


def delete_cells(changelist: ChangeList) -> Callable[[Any], SafeString] | None:
    if not _keeps(changelist.handler, "reverse_delete_url", "_reverse"):
        return None
    url_name = changelist.handler.get_delete_url_name()
    return _link_cells(changelist, url_name, _DELETE_LINK, gettext_noop("Delete"))


def edit_delete_cells(changelist: ChangeList) -> Callable[[Any], SafeString] | None:
    if not _keeps(changelist.handler, "display_edit", "display_del"):
        return None
    edit, delete = edit_cells(changelist), delete_cells(changelist)
    if edit is None or delete is None:
        return None
    return lambda obj: SafeString(f"{edit(obj)} {delete(obj)}")


_EDIT_LINK = '<a href="{url}" title="{title}"><i class="fa fa-edit"></i></a>'
_DELETE_LINK = '<a href="{url}" class="text-danger" title="{title}"><i class="fa fa-trash"></i></a>'


class StarkHandler:
    #: Columns: model field names and/or display functions ``(self, request, obj=None, is_header=False, ...)``.
    list_display: list[str | Callable] = []
    #: Lookups searched by the ``q`` parameter (a bare field name means ``__icontains``).
    search_list: list[str] = []
    #: How ``q`` is searched: an object with ``apply(queryset, search_list, q)``; None: plain lookups
    #: (``stark.search.IcontainsSearch``). ``stark.search_index.NgramSearch(index)``: a substring index.
    search_backend: Any = None
    #: Combined-search rows: ``stark.search.Option`` / ``DateRangeOption`` instances.
    search_group: list = []
    #: Default ordering; the pk is always appended as a tie-breaker.
    order_list: list[str] = []
    #: Columns that sort by another field than their own, e.g. ``{"name": "name_pinyin"}`` (a sort key).
    sort_by: dict[str, str] = {}
    #: Rows per page.
    per_page: int = 20
    #: Count the list's rows exactly up to this many; beyond, show "10,000+" and page links that
    #: reach past the current page (an exact count on demand via ``?count=exact``). None: always exact.
    count_cap: int | None = 10_000
    #: Seconds the exact count on demand may take (MariaDB ``max_statement_time``; SQLite too).
    exact_count_timeout: float = 2.0
    #: Batch actions: methods decorated with ``@action``; e.g. ``StarkHandler.action_multi_delete``.
    action_list: list[Callable] = []
    #: A ModelForm class for add and change; None generates one with every editable field.
    model_form_class: type[forms.ModelForm] | None = None
    #: Heading of the list page (default: the model's plural verbose name).
    list_title: str | None = None
    #: Whether the list shows an "add" button (also subject to the permission hook).
    has_add_btn: bool = True
    #: Whether the list offers a CSV export of the filtered, sorted rows (adds the ``_export`` URL).
    has_export_btn: bool = False
    #: Columns of the CSV export (default: ``list_display`` without the built-in columns).
    export_list: list[str | Callable] | None = None
    #: Rows fetched (and M2M columns prefetched) per database round trip while exporting.
    export_chunk_size: int = 2000
    #: Facet counts next to each combined-search value (one grouped query per option).
    show_facets: bool = False
    #: Extra ``select_related`` / ``prefetch_related`` for the list (FK and M2M columns are automatic).
    list_select_related: list[str] = []
    list_prefetch_related: list[str] = []
    #: Prepended to every standard route, for URL kwargs: e.g. ``"<int:customer_id>/"``
    #: (default ``"<int:<parent_kwarg>>/"`` for a handler with a parent).
    route_prefix: str = ""
    #: The standard pages this handler has (batch actions and export come with ``list``).
    pages: tuple[str, ...] = ("list", "add", "change", "delete")
    #: URL name (with namespace) of the list the parent objects are picked from (a customer's
    #: follow-ups: the customers list). A nested list links back to it as the user left it.
    parent_list_url_name: str | None = None
    #: URL kwarg naming the parent object of every page (e.g. ``"customer_id"``: one customer's follow-ups).
    #: The parent is looked up once per request through ``get_parent_queryset`` (404 outside it).
    parent_kwarg: str | None = None
    #: The field of ``model`` pointing to the parent (default: ``parent_kwarg`` without ``_id``).
    parent_field: str | None = None
    #: What the data scopes "own" and "department" mean for this model: a lookup compared with the
    #: current user, e.g. ``{"own": "consultant", "department": "consultant__depart__staff"}``.
    #: A scope the dict does not name does not narrow the rows (the model is not scoped that way).
    scope_lookups: dict[str, str] = {}
    #: The add page carries a one-use token: a double click or a browser resubmit saves one row.
    form_token: bool = False
    #: The per-request list pipeline (``stark.changelist.ChangeList``); subclass it to change a step.
    changelist_class: type[ChangeList] = ChangeList
    #: Explicit templates (else ``stark/<app>/<model>/[<prefix>/]<kind>.html``, then ``stark/<kind>.html``).
    list_template: str | None = None
    form_template: str | None = None
    delete_template: str | None = None

    def __init__(self, site: StarkSite, model: type[models.Model], prefix: str | None = None) -> None:
        self.site = site
        self.model = model
        self.prefix = prefix
        self.opts = model._meta

    # ------------------------------------------------------------------ URLs and permissions
    @property
    def url_name_stem(self) -> str:
        stem = f"{self.opts.app_label}_{self.opts.model_name}"
        return f"{stem}_{self.prefix}" if self.prefix else stem

    def get_url_name(self, suffix: str) -> str:
        """The URL name (without namespace) of this handler's ``suffix`` page, e.g. ``"list"``."""
        return f"{self.url_name_stem}_{suffix}"

    def get_list_url_name(self) -> str:
        return self.get_url_name("list")

    def get_add_url_name(self) -> str:
        return self.get_url_name("add")

    def get_change_url_name(self) -> str:
        return self.get_url_name("change")

    def get_delete_url_name(self) -> str:
        return self.get_url_name("delete")

    def get_export_url_name(self) -> str:
        return self.get_url_name("export")

    def full_url_name(self, name: str) -> str:
        return f"{self.site.name}:{name}"

    def has_permission(self, request: HttpRequest, url_name: str) -> bool:
        """The permission hook for one of this handler's URL names (without namespace)."""
        return check_permission(request, self.full_url_name(url_name))

    def wrap(self, view: Callable) -> Callable:
        """Guard a view: login, the permission hook, then the parent object of the URL (404 outside scope).

        Every standard view, action and export is wrapped; wrap ``extra_urls`` views too.
        """

        @functools.wraps(view)
        def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            user = getattr(request, "user", None)
            signed_in = user is not None and user.is_authenticated
            # Pages are for signed-in users even in a project without a permission hook
            # (settings.STARK_LOGIN_REQUIRED = False opens them to everyone the hook allows).
            if not signed_in and getattr(settings, "STARK_LOGIN_REQUIRED", True):
                return redirect_to_login(request.get_full_path())
            match = request.resolver_match
            if match is not None and not check_permission(request, match.view_name):
                if not signed_in:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            if self.parent_kwarg is not None:
                self.resolve_parent(request, kwargs)
            return view(request, *args, **kwargs)

        return inner

    # ------------------------------------------------------------------ parent object
    def get_parent_field(self) -> str:
        return self.parent_field or self.parent_kwarg.removesuffix("_id")

    def get_parent_queryset(self, request: HttpRequest) -> QuerySet:
        """The parents this request may open (override to scope them, e.g. to the user's own customers)."""
        return self.opts.get_field(self.get_parent_field()).related_model._default_manager.all()

    def resolve_parent(self, request: HttpRequest, kwargs: dict[str, Any]) -> models.Model:
        """Look the URL's parent up in ``get_parent_queryset`` once for this request; 404 when outside it."""
        parents = request.__dict__.setdefault("_stark_parents", {})
        if self not in parents:
            queryset = self.get_parent_queryset(request)
            try:
                parents[self] = queryset.get(pk=kwargs[self.parent_kwarg])
            except (queryset.model.DoesNotExist, KeyError, ValueError, ValidationError, OverflowError) as exc:
                raise Http404(gettext("No such row.")) from exc
        return parents[self]

    def is_nested(self) -> bool:
        """Whether every URL of this handler names a parent object (``parent_kwarg`` or ``route_prefix``)."""
        return self.parent_kwarg is not None or bool(self.route_prefix)

    def get_parent(self, request: HttpRequest) -> models.Model | None:
        """The parent object of this request (resolved when the view was entered), or None."""
        if self.parent_kwarg is None:
            return None
        return request.__dict__.get("_stark_parents", {}).get(self)

    def get_route_prefix(self) -> str:
        if self.route_prefix or self.parent_kwarg is None:
            return self.route_prefix
        return f"<int:{self.parent_kwarg}>/"

    def get_urls(self) -> list[URLPattern | URLResolver]:
        """All URLs of this handler: the standard ``pages``, actions, export and ``extra_urls()``."""
        prefix = self.get_route_prefix()
        pk = "<int:pk>" if isinstance(self.opts.pk, models.AutoField | models.IntegerField) else "<str:pk>"
        standard = {
            "list": path(f"{prefix}list/", self.wrap(self.list_view), name=self.get_list_url_name()),
            "add": path(f"{prefix}add/", self.wrap(self.add_view), name=self.get_add_url_name()),
            "change": path(f"{prefix}{pk}/change/", self.wrap(self.change_view), name=self.get_change_url_name()),
            "delete": path(f"{prefix}{pk}/delete/", self.wrap(self.delete_view), name=self.get_delete_url_name()),
        }
        unknown = set(self.pages) - set(standard)
        if unknown:
            raise ImproperlyConfigured(f"{type(self).__name__}.pages: unknown pages {sorted(unknown)}.")
        urls = [standard[page] for page in standard if page in self.pages]
        if "list" not in self.pages:
            return urls + self.extra_urls()
        for func in self.action_list:
            name = func.action_name
            view = require_POST(functools.partial(self.action_view, action_name=name))
            urls.append(path(f"{prefix}list/{name}/", self.wrap(view), name=self.get_url_name(name)))
        if self.has_export_btn:
            urls.append(path(f"{prefix}list/export/", self.wrap(self.export_view), name=self.get_export_url_name()))
        return urls + self.extra_urls()

    def extra_urls(self) -> list[URLPattern | URLResolver]:
        """Extra URLs under the same stem; name them ``self.get_url_name(...)``, wrap with ``self.wrap``."""
        return []

    def _current_filter(self, request: HttpRequest) -> str:
        """The list state to carry: the ``_filter`` we came with, or the list's own query string."""
        return list_state(request)

    def reverse_url(self, request: HttpRequest, name: str, *args, **kwargs) -> str | None:
        """The URL of this handler's page ``name`` (e.g. ``"add"``, ``"multi_claim"``, an extra URL's suffix).

        ``None`` when the permission hook denies it or the handler has no such page, so a template
        renders no button. The link carries the list's state in ``_filter`` for the way back.
        """
        return self._reverse(request, self.get_url_name(name), args, kwargs)

    def has_page(self, url_name: str) -> bool:
        suffix = url_name.removeprefix(self.url_name_stem + "_")
        return suffix not in ("list", "add", "change", "delete") or suffix in self.pages

    def _reverse(self, request: HttpRequest, url_name: str, args: tuple, kwargs: dict) -> str | None:
        if not self.has_page(url_name) or not self.has_permission(request, url_name):
            return None
        return cached_reverse(request, self.full_url_name(url_name), args, kwargs) + self._filter_suffix(request)

    def _filter_suffix(self, request: HttpRequest) -> str:
        """``?_filter=<the list's state>`` (or nothing), worked out once per request."""
        suffix = request.__dict__.get("_stark_filter_suffix")
        if suffix is None:
            suffix = request._stark_filter_suffix = url_with_state("", FILTER_PARAM, self._current_filter(request))
        return suffix

    def row_urls(self, request: HttpRequest, url_name: str, *args, **kwargs) -> Callable[[Any], str] | None:
        """``pk -> self._reverse(request, url_name, args, {"pk": pk, **kwargs})`` for the rows of a
        page, the page and permission checked once; None when they rule the page out."""
        if not self.has_page(url_name) or not self.has_permission(request, url_name):
            return None
        viewname, suffix = self.full_url_name(url_name), self._filter_suffix(request)
        return lambda pk: cached_reverse(request, viewname, args, {"pk": pk, **kwargs}) + suffix

    def reverse_list_url(self, request: HttpRequest, *args, **kwargs) -> str | None:
        """The list URL restored to the state carried in ``_filter`` (None if not permitted)."""
        url_name = self.get_list_url_name()
        if "list" not in self.pages or not self.has_permission(request, url_name):
            return None
        url = reverse(self.full_url_name(url_name), args=args, kwargs=kwargs)
        state = self._current_filter(request) if "_filter" in request.GET else ""
        return f"{url}?{state}" if state else url

    def reverse_parent_list_url(self, request: HttpRequest) -> str | None:
        """``parent_list_url_name`` restored to the state the nested pages carry (None if not permitted)."""
        name = self.parent_list_url_name
        if not name or not check_permission(request, name):
            return None
        url = reverse(name)
        query = origin_query(request, nested=True)
        return f"{url}?{query}" if query else url

    def reverse_add_url(self, request: HttpRequest, *args, **kwargs) -> str | None:
        return self._reverse(request, self.get_add_url_name(), args, kwargs)

    def reverse_change_url(self, request: HttpRequest, pk: Any, *args, **kwargs) -> str | None:
        return self._reverse(request, self.get_change_url_name(), args, {"pk": pk, **kwargs})

    def reverse_delete_url(self, request: HttpRequest, pk: Any, *args, **kwargs) -> str | None:
        return self._reverse(request, self.get_delete_url_name(), args, {"pk": pk, **kwargs})

    def get_return_url(self, request: HttpRequest, *args, **kwargs) -> str:
        """Where to go after a save or delete: a safe local ``next``, else the list as it was left."""
        next_url = safe_local_url(request, request.POST.get("next") or request.GET.get("next"))
        if next_url:
            return next_url
        url = reverse(self.full_url_name(self.get_list_url_name()), args=args, kwargs=kwargs)
        state = clean_query_string(request.GET.get("_filter", ""))
        return f"{url}?{state}" if state else url

    # ------------------------------------------------------------------ options and hooks
    def get_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        """Every row this request may see or change (list, change, delete, actions, export)."""
        return self.model._default_manager.all()

    def get_scoped_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        """``get_queryset`` narrowed to the URL's parent and to the user's data scope.

        Every view (list, change, delete, actions, export) starts here, whatever ``get_queryset``
        returns, so a row outside the parent or the scope is 404.
        """
        queryset = self.get_queryset(request, *args, **kwargs)
        parent = self.get_parent(request)
        if parent is not None:
            queryset = queryset.filter(**{self.get_parent_field(): parent})
        condition = self.get_scope_filter(request, self.get_scope(request))
        return queryset if condition is None else queryset.filter(condition)

    def get_scope(self, request: HttpRequest) -> str:
        """The data scope of this request's page ("all", "department", "own"), from ``STARK_SCOPE_CHECK``."""
        match = request.resolver_match
        url_name = match.view_name if match is not None else self.full_url_name(self.get_list_url_name())
        return check_scope(request, url_name)

    def get_scope_filter(self, request: HttpRequest, scope: str) -> Q | None:
        """The condition a scope puts on the rows (None: no narrowing); override for richer meanings."""
        lookup = self.scope_lookups.get(scope) if scope != "all" else None
        if not lookup:
            return None
        condition = Q(**{lookup: request.user})
        if _fans_out(self.model, lookup):
            # A to-many step before the end (a student's classes' teacher) would repeat a row
            # once per match: the rows are picked by primary key instead.
            return Q(pk__in=self.model._default_manager.filter(condition).values("pk"))
        return condition

    def get_list_display(self, request: HttpRequest, *args, **kwargs) -> list[str | Callable]:
        return list(self.list_display) or [StarkHandler.display_str, StarkHandler.display_edit_del]

    def get_search_list(self, request: HttpRequest, *args, **kwargs) -> list[str]:
        return list(self.search_list)

    def get_search_backend(self, request: HttpRequest, *args, **kwargs) -> Any:
        return self.search_backend or IcontainsSearch()

    def get_search_group(self, request: HttpRequest, *args, **kwargs) -> list:
        return list(self.search_group)

    def get_order_list(self, request: HttpRequest, *args, **kwargs) -> list[str]:
        return list(self.order_list) or list(self.opts.ordering) or ["-pk"]

    def get_per_page(self, request: HttpRequest, *args, **kwargs) -> int:
        return self.per_page

    def get_count_cap(self, request: HttpRequest, *args, **kwargs) -> int | None:
        """Rows counted exactly at most (``count_cap``); None counts every row."""
        return self.count_cap

    def get_group_counts(self, request: HttpRequest, *args, **kwargs) -> GroupCounts | None:
        """How many rows of ``get_scoped_queryset`` hold each value of the default order's first key
        (``stark.positions.GroupCounts``), or None (the default): the list then counts with
        ``count_cap`` and walks the rows before a deep page.

        Kept by the application, e.g. a table of rows per day written by the same transactions
        as the rows. The list asks only while it shows every row of its scope in the default order
        (no search, no filter, no column sort); it then shows the exact count, and page 20,000
        starts in its day instead of stepping over the 400,000 rows before it.
        """
        return None

    def get_action_list(self, request: HttpRequest, *args, **kwargs) -> list[Callable]:
        return list(self.action_list)

    def get_model_form_class(self, request: HttpRequest, is_add: bool, *args, **kwargs) -> type[forms.BaseForm]:
        if self.model_form_class is not None:
            return self.model_form_class
        return modelform_factory(self.model, form=StarkModelForm, fields="__all__")

    def get_list_title(self, request: HttpRequest, context: dict[str, Any], *args, **kwargs) -> str:
        """Heading of the list page; ``context`` is what ``get_context`` returned (e.g. the parent object)."""
        return self.list_title or capfirst(self.opts.verbose_name_plural)

    def get_has_add_btn(self, request: HttpRequest, *args, **kwargs) -> bool:
        return self.has_add_btn

    def get_has_export_btn(self, request: HttpRequest, *args, **kwargs) -> bool:
        return self.has_export_btn

    def get_form_token(self, request: HttpRequest, *args, **kwargs) -> bool:
        return self.form_token

    def get_show_facets(self, request: HttpRequest, *args, **kwargs) -> bool:
        return self.show_facets

    def get_list_summary(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> str | None:
        """A line under the list about every filtered row (e.g. a total amount); None for none."""
        return None

    def get_export_list(self, request: HttpRequest, *args, **kwargs) -> list[str | Callable]:
        if self.export_list is not None:
            return list(self.export_list)
        builtins = {StarkHandler.display_checkbox, StarkHandler.display_edit, StarkHandler.display_del}
        builtins.add(StarkHandler.display_edit_del)
        list_display = self.get_changelist(request, *args, **kwargs).list_display
        return [c for c in list_display if unbound(c) not in builtins]

    def save(self, request: HttpRequest, form: forms.BaseForm, is_update: bool, *args, **kwargs) -> Any:
        """Save a valid add/change form; set server-side fields on ``form.instance`` before calling super.

        Raise ``django.core.exceptions.ValidationError`` to refuse the save (say, a service finds the
        data changed since the form was validated): the add/change page shows it as a form error
        (a dict of messages goes to those fields) and everything ``save`` wrote is rolled back.
        """
        return form.save()

    def _save_or_form_error(
        self, request: HttpRequest, form: forms.BaseForm, is_update: bool, use_token: bool, *args, **kwargs
    ) -> Any:
        """``save`` inside a savepoint; a ``ValidationError`` it raises becomes the form's error (None returned).

        With ``use_token`` the page's one-use token is consumed in the same transaction
        (``form_tokens.DuplicateSubmit`` propagates when it was used already). A POST without any
        token (a script, not our page) is saved as before.
        """
        try:
            with transaction.atomic():
                if use_token and form_tokens.FIELD_NAME in request.POST:
                    form_tokens.consume(request)
                return self.save(request, form, is_update, *args, **kwargs) or form.instance
        except form_tokens.InvalidToken:
            form.add_error(None, gettext("This page has expired. Check the entries and save again."))
            return None
        except ValidationError as exc:
            form.add_error(None, exc)
            return None

    def get_template_names(self, kind: str) -> list[str]:
        explicit = getattr(self, f"{kind}_template", None)
        app, model = self.opts.app_label, self.opts.model_name
        names = [f"stark/{app}/{model}/{self.prefix}/{kind}.html"] if self.prefix else []
        names += [f"stark/{app}/{model}/{kind}.html", f"stark/{kind}.html"]
        return [explicit, *names] if explicit else names

    def get_context(self, request: HttpRequest, *args, **kwargs) -> dict[str, Any]:
        """Context shared by every page of this handler (``parent`` and e.g. ``customer`` when nested)."""
        context = {
            "handler": self,
            "opts": self.opts,
            "list_url": self.reverse_list_url(request, *args, **kwargs),
            # The state of the list this chain of pages started from, for the breadcrumb (base.html).
            "origin_query": origin_query(request, nested=self.is_nested()),
        }
        parent = self.get_parent(request)
        if parent is not None:
            context["parent"] = context[self.get_parent_field()] = parent
        return context

    # ------------------------------------------------------------------ built-in display columns
    def display_str(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        return capfirst(self.opts.verbose_name) if is_header else str(obj)

    def display_checkbox(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return format_html(
                '<input type="checkbox" class="stark-check-all" aria-label="{}">', gettext("Select all on this page")
            )
        # Not str(obj) in the label: a __str__ that follows a relation would cost a query per row.
        return format_cell_html(
            '<input type="checkbox" name="pk" value="{}" class="stark-check" aria-label="{}">',
            obj.pk,
            row_text(request, gettext_noop("Select this row")),
        )

    display_checkbox.make_cell = checkbox_cells

    def display_edit(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Edit")
        url = self.reverse_change_url(request, obj.pk, *args, **kwargs)
        if url is None:
            return ""
        return format_cell_html(
            '<a href="{}" title="{}"><i class="fa fa-edit"></i></a>', url, row_text(request, gettext_noop("Edit"))
        )

    display_edit.make_cell = edit_cells

    def display_del(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Delete")
        url = self.reverse_delete_url(request, obj.pk, *args, **kwargs)
        if url is None:
            return ""
        return format_cell_html(
            '<a href="{}" class="text-danger" title="{}"><i class="fa fa-trash"></i></a>',
            url,
            row_text(request, gettext_noop("Delete")),
        )

    display_del.make_cell = delete_cells

    def display_edit_del(self, request: HttpRequest, obj: Any = None, is_header: bool = False, *args, **kwargs) -> Any:
        if is_header:
            return gettext("Actions")
        links = [
            self.display_edit(request, obj, False, *args, **kwargs),
            self.display_del(request, obj, False, *args, **kwargs),
        ]
        return format_cell_html("{} {}", *links)

    display_edit_del.make_cell = edit_delete_cells

    # ------------------------------------------------------------------ list pipeline
    def get_changelist(self, request: HttpRequest, *args, **kwargs) -> ChangeList:
        """This request's list (columns, filters, rows, actions), built once per request and handler."""
        changelists = request.__dict__.setdefault("_stark_changelists", {})
        if self not in changelists:
            changelists[self] = self.changelist_class(self, request, *args, **kwargs)
        return changelists[self]

    def get_list_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        """The scoped rows with combined search and fuzzy search applied (not yet ordered)."""
        return self.get_changelist(request, *args, **kwargs).queryset.all()

    def list_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST":
            return self.run_action(request, request.POST.get("action", ""), *args, **kwargs)
        context = self.get_changelist(request, *args, **kwargs).get_context()
        return TemplateResponse(request, self.get_template_names("list"), context)

    # ------------------------------------------------------------------ batch actions
    def get_action_queryset(self, request: HttpRequest, *args, **kwargs) -> QuerySet:
        """The rows an action applies to: the ticked pks, or every row matching the list's filters."""
        return self.get_changelist(request, *args, **kwargs).action_queryset()

    def get_posted_pks(self, request: HttpRequest, *args, **kwargs) -> PostedPks:
        """The ticked rows' pks, cleaned once per request (malformed ones dropped and reported)."""
        return self.get_changelist(request, *args, **kwargs).posted_pks

    def run_action(self, request: HttpRequest, action_name: str, *args, **kwargs) -> HttpResponse:
        back = reverse(self.full_url_name(self.get_list_url_name()), args=args, kwargs=kwargs)
        if request.GET:
            back = f"{back}?{request.GET.urlencode()}"
        changelist = self.get_changelist(request, *args, **kwargs)
        func = next((f for f in changelist.hook("get_action_list") if f.action_name == action_name), None)
        if func is None:
            messages.warning(request, gettext("Choose an action."))
            return HttpResponseRedirect(back)
        if not self.has_permission(request, self.get_url_name(action_name)):
            raise PermissionDenied
        queryset = self.get_action_queryset(request, *args, **kwargs)
        if request.POST.get("select_across") != "1" and not queryset.exists():
            messages.warning(request, gettext("Select at least one row."))
            return HttpResponseRedirect(back)
        response = bind(self, func)(request, queryset, *args, **kwargs)
        return response if isinstance(response, HttpResponse) else HttpResponseRedirect(back)

    def action_view(self, request: HttpRequest, *args, action_name: str, **kwargs) -> HttpResponse:
        """The action's own POST-only URL: the same as posting ``action=<name>`` to the list."""
        return self.run_action(request, action_name, *args, **kwargs)

    @action(_("Delete selected rows"), name="multi_delete")
    def action_multi_delete(self, request: HttpRequest, queryset: QuerySet, *args, **kwargs) -> HttpResponse | None:
        """Ask for confirmation (showing what cascades), then delete."""
        if request.POST.get("confirm") != "yes":
            count = queryset.count()
            back = reverse(self.full_url_name(self.get_list_url_name()), args=args, kwargs=kwargs)
            context = {
                **self.get_context(request, *args, **kwargs),
                "list_url": f"{back}?{request.GET.urlencode()}" if request.GET else back,
                "title": gettext("Delete selected rows"),
                "objects": list(queryset[:20]),
                "more": max(0, count - 20),
                "count": count,
                "summary": summarise_deletion(queryset),
                "post_items": [
                    (key, value) for key in ("action", "select_across", "pk") for value in request.POST.getlist(key)
                ],
            }
            return TemplateResponse(request, self.get_template_names("multi_delete"), context)
        try:
            with transaction.atomic():
                count, _per_model = queryset.delete()
        except (ProtectedError, RestrictedError):
            messages.error(request, gettext("Some selected rows are still in use by other data and cannot be deleted."))
            return None
        messages.success(request, gettext("Deleted %(count)d rows.") % {"count": count})
        return None

    # ------------------------------------------------------------------ export
    def reverse_export_url(self, request: HttpRequest, *args, **kwargs) -> str | None:
        if not self.get_has_export_btn(request, *args, **kwargs):
            return None
        url_name = self.get_export_url_name()
        if not self.has_permission(request, url_name):
            return None
        url = reverse(self.full_url_name(url_name), args=args, kwargs=kwargs)
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        return f"{url}?{query.urlencode()}" if query else url

    def get_export_context(self, request: HttpRequest, total: Any, *args, **kwargs) -> dict[str, Any]:
        """The list's export links (CSV and XLSX) and the row count shown on the button."""
        url = self.reverse_export_url(request, *args, **kwargs)
        if url is None:
            return {"export_url": None}
        separator = "&" if "?" in url else "?"
        return {
            "export_url": url,
            "export_xlsx_url": f"{url}{separator}format=xlsx",
            "export_count": f"{total:,}" if isinstance(total, int) else total,
        }

    def export_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """The filtered, sorted list (every page) as CSV, or XLSX with ``format=xlsx``, streamed."""
        changelist = self.get_changelist(request, *args, **kwargs)
        columns = changelist.export_columns
        queryset = changelist.ordered_queryset.all()
        headers = [html.unescape(strip_tags(str(column.header))) for column in columns]
        chunks = self.iter_export_chunks(request, columns, queryset, *args, **kwargs)
        filename = self.get_export_filename(request, *args, **kwargs)
        if request.GET.get("format") == "xlsx":
            return xlsx_response(headers, chunks, filename, sheet=str(capfirst(self.opts.verbose_name_plural)))
        return csv_response(headers, chunks, filename)

    def get_export_filename(self, request: HttpRequest, *args, **kwargs) -> str:
        """The download's name without extension (ASCII: safe in every browser's header parsing)."""
        return self.url_name_stem

    def iter_export_chunks(
        self, request: HttpRequest, columns: list[Column], queryset: QuerySet, *args, **kwargs
    ) -> Iterator[list[list]]:
        """The export's cells, a list of rows per database round trip (``export_chunk_size`` rows).

        Rows are read by keyset (``stark.keyset``), one query per chunk, so no driver ever buffers
        the whole result. When every column is a model field, the rows are read as values — no
        model instances — with FK labels cached and M2M labels fetched once per chunk.
        """
        size = self.get_export_chunk_size(request, *args, **kwargs)
        changelist = self.get_changelist(request, *args, **kwargs)
        try:
            if all(column.field_name for column in columns):
                yield from ValueRows(self.model, [column.field_name for column in columns]).chunks(queryset, size)
            else:
                for pks in keyset_chunks(queryset, ["pk"], size):
                    ids = [row[0] for row in pks]
                    objects = changelist.with_related(queryset.filter(pk__in=ids), self._field_names(columns))
                    by_pk = objects.order_by().in_bulk(ids)
                    yield [self._export_row(request, columns, by_pk[pk], *args, **kwargs) for pk in ids if pk in by_pk]
        except KeysetUnsupported:
            # An ordering keyset cannot follow (an expression): one query, read in chunks.
            objects = changelist.with_related(queryset, self._field_names(columns))
            chunk = []
            for obj in objects.iterator(chunk_size=size):
                chunk.append(self._export_row(request, columns, obj, *args, **kwargs))
                if len(chunk) == size:
                    yield chunk
                    chunk = []
            if chunk:
                yield chunk

    def get_export_chunk_size(self, request: HttpRequest, *args, **kwargs) -> int:
        return self.export_chunk_size

    @staticmethod
    def _field_names(columns: list[Column]) -> list[str]:
        return [column.field_name for column in columns if column.field_name]

    def _export_row(self, request: HttpRequest, columns: list[Column], obj: models.Model, *args, **kwargs) -> list:
        """One row's cells from a model instance (the path for display-function columns), neutralised."""
        row = []
        for column in columns:
            if column.display is not None:
                row.append(html.unescape(strip_tags(str(column.display(request, obj, False, *args, **kwargs)))))
            else:
                model_field = self.opts.get_field(column.field_name)
                if model_field.many_to_many or model_field.is_relation:
                    row.append(field_text(obj, model_field, for_export=True))
                else:
                    row.append(export_value(model_field, getattr(obj, model_field.attname)))
        return [neutralise_cell(cell) if cell.__class__ is str else cell for cell in row]

    # ------------------------------------------------------------------ add / change / delete
    def get_object(self, request: HttpRequest, pk: Any, *args, **kwargs) -> models.Model:
        """The row ``pk`` within this request's queryset, or 404."""
        try:
            obj = self.get_scoped_queryset(request, *args, **kwargs).get(pk=pk)
        except (self.model.DoesNotExist, ValueError, ValidationError) as exc:
            raise Http404(gettext("No such row.")) from exc
        parent = self.get_parent(request)
        if parent is not None:
            setattr(obj, self.get_parent_field(), parent)  # the URL's parent, already read: no second query
        return obj

    def get_form(
        self, request: HttpRequest, is_add: bool, instance: models.Model | None, *args, **kwargs
    ) -> forms.BaseForm:
        form_class = self.get_model_form_class(request, is_add, *args, **kwargs)
        data = (request.POST, request.FILES) if request.method == "POST" else ()
        return use_native_date_inputs(form_class(*data, instance=instance))

    def render_form(self, request: HttpRequest, form: forms.BaseForm, is_add: bool, *args, **kwargs) -> HttpResponse:
        title = gettext("Add %(name)s") if is_add else gettext("Change %(name)s")
        context = {
            **self.get_context(request, *args, **kwargs),
            "title": title % {"name": self.opts.verbose_name},
            "form": form,
            "is_add": is_add,
            "form_token": form_tokens.issue(request)
            if is_add and self.get_form_token(request, *args, **kwargs)
            else None,
        }
        return TemplateResponse(request, self.get_template_names("form"), context)

    def add_view(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form(request, True, None, *args, **kwargs)
        parent = self.get_parent(request)
        if parent is not None:
            # From the URL (already checked against get_parent_queryset), never from the form.
            setattr(form.instance, self.get_parent_field(), parent)
        if request.method == "POST" and form.is_valid():
            use_token = self.get_form_token(request, *args, **kwargs)
            try:
                obj = self._save_or_form_error(request, form, False, use_token, *args, **kwargs)
            except form_tokens.DuplicateSubmit:
                messages.info(request, gettext("This form had already been saved; it was not saved a second time."))
                return HttpResponseRedirect(self.get_return_url(request, *args, **kwargs))
            if obj is None:
                return self.render_form(request, form, True, *args, **kwargs)
            messages.success(
                request, gettext("Added %(name)s “%(obj)s”.") % {"name": self.opts.verbose_name, "obj": obj}
            )
            return HttpResponseRedirect(self.get_return_url(request, *args, **kwargs))
        return self.render_form(request, form, True, *args, **kwargs)

    def change_view(self, request: HttpRequest, pk: Any, *args, **kwargs) -> HttpResponse:
        obj = self.get_object(request, pk, *args, **kwargs)
        form = self.get_form(request, False, obj, *args, **kwargs)
        if request.method == "POST" and form.is_valid():
            saved = self._save_or_form_error(request, form, True, False, *args, **kwargs)
            if saved is None:
                return self.render_form(request, form, False, *args, **kwargs)
            obj = saved
            messages.success(
                request, gettext("Saved %(name)s “%(obj)s”.") % {"name": self.opts.verbose_name, "obj": obj}
            )
            return HttpResponseRedirect(self.get_return_url(request, *args, **kwargs))
        return self.render_form(request, form, False, *args, **kwargs)

    def delete_view(self, request: HttpRequest, pk: Any, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        obj = self.get_object(request, pk, *args, **kwargs)
        summary = summarise_deletion([obj])
        if request.method == "POST" and not summary.is_blocked:
            try:
                with transaction.atomic():
                    obj.delete()
            except (ProtectedError, RestrictedError):
                summary = summarise_deletion([obj])  # became protected since the page was shown
            else:
                messages.success(
                    request, gettext("Deleted %(name)s “%(obj)s”.") % {"name": self.opts.verbose_name, "obj": obj}
                )
                return HttpResponseRedirect(self.get_return_url(request, *args, **kwargs))
        context = {
            **self.get_context(request, *args, **kwargs),
            "title": gettext("Delete %(name)s") % {"name": self.opts.verbose_name},
            "object": obj,
            "summary": summary,
        }
        return TemplateResponse(request, self.get_template_names("delete"), context)


def _fans_out(model: type[models.Model], lookup: str) -> bool:
    """Whether the field path ``lookup`` crosses a to-many relation before its last step."""
    steps = lookup.split("__")
    for step in steps[:-1]:
        try:
            field = model._meta.get_field(step)
        except FieldDoesNotExist:
            return False  # a lookup (``__in``…) ends the path
        if field.many_to_many or field.one_to_many:
            return True
        if field.related_model is None:
            return False
        model = field.related_model
    return False
