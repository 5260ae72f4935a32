"""stark's DefaultOption (a value chosen when the URL names none) and Option(select_related=...)."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from stark.search import DefaultOption, Option
from tests.stark.factories import BookFactory, PublisherFactory
from tests.stark.testapp.models import Book, Chapter

pytestmark = pytest.mark.django_db


def bind(option, query: dict):
    bound = option.bind(Book, RequestFactory().get("/", query))
    bound.build_links(RequestFactory().get("/", query).GET)
    return bound


def test_default_option_selects_its_default_when_the_url_names_none():
    bound = bind(DefaultOption("status", default="draft"), {})
    assert bound.selected == ["draft"]
    BookFactory(status="draft")
    BookFactory(status="published")
    assert list(bound.filter(Book.objects.all()).values_list("status", flat=True)) == ["draft"]


def test_default_option_all_link_sends_an_empty_value_that_shows_every_row():
    bound = bind(DefaultOption("status", default="draft"), {})
    all_link = bound.links[0]
    assert all_link.url == "?status=" and not all_link.is_active
    shown = bind(DefaultOption("status", default="draft"), {"status": ""})
    assert shown.selected == [] and shown.links[0].is_active


def test_default_option_keeps_a_value_the_url_chose():
    assert bind(DefaultOption("status", default="draft"), {"status": "published"}).selected == ["published"]


def test_select_related_loads_the_choices_with_their_relation_in_one_query():
    for n in range(3):
        BookFactory(title=f"book {n}", publisher=PublisherFactory(name=f"publisher {n}"))
    option = Option("book", select_related=("publisher",), text_func=lambda book: f"{book} / {book.publisher}")
    with CaptureQueriesContext(connection) as queries:
        bound = option.bind(Chapter, RequestFactory().get("/"))
    assert [text for _value, _lookup, text in bound.choices] == [f"book {n} / publisher {n}" for n in range(3)]
    assert len(queries) == 1


def test_text_field_reads_a_relations_choices_as_pairs_without_instances():
    books = [BookFactory(title=f"book {n}") for n in range(3)]
    option = Option("book", text_field="title", text_func=lambda pair: f"#{pair[0]} {pair[1]}")
    with CaptureQueriesContext(connection) as queries:
        bound = option.bind(Chapter, RequestFactory().get("/", {"book": books[1].pk}))
    # Whether there are more than max_links (unsorted, LIMIT 31), then the choices' (pk, title).
    assert len(queries) == 2 and "`title`" in queries[1]["sql"].replace('"', "`")
    assert [(value, text) for value, _lookup, text in bound.choices] == [
        (str(book.pk), f"#{book.pk} book {n}") for n, book in enumerate(books)
    ]
    assert bound.selected == [str(books[1].pk)]
    chapter = Chapter.objects.create(book=books[1], title="one")
    Chapter.objects.create(book=books[2], title="two")
    assert list(bound.filter(Chapter.objects.all())) == [chapter]


def test_a_multi_option_above_max_links_is_a_multiple_select_with_every_chosen_value_selected():
    option = Option("status", is_multi=True, max_links=1)
    bound = bind(option, {"status": ["draft", "published"], "q": "x", "page": "3"})
    assert bound.kind == "select" and bound.links == []
    assert bound.hidden == [("q", "x")]
    html = str(bound.options_html)
    assert '<option value="draft" selected>' in html and '<option value="published" selected>' in html
    assert '<option value="" >' not in html and '<option value="">' in html


def test_a_default_option_as_a_drop_down_selects_its_default_and_offers_all_as_the_empty_value():
    bound = bind(DefaultOption("status", default="draft", max_links=1), {})
    assert bound.kind == "select"
    html = str(bound.options_html)
    assert '<option value="draft" selected>' in html and '<option value="">' in html


def test_a_relation_above_max_links_is_a_search_box_that_reads_only_the_chosen_and_the_matches():
    books = [BookFactory(title=f"Dune {n}") for n in range(3)] + [
        BookFactory(title="Emma"),
        BookFactory(title="DUNE X"),
    ]
    option = Option("book", text_field="title", max_links=2)
    with CaptureQueriesContext(connection) as queries:
        bound = option.bind(Chapter, RequestFactory().get("/", {"book": books[3].pk}))
    assert bound.kind == "search" and bound.search.term == ""
    assert [text for _value, _lookup, text in bound.choices] == ["Emma"]  # only the chosen one
    assert bound.selected == [str(books[3].pk)]
    assert len(queries) == 2  # max_links + 1 rows to see it is big, then the chosen one

    found = option.bind(Chapter, RequestFactory().get("/", {"book_find": "dune", "page": "4", "q": "x"}))
    assert found.search.more and found.search.found == 2  # four titles contain "dune" in any case
    assert len(found.choices) == 2 and all("dune" in text.lower() for _v, _l, text in found.choices)
    found.build_links(RequestFactory().get("/", {"book_find": "dune", "page": "4", "q": "x"}).GET)
    assert found.search.hidden == [("q", "x")]
    assert all("book_find" not in link.url and "page=" not in link.url for link in found.links)
    assert found.links[1].url == f"?q=x&book={found.choices[0][0]}"


def test_a_search_option_ignores_a_value_that_is_not_one_of_its_choices():
    books = [BookFactory(title=f"book {n}") for n in range(4)]
    option = Option("book", text_field="title", max_links=2, db_condition={"title__in": ["book 0", "book 1", "book 2"]})
    for value in (str(books[3].pk), "junk", "-5", "99999999999999999999999"):
        bound = option.bind(Chapter, RequestFactory().get("/", {"book": value}))
        assert bound.kind == "search" and bound.selected == [] and bound.choices == []
    chosen = option.bind(Chapter, RequestFactory().get("/", {"book": [books[1].pk, books[2].pk]}))
    assert chosen.selected == [str(books[1].pk)]  # a single-choice option keeps the first
    mine = Chapter.objects.create(book=books[1], title="one")
    Chapter.objects.create(book=books[2], title="two")
    assert list(chosen.filter(Chapter.objects.all())) == [mine]


def test_a_search_that_matches_nothing_says_so_and_keeps_the_chosen_value():
    books = [BookFactory(title=f"book {n}") for n in range(3)]
    bound = Option("book", text_field="title", max_links=2).bind(
        Chapter, RequestFactory().get("/", {"book": books[0].pk, "book_find": "zzz"})
    )
    assert bound.search.found == 0 and not bound.search.more
    assert bound.selected == [str(books[0].pk)]
