"""The declarative ``pages`` option and the public ``reverse_url`` helper."""

import pytest
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from stark.sites import site
from tests.stark.factories import CategoryFactory
from tests.stark.testapp.models import Category, Chapter

pytestmark = pytest.mark.django_db

READONLY = "/stark/testapp/category/readonly"


def test_a_handler_has_only_the_pages_it_declares(stark_client):
    category = CategoryFactory(name="Poetry")
    assert reverse("stark:testapp_category_readonly_change", kwargs={"pk": category.pk})
    for name in ("add", "delete"):
        with pytest.raises(NoReverseMatch):
            reverse(f"stark:testapp_category_readonly_{name}", kwargs={"pk": category.pk} if name == "delete" else {})
    html = stark_client.get(f"{READONLY}/list/").content.decode()
    assert f"{READONLY}/{category.pk}/change/" in html
    assert f"{READONLY}/add/" not in html and f"{READONLY}/{category.pk}/delete/" not in html


def make_request(user, **query):
    request = RequestFactory().get("/", query)
    request.user = user
    return request


def test_reverse_url_carries_the_list_state_and_is_none_when_denied(user, deny):
    handler = site.get_handler(Chapter)
    request = make_request(user, q="sand", page="2")
    url = handler.reverse_url(request, "count", book_id=7)
    assert url == "/stark/testapp/chapter/7/count/?_filter=q%3Dsand%26page%3D2"
    deny({"stark:testapp_chapter_count"})
    assert handler.reverse_url(make_request(user), "count", book_id=7) is None


def test_reverse_url_of_a_page_the_handler_does_not_have_is_none(user, deny):
    handler = site.get_handler(Category, "readonly")
    assert handler.reverse_url(make_request(user), "add") is None
    assert handler.reverse_url(make_request(user), "change", pk=1) == f"{READONLY}/1/change/"
