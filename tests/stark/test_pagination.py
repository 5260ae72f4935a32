"""Pages read primary keys first, then the rows (stark.pagination.StarkPaginator)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stark.pagination import StarkPaginator
from tests.stark.factories import BookFactory, TagFactory
from tests.stark.testapp.models import Book

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"


def shown_pks(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="pk" value="(\d+)"', response.content.decode())]


@pytest.fixture
def deferred_from_page_2(monkeypatch):
    """Read page 1 the plain way and later pages (of 10) with the deferred join: both must agree."""
    monkeypatch.setattr(StarkPaginator, "deferred_offset", 10)


@pytest.mark.parametrize("order", ["", "title", "-title", "-price"])
def test_deep_pages_show_the_same_rows_in_the_same_order(stark_client, deferred_from_page_2, order):
    red = TagFactory(name="red")
    for n in range(34):
        book = BookFactory(title=f"T{n % 5}", price=n % 3)
        if n % 2:
            book.tags.add(red)
    params = {"o": order} if order else {}
    ordering = [order, "pk"] if order else ["id"]
    expected = list(Book.objects.order_by(*ordering).values_list("pk", flat=True))
    seen = []
    for page in (1, 2, 3, 4):
        seen += shown_pks(stark_client.get(LIST, {**params, "page": page}))
    assert seen == expected


def test_deep_pages_with_m2m_filter_and_search_repeat_no_row(stark_client, deferred_from_page_2):
    red, blue = TagFactory(name="red"), TagFactory(name="blue")
    for n in range(25):
        BookFactory(title=f"Book {n:02d}").tags.add(red, blue)
    BookFactory(title="Untagged")
    seen = []
    for page in (1, 2, 3):
        response = stark_client.get(LIST, {"tags": [red.pk, blue.pk], "q": "book", "page": page})
        seen += shown_pks(response)
    assert len(seen) == 25 and len(set(seen)) == 25
    assert "25 rows in total" in response.content.decode()


def test_every_page_costs_the_same_queries(stark_client):
    tag = TagFactory(name="red")
    for n in range(25):
        BookFactory(title=f"B{n}").tags.add(tag)
    stark_client.get(LIST)  # warm the session and permission caches
    counts = []
    for page in (1, 3):
        with CaptureQueriesContext(connection) as captured:
            stark_client.get(LIST, {"page": page})
        counts.append(len(captured))
    assert counts[0] == counts[1]
