"""Django messages our pages show that Django 5.2 ships untranslated for zh-hans (web/translations.py)."""

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory, UserFactory
from tests.web.handlers.base_pages import login_with

pytestmark = pytest.mark.django_db


def test_too_short_password_is_reported_in_chinese_on_the_staff_add_page(client, user):
    login_with(client, user, "stark:web_userinfo_add")
    response = client.post(
        reverse("stark:web_userinfo_add"),
        {
            "username": "liuyang",
            "name": "刘洋",
            "gender": "male",
            "depart": DepartmentFactory().pk,
            "password": "Ab3$x",
            "confirm_password": "Ab3$x",
        },
    )
    assert "密码太短，至少需要 10 个字符。" in response.context["form"].errors.get("password", [])


def test_too_short_password_is_reported_in_chinese_on_the_reset_page(client, user):
    staff = UserFactory()
    login_with(client, user, "stark:web_userinfo_reset_pwd")
    response = client.post(
        reverse("stark:web_userinfo_reset_pwd", kwargs={"pk": staff.pk}),
        {"password": "Ab3$x", "confirm_password": "Ab3$x"},
    )
    assert "密码太短，至少需要 10 个字符。" in response.content.decode()
