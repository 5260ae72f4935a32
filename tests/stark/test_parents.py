"""Nested pages: a handler declares its parent; stark resolves it once and scopes every view to it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.stark.factories import BookFactory, ChapterFactory
from tests.stark.testapp.models import Chapter

pytestmark = pytest.mark.django_db


def chapter_urls(book_id: int, chapter_id: int) -> list[tuple[str, str]]:
    base = f"/stark/testapp/chapter/{book_id}"
    return [
        ("get", f"{base}/list/"),
        ("post", f"{base}/list/"),
        ("get", f"{base}/add/"),
        ("post", f"{base}/add/"),
        ("get", f"{base}/{chapter_id}/change/"),
        ("post", f"{base}/{chapter_id}/change/"),
        ("get", f"{base}/{chapter_id}/delete/"),
        ("post", f"{base}/{chapter_id}/delete/"),
        ("post", f"{base}/list/multi_delete/"),
        ("get", f"{base}/count/"),
    ]


@pytest.mark.parametrize("index", range(10))
def test_every_page_of_a_parent_outside_the_scope_is_404_get_and_post(stark_client, index):
    hidden = BookFactory(in_stock=False)
    chapter = ChapterFactory(book=hidden, title="secret")
    method, url = chapter_urls(hidden.pk, chapter.pk)[index]
    data = {"title": "intruder", "pk": [chapter.pk], "action": "multi_delete", "confirm": "yes"}
    response = getattr(stark_client, method)(url, data) if method == "post" else stark_client.get(url)
    assert response.status_code == 404
    assert list(Chapter.objects.values_list("title", flat=True)) == ["secret"]


@pytest.mark.parametrize("bad", ["0", "99999999", "9223372036854775807", "99999999999999999999"])
def test_a_missing_or_huge_parent_id_is_404(stark_client, bad):
    assert stark_client.get(f"/stark/testapp/chapter/{bad}/list/").status_code == 404


def test_a_chapter_of_another_book_is_404_under_this_book(stark_client):
    mine, other = BookFactory(), BookFactory()
    foreign = ChapterFactory(book=other)
    assert stark_client.get(f"/stark/testapp/chapter/{mine.pk}/{foreign.pk}/change/").status_code == 404
    assert stark_client.post(f"/stark/testapp/chapter/{mine.pk}/{foreign.pk}/delete/").status_code == 404
    assert Chapter.objects.filter(pk=foreign.pk).exists()


def test_a_batch_action_only_touches_rows_of_the_parent(stark_client):
    mine, other = BookFactory(), BookFactory()
    own, foreign = ChapterFactory(book=mine), ChapterFactory(book=other)
    data = {"action": "multi_delete", "pk": [own.pk, foreign.pk], "confirm": "yes"}
    assert stark_client.post(f"/stark/testapp/chapter/{mine.pk}/list/", data).status_code == 302
    assert list(Chapter.objects.values_list("pk", flat=True)) == [foreign.pk]


def test_the_list_shows_only_the_parents_rows_and_names_the_parent(stark_client):
    book = BookFactory(title="Dune")
    ChapterFactory(book=book, title="Arrakis")
    ChapterFactory(book=BookFactory(), title="Elsewhere")
    html = stark_client.get(f"/stark/testapp/chapter/{book.pk}/list/").content.decode()
    assert "Chapters of Dune" in html and "Arrakis" in html and "Elsewhere" not in html


def test_add_sets_the_parent_from_the_url_not_the_form(stark_client):
    book, other = BookFactory(), BookFactory()
    response = stark_client.post(f"/stark/testapp/chapter/{book.pk}/add/", {"title": "New", "book": other.pk})
    assert response.status_code == 302
    assert Chapter.objects.get(title="New").book == book


def test_the_parent_is_looked_up_once_per_request(stark_client):
    book = BookFactory()
    for n in range(3):
        ChapterFactory(book=book, title=f"chapter {n}")
    for url in (f"/stark/testapp/chapter/{book.pk}/list/", f"/stark/testapp/chapter/{book.pk}/add/"):
        with CaptureQueriesContext(connection) as queries:
            assert stark_client.get(url).status_code == 200
        book_reads = [
            q["sql"] for q in queries if 'FROM "testapp_book"' in q["sql"] or "FROM `testapp_book`" in q["sql"]
        ]
        assert len(book_reads) == 1, book_reads


def test_origin_query_reads_the_first_lists_state_from_parent_or_filter(rf):
    from stark.utils import nested_url, origin_query

    listing = rf.get("/books/", {"q": "red", "page": "3"})
    into_nested = nested_url(listing, "/books/7/chapters/")
    assert into_nested == "/books/7/chapters/?_parent=q%3Dred%26page%3D3"
    nested_list = rf.get(into_nested + "&page=2")
    assert origin_query(nested_list, nested=True) == "q=red&page=3"
    # The nested list's add page carries the nested list's state, _parent inside it.
    add = rf.get("/books/7/chapters/add/", {"_filter": nested_list.GET.urlencode()})
    assert origin_query(add, nested=True) == "q=red&page=3"
    # A page of the list itself (edit) carries the list's state in _filter.
    assert origin_query(rf.get("/books/7/change/", {"_filter": "q=red&page=3"}), nested=False) == "q=red&page=3"
    # A nested page's own state (its page 2) is never taken for the first list's.
    assert origin_query(rf.get("/books/7/chapters/add/", {"_filter": "page=2"}), nested=True) == ""
    assert origin_query(rf.get("/books/7/chapters/"), nested=True) == ""
