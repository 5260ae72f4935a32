"""Fuzzy search (``q``) and combined search (one row of filter links per field)."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from functools import reduce
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from stark.html import format_cell_html, format_html_rows, hidden_inputs_html
from stark.utils import clean_pks, hidden_fields

#: Longest text searched for in a big option's search box (``Option.bind_search``).
MAX_FIND_LENGTH = 50

#: Lookups a ``search_list`` entry may end with; a bare field name means ``icontains``.
TEXT_LOOKUPS = {"exact", "iexact", "contains", "icontains", "startswith", "istartswith", "endswith", "iendswith"}


#: Fuzzy search ignores case on every database (``contains`` is case-sensitive on MySQL, not on SQLite).
CASE_INSENSITIVE = {"contains": "icontains", "startswith": "istartswith", "endswith": "iendswith"}


def normalise_lookup(lookup: str) -> str:
    field_path, _sep, last = lookup.rpartition("__")
    if last not in TEXT_LOOKUPS:
        return f"{lookup}__icontains"
    return f"{field_path}__{CASE_INSENSITIVE[last]}" if last in CASE_INSENSITIVE else lookup


def lookup_spans_many(model: type[models.Model], lookup: str) -> bool:
    """Whether following ``lookup`` crosses a to-many relation (rows would repeat)."""
    opts = model._meta
    for part in lookup.split("__"):
        try:
            model_field = opts.get_field(part)
        except FieldDoesNotExist:
            return False
        if model_field.many_to_many or model_field.one_to_many:
            return True
        if not model_field.is_relation:
            return False
        opts = model_field.related_model._meta
    return False


#: Distinct words of ``q`` searched at most: each is one more AND-ed condition, and SQLite
#: refuses a query nested deeper than 1000 (a pasted essay must not be a 500).
MAX_SEARCH_WORDS = 20


def apply_fuzzy_search(queryset: QuerySet, search_list: Sequence[str], q: str) -> QuerySet:
    """Rows where every word of ``q`` (up to ``MAX_SEARCH_WORDS`` distinct) matches a lookup of ``search_list``."""
    words = list(dict.fromkeys(q.split()))[:MAX_SEARCH_WORDS]
    if not search_list or not words:
        return queryset
    lookups = [normalise_lookup(lookup) for lookup in search_list]
    for word in words:
        queryset = queryset.filter(reduce(operator.or_, (Q(**{lookup: word}) for lookup in lookups)))
    if any(lookup_spans_many(queryset.model, lookup) for lookup in lookups):
        queryset = queryset.distinct()
    return queryset


class IcontainsSearch:
    """The default search backend: ``apply_fuzzy_search`` (plain lookups, ``icontains`` for bare fields).

    A backend is any object with ``apply(queryset, search_list, q) -> QuerySet`` returning the rows
    where every word of ``q`` matches one lookup; ``stark.search_index.NgramSearch`` is another.
    """

    def apply(self, queryset: QuerySet, search_list: Sequence[str], q: str) -> QuerySet:
        return apply_fuzzy_search(queryset, search_list, q)


@dataclass
class FilterLink:
    text: str
    url: str
    is_active: bool
    count: int | None = None


@dataclass
class OptionSearch:
    """The search box of a relation with more choices than links (``kind == "search"``)."""

    param: str  # the URL parameter of the typed text, ``<field>_find``
    term: str
    #: More choices match ``term`` than are shown (type more of it).
    more: bool
    #: How many matches are shown.
    found: int = 0
    hidden: list[tuple[str, str]] = field(default_factory=list)


_MULTIPLE = SafeString(' multiple size="6"')


def option_row_html(name: str, label: object, body: object) -> SafeString:
    """One row of the combined search: the option's label, then ``body`` (safe HTML, or text to escape)."""
    return format_cell_html(
        '<div class="d-flex flex-wrap align-items-center py-1" data-option="{}">'
        '<strong class="mr-2">{}:</strong>{}</div>',
        name,
        label,
        body,
    )


@dataclass
class BoundOption:
    """An option evaluated for one request: its choices, the valid selected values, its links."""

    option: Option
    name: str
    label: str
    choices: list[tuple[str, Any, str]]  # (value in the URL, value for the lookup, text)
    selected: list[str]
    model_field: models.Field
    counts: dict[str, int] | None = None
    links: list[FilterLink] = field(default_factory=list)
    #: For the drop-down (``kind == "select"``): the other parameters, kept as hidden inputs.
    hidden: list[tuple[str, str]] = field(default_factory=list)
    #: For a relation with more choices than ``max_links`` read by ``text_field``: its search box.
    #: ``choices`` then holds only the selected values and the ones matching the typed text.
    search: OptionSearch | None = None

    @property
    def kind(self) -> str:
        """``"links"`` (a row of buttons); above the option's ``max_links`` choices ``"search"`` (a
        relation read by ``text_field``: a search box, then links to the matches) or ``"select"``."""
        if self.search is not None:
            return "search"
        return "select" if len(self.choices) > self.option.max_links else "links"

    def filter(self, queryset: QuerySet) -> QuerySet:
        if not self.selected:
            return queryset
        lookup_values = [value for url_value, value, _text in self.choices if url_value in self.selected]
        if self.model_field.many_to_many and self.model_field.model is queryset.model:
            # ``pk IN (SELECT ... FROM the link table)`` instead of a join + DISTINCT: no duplicate
            # rows to remove, so the database need not sort or hash every matching row first.
            through = self.model_field.remote_field.through
            links = through._default_manager.filter(
                **{f"{self.model_field.m2m_reverse_field_name()}__in": lookup_values}
            ).values(self.model_field.m2m_field_name())
            return queryset.filter(pk__in=links)
        queryset = queryset.filter(**{f"{self.name}__in": lookup_values})
        return queryset.distinct() if self.model_field.many_to_many else queryset

    def facet_counts(self, queryset: QuerySet) -> dict[str, int]:
        """Rows per value in one grouped query (``queryset`` has every other filter applied)."""
        rows = queryset.order_by().values_list(self.name).annotate(n=Count("pk", distinct=True))
        return {self.option.url_value(value): n for value, n in rows if value is not None}

    @property
    def links_html(self) -> SafeString:
        """The option's links as one piece of HTML, each text and URL escaped.

        Joined here, not by a template loop: a big school's consultant row has thousands of
        links, and a template spends several microseconds on each variable of each one.
        """
        current = format_html(' aria-current="{}"', "true")
        badge = ' <span class="badge badge-light">{}</span>'
        return format_html_rows(
            '<a href="{}" class="btn btn-sm mr-1 mb-1 {}"{}>{}{}</a>',
            (
                (
                    link.url,
                    "btn-primary active" if link.is_active else "btn-outline-secondary",
                    current if link.is_active else "",
                    link.text,
                    "" if link.count is None else format_cell_html(badge, link.count),
                )
                for link in self.links
            ),
        )

    @property
    def options_html(self) -> SafeString:
        """The drop-down's ``<option>``s: "All" (an empty value), then each choice, each text escaped."""
        selected = set(self.selected)
        everything = format_html('<option value=""{}>{}</option>', "" if selected else " selected", _("All"))
        return everything + format_html_rows(
            '<option value="{}"{}>{}{}</option>',
            (
                (
                    url_value,
                    " selected" if url_value in selected else "",
                    text,
                    "" if self.counts is None else f" ({self.counts.get(url_value, 0)})",
                )
                for url_value, _value, text in self.choices
            ),
        )

    @property
    def row_html(self) -> SafeString:
        """The option's row of ``stark/list.html``: its label, then its links, its drop-down or its
        search box (``kind``). Built here rather than by the template's conditions, for the reason
        ``links_html`` is: eight options cost the template ~0.25 ms a page."""
        kind = self.kind
        if kind == "select":
            body = format_cell_html(
                '<form method="get" class="form-inline stark-filter-select">{}<select name="{}"'
                ' class="form-control form-control-sm mr-2"{} aria-label="{}">{}</select>'
                '<button type="submit" class="btn btn-sm btn-outline-primary">{}</button></form>',
                hidden_inputs_html(self.hidden),
                self.name,
                _MULTIPLE if self.option.is_multi else "",
                self.label,
                self.options_html,
                gettext("Filter"),
            )
        elif kind == "search":
            body = format_cell_html("{}{}{}", self._search_box_html(), self.links_html, self._search_note_html())
        else:
            body = self.links_html
        return option_row_html(self.name, self.label, body)

    def _search_box_html(self) -> SafeString:
        search = self.search
        find = gettext("Find a %(label)s") % {"label": self.label}
        return format_cell_html(
            '<form method="get" class="form-inline mr-2 stark-filter-search" role="search" aria-label="{}">{}'
            '<input type="search" name="{}" value="{}" class="form-control form-control-sm mr-1" placeholder="{}"'
            ' aria-label="{}"><button type="submit" class="btn btn-sm btn-outline-primary">{}</button></form>',
            find,
            hidden_inputs_html(search.hidden),
            search.param,
            search.term,
            gettext("Type part of the name"),
            find,
            gettext("Find"),
        )

    def _search_note_html(self) -> SafeString | str:
        search = self.search
        if not search.term:
            return ""
        if search.more:
            note = gettext("The first %(count)s matches: type more of the name.") % {"count": search.found}
        elif not search.found:
            note = gettext("Nothing matches “%(term)s”.") % {"term": search.term}
        else:
            return ""
        return format_cell_html('<span class="small text-muted">{}</span>', note)

    def build_links(self, query: QueryDict) -> None:
        base = query.copy()
        base.pop("page", None)
        if self.search is not None:
            # The search form keeps this option's value (a new search is not a new choice yet);
            # the links to the matches drop the typed text.
            base.pop(self.search.param, None)
            self.search.hidden = hidden_fields(base)
        base.pop(self.name, None)
        if self.kind == "select":
            # One form instead of a link per choice: the other filters ride along as hidden inputs.
            self.hidden = hidden_fields(base)
            return
        # The other parameters are encoded once, not once per choice: an option with 2,000 choices
        # (every consultant of a big school) copied and re-encoded the query 2,000 times (~100 ms).
        # Same URLs as ``params.setlist(name, values)``: this option's values come last.
        encoded_base = base.urlencode()
        self.links = [FilterLink(str(_("All")), "?" + encoded_base, not self.selected)]
        for url_value, _value, text in self.choices:
            is_active = url_value in self.selected
            if self.option.is_multi:
                values = [v for v in self.selected if v != url_value] if is_active else [*self.selected, url_value]
            else:
                values = [] if is_active else [url_value]
            encoded = "&".join(part for part in (encoded_base, urlencode([(self.name, v) for v in values])) if part)
            count = None if self.counts is None else self.counts.get(url_value, 0)
            self.links.append(FilterLink(text, "?" + encoded, is_active, count))


class Option:
    """One combined-search row for a choice, boolean, FK or M2M field.

    ``db_condition`` restricts the related rows offered: a dict or ``Q``, or a callable
    ``(request, *args, **kwargs)`` returning one. ``text_func(item)`` and ``value_func(item)``
    customise each link's text and URL value; ``item`` is a ``(value, label)`` pair for choice
    and boolean fields, a model instance for relations. Values of a multi-select option are OR-ed.

    ``text_field`` (a field name or an expression of the related model) reads a relation's choices
    as ``(pk, text)`` pairs with one ``values_list`` instead of model instances, and ``text_func``
    then receives those pairs: a school's 2,000 consultants cost ~2,000 instances otherwise.
    Above ``max_links`` choices the option is not a row of links: a relation read by ``text_field``
    becomes a search box (``bind_search``: only the chosen rows and those matching the typed text
    are read), anything else a drop-down list.
    """

    #: More choices than this are a search box or a drop-down list (a row of 2,000 buttons helps nobody).
    max_links = 30

    def __init__(
        self,
        field: str,
        is_multi: bool = False,
        db_condition: dict | Q | Callable[..., dict | Q] | None = None,
        text_func: Callable[[Any], str] | None = None,
        value_func: Callable[[Any], Any] | None = None,
        label: str | None = None,
        select_related: tuple[str, ...] = (),
        text_field: str | Any | None = None,
        max_links: int | None = None,
    ) -> None:
        self.field = field
        self.is_multi = is_multi
        self.db_condition = db_condition
        self.text_func = text_func
        self.value_func = value_func
        self.label = label
        #: Joins for the related choices, when their ``str()`` follows a relation (else a query per choice).
        self.select_related = tuple(select_related)
        self.text_field = text_field
        if max_links is not None:
            self.max_links = max_links

    def get_db_condition(self, request: HttpRequest, *args, **kwargs) -> Q:
        condition = self.db_condition
        if callable(condition):
            condition = condition(request, *args, **kwargs)
        if condition is None:
            return Q()
        return condition if isinstance(condition, Q) else Q(**condition)

    @staticmethod
    def url_value(value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value)

    def get_model_field(self, model: type[models.Model]) -> models.Field:
        try:
            return model._meta.get_field(self.field)
        except FieldDoesNotExist as exc:
            raise ImproperlyConfigured(f"search_group: {model.__name__} has no field {self.field!r}.") from exc

    def related_choices(self, model_field: models.Field, request: HttpRequest, *args, **kwargs) -> QuerySet:
        """The related rows a relation option offers: ``limit_choices_to`` and ``db_condition`` applied."""
        related = model_field.related_model._default_manager.select_related(*self.select_related)
        # Each filter copies the query: an empty one is left out.
        limit_choices_to = model_field.get_limit_choices_to()
        if limit_choices_to:
            related = related.complex_filter(limit_choices_to)
        condition = self.get_db_condition(request, *args, **kwargs)
        return related.filter(condition) if condition else related

    def text_pairs(self, related: QuerySet, containing: str = "") -> QuerySet:
        """``(pk, text)`` of each related row, the text being ``text_field`` (and containing ``containing``)."""
        text = F(self.text_field) if isinstance(self.text_field, str) else self.text_field
        related = related.annotate(stark_option_text=text)
        if containing:
            related = related.filter(stark_option_text__icontains=containing)
        return related.values_list("pk", "stark_option_text")

    @staticmethod
    def text_items(pairs: Iterable[tuple[Any, str]]) -> list[tuple[Any, Any]]:
        """``(item, lookup value)`` pairs of ``(pk, text)`` pairs: the item is the pair, the value its pk."""
        return [((pk, text), pk) for pk, text in pairs]

    def get_items(self, model_field: models.Field, request: HttpRequest, *args, **kwargs) -> list[tuple[Any, Any]]:
        """``(item, lookup value)`` pairs this option offers."""
        if model_field.choices:
            return [((value, label), value) for value, label in model_field.flatchoices]
        if isinstance(model_field, models.BooleanField):
            return [((True, _("Yes")), True), ((False, _("No")), False)]
        if model_field.is_relation and (model_field.many_to_many or model_field.many_to_one):
            related = self.related_choices(model_field, request, *args, **kwargs)
            if self.text_field is not None:
                return self.text_items(self.text_pairs(related))
            return [(obj, obj.pk) for obj in related]
        raise ImproperlyConfigured(
            f"search_group: Option({self.field!r}) needs a field with choices, a boolean, a FK or a M2M; "
            "use DateRangeOption for dates."
        )

    def bind(self, model: type[models.Model], request: HttpRequest, *args, **kwargs) -> BoundOption:
        model_field = self.get_model_field(model)
        if self.text_field is not None and model_field.is_relation and self.value_func is None:
            related = self.related_choices(model_field, request, *args, **kwargs)
            # Is it big? Asked without ORDER BY: sorting 2,000 joined consultants to keep 31 cost
            # ten times the question (2.8 against 0.27 ms on MariaDB).
            if len(related.order_by().values_list("pk")[: self.max_links + 1]) > self.max_links:
                return self.bind_search(model_field, related, request)
            return self.bound(model_field, request, self.text_items(self.text_pairs(related)))
        if self._has_fixed_choices(model_field):
            choices, label = self._fixed_choices(model_field)
            return self.bound_to(model_field, request, list(choices), label)
        return self.bound(model_field, request, self.get_items(model_field, request, *args, **kwargs))

    def _has_fixed_choices(self, model_field: models.Field) -> bool:
        # A choice or boolean field's choices are the same for every request, unless a subclass
        # works its items or choices out another way.
        return (
            (bool(model_field.choices) or isinstance(model_field, models.BooleanField))
            and type(self).get_items is Option.get_items
            and type(self).bound is Option.bound
        )

    def _fixed_choices(self, model_field: models.Field) -> tuple[list[tuple[str, Any, str]], str]:
        """The choices and the label of a choice or boolean field, made once per field and language:
        each label is lazy text, and translating it costs ~2.5 µs, eight options a page."""
        made = self.__dict__.setdefault("_fixed_choices_made", {})
        key = (model_field, get_language())
        if key not in made:
            bound = self.bound(model_field, None, self.get_items(model_field, None))
            made[key] = (bound.choices, bound.label)
        return made[key]

    def bind_search(self, model_field: models.Field, related: QuerySet, request: HttpRequest) -> BoundOption:
        """A relation with more than ``max_links`` choices: only the selected ones and the ones
        whose text contains what was typed in its search box (``?<field>_find=``) are read, at
        most ``max_links`` of those; a school's 2,000 consultants are never all loaded."""
        param = f"{self.field}_find"
        term = request.GET.get(param, "").strip()[:MAX_FIND_LENGTH]
        wanted = clean_pks(model_field.related_model, dict.fromkeys(request.GET.getlist(self.field)))
        if not self.is_multi:
            wanted = wanted[:1]
        chosen = list(self.text_pairs(related.filter(pk__in=wanted))) if wanted else []
        matches = list(self.text_pairs(related, containing=term)[: self.max_links + 1]) if term else []
        more = len(matches) > self.max_links
        pairs = dict(chosen)
        for pk, text in matches[: self.max_links]:
            pairs.setdefault(pk, text)
        bound = self.bound(model_field, request, self.text_items(pairs.items()))
        bound.search = OptionSearch(param, term, more, found=min(len(matches), self.max_links))
        return bound

    def bound(
        self, model_field: models.Field, request: HttpRequest | None, items: list[tuple[Any, Any]]
    ) -> BoundOption:
        """The option bound to ``items`` (``(item, lookup value)`` pairs) and the valid values of the URL."""
        choices = []
        for item, lookup_value in items:
            if self.value_func:
                lookup_value = self.value_func(item)
            text = self.text_func(item) if self.text_func else (str(item[1]) if isinstance(item, tuple) else str(item))
            choices.append((self.url_value(lookup_value), lookup_value, text))
        return self.bound_to(model_field, request, choices, str(self.label or capfirst(model_field.verbose_name)))

    def bound_to(
        self, model_field: models.Field, request: HttpRequest | None, choices: list[tuple[str, Any, str]], label: str
    ) -> BoundOption:
        """The option bound to ``choices`` and the values of the URL among them (none without a request)."""
        valid = {url_value for url_value, _value, _text in choices}
        # A value that is not one of the offered choices is ignored, never an error.
        asked = request.GET.getlist(self.field) if request is not None else []
        selected = [value for value in dict.fromkeys(asked) if value in valid]
        if not self.is_multi:
            selected = selected[:1]
        return BoundOption(self, self.field, label, choices, selected, model_field)


def _day_start(day: datetime.date) -> datetime.datetime:
    start = datetime.datetime.combine(day, datetime.time.min)
    return timezone.make_aware(start) if settings.USE_TZ else start


class DefaultOption(Option):
    """A single-choice row with ``default`` selected when the URL names no value for the field.

    ``?field=`` (the parameter present but empty) means "all": that is what the "All" link sends,
    so the default applies only to a list opened without any choice for this field (e.g. an
    approval list that opens on "pending").
    """

    def __init__(self, field: str, default: str, **kwargs) -> None:
        super().__init__(field, is_multi=False, **kwargs)
        self.default = default

    def bind(self, model: type[models.Model], request: HttpRequest, *args, **kwargs) -> BoundOption:
        bound = super().bind(model, request, *args, **kwargs)
        if self.field not in request.GET:
            bound.selected = [self.default]
        return _DefaultBoundOption(**{f.name: getattr(bound, f.name) for f in dataclass_fields(bound)})


class _DefaultBoundOption(BoundOption):
    def build_links(self, query: QueryDict) -> None:
        super().build_links(query)
        if self.kind == "select":
            return  # the drop-down's "All" sends the empty value already
        params = query.copy()
        params.pop("page", None)
        params[self.name] = ""
        self.links[0] = FilterLink(self.links[0].text, "?" + params.urlencode(), not self.selected)


@dataclass
class BoundDateRange:
    option: DateRangeOption
    name: str
    label: str
    start: datetime.date | None
    end: datetime.date | None
    is_datetime: bool
    hidden: list[tuple[str, str]] = field(default_factory=list)
    clear_url: str = ""
    counts = None

    kind = "date_range"

    @property
    def start_param(self) -> str:
        return f"{self.name}_from"

    @property
    def end_param(self) -> str:
        return f"{self.name}_to"

    def filter(self, queryset: QuerySet) -> QuerySet:
        if not self.is_datetime:
            if self.start:
                queryset = queryset.filter(**{f"{self.name}__gte": self.start})
            if self.end:
                queryset = queryset.filter(**{f"{self.name}__lte": self.end})
            return queryset
        # Bounds in the active time zone instead of a __date lookup: MySQL's __date needs its
        # time zone tables loaded, and a plain range can use an index.
        if self.start:
            queryset = queryset.filter(**{f"{self.name}__gte": _day_start(self.start)})
        if self.end:
            queryset = queryset.filter(**{f"{self.name}__lt": _day_start(self.end + datetime.timedelta(days=1))})
        return queryset

    @property
    def row_html(self) -> SafeString:
        """The from / to row of ``stark/list.html`` (see ``BoundOption.row_html``)."""
        body = format_cell_html(
            '<form method="get" class="form-inline">{}'
            '<input type="date" class="form-control form-control-sm mr-1" name="{}" value="{}" aria-label="{}">'
            '<span class="mr-1">–</span>'
            '<input type="date" class="form-control form-control-sm mr-2" name="{}" value="{}" aria-label="{}">'
            '<button type="submit" class="btn btn-sm btn-outline-primary mr-2">{}</button>{}</form>',
            hidden_inputs_html(self.hidden),
            self.start_param,
            self.start.isoformat() if self.start else "",
            gettext("From"),
            self.end_param,
            self.end.isoformat() if self.end else "",
            gettext("To"),
            gettext("Filter"),
            format_cell_html('<a href="{}">{}</a>', self.clear_url, gettext("All")) if self.start or self.end else "",
        )
        return option_row_html(self.name, self.label, body)

    def build_links(self, query: QueryDict) -> None:
        base = query.copy()
        for key in ("page", self.start_param, self.end_param):
            base.pop(key, None)
        self.hidden = hidden_fields(base)
        self.clear_url = "?" + base.urlencode()


class DateRangeOption:
    """A from/to filter on a date or datetime field: parameters ``<field>_from`` and ``<field>_to``."""

    is_multi = False

    def __init__(self, field: str, label: str | None = None) -> None:
        self.field = field
        self.label = label

    def bind(self, model: type[models.Model], request: HttpRequest, *args, **kwargs) -> BoundDateRange:
        try:
            model_field = model._meta.get_field(self.field)
        except FieldDoesNotExist as exc:
            raise ImproperlyConfigured(f"search_group: {model.__name__} has no field {self.field!r}.") from exc
        if not isinstance(model_field, models.DateField):
            raise ImproperlyConfigured(f"DateRangeOption({self.field!r}) needs a DateField or DateTimeField.")
        is_datetime = isinstance(model_field, models.DateTimeField)

        def parse(param: str) -> datetime.date | None:
            try:
                day = parse_date(request.GET.get(param, ""))
            except ValueError:  # well-formed but impossible, e.g. 2026-02-30
                return None
            # The first and last representable days have no day bounds in every time zone
            # (OverflowError): ignored like any other unusable value.
            if day is not None and not datetime.date.min < day < datetime.date.max:
                return None
            return day

        label = self.label or capfirst(model_field.verbose_name)
        return BoundDateRange(
            self, self.field, str(label), parse(f"{self.field}_from"), parse(f"{self.field}_to"), is_datetime
        )
