"""stark's system checks catch misspelt handler options at start-up, with a hint of what to do."""

from django.core import checks

from stark.checks import check_handler, check_registered_handlers
from stark.handlers import StarkHandler
from stark.search import DateRangeOption, Option
from stark.sites import site
from tests.stark.testapp.models import Book


def ids(handler_class) -> list[str]:
    return [message.id for message in check_handler(handler_class(site, Book))]


def test_the_registered_handlers_pass():
    assert check_registered_handlers() == []


def test_valid_options_including_relations_and_lookups_pass():
    class Good(StarkHandler):
        list_display = ["title", "publisher", StarkHandler.display_edit]
        search_list = ["title", "publisher__name", "title__startswith"]
        order_list = ["-published", "pk"]
        search_group = [Option("status"), Option("tags", is_multi=True), DateRangeOption("published")]

    assert ids(Good) == []


def test_unknown_list_display_field_is_an_error_with_a_hint():
    class Bad(StarkHandler):
        list_display = ["titel"]

    (message,) = check_handler(Bad(site, Book))
    assert message.id == "stark.E001" and message.level == checks.ERROR
    assert "'titel'" in message.msg and "display function" in message.hint


def test_unknown_search_lookup_and_order_field_are_errors():
    class Bad(StarkHandler):
        search_list = ["publisher__nam", "title__sounds_like"]
        order_list = ["-pubished"]

    assert ids(Bad) == ["stark.E002", "stark.E002", "stark.E003"]


def test_filters_on_missing_or_unsuitable_fields_are_errors():
    class Bad(StarkHandler):
        search_group = [Option("colour"), DateRangeOption("title"), Option("pages"), "status"]

    assert ids(Bad) == ["stark.E004", "stark.E005", "stark.E006", "stark.E004"]


def test_a_parent_without_a_foreign_key_and_unknown_pages_are_errors():
    class Bad(StarkHandler):
        parent_kwarg = "shelf_id"
        pages = ("list", "detail")

    assert ids(Bad) == ["stark.E007", "stark.E008"]


def test_unknown_scope_names_and_lookups_are_errors():
    class Bad(StarkHandler):
        scope_lookups = {"team": "owner", "own": "ownr"}

    assert ids(Bad) == ["stark.E009", "stark.E009"]
