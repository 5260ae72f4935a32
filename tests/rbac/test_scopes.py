"""Data scopes per role: the role page sets them, the snapshot carries them, stark asks for them."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

from rbac.models import Menu, Permission, Role, RoleMenuScope
from rbac.services.access import build_snapshot, data_scope, load_into_session
from tests.permissions import grant_permissions
from tests.rbac.factories import UserFactory
from tests.rbac.test_pages import RBAC_PAGES

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.rbac.urls")]


@pytest.fixture
def pages(db):
    customers = Menu.objects.create(title="Customers", order=1)
    teaching = Menu.objects.create(title="Teaching", order=2)
    entry = Permission.objects.create(title="Private pool", name="demo:item_list", menu=customers)
    child = Permission.objects.create(title="Edit", name="demo:item_detail", parent=entry)
    other = Permission.objects.create(title="Classes", name="demo:reports:summary", menu=teaching)
    return {"customers": customers, "teaching": teaching, "entry": entry, "child": child, "other": other}


def scopes_of(user) -> dict[str, str]:
    return {name: grant["scope"] for name, grant in build_snapshot(user)["permissions"].items()}


def test_a_role_sees_all_rows_unless_it_says_otherwise(pages):
    user = UserFactory()
    role = Role.objects.create(title="clerk")
    role.permissions.set([pages["entry"], pages["child"], pages["other"]])
    user.roles.add(role)
    assert set(scopes_of(user).values()) == {"all"}


def test_a_menu_scope_covers_its_entries_and_the_pages_under_them(pages):
    user = UserFactory()
    role = Role.objects.create(title="consultant", scope="department")
    role.permissions.set([pages["entry"], pages["child"], pages["other"]])
    RoleMenuScope.objects.create(role=role, menu=pages["customers"], scope="own")
    user.roles.add(role)
    assert scopes_of(user) == {"demo:item_list": "own", "demo:item_detail": "own", "demo:reports:summary": "department"}


def test_a_page_held_through_two_roles_gets_the_widest_scope(pages, django_assert_num_queries):
    user = UserFactory()
    narrow = Role.objects.create(title="consultant", scope="own")
    wide = Role.objects.create(title="manager", scope="department")
    narrow.permissions.set([pages["entry"], pages["other"]])
    wide.permissions.set([pages["entry"]])
    user.roles.set([narrow, wide])
    with django_assert_num_queries(1):
        assert scopes_of(user) == {"demo:item_list": "department", "demo:reports:summary": "own"}


def request_for(user_id):
    from django.contrib.auth import get_user_model

    request = RequestFactory().get("/")
    request.user = get_user_model().objects.get(pk=user_id)  # as the auth middleware loads it, per request
    request.session = SessionStore()
    return request


def test_scope_of_open_pages_and_of_pages_not_held(pages):
    user = UserFactory()
    request = request_for(user.pk)
    assert data_scope(request, "login") == "all"  # whitelisted
    assert data_scope(request, "home") == "all"  # login-only
    assert data_scope(request, "demo:item_list") is None


def test_a_scope_change_applies_on_the_next_request(pages):
    user = UserFactory()
    role = Role.objects.create(title="consultant")
    role.permissions.set([pages["entry"]])
    user.roles.add(role)
    first = request_for(user.pk)
    load_into_session(first, first.user)
    assert data_scope(first, "demo:item_list") == "all"
    RoleMenuScope.objects.create(role=role, menu=pages["customers"], scope="own")
    second = request_for(user.pk)
    second.session = first.session  # the same browser session
    assert data_scope(second, "demo:item_list") == "own"
    role.scope = "department"
    role.save()
    RoleMenuScope.objects.all().delete()
    third = request_for(user.pk)
    third.session = first.session
    assert data_scope(third, "demo:item_list") == "department"


def test_the_role_page_sets_the_roles_scope_and_one_per_menu(client, pages):
    admin = UserFactory(username="boss")
    grant_permissions(admin, *RBAC_PAGES, role_title="rbac admin")
    client.force_login(admin)
    role = Role.objects.create(title="consultant")
    holder = UserFactory(username="holder")
    holder.roles.add(role)
    version = type(holder).objects.get(pk=holder.pk).rbac_version
    url = reverse("rbac:role_change", args=[role.pk])
    html = client.get(url).content.decode()
    assert "Customers" in html and "Teaching" in html and 'name="scope"' in html
    field = f"scope_menu_{pages['customers'].pk}"
    response = client.post(url, {"title": "consultant", "scope": "department", field: "own"})
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.scope == "department"
    assert list(RoleMenuScope.objects.values_list("menu__title", "scope")) == [("Customers", "own")]
    assert type(holder).objects.get(pk=holder.pk).rbac_version > version
    client.post(url, {"title": "consultant", "scope": "department", field: ""})
    assert not RoleMenuScope.objects.exists()


def test_a_bad_scope_is_a_form_error_and_changes_nothing(client, pages):
    admin = UserFactory(username="boss")
    grant_permissions(admin, *RBAC_PAGES, role_title="rbac admin")
    client.force_login(admin)
    role = Role.objects.create(title="consultant")
    field = f"scope_menu_{pages['customers'].pk}"
    response = client.post(
        reverse("rbac:role_change", args=[role.pk]), {"title": "x", "scope": "everything", field: "mine"}
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    role.refresh_from_db()
    assert role.title == "consultant" and role.scope == "all" and not RoleMenuScope.objects.exists()
