"""luffy_crm.sessions: Django's database sessions read by one plain query."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from luffy_crm.sessions import SessionStore
from tests.factories import UserFactory


@pytest.mark.django_db
def test_a_saved_session_is_read_back():
    store = SessionStore()
    store["colour"] = "蓝"
    store.save()
    again = SessionStore(store.session_key)
    assert again["colour"] == "蓝"
    assert again.session_key == store.session_key


@pytest.mark.django_db
def test_an_expired_or_unknown_session_reads_as_empty_and_gets_a_new_key():
    store = SessionStore()
    store["colour"] = "red"
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert dict(expired.items()) == {}
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert dict(unknown.items()) == {}
    assert unknown.session_key is None


@pytest.mark.django_db
def test_a_login_lasts_across_requests_and_logout_ends_it():
    UserFactory(username="session-user", password="S3cure-pass-word")
    browser = Client()
    response = browser.post("/login/", {"username": "session-user", "password": "S3cure-pass-word"})
    assert response.status_code == 302
    key = browser.cookies["sessionid"].value
    assert Session.objects.filter(session_key=key).exists()
    assert browser.get("/").status_code == 200
    browser.post("/logout/")
    assert not Session.objects.filter(session_key=key).exists()
    # The old cookie no longer logs anybody in.
    browser.cookies["sessionid"] = key
    response = browser.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
