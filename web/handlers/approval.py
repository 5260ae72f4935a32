"""Shared pieces of the approval lists (payments, class changes) and the nested record pages."""

from dataclasses import fields

from django.http import HttpRequest
from django.urls import URLPattern
from django.utils.translation import pgettext

from stark.display import field_html
from stark.search import BoundOption, FilterLink, Option


def display_confirm_date(handler, request: HttpRequest, obj=None, is_header: bool = False, *args, **kwargs):
    """The decision's time, headed "approved at" (审批时间).

    The field's own label, "confirmed", is also the name of a status, and one msgid can only
    have one translation: as a column header it read "已确认" above a date.
    """
    if is_header:
        return pgettext("column header", "decided at")
    return field_html(obj, obj._meta.get_field("confirm_date"))


display_confirm_date.order_field = "confirm_date"


class RelatedOption(Option):
    """An FK / M2M combined-search row whose choices are loaded with ``select_related``.

    ``str(klass)`` of a class reads its course: without the join every offered class
    would cost one query.
    """

    def __init__(self, field: str, select_related: tuple[str, ...] = (), **kwargs) -> None:
        super().__init__(field, **kwargs)
        self.select_related = select_related

    def get_items(self, model_field, request: HttpRequest, *args, **kwargs) -> list:
        related = (
            model_field.related_model._default_manager.select_related(*self.select_related)
            .complex_filter(model_field.get_limit_choices_to())
            .filter(self.get_db_condition(request, *args, **kwargs))
        )
        return [(obj, obj.pk) for obj in related]


#: The class filter of the enrolment and teaching lists.
def class_option(field: str) -> RelatedOption:
    return RelatedOption(field, select_related=("course",))


class DefaultOption(Option):
    """A single-choice combined-search row with a value selected when the URL names none.

    ``?field=`` (the parameter present but empty) is "all": that is what the "All" link sends,
    so the default applies only to a list opened without any choice for this field.
    """

    def __init__(self, field: str, default: str, **kwargs) -> None:
        super().__init__(field, is_multi=False, **kwargs)
        self.default = default

    def bind(self, model, request: HttpRequest, *args, **kwargs) -> BoundOption:
        bound = super().bind(model, request, *args, **kwargs)
        if self.field not in request.GET:
            bound.selected = [self.default]
        return _DefaultBoundOption(**{f.name: getattr(bound, f.name) for f in fields(bound)})


class _DefaultBoundOption(BoundOption):
    def build_links(self, query) -> None:
        super().build_links(query)
        params = query.copy()
        params.pop("page", None)
        params[self.name] = ""
        self.links[0] = FilterLink(self.links[0].text, "?" + params.urlencode(), not self.selected)


def keep_urls(urls: list[URLPattern], names: set[str]) -> list[URLPattern]:
    """Only the URL patterns named in ``names`` (drops the standard pages a handler does not offer)."""
    return [url for url in urls if getattr(url, "name", None) in names]


def keep_list_and_actions(handler, urls: list[URLPattern]) -> list[URLPattern]:
    """The URLs of an approval list: the list and its batch actions, no add / change / delete pages."""
    names = {handler.get_list_url_name(), *(handler.get_url_name(f.action_name) for f in handler.action_list)}
    return keep_urls(urls, names)
