"""Data scopes: the scope hook says which rows a page shows; every view starts from them."""

import pytest
from django.contrib.auth import get_user_model

from tests.stark import permission_hooks
from tests.stark.factories import BookFactory
from tests.stark.testapp.models import Book

pytestmark = pytest.mark.django_db

SCOPED = "/stark/testapp/book/scoped"


@pytest.fixture
def scopes(settings):
    settings.STARK_SCOPE_CHECK = "tests.stark.permission_hooks.scope_listed"
    permission_hooks.SCOPES.clear()
    yield permission_hooks.SCOPES
    permission_hooks.SCOPES.clear()


@pytest.fixture
def books(user):
    other = get_user_model().objects.create_user(username="bob", password="x" * 12)  # noqa: S106
    return BookFactory(title="Mine", owner=user), BookFactory(title="Theirs", owner=other)


def own_everywhere(scopes):
    for name in ("list", "change", "delete", "multi_delete"):
        scopes[f"stark:testapp_book_scoped_{name}"] = "own"


def test_with_scope_all_the_list_shows_every_row(stark_client, scopes, books):
    html = stark_client.get(f"{SCOPED}/list/").content.decode()
    assert "Mine" in html and "Theirs" in html


def test_with_scope_own_the_list_shows_only_the_users_rows(stark_client, scopes, books):
    own_everywhere(scopes)
    html = stark_client.get(f"{SCOPED}/list/").content.decode()
    assert "Mine" in html and "Theirs" not in html


def test_with_scope_own_another_users_row_is_404_get_and_post(stark_client, scopes, books):
    own_everywhere(scopes)
    mine, theirs = books
    assert stark_client.get(f"{SCOPED}/{theirs.pk}/change/").status_code == 404
    assert stark_client.post(f"{SCOPED}/{theirs.pk}/change/", {"title": "x"}).status_code == 404
    assert stark_client.post(f"{SCOPED}/{theirs.pk}/delete/").status_code == 404
    assert stark_client.get(f"{SCOPED}/{mine.pk}/change/").status_code == 200


def test_with_scope_own_select_all_touches_only_the_users_rows(stark_client, scopes, books):
    own_everywhere(scopes)
    data = {"action": "multi_delete", "select_across": "1", "confirm": "yes"}
    assert stark_client.post(f"{SCOPED}/list/", data).status_code == 302
    assert list(Book.objects.values_list("title", flat=True)) == ["Theirs"]


def test_a_scope_the_handler_does_not_define_does_not_narrow(stark_client, scopes, books):
    scopes["stark:testapp_book_scoped_list"] = "department"  # ScopedBookHandler defines only "own"
    html = stark_client.get(f"{SCOPED}/list/").content.decode()
    assert "Mine" in html and "Theirs" in html


def test_a_handler_without_scope_lookups_is_not_narrowed(stark_client, scopes, books):
    scopes["stark:testapp_book_list"] = "own"
    html = stark_client.get("/stark/testapp/book/list/").content.decode()
    assert "Mine" in html and "Theirs" in html
