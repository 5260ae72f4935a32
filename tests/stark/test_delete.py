import pytest
from django.test import Client

from tests.stark.conftest import grant_all_testapp_pages
from tests.stark.factories import BookFactory, ChapterFactory, PublisherFactory, TagFactory
from tests.stark.testapp.models import Book, Chapter, Publisher

pytestmark = pytest.mark.django_db


def test_delete_asks_first_then_deletes_and_returns_to_the_list(stark_client):
    book = BookFactory(title="Goner")
    url = f"/stark/testapp/book/{book.pk}/delete/?_filter=q%3DGo"
    page = stark_client.get(url)
    assert page.status_code == 200 and "Goner" in page.content.decode()
    assert Book.objects.filter(pk=book.pk).exists()
    response = stark_client.post(url)
    assert response["Location"] == "/stark/testapp/book/list/?q=Go"
    assert not Book.objects.filter(pk=book.pk).exists()


def test_cascade_summary_counts_and_names_only_a_few(stark_client):
    book = BookFactory()
    book.tags.add(TagFactory())
    for i in range(12):
        ChapterFactory(book=book, title=f"Chapter {i:02d}")
    html = stark_client.get(f"/stark/testapp/book/{book.pk}/delete/").content.decode()
    assert "chapters: 12" in html
    assert "Chapter 00, Chapter 01, Chapter 02" in html and "Chapter 03" not in html
    assert "and 9 more" in html
    assert "book-tag" not in html.lower()  # M2M link rows are not listed as data


def test_protected_row_gives_a_clear_message_not_500(stark_client):
    publisher = PublisherFactory(name="Busy Press")
    BookFactory(publisher=publisher, title="Still here")
    url = f"/stark/testapp/publisher/{publisher.pk}/delete/"
    page = stark_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "cannot be deleted" in html and "Still here" in html
    assert "Yes, delete" not in html
    response = stark_client.post(url)
    assert response.status_code == 200 and "cannot be deleted" in response.content.decode()
    assert Publisher.objects.filter(pk=publisher.pk).exists()


def test_delete_page_escapes_names(stark_client):
    evil = "<script>alert(1)</script>"
    book = BookFactory(title=evil)
    ChapterFactory(book=book, title=evil)
    html = stark_client.get(f"/stark/testapp/book/{book.pk}/delete/").content.decode()
    assert evil not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 2


def test_delete_without_csrf_token_is_refused(user):
    book = BookFactory()
    grant_all_testapp_pages(user)
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert csrf_client.post(f"/stark/testapp/book/{book.pk}/delete/").status_code == 403
    assert Book.objects.filter(pk=book.pk).exists()
    assert Chapter.objects.count() == 0
