"""The rbac management pages: menus, permissions, roles, batch discovery, assignment."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from rbac.models import Menu, Permission, Role
from tests.permissions import grant_permissions
from tests.rbac.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.rbac.urls")]

RBAC_PAGES = [
    "rbac:menu_list",
    "rbac:menu_add",
    "rbac:menu_change",
    "rbac:menu_delete",
    "rbac:permission_add",
    "rbac:permission_change",
    "rbac:permission_delete",
    "rbac:multi_permissions",
    "rbac:role_list",
    "rbac:role_add",
    "rbac:role_change",
    "rbac:role_delete",
    "rbac:distribute_permissions",
]


@pytest.fixture
def admin_user(db):
    user = UserFactory(username="boss")
    grant_permissions(user, *RBAC_PAGES, role_title="rbac admin")
    return user


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


# --- access ---------------------------------------------------------------------------------


def test_pages_are_refused_to_users_without_the_permission(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("rbac:role_list")).status_code == 403
    assert client.post(reverse("rbac:role_add"), {"title": "x"}).status_code == 403
    assert not Role.objects.filter(title="x").exists()


def test_buttons_show_only_with_their_permission(client):
    user = UserFactory(username="viewer")
    grant_permissions(user, "rbac:role_list")
    Role.objects.create(title="sales")
    client.force_login(user)
    html = client.get(reverse("rbac:role_list")).content.decode()
    assert "sales" in html
    assert reverse("rbac:role_add") not in html
    assert "/rbac/role/" not in html.replace(reverse("rbac:role_list"), "")


# --- menus and permissions ------------------------------------------------------------------


def test_menu_add_change_delete(admin_client):
    response = admin_client.post(reverse("rbac:menu_add"), {"title": "Customers", "icon": "fa-users", "order": "1"})
    menu = Menu.objects.get(title="Customers")
    assert response.status_code == 302
    admin_client.post(reverse("rbac:menu_change", args=[menu.pk]), {"title": "Clients", "icon": "", "order": "2"})
    menu.refresh_from_db()
    assert (menu.title, menu.order) == ("Clients", 2)
    assert admin_client.get(reverse("rbac:menu_delete", args=[menu.pk])).status_code == 200
    admin_client.post(reverse("rbac:menu_delete", args=[menu.pk]))
    assert not Menu.objects.filter(pk=menu.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "icon": "", "order": "1"},
        {"title": "Menu", "icon": 'fa-x"><script>', "order": "1"},
        {"title": "Menu", "icon": "", "order": "many"},
        {},
    ],
)
def test_bad_menu_values_give_form_errors(admin_client, data):
    response = admin_client.post(reverse("rbac:menu_add"), data)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Menu.objects.exists()


def test_menu_list_shows_entries_and_pages_of_the_picked_entry(admin_client, demo_menu):
    url = reverse("rbac:menu_list") + f"?mid={demo_menu['menu'].pk}&sid={demo_menu['entry'].pk}"
    html = admin_client.get(url).content.decode()
    assert "Item list" in html and "Add item" in html and "Item detail" in html
    assert admin_client.get(reverse("rbac:menu_list") + "?mid=abc&sid=999").status_code == 200


def test_permission_add_under_an_entry_goes_back_to_the_list(admin_client, demo_menu):
    back = reverse("rbac:menu_list") + f"?mid={demo_menu['menu'].pk}"
    response = admin_client.post(
        reverse("rbac:permission_add") + "?next=" + back.replace("?", "%3F").replace("=", "%3D"),
        {"title": "Export", "name": "demo:item_export", "url": "/demo/items/export/", "parent": demo_menu["entry"].pk},
    )
    assert response.status_code == 302 and response["Location"] == back
    assert Permission.objects.get(name="demo:item_export").parent == demo_menu["entry"]


def test_permission_form_redirects_only_to_local_next(admin_client):
    response = admin_client.post(
        reverse("rbac:permission_add") + "?next=https://evil.example/",
        {"title": "X", "name": "demo:x", "url": ""},
    )
    assert response["Location"] == reverse("rbac:menu_list")


@pytest.mark.parametrize(
    "data",
    [
        {"title": "X", "name": "", "url": ""},
        {"title": "X", "name": "demo:item_list", "url": ""},  # taken
        {"title": "X", "name": "demo:y", "menu": "999999"},
        {"title": "X", "name": "demo:y", "parent": "not-a-number"},
    ],
)
def test_bad_permission_values_give_form_errors(admin_client, demo_menu, data):
    count = Permission.objects.count()
    response = admin_client.post(reverse("rbac:permission_add"), data)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode() or "alert-danger" in response.content.decode()
    assert Permission.objects.count() == count


def test_permission_cannot_be_both_entry_and_page(admin_client, demo_menu):
    response = admin_client.post(
        reverse("rbac:permission_add"),
        {"title": "X", "name": "demo:y", "menu": demo_menu["menu"].pk, "parent": demo_menu["entry"].pk},
    )
    assert response.status_code == 200
    assert not Permission.objects.filter(name="demo:y").exists()


def test_permission_change_and_delete(admin_client, demo_menu):
    add = demo_menu["add"]
    admin_client.post(
        reverse("rbac:permission_change", args=[add.pk]),
        {"title": "New item", "name": add.name, "url": add.url, "parent": demo_menu["entry"].pk},
    )
    add.refresh_from_db()
    assert add.title == "New item"
    admin_client.post(reverse("rbac:permission_delete", args=[add.pk]))
    assert not Permission.objects.filter(pk=add.pk).exists()


def test_unknown_ids_are_404(admin_client):
    assert admin_client.get(reverse("rbac:menu_change", args=[999999])).status_code == 404
    assert admin_client.get(reverse("rbac:role_delete", args=[999999])).status_code == 404
    assert admin_client.get(reverse("rbac:distribute_permissions") + "?uid=999999").status_code == 404
    assert admin_client.get(reverse("rbac:distribute_permissions") + "?rid=abc").status_code == 404


@pytest.mark.parametrize("junk", ["\u00b2", "99999999999999999999999"])
def test_tampered_ids_in_query_and_forms_are_not_errors(admin_client, demo_menu, junk):
    # "²" passes str.isdigit() but not int(); the long one is beyond the id column's range.
    assert admin_client.get(reverse("rbac:distribute_permissions") + f"?uid={junk}").status_code == 404
    assert admin_client.get(reverse("rbac:distribute_permissions") + f"?rid={junk}").status_code == 404
    menu_list = reverse("rbac:menu_list")
    assert admin_client.get(f"{menu_list}?mid={junk}").status_code == 200
    assert admin_client.get(f"{menu_list}?mid={demo_menu['menu'].pk}&sid={junk}").status_code == 200
    count = Permission.objects.count()
    data = {"add-TOTAL_FORMS": "0", "add-INITIAL_FORMS": "0"}
    for prefix in ("update", "delete"):
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"})
        data.update({f"{prefix}-0-id": junk, f"{prefix}-0-apply": "on"})
    response = admin_client.post(reverse("rbac:multi_permissions"), data)
    assert response.status_code == 200
    assert Permission.objects.count() == count


# --- roles ----------------------------------------------------------------------------------


def test_role_add_change_delete(admin_client):
    admin_client.post(reverse("rbac:role_add"), {"title": "Sales"})
    role = Role.objects.get(title="Sales")
    admin_client.post(reverse("rbac:role_change", args=[role.pk]), {"title": "Sales team"})
    role.refresh_from_db()
    assert role.title == "Sales team"
    assert "Sales team" in admin_client.get(reverse("rbac:role_list")).content.decode()
    admin_client.post(reverse("rbac:role_delete", args=[role.pk]))
    assert not Role.objects.filter(pk=role.pk).exists()


def test_duplicate_role_title_is_a_form_error(admin_client):
    response = admin_client.post(reverse("rbac:role_add"), {"title": "rbac admin"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()


# --- batch discovery ------------------------------------------------------------------------


def _formset_data(html: str) -> dict:
    """The form as a browser would submit it: inputs with values, ticked boxes, selected options."""
    data = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                data[name.group(1)] = "on"
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        selected = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = selected.group(1) if selected else ""
    return data


def test_multi_permissions_shows_and_applies_the_three_sets(admin_client, admin_user):
    Permission.objects.create(title="Add", name="demo:item_add", url="/demo/old/")
    Permission.objects.create(title="Gone", name="demo:item_gone", url="/demo/gone/")
    page = admin_client.get(reverse("rbac:multi_permissions")).content.decode()
    assert "demo:reports:summary" in page and "/demo/old/" in page and "demo:item_gone" in page
    data = _formset_data(page)
    # give the new list page a title and leave the stale row alone
    index = next(k for k, v in data.items() if v == "demo:item_list").split("-")[1]
    data[f"add-{index}-title"] = "Items"
    delete_index = "0"
    data.pop(f"delete-{delete_index}-apply")
    response = admin_client.post(reverse("rbac:multi_permissions"), data)
    assert response.status_code == 302
    assert Permission.objects.get(name="demo:item_list").title == "Items"
    assert Permission.objects.get(name="demo:item_add").url == "/demo/items/add/"
    assert Permission.objects.filter(name="demo:item_gone").exists()
    # the rbac pages themselves were discovered too
    assert Permission.objects.filter(name="rbac:role_list", url="/rbac/role/list/").exists()


def test_multi_permissions_bad_values_give_form_errors_and_change_nothing(admin_client):
    data = _formset_data(admin_client.get(reverse("rbac:multi_permissions")).content.decode())
    count = Permission.objects.count()
    data["add-0-title"] = ""
    data["add-1-name"] = data["add-2-name"]
    response = admin_client.post(reverse("rbac:multi_permissions"), data)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert Permission.objects.count() == count
    response = admin_client.post(reverse("rbac:multi_permissions"), {"add-TOTAL_FORMS": "x"})
    assert response.status_code == 200
    assert Permission.objects.count() == count


def test_multi_permissions_rejects_a_name_that_exists(admin_client):
    data = _formset_data(admin_client.get(reverse("rbac:multi_permissions")).content.decode())
    data["add-0-name"] = "rbac:role_list"  # already held by the admin's role
    response = admin_client.post(reverse("rbac:multi_permissions"), data)
    assert response.status_code == 200
    assert "rbac:role_list" in response.content.decode()


# --- assignment -----------------------------------------------------------------------------


def test_assignment_gives_roles_and_permissions_and_the_user_sees_them_next_request(admin_client, demo_menu):
    clerk = UserFactory(username="clerk2")
    role = Role.objects.create(title="Item clerk")
    clerk_client = Client()
    clerk_client.force_login(clerk)
    assert clerk_client.get("/demo/items/").status_code == 403
    page = admin_client.get(reverse("rbac:distribute_permissions") + f"?uid={clerk.pk}&rid={role.pk}")
    html = page.content.decode()
    assert "Items" in html and "Item detail" in html and "data-rbac-select-all" in html
    response = admin_client.post(
        reverse("rbac:distribute_permissions") + f"?uid={clerk.pk}&rid={role.pk}",
        {"roles": [role.pk], "permissions": [demo_menu["entry"].pk, demo_menu["detail"].pk]},
    )
    assert response.status_code == 302
    assert set(clerk.roles.all()) == {role}
    assert set(role.permissions.all()) == {demo_menu["entry"], demo_menu["detail"]}
    sidebar_page = clerk_client.get("/demo/items/")
    assert sidebar_page.status_code == 200 and "Item list" in sidebar_page.content.decode()
    assert clerk_client.get("/demo/items/add/").status_code == 403


def test_assignment_with_a_bad_value_saves_nothing(admin_client, demo_menu):
    clerk = UserFactory(username="clerk2")
    role = Role.objects.create(title="Item clerk")
    response = admin_client.post(
        reverse("rbac:distribute_permissions") + f"?uid={clerk.pk}&rid={role.pk}",
        {"roles": [role.pk], "permissions": [demo_menu["entry"].pk, "999999"]},
    )
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert not clerk.roles.exists() and not role.permissions.exists()


def test_assignment_is_one_transaction(admin_client, demo_menu, monkeypatch):
    clerk = UserFactory(username="clerk2")
    role = Role.objects.create(title="Item clerk")

    def broken_set(self, *args, **kwargs):
        raise RuntimeError("database went away")

    # every Role shares one related-manager class: break the second write of the save
    monkeypatch.setattr(type(role.permissions), "set", broken_set)
    with pytest.raises(RuntimeError):
        admin_client.post(
            reverse("rbac:distribute_permissions") + f"?uid={clerk.pk}&rid={role.pk}",
            {"roles": [role.pk], "permissions": [demo_menu["entry"].pk]},
        )
    assert not clerk.roles.exists()  # the roles set before the failure was rolled back


def test_assignment_with_only_a_user_leaves_roles_permissions_alone(admin_client, demo_menu, role_with):
    clerk = UserFactory(username="clerk2")
    role = role_with(demo_menu["entry"])
    admin_client.post(reverse("rbac:distribute_permissions") + f"?uid={clerk.pk}", {"roles": [role.pk]})
    assert list(clerk.roles.all()) == [role]
    assert list(role.permissions.all()) == [demo_menu["entry"]]


# --- CSRF -------------------------------------------------------------------------------------


def test_every_post_needs_the_csrf_token(admin_user, demo_menu):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    role = Role.objects.get(title="rbac admin")
    urls = [
        reverse("rbac:menu_add"),
        reverse("rbac:menu_change", args=[demo_menu["menu"].pk]),
        reverse("rbac:menu_delete", args=[demo_menu["menu"].pk]),
        reverse("rbac:permission_add"),
        reverse("rbac:permission_change", args=[demo_menu["add"].pk]),
        reverse("rbac:permission_delete", args=[demo_menu["add"].pk]),
        reverse("rbac:multi_permissions"),
        reverse("rbac:role_add"),
        reverse("rbac:role_change", args=[role.pk]),
        reverse("rbac:role_delete", args=[role.pk]),
        reverse("rbac:distribute_permissions") + f"?rid={role.pk}",
    ]
    for url in urls:
        assert client.post(url, {"title": "x"}).status_code == 403, url
    assert Menu.objects.filter(pk=demo_menu["menu"].pk).exists()
    assert Role.objects.filter(pk=role.pk).exists()
    assert Permission.objects.filter(pk=demo_menu["add"].pk).exists()


# --- query counts -----------------------------------------------------------------------------


def test_pages_take_a_constant_number_of_queries(admin_client, demo_menu, django_assert_max_num_queries):
    Permission.objects.bulk_create(
        Permission(title=f"p{i}", name=f"demo:p{i}", parent=demo_menu["entry"]) for i in range(40)
    )
    for i in range(10):
        Role.objects.create(title=f"role {i}")
        UserFactory(username=f"u{i}")
    role = Role.objects.first()
    urls = [
        reverse("rbac:multi_permissions"),  # ~20 rows to add, 41 to delete, each with two selects
        reverse("rbac:menu_list") + f"?mid={demo_menu['menu'].pk}&sid={demo_menu['entry'].pk}",
        reverse("rbac:role_list"),
        reverse("rbac:distribute_permissions") + f"?uid={UserFactory(username='x').pk}&rid={role.pk}",
    ]
    admin_client.get(urls[0])
    for url in urls:
        with django_assert_max_num_queries(12):
            assert admin_client.get(url).status_code == 200
