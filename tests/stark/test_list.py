import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import timezone

from stark.sites import site
from tests.stark.factories import BookFactory, CategoryFactory, PublisherFactory, TagFactory
from tests.stark.testapp.models import Book, Publisher

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"


def titles(response) -> list[str]:
    """Book titles shown in the list's rows, in order (second column after the checkbox)."""
    html = response.content.decode()
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row)[1] for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_columns_render_choices_fk_m2m_dates_bools_and_decimals(stark_client):
    book = BookFactory(
        title="Dune",
        status=Book.Status.PUBLISHED,
        publisher=PublisherFactory(name="Chilton"),
        category=CategoryFactory(name="SF"),
        published=datetime.date(2026, 3, 1),
        created=datetime.datetime(2026, 5, 2, 1, 30, tzinfo=datetime.UTC),
        in_stock=False,
        price=Decimal("12.50"),
    )
    book.tags.add(TagFactory(name="classic"), TagFactory(name="desert"))
    html = stark_client.get(LIST).content.decode()
    row = html.split("<tbody>", 1)[1]
    assert "<td>Published</td>" in row  # choice label, not "published"
    assert "<td>Chilton</td>" in row and "<td>SF</td>" in row
    assert "<td>classic, desert</td>" in row
    assert "<td>03/01/2026</td>" in row
    assert "<td>05/02/2026 9:30 a.m.</td>" in row  # shown in Asia/Shanghai, not UTC
    assert "fa-times text-danger" in row
    assert "<td>12.50</td>" in row
    assert '<th scope="col"><a href="?o=published">Published on</a></th>' in html  # header from verbose_name


def test_dates_follow_the_active_locale(stark_client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    BookFactory(published=datetime.date(2026, 3, 1))
    assert "<td>2026年3月1日</td>" in stark_client.get(LIST).content.decode()


def test_script_in_a_row_is_escaped_everywhere_in_the_list(stark_client):
    evil = "<script>alert(1)</script>"
    book = BookFactory(title=evil, publisher=PublisherFactory(name=evil))
    book.tags.add(TagFactory(name=evil))
    html = stark_client.get(LIST, {"q": evil}).content.decode()
    assert evil not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # the combined-search links (publisher and tag options) are escaped too
    assert 'data-option="publisher"' in html


def test_fuzzy_search_every_word_must_match_some_field(stark_client):
    BookFactory(title="Python cookbook", publisher=PublisherFactory(name="O'Reilly"))
    BookFactory(title="Python basics", publisher=PublisherFactory(name="Manning"))
    BookFactory(title="Rust", summary="a python alternative")
    assert titles(stark_client.get(LIST, {"q": "python reilly"})) == ["Python cookbook"]
    assert sorted(titles(stark_client.get(LIST, {"q": "PYTHON"}))) == ["Python basics", "Python cookbook", "Rust"]
    html = stark_client.get(
        LIST, {"q": "python reilly", "o": "-title", "status": "draft", "page": "2"}
    ).content.decode()
    assert 'name="q" value="python reilly"' in html  # the box keeps its value
    search_form = html.split('class="form-inline mb-3 stark-search"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="o" value="-title">' in search_form
    assert '<input type="hidden" name="status" value="draft">' in search_form
    assert 'name="page"' not in search_form


def test_the_search_box_comes_before_the_filter_buttons(stark_client):
    # Keyboard and screen-reader users meet the box first, not after every filter choice (issue 13).
    html = stark_client.get(LIST).content.decode()
    search = html.index('class="form-inline mb-3 stark-search"')
    filters = html.index("stark-search-group")
    first_filter_link = html.index('data-option="publisher"')
    assert search < filters < first_filter_link


def test_a_search_of_very_many_words_is_not_an_error(stark_client):
    # Each word is one more AND-ed condition; SQLite refuses expressions over 1000 deep.
    BookFactory(title="Python cookbook")
    assert titles(stark_client.get(LIST, {"q": " ".join(["python"] * 1000)})) == ["Python cookbook"]
    assert stark_client.get(LIST, {"q": " ".join(f"w{i}" for i in range(1000))}).status_code == 200


def test_search_across_m2m_does_not_repeat_rows(stark_client):
    book = BookFactory(title="Twice")
    book.tags.add(TagFactory(name="red"), TagFactory(name="reddish"))
    assert titles(stark_client.get(LIST, {"q": "red"})) == ["Twice"]


def test_combined_search_choices_are_ored_and_options_anded(stark_client):
    BookFactory(title="D", status=Book.Status.DRAFT, in_stock=True)
    BookFactory(title="P", status=Book.Status.PUBLISHED, in_stock=True)
    BookFactory(title="A", status=Book.Status.ARCHIVED, in_stock=True)
    BookFactory(title="P-out", status=Book.Status.PUBLISHED, in_stock=False)
    response = stark_client.get(LIST + "?status=draft&status=published&in_stock=1")
    assert titles(response) == ["D", "P"]
    html = response.content.decode()
    # active values are highlighted and clicking one removes just that value
    assert 'href="?in_stock=1&amp;status=published" class="btn btn-sm mr-1 mb-1 btn-primary active"' in html
    assert titles(stark_client.get(LIST + "?in_stock=0")) == ["P-out"]


def test_combined_search_on_fk_and_m2m_and_combined_with_q(stark_client):
    penguin, other = PublisherFactory(name="Penguin"), PublisherFactory(name="Other")
    red, blue = TagFactory(name="red"), TagFactory(name="blue")
    BookFactory(title="Alpha", publisher=penguin).tags.add(red, blue)
    BookFactory(title="Beta", publisher=penguin).tags.add(blue)
    BookFactory(title="Gamma", publisher=other).tags.add(red)
    assert titles(stark_client.get(LIST, {"publisher": penguin.pk})) == ["Alpha", "Beta"]
    assert titles(stark_client.get(LIST + f"?tags={red.pk}&tags={blue.pk}")) == ["Alpha", "Beta", "Gamma"]
    assert titles(stark_client.get(LIST, {"tags": red.pk, "q": "alp"})) == ["Alpha"]


def test_fk_option_respects_limit_choices_to(stark_client):
    CategoryFactory(name="Shown")
    CategoryFactory(name="Retired", active=False)
    html = stark_client.get(LIST).content.decode()
    option = html.split('data-option="category"', 1)[1].split("</div>", 1)[0]
    assert "Shown" in option and "Retired" not in option


def test_db_condition_text_func_and_value_func(stark_client):
    PublisherFactory(name="Penguin")
    PublisherFactory(name="Zed")
    html = stark_client.get("/stark/testapp/book/instock/list/").content.decode()
    option = html.split('data-option="publisher"', 1)[1].split("</div>", 1)[0]
    assert "«Penguin»" in option and "Zed" not in option
    assert "?status=draft" in html and ">DRAFT" in html


@pytest.mark.parametrize(
    "query",
    [
        "status=nonsense",
        "in_stock=maybe",
        "publisher=abc",
        "publisher=999999",
        "tags=-1",
        "published_from=2026-02-30",
        "published_to=yesterday",
        "created_from=x",
        "created_to=9999-12-31",
        "created_from=0001-01-01",
        "o=summary",
        "o=--title",
        "page=x",
    ],
)
def test_invalid_filter_values_are_ignored(stark_client, query):
    BookFactory(title="Only")
    response = stark_client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert titles(response) == ["Only"]


def test_filter_outside_db_condition_is_ignored(stark_client):
    zed = PublisherFactory(name="Zed")
    BookFactory(title="Zed book", publisher=zed)
    BookFactory(title="Penguin book", publisher=PublisherFactory(name="Penguin"))
    response = stark_client.get("/stark/testapp/book/instock/list/", {"publisher": zed.pk})
    assert "Zed book" in response.content.decode() and "Penguin book" in response.content.decode()


def test_date_range_on_date_and_datetime_fields(stark_client):
    BookFactory(
        title="Early",
        published=datetime.date(2026, 1, 5),
        created=timezone.make_aware(datetime.datetime(2026, 1, 5, 23, 30)),
    )
    BookFactory(
        title="Mid",
        published=datetime.date(2026, 2, 5),
        created=timezone.make_aware(datetime.datetime(2026, 2, 5, 0, 10)),
    )
    BookFactory(
        title="Late", published=datetime.date(2026, 3, 5), created=timezone.make_aware(datetime.datetime(2026, 3, 5))
    )
    assert titles(stark_client.get(LIST, {"published_from": "2026-02-01", "published_to": "2026-03-05"})) == [
        "Mid",
        "Late",
    ]
    assert titles(stark_client.get(LIST, {"created_to": "2026-01-05"})) == ["Early"]
    html = stark_client.get(LIST, {"published_from": "2026-02-01", "q": "m"}).content.decode()
    assert 'name="published_from" value="2026-02-01"' in html
    assert '<input type="hidden" name="q" value="m">' in html


def test_facet_counts_use_every_other_filter(stark_client):
    penguin = PublisherFactory(name="Penguin")
    BookFactory(publisher=penguin, status=Book.Status.DRAFT)
    BookFactory(publisher=penguin, status=Book.Status.DRAFT)
    BookFactory(publisher=penguin, status=Book.Status.PUBLISHED)
    BookFactory(publisher=PublisherFactory(name="Pelican"), status=Book.Status.DRAFT)
    html = stark_client.get("/stark/testapp/book/instock/list/", {"publisher": penguin.pk}).content.decode()
    status = html.split('data-option="status"', 1)[1].split("</div>", 1)[0]
    assert re.search(r"DRAFT <span class=\"badge badge-light\">2</span>", status)
    assert re.search(r"PUBLISHED <span class=\"badge badge-light\">1</span>", status)
    publisher = html.split('data-option="publisher"', 1)[1].split("</div>", 1)[0]
    assert re.search(r"«Pelican» <span class=\"badge badge-light\">1</span>", publisher)


def test_no_facet_counts_unless_switched_on(stark_client):
    BookFactory()
    assert "badge-light" not in stark_client.get(LIST).content.decode()


def test_sorting_by_column_both_ways_with_pk_tie_breaker(stark_client):
    first = BookFactory(title="Same", pages=5)
    second = BookFactory(title="Same", pages=5)
    BookFactory(title="Aardvark")
    html = stark_client.get(LIST, {"o": "title"}).content.decode()
    assert titles(stark_client.get(LIST, {"o": "title"})) == ["Aardvark", "Same", "Same"]
    assert titles(stark_client.get(LIST, {"o": "-title"})) == ["Same", "Same", "Aardvark"]
    assert '<a href="?o=-title">Title <i class="fa fa-sort-asc"></i></a>' in html
    pks = [b.pk for b in Book.objects.order_by("-title", "pk")]
    assert pks[:2] == [first.pk, second.pk]


def test_ordering_is_stable_across_pages(stark_client):
    for _ in range(25):
        BookFactory(title="Same")
    seen = []
    for page in (1, 2, 3):
        html = stark_client.get(LIST, {"o": "title", "page": page}).content.decode()
        seen += re.findall(r'name="pk" value="(\d+)"', html)
    assert len(seen) == 25 and len(set(seen)) == 25


@pytest.mark.parametrize(("raw", "expected_first"), [("x", 1), ("-3", 1), ("0", 1), ("999", 3), ("2", 2), ("", 1)])
def test_bad_page_numbers_fall_back_to_first_or_last(stark_client, raw, expected_first):
    books = [BookFactory(title=f"B{i:02d}") for i in range(25)]
    response = stark_client.get(LIST, {"page": raw, "o": "title"})
    assert response.status_code == 200
    assert titles(response)[0] == books[(expected_first - 1) * 10].title


def test_page_links_keep_other_parameters_and_total_is_shown(stark_client):
    for _ in range(25):
        BookFactory(title="Kept", status=Book.Status.DRAFT)
    html = stark_client.get(LIST, {"q": "kept", "status": "draft", "o": "-title"}).content.decode()
    assert 'href="?q=kept&amp;status=draft&amp;o=-title&amp;page=2"' in html
    assert "25 rows in total" in html


def test_list_links_carry_the_list_state_in_filter(stark_client):
    book = BookFactory()
    html = stark_client.get(LIST, {"q": "Book", "page": "1"}).content.decode()
    assert f'href="/stark/testapp/book/{book.pk}/change/?_filter=q%3DBook%26page%3D1"' in html
    assert 'href="/stark/testapp/book/add/?_filter=q%3DBook%26page%3D1"' in html


def test_get_queryset_scopes_the_list(stark_client):
    BookFactory(title="In", in_stock=True)
    BookFactory(title="Out", in_stock=False)
    html = stark_client.get("/stark/testapp/book/instock/list/").content.decode()
    assert "In" in html and ">Out<" not in html


def test_default_handler_lists_str_with_edit_and_delete(stark_client):
    publisher = PublisherFactory(name="Default Press")
    html = stark_client.get("/stark/testapp/publisher/list/").content.decode()
    assert "<td>Default Press</td>" in html
    assert reverse("stark:testapp_publisher_change", kwargs={"pk": publisher.pk}) in html
    assert reverse("stark:testapp_publisher_add") in html


def test_route_prefix_kwargs_reach_hooks_and_links(stark_client):
    book = BookFactory()
    chapter = book.chapters.create(title="Intro")
    BookFactory().chapters.create(title="Elsewhere")
    html = stark_client.get(f"/stark/testapp/chapter/{book.pk}/list/").content.decode()
    assert "Intro" in html and "Elsewhere" not in html
    assert f"/stark/testapp/chapter/{book.pk}/{chapter.pk}/change/" in html
    assert stark_client.get(f"/stark/testapp/chapter/{book.pk}/count/").content == b"1"


def _fill(n: int) -> None:
    publishers = [PublisherFactory() for _ in range(3)]
    tags = [TagFactory() for _ in range(3)]
    category = CategoryFactory()
    for i in range(n):
        book = BookFactory(publisher=publishers[i % 3], category=category)
        book.tags.add(*tags[: i % 3 + 1])


@pytest.mark.parametrize("rows", [10, 100])
def test_query_count_is_constant_in_rows_shown(stark_client, django_assert_max_num_queries, monkeypatch, rows):
    _fill(rows)
    handler = site.get_handler(Book)
    monkeypatch.setattr(handler, "per_page", rows)
    # session + user + rbac lookups, then count + rows + tags prefetch + one query per FK/M2M option
    with django_assert_max_num_queries(12) as captured:
        response = stark_client.get(LIST, {"q": "Book"})
    assert len(titles(response)) == rows
    stark_queries = [q["sql"] for q in captured.captured_queries if "testapp_" in q["sql"]]
    # count, the page's pks, its rows, tags prefetch, 3 options (publisher, category, tags)
    assert len(stark_queries) == 7, stark_queries


def test_display_function_with_order_field_is_sortable(stark_client):
    BookFactory(title="Short", pages=10)
    BookFactory(title="Long", pages=900)
    url = "/stark/testapp/book/instock/list/"
    html = stark_client.get(url, {"o": "display_length"}).content.decode()
    assert html.index("Long") < html.index("Short")  # unknown sort key: default order_list (-pages)
    html = stark_client.get(url, {"o": "pages"}).content.decode()
    assert html.index("Short") < html.index("Long")
    assert '<a href="?o=-pages">Length <i class="fa fa-sort-asc"></i></a>' in html
    assert "<b>10</b> pages" in html


@pytest.mark.parametrize("rows", [10, 100])
def test_plain_list_costs_a_count_and_its_page_then_pks_and_rows_further_on(
    stark_client, django_assert_max_num_queries, monkeypatch, rows
):
    for _ in range(rows + 1):
        PublisherFactory()
    monkeypatch.setattr(site.get_handler(Publisher), "per_page", rows)
    with django_assert_max_num_queries(8) as captured:
        response = stark_client.get("/stark/testapp/publisher/list/")
    assert response.content.decode().count("<tr>") == rows + 1
    # Page 1 without FK columns: the rows at once; page 2: its pks, then those rows.
    assert len([q for q in captured.captured_queries if "testapp_" in q["sql"]]) == 2
    with django_assert_max_num_queries(8) as captured:
        response = stark_client.get("/stark/testapp/publisher/list/", {"page": 2})
    assert response.content.decode().count("<tr>") == 2
    assert len([q for q in captured.captured_queries if "testapp_" in q["sql"]]) == 3


def test_list_keeps_chinese_words_and_dates_whole_on_narrow_screens(stark_client):
    # Without it a 1024px screen split names, statuses and dates (2026年11月\n26日) over two lines.
    BookFactory()
    html = stark_client.get(LIST).content.decode()
    assert 'href="/static/stark/list.css"' in html
    css = Path(finders.find("stark/list.css")).read_text(encoding="utf-8")
    assert re.search(r"\.stark-table td[^{]*\{[^}]*word-break:\s*keep-all", css)
    assert 'class="table-responsive"' in html  # too wide a table scrolls instead


def test_list_title_defaults_to_the_plural_name_and_a_handler_can_name_the_parent(stark_client):
    book = BookFactory(title="Dune <b>")
    assert (
        '<h1 class="h4 mb-0 mr-auto">Publishers</h1>'
        in stark_client.get("/stark/testapp/publisher/list/").content.decode()
    )
    html = stark_client.get(f"/stark/testapp/chapter/{book.pk}/list/").content.decode()
    assert "Chapters of Dune &lt;b&gt;" in html


def test_an_option_with_more_choices_than_max_links_is_a_drop_down_that_keeps_the_other_filters(stark_client):
    publishers = [PublisherFactory(name=f"house {n:02d}") for n in range(31)]  # Option.max_links is 30
    PublisherFactory(name="<b>bold</b>")
    chosen = publishers[7]
    BookFactory(title="Alpha", publisher=chosen, status=Book.Status.DRAFT)
    BookFactory(title="Beta", publisher=chosen, status=Book.Status.PUBLISHED)
    BookFactory(title="Gamma", publisher=publishers[8], status=Book.Status.DRAFT)
    response = stark_client.get(LIST, {"publisher": chosen.pk, "status": "draft", "page": "1"})
    assert titles(response) == ["Alpha"]
    html = response.content.decode()
    row = html.split('data-option="publisher"', 1)[1].split("</form>", 1)[0]
    assert '<form method="get" class="form-inline stark-filter-select">' in row
    assert "<a " not in row  # no link per choice
    # The other filters ride along as hidden inputs; the page number and the option itself do not.
    assert '<input type="hidden" name="status" value="draft">' in row
    assert 'name="page"' not in row and 'type="hidden" name="publisher"' not in row
    assert f'<option value="{chosen.pk}" selected>house 07</option>' in row
    assert '<option value="" >' not in row and '<option value="">All</option>' in row
    assert "&lt;b&gt;bold&lt;/b&gt;" in row and "<b>bold" not in row
    assert row.count("<option ") == 1 + Publisher.objects.count()
    # Choosing "All" in the drop-down sends publisher= (empty), which shows every publisher's rows.
    assert titles(stark_client.get(LIST, {"publisher": "", "status": "draft"})) == ["Alpha", "Gamma"]


def test_an_option_at_max_links_choices_stays_a_row_of_links(stark_client):
    for n in range(30):
        PublisherFactory(name=f"house {n:02d}")
    html = stark_client.get(LIST).content.decode()
    row = html.split('data-option="publisher"', 1)[1].split("</div>", 1)[0]
    assert "stark-filter-select" not in row and row.count("<a ") == 31  # "All" and 30 publishers


def test_many_to_many_cells_show_each_rows_related_rows_in_their_order_from_one_query(stark_client):
    zeta, alpha = TagFactory(name="zeta"), TagFactory(name="alpha")  # Tag orders by id: zeta first
    BookFactory(title="Both").tags.add(alpha, zeta)
    BookFactory(title="One").tags.add(alpha)
    BookFactory(title="None")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    stark_client.get(LIST)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as captured:
        html = stark_client.get(LIST, {"o": "title"}).content.decode()

    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    assert [re.search(r"<td>(Both|None|One)</td>", row).group(1) for row in rows] == ["Both", "None", "One"]
    assert "<td>zeta, alpha</td>" in rows[0]
    assert "alpha" not in rows[1] and "zeta" not in rows[1]
    assert "<td>alpha</td>" in rows[2]
    assert len([q for q in captured if "testapp_book_tags" in q["sql"]]) == 1  # the filter row reads tags too
