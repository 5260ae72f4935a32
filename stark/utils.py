"""Small helpers shared by stark's views: the permission hook and safe return URLs."""

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.module_loading import import_string
from django.utils.translation import gettext


def check_permission(request: HttpRequest, url_name: str) -> bool:
    """Ask ``settings.STARK_PERMISSION_CHECK`` whether ``request`` may use ``url_name``.

    ``url_name`` carries the namespace (``"stark:app_model_list"``). With no hook
    configured everything is allowed: stark itself has no notion of roles.
    """
    # A list page asks about the same few names once per row: remember the answers for this
    # request (on the request, never on the shared handler), and look there first.
    cache = request.__dict__.get("_stark_permissions")
    if cache is not None:
        answer = cache.get(url_name)
        if answer is not None:
            return answer
    dotted_path = getattr(settings, "STARK_PERMISSION_CHECK", None)
    if not dotted_path:
        return True
    if cache is None:
        cache = request.__dict__["_stark_permissions"] = {}
    answer = cache[url_name] = bool(import_string(dotted_path)(request, url_name))
    return answer


#: The data scopes stark understands, from the widest.
SCOPES = ("all", "department", "own")


def check_scope(request: HttpRequest, url_name: str) -> str:
    """Ask ``settings.STARK_SCOPE_CHECK`` which rows ``request`` sees on ``url_name``: a value of SCOPES.

    Without the setting every page shows all rows (what the handler's ``get_queryset`` allows).
    An unknown answer (None: the user does not hold the page) is the narrowest scope, "own".
    """
    dotted_path = getattr(settings, "STARK_SCOPE_CHECK", None)
    if not dotted_path:
        return "all"
    cache = request.__dict__.setdefault("_stark_scopes", {})
    if url_name not in cache:
        answer = import_string(dotted_path)(request, url_name)
        cache[url_name] = answer if answer in SCOPES else "own"
    return cache[url_name]


#: Stands for an integer URL argument while a URL is reversed once for a whole page of rows
#: (``cached_reverse``); long enough never to occur in a real URL of this site by accident.
_MARKER = 918_273_645_546_372_819


def cached_reverse(request: HttpRequest, viewname: str, args: tuple = (), kwargs: dict | None = None) -> str:
    """``reverse(viewname, args=args, kwargs=kwargs)``, resolved once per request and URL shape.

    A list page links every row to its edit page and more: each ``reverse`` walks the URL
    resolver (~0.1 ms), a hundred times per page. Integer arguments (the row's pk, the parent's
    id) are replaced by markers, the URL is reversed once, and each call fills the markers in.
    Anything else than an integer takes part in the cache key as it is.
    """
    kwargs = kwargs or {}
    cache = request.__dict__.get("_stark_url_shapes")
    if cache is None:
        cache = request.__dict__["_stark_url_shapes"] = {}
    if not args and len(kwargs) == 1:
        # The common case (a row's pk) without building the shape: ``/prefix/<pk>/suffix/``.
        ((name, value),) = kwargs.items()
        if value.__class__ is int and value >= 0:
            halves = cache.get((viewname, name))
            if halves is not None:
                return f"{halves[0]}{value}{halves[1]}"
    values = (*args, *kwargs.values())
    numbers = [value for value in values if value.__class__ is int]
    if not numbers or any(number < 0 for number in numbers):
        return reverse(viewname, args=args, kwargs=kwargs)
    markers = iter(range(_MARKER, _MARKER + len(numbers)))
    shape_args = tuple(next(markers) if value.__class__ is int else value for value in args)
    shape_kwargs = {key: next(markers) if value.__class__ is int else value for key, value in kwargs.items()}
    key = (viewname, shape_args, tuple(shape_kwargs.items()))
    parts = cache.get(key)
    if parts is None:
        # "/customer/<m0>/payments/<m1>/" -> ["/customer/", 0, "/payments/", 1, "/"]: every marker
        # has the same number of digits, so none can be read inside another.
        url = reverse(viewname, args=shape_args, kwargs=shape_kwargs)
        pieces = re.split(f"({_MARKER // 1000}\\d{{3}})", url)
        parts = cache[key] = [int(piece) - _MARKER if index % 2 else piece for index, piece in enumerate(pieces)]
        if not args and len(kwargs) == 1 and len(parts) == 3:
            cache[(viewname, *kwargs)] = (parts[0], parts[2])
    return "".join(str(numbers[part]) if part.__class__ is int else part for part in parts)


def row_text(request: HttpRequest, message: str) -> str:
    """``gettext(message)``, translated once per request: a label every row of a list repeats (a
    checkbox's, an edit link's) costs one trip through Django's translation machinery instead of
    twenty. Each trip, like each ``get_language()``, reads the active language from a context-local
    (~2.5 µs), so the text is kept by message alone: a request renders its list in one language.
    Mark ``message`` with ``gettext_noop`` where it is written, so that ``makemessages`` finds it."""
    texts = request.__dict__.get("_stark_row_texts")
    if texts is None:
        texts = request.__dict__["_stark_row_texts"] = {}
    text = texts.get(message)
    if text is None:
        text = texts[message] = gettext(message)
    return text


def permitted_url(request: HttpRequest, viewname: str, kwargs: dict | None = None) -> str | None:
    """The URL of ``viewname`` (``cached_reverse``) when the permission hook lets the user open it;
    None when it does not, or when the site has no such URL (a page another area has not built)."""
    return permitted_urls(request, viewname)(kwargs)


def permitted_urls(request: HttpRequest, viewname: str) -> Callable[[dict | None], str | None]:
    """``kwargs -> permitted_url(request, viewname, kwargs)``, the permission asked once: for the
    rows of a page (a display function's ``make_cell``)."""
    if not check_permission(request, viewname):
        return lambda kwargs: None

    def url(kwargs: dict | None) -> str | None:
        try:
            return cached_reverse(request, viewname, kwargs=kwargs)
        except NoReverseMatch:
            return None

    return url


def query_urls(query: QueryDict, name: str) -> Callable[[object], str]:
    """``value -> "?" + query`` with ``name`` set to ``value``: what setting it on a copy of
    ``query`` and encoding that gives. When ``name`` is not in ``query`` it comes last, so the rest
    is encoded once, not once per link (a list's page links, its columns' sort links)."""
    if name in query:

        def url(value: object) -> str:
            params = query.copy()
            params[name] = str(value)
            return "?" + params.urlencode()

        return url
    base = query.urlencode()
    prefix = f"?{base}&" if base else "?"
    return lambda value: prefix + urlencode({name: value})


def hidden_fields(query: QueryDict, *drop: str) -> list[tuple[str, str]]:
    """``query``'s parameters but ``drop`` as ``(name, value)`` pairs, one per value of a repeated
    one: the hidden inputs of a GET form that keeps the rest of a list's state."""
    return [(key, value) for key, values in query.lists() if key not in drop for value in values]


def clean_query_string(raw: str) -> str:
    """Re-encode a query string so only well-formed key=value pairs survive."""
    return QueryDict(raw).urlencode()


#: The query parameter carrying a list's state (search, filters, sort, page) into the pages opened
#: from it (add, edit, delete, a row's own pages), so that their links lead back to the list as it was.
FILTER_PARAM = "_filter"
#: The one carrying, into a nested page (a customer's follow-ups, a student's score records), the
#: state of the list its parent was picked from (the customers, page 3 with a search). A nested
#: list keeps it in its own query string, so it also travels inside that list's ``_filter``.
PARENT_PARAM = "_parent"


def list_state(request: HttpRequest) -> str:
    """The state of the list the user works on: the ``_filter`` this page came with, or, on the
    list itself, its own query string. Worked out once per request: every row's links carry it."""
    state = request.__dict__.get("_stark_list_state")
    if state is None:
        if FILTER_PARAM in request.GET:
            state = clean_query_string(request.GET[FILTER_PARAM])
        else:
            state = request.GET.urlencode()
        request.__dict__["_stark_list_state"] = state
    return state


def url_with_state(url: str, param: str, state: str) -> str:
    """``url`` carrying ``state`` (a query string) in the parameter ``param``; ``url`` alone when empty."""
    return f"{url}?{_state_query(param, state)}" if state else url


@functools.lru_cache(maxsize=256)
def _state_query(param: str, state: str) -> str:
    return urlencode({param: state})


def nested_url(request: HttpRequest, url: str, state: str | None = None) -> str:
    """``url`` of a nested page opened from the current list, carrying the list's state in ``_parent``
    (``state``, by default ``list_state(request)``)."""
    return url_with_state(url, PARENT_PARAM, list_state(request) if state is None else state)


def origin_query(request: HttpRequest, *, nested: bool) -> str:
    """The query string restoring the list this chain of pages started from (a breadcrumb's way back).

    A nested page (``nested``: a handler with a parent in its URLs) carries it in ``_parent``, on its
    own or inside the ``_filter`` of its list; any other page of a handler carries its own list's
    state in ``_filter``.
    """
    if PARENT_PARAM in request.GET:
        return clean_query_string(request.GET[PARENT_PARAM])
    if FILTER_PARAM in request.GET:
        carried = QueryDict(request.GET[FILTER_PARAM])
        if PARENT_PARAM in carried:
            return clean_query_string(carried[PARENT_PARAM])
        if not nested:
            return clean_query_string(request.GET[FILTER_PARAM])
    return ""


def safe_local_url(request: HttpRequest, url: str | None) -> str | None:
    """``url`` when it is a local path on this site, otherwise None (no open redirects)."""
    if not url or not url.startswith("/") or url.startswith("//") or url.startswith("/\\"):
        return None
    if not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    return url


def clean_pks(model: type[models.Model], values: Iterable[Any]) -> list[Any]:
    """The distinct primary keys of ``model`` among ``values``, in their order; a malformed or
    out-of-range one is dropped.

    The one cleaner of posted ids in stark and in the projects using it: a tampered pk is ignored
    like one outside the user's queryset, and neither may become a 500 (an integer beyond the
    column's range makes SQLite raise OverflowError in ``pk__in``).
    """
    return list(_clean(model, values)[0])


class PostedPks(list):
    """Cleaned pks (a list, in the posted order) and how many posted values were rejected."""

    def __init__(self, pks: Iterable[Any] = (), rejected: int = 0) -> None:
        super().__init__(pks)
        self.rejected = rejected


def posted_pks(request: HttpRequest, model: type[models.Model], name: str = "pk") -> PostedPks:
    """The pks posted as ``name`` (ticked rows), cleaned by ``clean_pks``; ``rejected`` counts the dropped ones."""
    pks, rejected = _clean(model, request.POST.getlist(name))
    return PostedPks(pks, rejected)


def _clean(model: type[models.Model], values: Iterable[Any]) -> tuple[dict[Any, None], int]:
    pk_field = model._meta.pk
    pks: dict[Any, None] = {}
    rejected = 0
    for raw in values:
        try:
            value = pk_field.to_python(raw)
            pk_field.run_validators(value)
        except (ValidationError, TypeError):
            rejected += 1
            continue
        # No row ever has an automatic key below 1: such a value is malformed, not merely absent.
        if value is None or (isinstance(pk_field, models.fields.AutoFieldMixin) and value < 1):
            rejected += 1
            continue
        pks.setdefault(value)
    return pks, rejected
