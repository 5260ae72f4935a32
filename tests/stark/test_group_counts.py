"""Rows per value of the order's first key (stark.positions.GroupCounts, ``get_group_counts``):
the exact total without a capped count, and deep pages that start in their group."""

import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from stark.positions import GroupCounts
from tests.stark.factories import BookFactory
from tests.stark.testapp.models import Book
from tests.stark.testapp.stark import BookHandler

LIST = "/stark/testapp/book/list/"  # 10 rows per page


def shown_pks(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="pk" value="(\d+)"', response.content.decode())]


def test_locate_finds_the_group_of_an_offset_and_the_rows_to_skip_in_it():
    counts = GroupCounts("pages", descending=True, counts=[(300, 4), (200, 0), (100, 3), (50, 5)])

    assert counts.total == 12
    assert counts.order_key == "-pages"
    assert [counts.locate(offset)[1] for offset in (0, 3, 4, 6, 7, 11)] == [0, 3, 0, 2, 0, 4]
    condition, skip = counts.locate(9)
    assert (condition.children, skip) == ([("pages__lte", 50)], 2)
    assert counts.locate(12) is None


def test_ascending_counts_start_with_a_lower_bound():
    counts = GroupCounts("pages", descending=False, counts=[(50, 2), (100, 1)])

    assert counts.order_key == "pages"
    assert counts.locate(2)[0].children == [("pages__gte", 100)]
    assert GroupCounts("pages", descending=False, counts=[]).total == 0


@pytest.fixture
def books_by_length():
    lengths = [300] * 13 + [200] * 7 + [150] * 1 + [100] * 24
    return [BookFactory(title=f"B{n:02d}", pages=pages).pk for n, pages in enumerate(lengths)]


@pytest.fixture
def counted_by_length(monkeypatch):
    """The handler keeps its books per page count (read here with GROUP BY; an application keeps
    them in a table) and lists them longest first; ``asked`` records each call."""
    asked = []

    def get_group_counts(self, request, *args, **kwargs):
        asked.append(request.GET.dict())
        rows = Book.objects.values_list("pages").annotate(n=Count("pk")).order_by("-pages")
        return GroupCounts("pages", descending=True, counts=rows)

    monkeypatch.setattr(BookHandler, "order_list", ["-pages", "id"])
    monkeypatch.setattr(BookHandler, "count_cap", 12)  # below the 45 books: the counts give the total
    monkeypatch.setattr(BookHandler, "get_group_counts", get_group_counts)
    return asked


@pytest.mark.django_db
def test_every_page_shows_the_rows_of_the_order_and_the_exact_total(stark_client, books_by_length, counted_by_length):
    expected = list(Book.objects.order_by("-pages", "id").values_list("pk", flat=True))
    seen = []
    for page in range(1, 6):
        response = stark_client.get(LIST, {"page": page})
        seen += shown_pks(response)
        html = response.content.decode()
        assert "45 rows in total" in html and "Count exactly" not in html
    assert seen == expected


@pytest.mark.django_db
def test_a_deep_page_reads_from_its_group_without_walking_the_groups_before(
    stark_client, books_by_length, counted_by_length
):
    stark_client.get(LIST)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as captured:
        response = stark_client.get(LIST, {"page": 4})  # rows 30-39: the 100-page books from the 9th on

    ids_query = next(q["sql"] for q in captured if "LIMIT" in q["sql"] and "pages" in q["sql"] and "<=" in q["sql"])
    assert re.search(r"LIMIT 10 OFFSET 9\b", ids_query)
    assert shown_pks(response) == list(Book.objects.filter(pages=100).order_by("id").values_list("pk", flat=True)[9:19])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"q": "B1"}, {"status": "draft"}, {"o": "title"}], ids=["search", "filter", "column sort"]
)
def test_a_searched_filtered_or_resorted_list_counts_its_own_rows(
    stark_client, books_by_length, counted_by_length, params
):
    response = stark_client.get(LIST, params)

    assert counted_by_length == []  # not asked: its counts describe the unfiltered list
    assert response.status_code == 200


@pytest.mark.django_db
def test_counts_of_another_order_are_ignored(stark_client, books_by_length, counted_by_length, monkeypatch):
    monkeypatch.setattr(BookHandler, "order_list", ["title", "id"])
    response = stark_client.get(LIST, {"page": 2})
    assert shown_pks(response) == list(Book.objects.order_by("title", "id").values_list("pk", flat=True)[10:20])

    # The capped count (the cap, or the pages up to 1 + 3 ahead, and one more), not the counts' 45.
    assert "40+ rows" in stark_client.get(LIST).content.decode()


def test_a_null_group_is_refused_with_a_message():
    with pytest.raises(ValueError, match="must not be NULL"):
        GroupCounts("published", descending=True, counts=[(None, 3), ("2026-01-01", 2)])
