"""The capped count (stark.pagination.StarkPaginator with ``count_cap``): exact below the cap,
"N+" above it with page links that keep working, and an exact count on demand, bounded in time."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stark.pagination import bounded_exact_count, capped_count
from tests.stark.factories import BookFactory, PublisherFactory
from tests.stark.testapp.models import Book
from tests.stark.testapp.stark import BookHandler

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"  # 10 rows per page


def shown_pks(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'name="pk" value="(\d+)"', response.content.decode())]


def page_numbers(response) -> list[str]:
    """The pagination's entries in order: page numbers and "…"."""
    nav = response.content.decode().split('aria-label="Pages"', 1)[1].split("</nav>", 1)[0]
    entries = re.findall(r'class="page-link"[^>]*>([^<]+)<', nav)
    return [entry for entry in entries if entry.isdigit() or entry == "…"]  # not Previous / Next


@pytest.fixture
def books():
    publisher = PublisherFactory()
    return [BookFactory(publisher=publisher).pk for _n in range(57)]


@pytest.fixture
def cap(monkeypatch):
    def set_cap(value):
        monkeypatch.setattr(BookHandler, "count_cap", value)

    return set_cap


def test_the_cap_is_on_by_default():
    assert BookHandler.count_cap == 10_000


def test_below_the_cap_the_total_is_exact_with_a_last_page_link(stark_client, books, cap):
    cap(100)
    response = stark_client.get(LIST)
    html = response.content.decode()
    assert "57 rows in total" in html
    assert "Count exactly" not in html
    assert page_numbers(response) == ["1", "2", "3", "4", "…", "6"]


def test_above_the_cap_shows_n_plus_and_links_that_reach_past_the_page(stark_client, books, cap):
    cap(45)
    response = stark_client.get(LIST)
    html = response.content.decode()
    assert "45+ rows" in html
    assert "rows in total" not in html
    # Pages 1–4 are known to exist (the count reached 46 rows); no "last page", an ellipsis instead.
    assert page_numbers(response) == ["1", "2", "3", "4", "…"]
    assert "more than 45" in html  # the select-across label has no made-up number


def test_every_page_of_a_capped_list_shows_its_rows_and_the_next_ones(stark_client, books, cap):
    cap(45)
    expected = list(Book.objects.order_by("id").values_list("pk", flat=True))
    seen = []
    for number in range(1, 7):
        response = stark_client.get(LIST, {"page": number})
        seen += shown_pks(response)
        numbers = page_numbers(response)
        if number <= 4:
            assert str(number + 1) in numbers  # the next page is always linked
    assert seen == expected
    # The last page (6) is reached: the count is now exact, with every link.
    assert "57 rows in total" in response.content.decode()


def test_a_page_beyond_the_last_row_shows_the_last_page(stark_client, books, cap):
    cap(45)
    response = stark_client.get(LIST, {"page": 9999})
    assert shown_pks(response) == sorted(books)[50:]
    assert "57 rows in total" in response.content.decode()


def test_the_exact_count_on_demand(stark_client, books, cap):
    cap(45)
    response = stark_client.get(LIST, {"status": "draft", "page": "2"})
    link = re.search(r'href="([^"]+)" class="stark-exact-count"', response.content.decode()).group(1)
    assert "count=exact" in link and "status=draft" in link and "page=2" in link
    exact = stark_client.get(LIST + link.replace("&amp;", "&"))
    html = exact.content.decode()
    assert f"{Book.objects.filter(status='draft').count()} rows in total" in html
    # The page links do not carry count=exact: the next page is counted the cheap way again.
    assert "count=exact" not in html.split('aria-label="Pages"', 1)[1]


def test_an_exact_count_that_takes_too_long_says_so(stark_client, books, cap, monkeypatch):
    cap(45)
    monkeypatch.setattr(BookHandler, "exact_count_timeout", -1.0)  # already past the deadline
    monkeypatch.setattr("stark.pagination.bounded_exact_count", lambda queryset, timeout: None)
    html = stark_client.get(LIST, {"count": "exact"}).content.decode()
    assert "45+ rows" in html and "counting them all took too long" in html


def test_no_cap_counts_every_row(stark_client, books, cap):
    cap(None)
    assert "57 rows in total" in stark_client.get(LIST).content.decode()


def test_capped_count_queries_do_not_grow_with_rows(stark_client, cap, django_assert_max_num_queries):
    cap(45)
    publisher = PublisherFactory()
    for _n in range(30):
        BookFactory(publisher=publisher)
    stark_client.get(LIST)
    with django_assert_max_num_queries(20) as few:
        stark_client.get(LIST)
    for _n in range(60):
        BookFactory(publisher=publisher)
    with django_assert_max_num_queries(len(few.captured_queries)):
        stark_client.get(LIST, {"page": 3})


def test_the_capped_count_is_a_limited_subquery(stark_client, books, cap, django_assert_max_num_queries):
    cap(45)
    with django_assert_max_num_queries(30) as captured:
        stark_client.get(LIST)
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 46" in sql for sql in counts), counts


def test_bounded_exact_count_gives_up_after_its_timeout(books):
    many = Book.objects.filter(pk__in=Book.objects.values("pk")).filter(title__contains="Book")
    assert bounded_exact_count(many, 5.0) == 57
    if connection.vendor == "mysql":
        slow = Book.objects.extra(where=["SLEEP(0.5) = 0"])  # noqa: S610 - fixed SQL, no input
        assert bounded_exact_count(slow, 0.05) is None
    else:
        # A statement of many steps (57³ joined rows): the deadline is already over when it starts.
        cross = Book.objects.extra(  # noqa: S610 - fixed SQL, no input
            where=["(SELECT COUNT(*) FROM testapp_book a, testapp_book b, testapp_book c) > 0"]
        )
        assert bounded_exact_count(cross, -1.0) is None
        assert bounded_exact_count(cross, 5.0) == 57  # the handler is removed again


def test_a_page_past_the_cap_reads_its_rows_and_the_count_in_one_walk(
    stark_client, books, cap, django_assert_max_num_queries
):
    cap(5)
    with django_assert_max_num_queries(30) as captured:
        response = stark_client.get(LIST, {"page": 2})
    assert shown_pks(response) == sorted(books)[10:20]
    # No COUNT: the walk to the page read the rows of the page and of the window after it, which
    # shows 50 rows exist (10 before the page, 40 from it on) and one more.
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "50+ rows" in response.content.decode()
    assert page_numbers(response) == ["1", "2", "3", "4", "5", "…"]


def test_a_page_past_the_cap_near_the_end_knows_the_exact_total(stark_client, books, cap):
    cap(5)
    response = stark_client.get(LIST, {"page": 5})
    assert shown_pks(response) == sorted(books)[40:50]
    assert "57 rows in total" in response.content.decode()
    assert page_numbers(response) == ["1", "2", "3", "4", "5", "6"]
    # Past the last row the plain count still finds the last page.
    assert shown_pks(stark_client.get(LIST, {"page": 7})) == sorted(books)[50:]


@pytest.mark.parametrize("empty", [lambda: Book.objects.none(), lambda: Book.objects.filter(pk__in=[])])
def test_the_capped_count_of_a_queryset_that_cannot_match_is_zero_without_a_query(books, empty):
    with CaptureQueriesContext(connection) as queries:
        assert capped_count(empty(), 46) == 0
    assert len(queries) == 0
    assert capped_count(Book.objects.all(), 46) == 46 and capped_count(Book.objects.all(), 100) == 57
