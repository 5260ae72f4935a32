"""Who may open which URL: the middleware matrix."""

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests.permissions import grant_permissions
from tests.rbac.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.rbac.urls")]


def test_anonymous_is_sent_to_login_with_a_local_next(client):
    response = client.get("/demo/items/?page=2")
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/demo/items/%3Fpage%3D2"


@pytest.mark.parametrize("name", ["login", "health"])
def test_whitelisted_names_open_for_anonymous(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.skipif("web" not in settings.INSTALLED_APPS, reason="the CRM's static files (whitenoise)")
def test_static_paths_are_whitelisted(client):
    assert client.get("/static/luffy/layout.css").status_code == 200


def test_logged_in_user_without_roles_gets_403_page(client, clerk):
    client.force_login(clerk)
    response = client.get("/demo/items/")
    assert response.status_code == 403
    assert "403" in response.content.decode()


@pytest.mark.parametrize("name", ["home", "password_change"])
def test_login_only_pages_open_for_any_logged_in_user(client, clerk, name):
    client.force_login(clerk)
    assert client.get(reverse(name)).status_code == 200


def test_login_only_pages_still_need_login(client):
    assert client.get(reverse("home")).status_code == 302


def test_role_with_the_permission_opens_the_page(client, clerk):
    grant_permissions(clerk, "demo:item_list")
    client.force_login(clerk)
    assert client.get("/demo/items/").status_code == 200


def test_role_without_the_permission_gets_403(client, clerk):
    grant_permissions(clerk, "demo:item_list")
    client.force_login(clerk)
    assert client.get("/demo/items/add/").status_code == 403


def test_namespaced_names_are_checked_with_their_full_namespace(client, clerk):
    grant_permissions(clerk, "summary")  # a bare name must not grant demo:reports:summary
    client.force_login(clerk)
    assert client.get("/demo/reports/summary/").status_code == 403
    grant_permissions(clerk, "demo:reports:summary")
    assert client.get("/demo/reports/summary/").status_code == 200


def test_unnamed_url_is_refused_to_logged_in_users(client, clerk):
    client.force_login(clerk)
    assert client.get("/unnamed/").status_code == 403
    assert client.get("/demo/reports/raw/").status_code == 403


@override_settings(RBAC_WHITELIST_PATHS=["/static/", "/unnamed/"])
def test_unnamed_url_passes_when_its_path_is_whitelisted(client, clerk):
    client.force_login(clerk)
    assert client.get("/unnamed/").status_code == 200


def test_unknown_path_is_a_404_not_a_403(client, clerk):
    client.force_login(clerk)
    assert client.get("/no/such/page/").status_code == 404


def test_superuser_without_roles_is_refused_by_default(client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/demo/items/").status_code == 403


@override_settings(RBAC_SUPERUSER_BYPASS=True)
def test_superuser_passes_when_the_bypass_setting_is_on(client, clerk):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/demo/items/").status_code == 200
    client.force_login(clerk)
    assert client.get("/demo/items/").status_code == 403
