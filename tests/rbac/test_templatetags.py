"""The sidebar menu, the breadcrumb and the has_permission filter."""

import re

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import path

from rbac.models import Menu, Permission

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.rbac.urls")]


def _sidebar(html: str) -> str:
    return re.search(r'<div class="rbac-menu".*?</div>\s*</nav>', html, re.S).group(0)


@pytest.fixture
def clerk_client(client, clerk, demo_menu, role_with):
    other_menu = Menu.objects.create(title="Reports", icon="fa-bar-chart", order=2)
    summary = Permission.objects.create(title="Summary", name="demo:reports:summary", menu=other_menu)
    clerk.roles.add(role_with(demo_menu["entry"], demo_menu["add"], demo_menu["detail"], summary))
    client.force_login(clerk)
    return client


def test_menu_shows_the_users_menus_in_order_and_marks_the_entry_active(clerk_client):
    sidebar = _sidebar(clerk_client.get("/demo/items/").content.decode())
    assert sidebar.index("Items") < sidebar.index("Reports")
    assert re.search(r'class="nav-link active" href="/demo/items/" aria-current="page">Item list<', sidebar)
    assert 'class="nav flex-column collapse show" id="rbac-menu-' in sidebar
    assert sidebar.count("collapse show") == 1
    assert "fa-cube" in sidebar


def test_child_page_activates_its_parent_entry(clerk_client):
    sidebar = _sidebar(clerk_client.get("/demo/items/7/").content.decode())
    assert re.search(r'class="nav-link active" href="/demo/items/"', sidebar)
    assert "Item detail" not in sidebar  # child pages are not menu entries


def test_a_drawn_menu_is_drawn_again_after_a_change_of_menus_or_roles(clerk_client, clerk, demo_menu, role_with):
    # Sidebars are kept per version stamp: every change below bumps the clerk's stamp.
    assert "Items" in _sidebar(clerk_client.get("/demo/items/").content.decode())
    demo_menu["menu"].title = "Goods"
    demo_menu["menu"].save()
    sidebar = _sidebar(clerk_client.get("/demo/items/").content.decode())
    assert "Goods" in sidebar and ">Items<" not in sidebar
    assert "Reports" in sidebar
    clerk.roles.set([role_with(demo_menu["entry"], title="items only")])
    assert "Reports" not in _sidebar(clerk_client.get("/demo/items/").content.decode())


def test_menu_hides_entries_the_user_does_not_hold(client, clerk, demo_menu, role_with):
    clerk.roles.add(role_with(demo_menu["add"]))
    client.force_login(clerk)
    sidebar = _sidebar(client.get("/demo/items/add/").content.decode())
    assert "Item list" not in sidebar and "Items" not in sidebar


def test_breadcrumb_goes_home_then_entry_then_page(clerk_client):
    html = clerk_client.get("/demo/items/add/").content.decode()
    crumb = re.search(r'<ol class="breadcrumb rbac-breadcrumb">(.*?)</ol>', html, re.S).group(1)
    items = re.findall(r'<li class="breadcrumb-item[^"]*"[^>]*>(.*?)</li>', crumb, re.S)
    assert len(items) == 3
    assert 'href="/"' in items[0]
    assert 'href="/demo/items/">Item list</a>' in items[1]
    assert items[2].strip() == "Add item"


def test_breadcrumb_entry_link_carries_the_parent_query(clerk_client):
    # The page passes the query restoring the entry's list as it was left (stark's origin_query).
    from django.urls import resolve

    response = clerk_client.get("/demo/items/add/")
    request = response.wsgi_request
    request.resolver_match = resolve("/demo/items/add/")
    crumbs = engines["django"].from_string("{% load rbac %}{% rbac_breadcrumb request query %}")
    html = crumbs.render({"query": "q=red&page=3"}, request)
    assert 'href="/demo/items/?q=red&amp;page=3">Item list</a>' in html
    assert 'href="/demo/items/">Item list</a>' in crumbs.render({"query": ""}, request)


def test_breadcrumb_of_a_menu_entry_is_home_then_entry(clerk_client):
    html = clerk_client.get("/demo/items/").content.decode()
    crumb = re.search(r'<ol class="breadcrumb rbac-breadcrumb">(.*?)</ol>', html, re.S).group(1)
    assert len(re.findall(r"<li ", crumb)) == 2
    assert 'aria-current="page">Item list</li>' in crumb


def test_menu_titles_are_escaped(client, clerk, role_with):
    menu = Menu.objects.create(title="<b>x</b>")
    entry = Permission.objects.create(title="<script>y</script>", name="demo:item_list", menu=menu)
    clerk.roles.add(role_with(entry))
    client.force_login(clerk)
    html = client.get("/demo/items/").content.decode()
    assert "<script>y</script>" not in html and "&lt;script&gt;y&lt;/script&gt;" in html


def test_an_entry_without_a_reversible_name_links_only_to_a_local_path(client, clerk, role_with):
    menu = Menu.objects.create(title="Tools")
    local = Permission.objects.create(title="Local", name="demo:gone_local", url="/demo/items/", menu=menu)
    hostile = Permission.objects.create(title="Hostile", name="demo:gone_js", url="javascript:alert(1)", menu=menu)
    other_host = Permission.objects.create(title="Away", name="demo:gone_host", url="//evil.example/", menu=menu)
    item = Permission.objects.create(title="Items", name="demo:item_list", menu=menu)
    clerk.roles.add(role_with(local, hostile, other_host, item))
    client.force_login(clerk)
    html = client.get("/demo/items/").content.decode()
    assert 'href="/demo/items/"' in html
    assert "javascript:" not in html and "evil.example" not in html


BUTTON = engines["django"].from_string(
    '{% load rbac %}{% if request|has_permission:"demo:item_add" %}<a id="add">add</a>{% endif %}'
)


def _request_for(client, user):
    client.force_login(user)
    request = RequestFactory().get("/demo/items/")
    request.user = user
    request.session = client.session
    return request


def test_has_permission_shows_a_button_only_to_holders(client, clerk, demo_menu, role_with):
    from tests.rbac.factories import UserFactory

    clerk.roles.add(role_with(demo_menu["add"]))
    assert 'id="add"' in BUTTON.render({}, _request_for(client, clerk))
    stranger = UserFactory(username="stranger")
    assert 'id="add"' not in BUTTON.render({}, _request_for(client, stranger))


def test_has_permission_is_false_for_anonymous_and_true_for_whitelisted(rf):
    from django.contrib.auth.models import AnonymousUser

    from rbac.services.access import has_permission

    request = rf.get("/")
    request.user = AnonymousUser()
    assert not has_permission(request, "demo:item_add")
    assert has_permission(request, "login")


def test_stark_hook_follows_the_same_rule(client, clerk, demo_menu, role_with):
    from rbac.permissions import stark_has_permission

    clerk.roles.add(role_with(demo_menu["entry"]))
    request = _request_for(client, clerk)
    assert stark_has_permission(request, "demo:item_list")
    assert not stark_has_permission(request, "demo:item_add")
    assert stark_has_permission(request, "home")


def test_on_a_page_outside_the_menu_every_group_is_expanded(clerk_client):
    sidebar = _sidebar(clerk_client.get("/").content.decode())
    assert sidebar.count("collapse show") == 2
    assert "active" not in sidebar


def test_every_menu_group_shows_a_caret_so_a_folded_group_is_seen_to_fold(clerk_client):
    sidebar = _sidebar(clerk_client.get("/demo/items/").content.decode())
    groups = sidebar.count('class="rbac-menu-group"')
    assert groups == 2 and sidebar.count("rbac-menu-caret") == groups
    assert 'class="menu-title d-block collapsed"' in sidebar  # the other group is folded, its caret says so


def menu_page(request):  # the page of the URLconf below
    raise AssertionError("never requested")


urlpatterns = [path("elsewhere/", menu_page, name="rbac_menu_link_test")]


def test_menu_links_are_worked_out_again_for_another_urlconf():
    """Menu links are remembered per URL resolver: a new URLconf gives its own links."""
    from django.test import override_settings

    from rbac.services import access

    entry = {"name": "rbac_menu_link_test", "url": "/typed/by/an/admin/"}
    assert access.entry_href(entry) == "/typed/by/an/admin/"  # not a URL name here: the pattern
    with override_settings(ROOT_URLCONF=__name__):
        assert access.entry_href(entry) == "/elsewhere/"
    assert access.entry_href(entry) == "/typed/by/an/admin/"
    assert access.entry_href({"name": "nowhere", "url": "javascript:alert(1)"}) == "#"
