"""Passwords: Argon2 first (older hashes upgraded at login), validators that refuse weak ones."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.web.test_settings import run_python

pytestmark = pytest.mark.django_db

#: The production hashers (tests/settings.py swaps in MD5 for speed).
PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_production_settings_hash_with_argon2_first():
    code = "import django; django.setup(); from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = run_python(code, SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_pbkdf2_hash_is_upgraded_to_argon2_at_login(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = UserFactory(username="wangfang")
    user.password = make_password("Spring-Lantern-77", hasher="pbkdf2_sha256")
    user.save(update_fields=["password"])
    response = Client().post(reverse("login"), {"username": "wangfang", "password": "Spring-Lantern-77"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
    assert user.check_password("Spring-Lantern-77")


@pytest.mark.parametrize(
    ("username", "password"),
    [
        ("lecturer2", "lecturer2lecturer2"),  # the user name repeated (the tester's finding)
        ("lecturer2", "LECTURER2-2026!"),  # the user name inside, any case
        ("zhangsan", "Short-1a"),  # shorter than 10
        ("zhangsan", "password123"),  # a common password
        ("zhangsan", "1234567890123"),  # digits only
    ],
)
def test_weak_passwords_are_refused(username, password):
    user = UserFactory.build(username=username)
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_long_unrelated_password_is_accepted():
    validate_password("Tr0pical-Mango-42", UserFactory.build(username="lecturer2"))


def test_minimum_length_is_ten():
    lengths = [
        v["OPTIONS"]["min_length"] for v in django_settings.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"]
    ]
    assert lengths == [10]


def test_the_staff_reset_page_refuses_a_password_that_repeats_the_user_name(client):
    from tests.web.handlers.base_pages import login_with

    admin = UserFactory(username="root1")
    staff = UserFactory(username="lecturer2")
    login_with(client, admin, "stark:web_userinfo_reset_pwd")
    response = client.post(
        reverse("stark:web_userinfo_reset_pwd", kwargs={"pk": staff.pk}),
        {"password": "lecturer2lecturer2", "confirm_password": "lecturer2lecturer2"},
    )
    assert response.status_code == 200
    assert "密码不能包含用户名" in response.content.decode()
    staff.refresh_from_db()
    assert not staff.check_password("lecturer2lecturer2")
