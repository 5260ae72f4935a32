"""A change to roles or permissions applies on the user's next request, without logging out."""

import pytest
from django.test import Client

from rbac.models import Permission, Role

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.rbac.urls")]


def test_granting_a_permission_to_a_held_role_applies_on_the_next_request(client, clerk, demo_menu, role_with):
    role = role_with(demo_menu["entry"])
    clerk.roles.add(role)
    client.force_login(clerk)
    assert client.get("/demo/items/add/").status_code == 403
    role.permissions.add(demo_menu["add"])
    assert client.get("/demo/items/add/").status_code == 200


def test_permissions_set_from_code_applies_to_both_sessions_of_the_user(clerk, demo_menu, role_with):
    role = role_with(demo_menu["entry"], demo_menu["add"])
    clerk.roles.add(role)
    office, laptop = Client(), Client()
    office.force_login(clerk)
    laptop.force_login(clerk)
    assert office.get("/demo/items/add/").status_code == 200
    assert laptop.get("/demo/items/add/").status_code == 200
    role.permissions.set([demo_menu["entry"]])
    assert office.get("/demo/items/add/").status_code == 403
    assert laptop.get("/demo/items/add/").status_code == 403
    assert office.get("/demo/items/").status_code == 200


def test_removing_a_role_from_the_user_applies_at_once(client, clerk, demo_menu, role_with):
    role = role_with(demo_menu["entry"])
    clerk.roles.add(role)
    client.force_login(clerk)
    assert client.get("/demo/items/").status_code == 200
    role.users.remove(clerk)  # from the role's side
    assert client.get("/demo/items/").status_code == 403


def test_clearing_a_permission_from_all_roles_applies_at_once(client, clerk, demo_menu, role_with):
    clerk.roles.add(role_with(demo_menu["entry"]))
    client.force_login(clerk)
    assert client.get("/demo/items/").status_code == 200
    demo_menu["entry"].roles.clear()
    assert client.get("/demo/items/").status_code == 403


def test_deleting_the_role_or_the_permission_applies_at_once(client, clerk, demo_menu, role_with):
    role = role_with(demo_menu["entry"], demo_menu["add"])
    clerk.roles.add(role)
    client.force_login(clerk)
    assert client.get("/demo/items/add/").status_code == 200
    Permission.objects.get(name="demo:item_add").delete()
    assert client.get("/demo/items/add/").status_code == 403
    Role.objects.get(pk=role.pk).delete()
    assert client.get("/demo/items/").status_code == 403


def test_renaming_a_menu_shows_in_the_sidebar_at_once(client, clerk, demo_menu, role_with):
    clerk.roles.add(role_with(demo_menu["entry"]))
    client.force_login(clerk)
    assert "Items" in client.get("/demo/items/").content.decode()
    menu = demo_menu["menu"]
    menu.title = "Goods"
    menu.save()
    html = client.get("/demo/items/").content.decode()
    assert "Goods" in html


def test_users_without_the_changed_role_keep_their_version(clerk, demo_menu, role_with):
    from tests.rbac.factories import UserFactory

    other = UserFactory(username="other")
    clerk.roles.add(role_with(demo_menu["entry"]))
    before = other.rbac_version
    Role.objects.get(title="clerk").permissions.add(demo_menu["add"])
    other.refresh_from_db()
    assert other.rbac_version == before
