"""Login lockout (django-axes): per user name and per client address, 429 page, unlock by the admin."""

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import DEFAULT_TEST_PASSWORD, UserFactory
from web.security import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/login/"


def _post(client, username, password, addr="203.0.113.5", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=addr, **extra)


def test_five_wrong_passwords_lock_the_user_name_and_the_right_password_is_then_refused_with_429(settings):
    UserFactory(username="alice")
    client = Client()
    statuses = [_post(client, "alice", f"wrong-{i}").status_code for i in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    # From another address too: the user name itself is locked.
    response = _post(Client(), "alice", DEFAULT_TEST_PASSWORD, addr="198.51.100.9")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    html = response.content.decode()
    assert "登录失败次数过多" in html
    assert "15 分钟" in html
    assert response["Retry-After"] == "900"


def test_four_failures_then_the_right_password_still_logs_in():
    UserFactory(username="alice")
    client = Client()
    for i in range(4):
        assert _post(client, "alice", f"wrong-{i}").status_code == 200
    response = _post(client, "alice", DEFAULT_TEST_PASSWORD)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_one_address_guessing_many_user_names_is_locked_for_every_user_name():
    UserFactory(username="bob")
    client = Client()
    for i in range(5):
        _post(client, f"guess{i}", "123456", addr="203.0.113.66")
    response = _post(client, "bob", DEFAULT_TEST_PASSWORD, addr="203.0.113.66")
    assert response.status_code == 429
    # bob himself, from his own address, is not locked.
    assert _post(Client(), "bob", DEFAULT_TEST_PASSWORD, addr="198.51.100.1").status_code == 302


def test_every_failed_login_is_recorded_with_user_name_and_address():
    for i in range(3):
        _post(Client(), "carol", f"bad{i}", addr="203.0.113.8")
    failures = AccessFailureLog.objects.filter(username="carol")
    assert failures.count() == 3
    assert set(failures.values_list("ip_address", flat=True)) == {"203.0.113.8"}


def test_forged_x_forwarded_for_without_a_trusted_proxy_does_not_escape_the_address_lock():
    client = Client()
    for i in range(5):
        _post(client, f"user{i}", "x", addr="203.0.113.70", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.70"}
    assert _post(client, "other", "x", addr="203.0.113.70", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_client_address_comes_from_the_proxy_chain_only_with_a_trusted_proxy(rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    # The right-most entry is what our proxy saw; "1.2.3.4" was typed by the client.
    assert client_ip(request) == "198.51.100.20"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: someone bypassed a proxy
    assert client_ip(request) == "10.0.0.1"


def test_x_forwarded_proto_is_ignored_without_a_trusted_proxy(settings):
    with override_settings(SECURE_PROXY_SSL_HEADER=None):
        from django.test import RequestFactory

        request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
        assert request.is_secure() is False


def test_settings_trust_x_forwarded_proto_only_with_a_trusted_proxy_count():
    from tests.web.test_settings import run_python

    code = "import django; django.setup(); from django.conf import settings; print(settings.SECURE_PROXY_SSL_HEADER)"
    plain = run_python(code, SECRET_KEY="k" * 50)
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.strip() == "None"
    proxied = run_python(code, SECRET_KEY="k" * 50, TRUSTED_PROXY_COUNT="1")
    assert proxied.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_admin_unlocks_a_locked_user_from_the_lockout_page(client):
    from web.demo import seed_all

    seed_all()
    victim = UserFactory(username="dave")
    for i in range(5):
        _post(Client(), "dave", f"bad{i}", addr="203.0.113.90")
    assert _post(Client(), "dave", DEFAULT_TEST_PASSWORD, addr="198.51.100.3").status_code == 429
    from web.models import UserInfo

    client.force_login(UserInfo.objects.get(username="admin"))
    list_url = reverse("stark:axes_accessattempt_list")
    page = client.get(list_url)
    assert page.status_code == 200
    assert "dave" in page.content.decode()
    attempt = AccessAttempt.objects.filter(username="dave").first()
    response = client.post(list_url, {"action": "multi_unlock", "pk": [attempt.pk]}, follow=True)
    assert "dave" in response.content.decode()
    assert not AccessAttempt.objects.filter(username="dave").exists()
    assert _post(Client(), "dave", DEFAULT_TEST_PASSWORD, addr="198.51.100.3").status_code == 302
    assert victim.pk


def test_a_consultant_may_not_open_the_lockout_page(client):
    from web.demo import seed_all
    from web.models import UserInfo

    seed_all()
    client.force_login(UserInfo.objects.get(username="consultant1"))
    assert client.get(reverse("stark:axes_accessattempt_list")).status_code == 403
    assert client.post(reverse("stark:axes_accessattempt_multi_unlock"), {"pk": ["1"]}).status_code == 403
