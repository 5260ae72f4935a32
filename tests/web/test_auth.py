"""Logging in and out, changing one's own password."""

import pytest
from django.http import HttpRequest
from django.urls import reverse

from tests.factories import DEFAULT_TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_the_right_password_opens_a_session_and_lands_home(client):
    UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": DEFAULT_TEST_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert "_auth_user_id" in client.session


def test_login_with_a_wrong_password_shows_an_error_and_opens_no_session(client):
    UserFactory(username="alice")
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong-password"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_login_follows_a_local_next_but_not_another_host(client):
    UserFactory(username="alice")
    data = {"username": "alice", "password": DEFAULT_TEST_PASSWORD}
    response = client.post(reverse("login") + "?next=/password/", data)
    assert response.url == "/password/"
    client.logout()
    response = client.post(reverse("login") + "?next=https://evil.example/", data)
    assert response.url == reverse("home")


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_logout_by_get_is_refused_and_keeps_the_session(logged_in_client):
    response = logged_in_client.get(reverse("logout"))
    assert response.status_code == 405
    assert "_auth_user_id" in logged_in_client.session


def test_logout_by_post_ends_the_session(logged_in_client):
    response = logged_in_client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in logged_in_client.session


def test_logout_without_csrf_token_is_refused(user):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(user)
    assert csrf_client.post(reverse("logout")).status_code == 403


def test_password_change_stores_a_hash_and_the_new_password_works(client, user):
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_TEST_PASSWORD,
            "new_password1": "Tr0pical-Mango-42",
            "new_password2": "Tr0pical-Mango-42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert "Tr0pical-Mango-42" not in user.password
    assert user.check_password("Tr0pical-Mango-42")
    client.logout()
    assert client.login(request=HttpRequest(), username="alice", password="Tr0pical-Mango-42")


def test_password_change_with_wrong_old_password_is_a_field_error(logged_in_client, user):
    response = logged_in_client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "Tr0pical-Mango-42", "new_password2": "Tr0pical-Mango-42"},
    )
    assert response.status_code == 200
    assert "old_password" in response.context["form"].errors
    user.refresh_from_db()
    assert user.check_password(DEFAULT_TEST_PASSWORD)


def test_health_check_answers_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_password_page_breadcrumb_leads_home_and_names_the_page(logged_in_client):
    html = logged_in_client.get(reverse("password_change")).content.decode()
    trail = html.split('<ol class="breadcrumb', 1)[1].split("</ol>", 1)[0]
    assert f'href="{reverse("home")}"' in trail and "首页" in trail
    assert "修改密码" in trail
