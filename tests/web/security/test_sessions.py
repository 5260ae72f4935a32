"""Sessions: idle and absolute timeouts, seeing and ending one's other sessions, and password
change / reset / deactivation ending every session of that user."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_TEST_PASSWORD, UserFactory
from tests.web.handlers.base_pages import login_with
from web.models import UserSession
from web.services.sessions import LAST_SEEN_KEY, LOGIN_AT_KEY
from web.services.staff import staff_remove, staff_set_password

pytestmark = pytest.mark.django_db


def _login(username, agent="Firefox", addr="203.0.113.1") -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=addr)
    response = client.post(reverse("login"), {"username": username, "password": DEFAULT_TEST_PASSWORD})
    assert response.status_code == 302
    return client


def _is_logged_in(client) -> bool:
    return client.get(reverse("home")).status_code == 200


def _age_session(client, key, seconds):
    session = client.session
    session[key] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_longer_than_the_idle_timeout_is_logged_out(settings):
    settings.SESSION_IDLE_TIMEOUT = 2 * 60 * 60
    UserFactory(username="alice")
    client = _login("alice")
    _age_session(client, LAST_SEEN_KEY, 2 * 60 * 60 - 120)
    assert _is_logged_in(client)  # active within the limit: still in, and the activity is renewed
    _age_session(client, LAST_SEEN_KEY, 2 * 60 * 60 + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.exists()


def test_an_active_session_still_ends_at_the_absolute_age(settings):
    UserFactory(username="alice")
    client = _login("alice")
    _age_session(client, LOGIN_AT_KEY, settings.SESSION_COOKIE_AGE + 1)
    assert not _is_logged_in(client)


def test_the_password_page_lists_the_users_sessions_and_ends_another_one():
    UserFactory(username="alice")
    UserFactory(username="bob")
    laptop = _login("alice", agent="Firefox on the laptop", addr="203.0.113.10")
    phone = _login("alice", agent="Safari on the phone", addr="198.51.100.20")
    _login("bob", agent="Bob's browser")
    html = laptop.get(reverse("password_change")).content.decode()
    assert "Firefox on the laptop" in html and "Safari on the phone" in html
    assert "198.51.100.20" in html
    assert "Bob&#x27;s browser" not in html and "Bob's browser" not in html
    phone_session = UserSession.objects.get(user_agent="Safari on the phone")
    response = laptop.post(reverse("session_end"), {"session": phone_session.pk})
    assert response.status_code == 302
    assert not _is_logged_in(phone)
    assert _is_logged_in(laptop)


def test_a_user_cannot_end_someone_elses_session():
    UserFactory(username="alice")
    UserFactory(username="bob")
    alice = _login("alice")
    bob = _login("bob")
    bobs = UserSession.objects.get(user__username="bob")
    assert alice.post(reverse("session_end"), {"session": bobs.pk}).status_code == 404
    assert alice.post(reverse("session_end"), {"session": str(2**64)}).status_code == 404
    assert _is_logged_in(bob)


def test_end_all_other_sessions_keeps_only_this_one():
    UserFactory(username="alice")
    here, other1, other2 = _login("alice"), _login("alice"), _login("alice")
    here.post(reverse("session_end"), {"all": "1"})
    assert _is_logged_in(here)
    assert not _is_logged_in(other1) and not _is_logged_in(other2)
    assert UserSession.objects.count() == 1


def test_changing_ones_password_ends_the_other_sessions_at_once():
    UserFactory(username="alice")
    here, elsewhere = _login("alice"), _login("alice")
    response = here.post(
        reverse("password_change"),
        {
            "old_password": DEFAULT_TEST_PASSWORD,
            "new_password1": "Tr0pical-Mango-42",
            "new_password2": "Tr0pical-Mango-42",
        },
    )
    assert response.status_code == 302
    assert _is_logged_in(here)
    assert not _is_logged_in(elsewhere)
    assert UserSession.objects.count() == 1


def test_an_admin_password_reset_ends_every_session_of_that_user():
    user = UserFactory(username="alice")
    first, second = _login("alice"), _login("alice")
    staff_set_password(user=user, password="Another-Secret-2026")
    assert not _is_logged_in(first) and not _is_logged_in(second)
    assert not UserSession.objects.exists()


def test_deactivating_a_user_ends_their_sessions(client):
    from tests.factories import ConsultRecordFactory

    user = UserFactory(username="alice")
    ConsultRecordFactory(consultant=user)  # has records: deactivated rather than deleted
    session = _login("alice")
    admin = UserFactory(username="boss")
    result = staff_remove(user=user, acting_user=admin)
    assert result.deactivated
    assert not _is_logged_in(session)
    assert not UserSession.objects.filter(user=user).exists()


def test_logging_out_forgets_the_session_record():
    UserFactory(username="alice")
    client = _login("alice")
    assert UserSession.objects.count() == 1
    client.post(reverse("logout"))
    assert not UserSession.objects.exists()


def test_session_end_needs_a_post(client):
    user = UserFactory()
    login_with(client, user)
    assert client.get(reverse("session_end")).status_code == 405


def test_session_end_sends_anonymous_to_login(client):
    response = client.post(reverse("session_end"), {"all": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
