"""Lists have previous / next links and a page-number box that keep the list's filters (issue 13)."""

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict

from stark.pagination import page_navigation
from tests.stark.factories import BookFactory
from tests.stark.testapp.models import Book


def test_previous_and_next_keep_every_other_parameter():
    page = Paginator(list(range(100)), 20).page(3)
    nav = page_navigation(page, QueryDict("q=王&o=-name&page=3"))
    assert QueryDict(nav.previous_url[1:]) == QueryDict("q=王&o=-name&page=2")
    assert QueryDict(nav.next_url[1:]) == QueryDict("q=王&o=-name&page=4")
    assert ("q", "王") in nav.hidden and ("o", "-name") in nav.hidden
    assert all(key != "page" for key, _value in nav.hidden)
    assert (nav.number, nav.last) == (3, 5)


def test_no_previous_on_the_first_page_and_no_next_on_the_last():
    paginator = Paginator(list(range(40)), 20)
    assert page_navigation(paginator.page(1), QueryDict("")).previous_url is None
    assert page_navigation(paginator.page(2), QueryDict("")).next_url is None


@pytest.mark.django_db
def test_the_list_page_shows_next_and_a_page_box_that_keeps_the_filters(stark_client):
    for _ in range(25):
        BookFactory(title="Kept", status=Book.Status.DRAFT)
    html = stark_client.get("/stark/testapp/book/list/", {"q": "kept", "o": "-title"}).content.decode()
    assert 'rel="next"' in html and 'href="?q=kept&amp;o=-title&amp;page=2"' in html
    box = html.split('class="form-inline ml-2 stark-page-box"', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="q" value="kept">' in box and 'name="page"' in box
