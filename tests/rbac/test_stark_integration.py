"""rbac as stark's permission hook: generated buttons, columns and actions follow the user's roles."""

import pytest

from tests.permissions import grant_permissions
from tests.stark.factories import BookFactory
from tests.stark.testapp.models import Book

pytestmark = pytest.mark.django_db

LIST = "/stark/testapp/book/list/"


@pytest.fixture
def reader(client, clerk, settings):
    settings.STARK_PERMISSION_CHECK = "rbac.permissions.stark_has_permission"
    grant_permissions(clerk, "stark:testapp_book_list", "stark:testapp_book_change", "stark:testapp_book_multi_archive")
    client.force_login(clerk)
    return client


def test_list_shows_only_the_buttons_and_actions_the_roles_hold(reader):
    book = BookFactory()
    html = reader.get(LIST).content.decode()
    assert f"/stark/testapp/book/{book.pk}/change/" in html
    assert f"/stark/testapp/book/{book.pk}/delete/" not in html
    assert "/stark/testapp/book/add/" not in html
    assert 'value="multi_archive"' in html and 'value="multi_delete"' not in html


def test_an_action_the_user_lacks_is_refused_on_post(reader):
    book = BookFactory()
    response = reader.post(LIST, {"action": "multi_delete", "pk": book.pk, "confirm": "yes"})
    assert response.status_code == 403
    assert reader.post("/stark/testapp/book/list/multi_delete/", {"pk": book.pk}).status_code == 403
    assert Book.objects.filter(pk=book.pk).exists()


def test_granting_delete_shows_the_button_on_the_next_request(reader, clerk):
    book = BookFactory()
    assert f"/stark/testapp/book/{book.pk}/delete/" not in reader.get(LIST).content.decode()
    grant_permissions(clerk, "stark:testapp_book_delete")
    assert f"/stark/testapp/book/{book.pk}/delete/" in reader.get(LIST).content.decode()
    assert reader.get(f"/stark/testapp/book/{book.pk}/delete/").status_code == 200
