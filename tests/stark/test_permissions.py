import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve

from stark.sites import site
from tests.stark.factories import BookFactory
from tests.stark.testapp.models import Book

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"


def test_without_a_hook_everything_is_allowed(stark_client, settings):
    settings.STARK_PERMISSION_CHECK = None
    BookFactory()
    html = stark_client.get(LIST).content.decode()
    assert "fa-edit" in html and "fa-trash" in html and 'value="multi_delete"' in html


def test_denied_add_change_delete_remove_buttons_and_columns(stark_client, deny):
    book = BookFactory()
    deny({"stark:testapp_book_add", "stark:testapp_book_change", "stark:testapp_book_delete"})
    html = stark_client.get(LIST).content.decode()
    assert "/stark/testapp/book/add/" not in html
    assert f"/stark/testapp/book/{book.pk}/" not in html
    assert ">Actions</th>" not in html  # the edit+delete column is gone, not empty


def test_denied_delete_keeps_edit(stark_client, deny):
    book = BookFactory()
    deny({"stark:testapp_book_delete"})
    html = stark_client.get(LIST).content.decode()
    assert f"/stark/testapp/book/{book.pk}/change/" in html
    assert f"/stark/testapp/book/{book.pk}/delete/" not in html


def test_denied_action_is_hidden_and_refused_with_403(stark_client, deny):
    book = BookFactory()
    deny({"stark:testapp_book_multi_delete"})
    html = stark_client.get(LIST).content.decode()
    assert 'value="multi_delete"' not in html and 'value="multi_archive"' in html
    response = stark_client.post(LIST, {"action": "multi_delete", "pk": book.pk, "confirm": "yes"})
    assert response.status_code == 403
    assert stark_client.post("/stark/testapp/book/list/multi_delete/", {"pk": book.pk}).status_code == 403
    assert Book.objects.filter(pk=book.pk).exists()


def test_no_allowed_action_means_no_checkbox_column(stark_client, deny):
    BookFactory()
    deny({"stark:testapp_book_multi_delete", "stark:testapp_book_multi_archive", "stark:testapp_book_multi_titles"})
    html = stark_client.get(LIST).content.decode()
    assert 'name="pk"' not in html and 'name="action"' not in html


def test_denied_pages_are_refused_too(stark_client, deny):
    book = BookFactory()
    deny({"stark:testapp_book_change", "stark:testapp_book_add"})
    assert stark_client.get(f"/stark/testapp/book/{book.pk}/change/").status_code == 403
    assert stark_client.post("/stark/testapp/book/add/", {}).status_code == 403


def test_anonymous_user_is_sent_to_login(client, db):
    # With or without a permission hook (the standalone run has none): stark's pages need a login.
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert client.post("/stark/testapp/book/add/", {"title": "x"}).status_code == 302
    assert not Book.objects.exists()


def test_login_can_be_made_optional_for_a_public_list(db, settings):
    # Called past any project middleware: only stark's own guard decides.
    settings.STARK_PERMISSION_CHECK = None
    request = RequestFactory().get(LIST)
    request.user = AnonymousUser()
    match = resolve(LIST)
    request.resolver_match = match
    assert match.func(request, *match.args, **match.kwargs).status_code == 302
    settings.STARK_LOGIN_REQUIRED = False
    assert match.func(request, *match.args, **match.kwargs).status_code == 200


def test_reverse_helpers_return_none_when_denied(user, deny):
    handler = site.get_handler(Book)

    def make_request():
        request = RequestFactory().get(LIST, {"q": "x"})
        request.user = user
        return request

    request = make_request()
    assert handler.reverse_change_url(request, 5) == "/stark/testapp/book/5/change/?_filter=q%3Dx"
    assert handler.reverse_list_url(request) == LIST
    deny({"stark:testapp_book_change"})
    request = make_request()
    assert handler.reverse_change_url(request, 5) is None
    assert handler.reverse_delete_url(request, 5) == "/stark/testapp/book/5/delete/?_filter=q%3Dx"


def test_reverse_list_url_restores_the_state_from_filter(user, deny):
    handler = site.get_handler(Book)
    request = RequestFactory().get("/stark/testapp/book/1/change/", {"_filter": "q=x&page=2"})
    request.user = user
    assert handler.reverse_list_url(request) == LIST + "?q=x&page=2"
    # links from a change page keep the original list state instead of nesting it
    assert handler.reverse_delete_url(request, 1) == "/stark/testapp/book/1/delete/?_filter=q%3Dx%26page%3D2"


def test_the_hook_is_asked_once_per_url_name_per_request(stark_client, settings, monkeypatch):
    from tests.stark import permission_hooks

    calls = []
    monkeypatch.setattr(permission_hooks, "deny_listed", lambda request, name: calls.append(name) or True)
    settings.STARK_PERMISSION_CHECK = "tests.stark.permission_hooks.deny_listed"
    for _ in range(5):
        BookFactory()
    stark_client.get(LIST)
    assert calls.count("stark:testapp_book_change") == 1
