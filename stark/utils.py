"""Small helpers shared by stark's views: the permission hook and safe return URLs."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, QueryDict
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.module_loading import import_string


def check_permission(request: HttpRequest, url_name: str) -> bool:
    """Ask ``settings.STARK_PERMISSION_CHECK`` whether ``request`` may use ``url_name``.

    ``url_name`` carries the namespace (``"stark:app_model_list"``). With no hook
    configured everything is allowed: stark itself has no notion of roles.
    """
    dotted_path = getattr(settings, "STARK_PERMISSION_CHECK", None)
    if not dotted_path:
        return True
    # A list page asks about the same few names once per row: remember the answers for this
    # request (on the request, never on the shared handler).
    cache = request.__dict__.setdefault("_stark_permissions", {})
    key = (dotted_path, url_name)
    if key not in cache:
        cache[key] = bool(import_string(dotted_path)(request, url_name))
    return cache[key]


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
    list itself, its own query string."""
    if FILTER_PARAM in request.GET:
        return clean_query_string(request.GET[FILTER_PARAM])
    return request.GET.urlencode()


def url_with_state(url: str, param: str, state: str) -> str:
    """``url`` carrying ``state`` (a query string) in the parameter ``param``; ``url`` alone when empty."""
    return f"{url}?{urlencode({param: state})}" if state else url


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


def clean_pks(model: type[models.Model], values: Iterable[str]) -> list[Any]:
    """The primary keys of ``model`` among posted ``values``; a malformed or out-of-range one is dropped.

    A tampered pk is ignored like one outside the user's queryset: neither may become a 500
    (an integer beyond the column's range makes SQLite raise OverflowError in ``pk__in``).
    """
    pk_field = model._meta.pk
    pks = []
    for raw in values:
        try:
            value = pk_field.to_python(raw)
            pk_field.run_validators(value)
        except ValidationError:
            continue
        pks.append(value)
    return pks
