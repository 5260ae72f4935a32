"""Staff forms: the password rules of the add and reset-password forms."""

import pytest
from django.contrib.auth import authenticate
from django.http import HttpRequest

from tests.factories import DepartmentFactory, UserFactory
from web.forms.userinfo import UserInfoAddForm, UserInfoChangeForm, UserInfoResetPasswordForm
from web.models import Department, Gender, UserInfo

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "Harbour-lights-42"


def add_data(**overrides):
    depart = DepartmentFactory(title="销售部", kind=Department.Kind.SALES)
    data = {
        "username": "liuyang",
        "name": "刘洋",
        "gender": Gender.MALE,
        "depart": depart.pk,
        "phone": "13800138000",
        "email": "liuyang@luffycity.example",
        "password": GOOD_PASSWORD,
        "confirm_password": GOOD_PASSWORD,
    }
    data.update(overrides)
    return data


def test_add_form_stores_only_a_hash_and_the_user_can_log_in():
    form = UserInfoAddForm(data=add_data())
    assert form.is_valid(), form.errors
    user = form.save()
    user.refresh_from_db()
    assert user.password != GOOD_PASSWORD
    assert GOOD_PASSWORD not in user.password
    assert user.password.startswith("md5$")  # the test settings' hasher: a Django hash, not the text
    assert authenticate(HttpRequest(), username="liuyang", password=GOOD_PASSWORD) == user
    assert user.name == "刘洋"
    assert user.depart.title == "销售部"


def test_add_form_mismatched_confirmation_is_an_error_on_the_confirmation_field():
    form = UserInfoAddForm(data=add_data(confirm_password="Harbour-lights-43"))
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["confirm_password"]] == ["password_mismatch"]
    assert not UserInfo.objects.filter(username="liuyang").exists()


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1-x", "password_too_short"),
        ("password123", "password_too_common"),
        ("8306419275", "password_entirely_numeric"),
        ("liuyang-luffy", "password_too_similar"),
    ],
)
def test_add_form_applies_djangos_password_validators(password, code):
    form = UserInfoAddForm(data=add_data(password=password, confirm_password=password))
    assert not form.is_valid()
    assert code in [e.code for e in form.errors.as_data()["password"]]
    assert not UserInfo.objects.filter(username="liuyang").exists()


def test_add_form_refuses_a_taken_username():
    UserFactory(username="liuyang")
    form = UserInfoAddForm(data=add_data())
    assert not form.is_valid()
    assert "username" in form.errors


def test_change_form_has_no_password_fields_and_keeps_the_password():
    user = UserFactory(username="liuyang", password=GOOD_PASSWORD)
    form = UserInfoChangeForm(data=add_data(name="刘洋洋", is_active="on"), instance=user)
    assert "password" not in form.fields
    assert "confirm_password" not in form.fields
    assert form.is_valid(), form.errors
    form.save()
    user.refresh_from_db()
    assert user.name == "刘洋洋"
    assert user.check_password(GOOD_PASSWORD)


def test_reset_password_form_checks_confirmation_and_validators():
    user = UserFactory(username="liuyang")
    mismatch = UserInfoResetPasswordForm(user, data={"password": GOOD_PASSWORD, "confirm_password": "other-Pass-99"})
    assert not mismatch.is_valid()
    assert "confirm_password" in mismatch.errors
    weak = UserInfoResetPasswordForm(user, data={"password": "12345678", "confirm_password": "12345678"})
    assert not weak.is_valid()
    assert "password" in weak.errors
    similar = UserInfoResetPasswordForm(user, data={"password": "liuyang1", "confirm_password": "liuyang1"})
    assert not similar.is_valid()
    assert "password_too_similar" in [e.code for e in similar.errors.as_data()["password"]]
    good = UserInfoResetPasswordForm(user, data={"password": GOOD_PASSWORD, "confirm_password": GOOD_PASSWORD})
    assert good.is_valid(), good.errors
