"""Page-wide cells (``make_cell``): the built-in columns give exactly what their functions give."""

import pytest

from stark.handlers import StarkHandler
from stark.sites import site
from tests.page_cells import page_cells_differences
from tests.stark.conftest import grant_all_testapp_pages
from tests.stark.factories import BookFactory
from tests.stark.testapp.models import Book

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"


@pytest.fixture
def books():
    return [BookFactory(title=f"<b>Book {n}</b> & co") for n in range(3)]


@pytest.mark.parametrize("query", ["", "?q=Book&o=-title", "?_filter=q%3D%3Cx%3E%26page%3D2"])
def test_the_built_in_columns_cells_equal_their_functions(stark_client, books, query, monkeypatch):
    handler = site.get_handler(Book)
    entries = [StarkHandler.display_checkbox, "title", StarkHandler.display_edit_del, StarkHandler.display_edit]
    monkeypatch.setattr(handler, "get_list_display", lambda request, *args, **kwargs: entries)
    response = stark_client.get(LIST + query)
    assert response.status_code == 200
    compared, differences = page_cells_differences(response.context["changelist"])
    assert compared == 3 and differences == []
    assert 'href="/stark/testapp/book/' in response.content.decode()


def test_a_denied_page_gives_an_empty_cell_both_ways(stark_client, books, deny, monkeypatch):
    deny(["stark:testapp_book_change"])
    handler = site.get_handler(Book)
    entries = [StarkHandler.display_edit_del]
    monkeypatch.setattr(handler, "get_list_display", lambda request, *args, **kwargs: entries)
    response = stark_client.get(LIST)
    compared, differences = page_cells_differences(response.context["changelist"])
    assert compared == 2 and differences == []  # the ticks (the list has actions) and edit/delete
    html = response.content.decode()
    assert 'title="Edit"><i class="fa fa-edit">' not in html and 'title="Delete"><i class="fa fa-trash">' in html


def test_a_column_whose_function_is_overridden_keeps_its_function(rf, user, books, monkeypatch):
    class Own(StarkHandler):
        def display_edit(self, request, obj=None, is_header=False, *args, **kwargs):
            return "header" if is_header else f"own {obj.pk}"

    own = Own(site, Book)
    own.list_display = [Own.display_edit]
    request = rf.get(LIST)
    request.user = user
    changelist = own.get_changelist(request)
    # (The list has no actions, so no ticks.)
    assert [render(books[0]) for render in changelist.cell_renderers] == [f"own {books[0].pk}"]


class OwnLinks(StarkHandler):
    """A handler changing what the built-in edit/delete column shows, the two documented ways."""

    def display_edit(self, request, obj=None, is_header=False, *args, **kwargs):
        return "Edit" if is_header else f"own edit {obj.pk}"

    def reverse_delete_url(self, request, pk, *args, **kwargs):
        return f"/elsewhere/{pk}/"


def test_a_subclass_s_own_edit_link_or_url_is_used_in_the_built_in_columns(rf, user, books):
    grant_all_testapp_pages(user)
    handler = OwnLinks(site, Book)
    handler.list_display = [StarkHandler.display_edit_del, StarkHandler.display_del]
    request = rf.get(LIST)
    request.user = user
    changelist = handler.get_changelist(request)
    book = books[0]
    both, delete = (render(book) for render in changelist.cell_renderers)
    assert both.startswith(f"own edit {book.pk} ") and f'href="/elsewhere/{book.pk}/"' in both
    assert f'href="/elsewhere/{book.pk}/"' in delete
    compared, differences = page_cells_differences(changelist)
    assert (compared, differences) == (0, [])  # both declined their page-wide form


def test_sort_links_of_a_list_with_an_empty_sort_set_it_in_place(stark_client, books):
    response = stark_client.get(LIST, {"o": "", "q": "Book"})
    headers = {header["text"]: header["sort_url"] for header in response.context["headers"]}
    assert headers["Title"] == "?o=title&q=Book"
