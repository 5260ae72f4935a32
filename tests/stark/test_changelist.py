"""The per-request list object: each step of the list pipeline runs once per request."""

import re
from collections import Counter
from functools import cached_property

import pytest
from django.contrib.messages import get_messages

from stark.changelist import ChangeList
from stark.sites import site
from tests.stark.factories import BookFactory, ChapterFactory, PublisherFactory
from tests.stark.testapp.models import Book, Chapter

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"
HOOKS = [
    "get_list_display",
    "get_search_list",
    "get_search_backend",
    "get_search_group",
    "get_scoped_queryset",
    "get_queryset",
    "get_order_list",
    "get_action_list",
]


@pytest.fixture
def calls(monkeypatch):
    """How often each list hook of the book handler ran during the test."""
    handler = site.get_handler(Book)
    counter = Counter()
    for name in HOOKS:
        original = getattr(handler, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            counter[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(handler, name, counted)
    return counter


def test_a_list_page_runs_each_step_once(stark_client, calls):
    publisher = PublisherFactory()
    BookFactory.create_batch(3, title="Book", publisher=publisher)
    response = stark_client.get(LIST, {"q": "Book", "publisher": publisher.pk, "o": "-title"})
    assert response.status_code == 200
    assert response.context["total"] == 3
    assert {name: calls[name] for name in HOOKS} == dict.fromkeys(HOOKS, 1)


def test_apply_to_all_matching_builds_the_filters_once(stark_client, calls):
    BookFactory.create_batch(2, title="Keep")
    BookFactory(title="Other")
    response = stark_client.post(LIST + "?q=Keep", {"action": "multi_archive", "select_across": "1"})
    assert response.status_code == 302
    assert set(Book.objects.filter(status="archived").values_list("title", flat=True)) == {"Keep"}
    assert calls["get_scoped_queryset"] == 1
    assert calls["get_search_group"] == 1


def test_an_export_builds_its_columns_and_rows_once(stark_client, calls):
    BookFactory.create_batch(3)
    response = stark_client.get(LIST + "export/", {"o": "title"})
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()) == 4
    assert calls["get_scoped_queryset"] == 1
    assert calls["get_list_display"] == 1


def test_the_changelist_is_one_object_per_request_and_handler(rf, user):
    handler = site.get_handler(Book)
    request = rf.get(LIST)
    request.user = user
    first = handler.get_changelist(request)
    assert handler.get_changelist(request) is first
    assert first.request is request
    other = rf.get(LIST)
    other.user = user
    assert handler.get_changelist(other) is not first


def test_a_subclass_changes_one_step_for_every_list_of_a_handler(rf, user, monkeypatch):
    class TitlesOnly(ChangeList):
        @cached_property
        def ordering(self):
            return ["title", "pk"]

    handler = site.get_handler(Book)
    monkeypatch.setattr(handler, "changelist_class", TitlesOnly)
    BookFactory(title="b"), BookFactory(title="a")
    request = rf.get(LIST, {"o": "-title"})
    request.user = user
    changelist = handler.get_changelist(request)
    assert list(changelist.ordered_queryset.values_list("title", flat=True)) == ["a", "b"]


def test_malformed_ticked_ids_are_dropped_and_reported(stark_client):
    book = BookFactory()
    response = stark_client.post(LIST, {"action": "multi_archive", "pk": [book.pk, book.pk, "junk", "1e3"]})
    assert response.status_code == 302
    assert Book.objects.get(pk=book.pk).status == "archived"
    texts = [str(message) for message in get_messages(response.wsgi_request)]
    assert "2 selected rows were not valid rows and were ignored." in texts


def _row_queries(captured) -> list[str]:
    """The queries that read a page's full rows by their pks (the deferred join's second query)."""
    return [q["sql"] for q in captured if "summary" in q["sql"] and " IN (" in q["sql"] and "COUNT(" not in q["sql"]]


def test_the_pages_rows_are_read_by_pk_within_the_scope_without_searching_again(
    stark_client, django_assert_max_num_queries, monkeypatch
):
    alpha, _beta = BookFactory(title="Alpha story"), BookFactory(title="Beta")
    with django_assert_max_num_queries(30) as captured:
        response = stark_client.get("/stark/testapp/book/list/", {"q": "alpha"})
    assert [alpha.pk] == [int(pk) for pk in re.findall(r'name="pk" value="(\d+)"', response.content.decode())]
    rows = _row_queries(captured.captured_queries)
    assert rows and all("LIKE" not in sql.upper() for sql in rows), rows

    book = BookFactory()
    ChapterFactory(book=book, title="one")
    ChapterFactory(book=book, title="two")
    ChapterFactory(title="elsewhere")
    # Page 2 (one row per page): page 1 of a list without FK columns is read in one query.
    monkeypatch.setattr(site.get_handler(Chapter), "per_page", 1)
    with django_assert_max_num_queries(30) as nested:
        html = stark_client.get(f"/stark/testapp/chapter/{book.pk}/list/", {"page": 2}).content.decode()
    shown = [int(pk) for pk in re.findall(r'name="pk" value="(\d+)"', html)]
    assert len(shown) == 1 and Chapter.objects.get(pk=shown[0]).book == book
    chapter_rows = [q["sql"] for q in nested.captured_queries if "testapp_chapter" in q["sql"] and " IN (" in q["sql"]]
    assert chapter_rows and all(f'book_id" = {book.pk}' in sql.replace("`", '"') for sql in chapter_rows[-1:])
