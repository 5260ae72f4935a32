"""The list's shortcuts give exactly what the plain way gives: cell HTML per column, URLs reversed once."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape

from stark.display import field_text, html_converter
from stark.utils import cached_reverse
from tests.stark.factories import BookFactory, ChapterFactory, TagFactory
from tests.stark.testapp.models import Book

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"


def test_cell_html_of_every_field_kind_equals_the_escaped_field_text():
    book = BookFactory(
        title="<b>Tom & Jerry</b>",
        summary="",
        pages=1234,
        price=Decimal("19.90"),
        published=datetime.date(2026, 3, 1),
        created=timezone.now(),
        status=Book.Status.PUBLISHED,
        category=None,
    )
    book.tags.add(TagFactory(name="<i>x</i>"))
    book = Book.objects.prefetch_related("tags").select_related("publisher").get(pk=book.pk)
    for name in [
        "title",
        "summary",
        "pages",
        "price",
        "published",
        "created",
        "status",
        "publisher",
        "category",
        "tags",
    ]:
        field = Book._meta.get_field(name)
        assert html_converter(field)(book) == conditional_escape(field_text(book, field)), name
    assert "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" == html_converter(Book._meta.get_field("title"))(book)


def test_a_choice_outside_the_choices_and_booleans_render_as_before():
    book = BookFactory(status="<odd>", in_stock=False)
    assert html_converter(Book._meta.get_field("status"))(book) == "&lt;odd&gt;"
    icon = html_converter(Book._meta.get_field("in_stock"))(book)
    assert 'role="img"' in icon and "fa-times" in icon


@pytest.mark.parametrize(
    ("viewname", "args", "kwargs"),
    [
        ("stark:testapp_book_change", (), {"pk": 7}),
        ("stark:testapp_book_change", (), {"pk": 918_273_645_546_372_819}),  # the marker itself
        ("stark:testapp_book_list", (), {}),
        ("stark:testapp_chapter_count", (), {"book_id": 0}),
        ("stark:testapp_book_change", (12,), {}),
    ],
)
def test_cached_reverse_equals_reverse(rf, viewname, args, kwargs):
    request = rf.get("/")
    for _ in range(2):  # the second call comes from the cache
        assert cached_reverse(request, viewname, args, kwargs) == reverse(viewname, args=args, kwargs=kwargs)


def test_cached_reverse_fills_each_row_with_its_own_numbers(rf):
    request = rf.get("/")
    urls = [cached_reverse(request, "stark:testapp_book_change", kwargs={"pk": pk}) for pk in (1, 22, 333)]
    assert urls == [reverse("stark:testapp_book_change", kwargs={"pk": pk}) for pk in (1, 22, 333)]


def test_list_rows_are_rendered_escaped_in_the_table(stark_client):
    BookFactory(title="<script>alert(1)</script>")
    ChapterFactory()
    html = stark_client.get(LIST).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    assert body.count("<tr>") == Book.objects.count()
