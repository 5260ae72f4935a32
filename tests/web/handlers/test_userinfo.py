"""Staff pages: list, search and filters; add with password rules; edit; reset password; delete or deactivate."""

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from rbac.models import Role
from tests.factories import CustomerFactory, DepartmentFactory, UserFactory
from tests.web.handlers.base_pages import login_with, messages_of, row_texts, show_one_page
from web.models import Department, Gender, UserInfo

pytestmark = pytest.mark.django_db

LIST, ADD, CHANGE, DELETE, RESET = (
    f"stark:web_userinfo_{page}" for page in ("list", "add", "change", "delete", "reset_pwd")
)
NEW_PASSWORD = "Harbour-lights-42"


@pytest.fixture
def sales():
    return DepartmentFactory(title="销售部", kind=Department.Kind.SALES)


@pytest.fixture
def finance():
    return DepartmentFactory(title="财务部", kind=Department.Kind.FINANCE)


def add_data(sales, **overrides):
    data = {
        "username": "liuyang",
        "name": "刘洋",
        "gender": Gender.MALE,
        "depart": sales.pk,
        "phone": "13800138000",
        "email": "liuyang@luffycity.example",
        "password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def test_list_shows_name_username_gender_department_phone_email_and_roles(client, user, sales, settings):
    settings.LANGUAGE_CODE = "en"
    staff = UserFactory(username="lixm", name="李晓明", depart=sales, phone="13911112222")
    staff.roles.add(Role.objects.create(title="课程顾问"))
    login_with(client, user, LIST)
    response = client.get(reverse(LIST), {"q": "lixm"})
    assert response.status_code == 200
    [row] = row_texts(response)
    for text in ("李晓明", "lixm", "male", "销售部", "13911112222", "lixm@luffycity.example", "课程顾问"):
        assert text in row


@pytest.mark.parametrize("q", ["李晓", "lixm", "1391111", "LIXM@LUFFYCITY"])
def test_fuzzy_search_by_name_username_phone_or_email(client, user, sales, q):
    UserFactory(username="lixm", name="李晓明", depart=sales, phone="13911112222")
    UserFactory(username="zhanglh", name="张丽华", depart=sales, phone="13733334444")
    login_with(client, user, LIST)
    response = client.get(reverse(LIST), {"q": q})
    assert [row.split(" | ")[1] for row in row_texts(response)] == ["lixm"]


def test_combined_search_by_gender_and_department(client, user, sales, finance):
    UserFactory(username="lixm", gender=Gender.MALE, depart=sales)
    UserFactory(username="zhanglh", gender=Gender.FEMALE, depart=sales)
    UserFactory(username="qianfang", gender=Gender.FEMALE, depart=finance)
    login_with(client, user, LIST)
    response = client.get(reverse(LIST), {"gender": Gender.FEMALE, "depart": sales.pk})
    assert [row.split(" | ")[1] for row in row_texts(response)] == ["zhanglh"]
    response = client.get(reverse(LIST), {"gender": Gender.FEMALE})
    assert {row.split(" | ")[1] for row in row_texts(response)} == {"zhanglh", "qianfang"}


def test_add_page_creates_a_user_whose_password_is_stored_hashed_and_works(client, user, sales):
    login_with(client, user, LIST, ADD)
    page = client.get(reverse(ADD))
    assert 'name="password"' in page.content.decode()
    assert 'name="confirm_password"' in page.content.decode()
    response = client.post(reverse(ADD), add_data(sales))
    assert response.status_code == 302
    created = UserInfo.objects.get(username="liuyang")
    assert NEW_PASSWORD not in created.password
    assert created.check_password(NEW_PASSWORD)
    assert created.depart == sales
    assert Client().login(request=HttpRequest(), username="liuyang", password=NEW_PASSWORD)


def test_add_page_mismatched_confirmation_shows_a_field_error(client, user, sales):
    login_with(client, user, ADD)
    response = client.post(reverse(ADD), add_data(sales, confirm_password="Harbour-lights-43"))
    assert response.status_code == 200
    assert "confirm_password" in response.context["form"].errors
    assert not UserInfo.objects.filter(username="liuyang").exists()


def test_add_page_applies_the_password_validators(client, user, sales):
    login_with(client, user, ADD)
    response = client.post(reverse(ADD), add_data(sales, password="12345678", confirm_password="12345678"))
    assert response.status_code == 200
    codes = [error.code for error in response.context["form"].errors.as_data()["password"]]
    assert "password_entirely_numeric" in codes
    assert not UserInfo.objects.filter(username="liuyang").exists()


def test_edit_page_has_no_password_and_saves_the_profile(client, user, sales, finance):
    staff = UserFactory(username="lixm", name="李晓明", depart=sales, password=NEW_PASSWORD)
    login_with(client, user, LIST, CHANGE)
    url = reverse(CHANGE, kwargs={"pk": staff.pk})
    page = client.get(url).content.decode()
    assert 'name="password"' not in page
    assert 'name="username"' in page
    data = add_data(finance, username="lixm", name="李晓明", is_active="on")
    del data["password"], data["confirm_password"]
    assert client.post(url, data).status_code == 302
    staff.refresh_from_db()
    assert staff.depart == finance
    assert staff.check_password(NEW_PASSWORD)


def test_an_administrator_cannot_deactivate_their_own_account_on_the_edit_page(client, user, sales):
    login_with(client, user, LIST, CHANGE)
    data = add_data(sales, username=user.username, name="Alice")
    del data["password"], data["confirm_password"]  # and no is_active: the box is unticked
    assert client.post(reverse(CHANGE, kwargs={"pk": user.pk}), data).status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert user.name == "Alice"


def test_edit_page_deactivates_and_reactivates_another_user(client, user, sales):
    staff = UserFactory(username="lixm", depart=sales)
    login_with(client, user, LIST, CHANGE)
    data = add_data(sales, username="lixm")
    del data["password"], data["confirm_password"]
    client.post(reverse(CHANGE, kwargs={"pk": staff.pk}), data)
    staff.refresh_from_db()
    assert staff.is_active is False
    client.post(reverse(CHANGE, kwargs={"pk": staff.pk}), {**data, "is_active": "on"})
    staff.refresh_from_db()
    assert staff.is_active is True


def test_reset_password_then_only_the_new_password_logs_in(client, user):
    staff = UserFactory(username="lixm", password="Old-password-2025")
    login_with(client, user, LIST, RESET)
    url = reverse(RESET, kwargs={"pk": staff.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse(LIST)
    assert not Client().login(request=HttpRequest(), username="lixm", password="Old-password-2025")
    assert Client().login(request=HttpRequest(), username="lixm", password=NEW_PASSWORD)


def test_reset_password_refuses_a_mismatch_or_a_weak_password(client, user):
    staff = UserFactory(username="lixm", password="Old-password-2025")
    login_with(client, user, RESET)
    url = reverse(RESET, kwargs={"pk": staff.pk})
    response = client.post(url, {"password": NEW_PASSWORD, "confirm_password": "something-else-77"})
    assert "confirm_password" in response.context["form"].errors
    response = client.post(url, {"password": "password", "confirm_password": "password"})
    assert "password" in response.context["form"].errors
    staff.refresh_from_db()
    assert staff.check_password("Old-password-2025")


def test_resetting_ones_own_password_keeps_one_logged_in(client, user):
    login_with(client, user, LIST, RESET)
    client.post(reverse(RESET, kwargs={"pk": user.pk}), {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert client.get(reverse(LIST)).status_code == 200
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_reset_password_of_an_unknown_user_is_404(client, user):
    login_with(client, user, RESET)
    assert client.get(reverse(RESET, kwargs={"pk": 999999})).status_code == 404


def test_reset_password_link_is_shown_only_with_its_permission(client, user, settings):
    staff = UserFactory(username="lixm")
    login_with(client, user, LIST, RESET)
    reset_url = reverse(RESET, kwargs={"pk": staff.pk})
    assert reset_url in client.get(reverse(LIST)).content.decode()
    settings.STARK_PERMISSION_CHECK = "tests.web.handlers.test_userinfo.deny_reset_pwd"
    assert reset_url not in client.get(reverse(LIST)).content.decode()
    assert client.get(reset_url).status_code == 403


def deny_reset_pwd(request, url_name: str) -> bool:
    return url_name != RESET


def test_reset_password_returns_to_the_list_as_it_was_left(client, user):
    staff = UserFactory(username="lixm", name="李晓明")
    login_with(client, user, LIST, RESET)
    page = client.get(reverse(LIST), {"q": "李晓"}).content.decode()
    reset_link = reverse(RESET, kwargs={"pk": staff.pk}) + "?_filter=q%3D%25E6%259D%258E%25E6%2599%2593"
    assert reset_link in page.replace("&amp;", "&")
    response = client.post(reset_link, {"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD})
    assert response.url == reverse(LIST) + "?q=%E6%9D%8E%E6%99%93"


def test_delete_removes_a_user_without_records(client, user):
    staff = UserFactory(username="lixm")
    login_with(client, user, LIST, DELETE)
    url = reverse(DELETE, kwargs={"pk": staff.pk})
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not UserInfo.objects.filter(pk=staff.pk).exists()


def test_delete_deactivates_a_user_with_customers_and_says_so(client, user, settings):
    settings.LANGUAGE_CODE = "en"
    staff = UserFactory(username="lixm", name="李晓明")
    customer = CustomerFactory(consultant=staff)
    login_with(client, user, LIST, DELETE)
    url = reverse(DELETE, kwargs={"pk": staff.pk})
    page = client.get(url).content.decode()
    assert "will be deactivated instead of deleted" in page
    response = client.post(url, follow=True)
    assert any("deactivated instead of deleted" in message for message in messages_of(response))
    staff.refresh_from_db()
    assert staff.is_active is False
    customer.refresh_from_db()
    assert customer.consultant == staff
    assert not Client().login(request=HttpRequest(), username="lixm", password="S3cure-pass-word")


def test_nobody_deletes_their_own_account(client, user):
    login_with(client, user, LIST, DELETE)
    url = reverse(DELETE, kwargs={"pk": user.pk})
    assert client.get(url).status_code == 200
    client.post(url)
    user.refresh_from_db()
    assert user.is_active


def test_list_query_count_does_not_grow_with_rows(client, user, sales, django_assert_max_num_queries, monkeypatch):
    role = Role.objects.create(title="课程顾问")
    for staff in UserFactory.create_batch(5, depart=sales):
        staff.roles.add(role)
    show_one_page(monkeypatch, UserInfo)
    login_with(client, user, LIST, ADD, CHANGE, DELETE, RESET)
    client.get(reverse(LIST))
    with django_assert_max_num_queries(50) as baseline:
        client.get(reverse(LIST))
    for index, staff in enumerate(UserFactory.create_batch(45)):
        staff.depart = DepartmentFactory(title=f"部门-{index % 7}")
        staff.save()
        staff.roles.add(role)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        response = client.get(reverse(LIST))
    assert len(response.context["rows"]) == response.context["total"] >= 50
