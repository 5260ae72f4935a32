"""The home page of each demo role (issue 9): its menu entries as cards, grouped by menu, with icons."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from tests.permissions import grant_permissions
from web.demo import seed_all
from web.models import UserInfo

pytestmark = pytest.mark.django_db

#: What each demo user's home page offers (DESIGN §5 and issue 9's menu groups):
#: menu title (in display order) → (icon, URL names of its entries).
CUSTOMERS, FINANCE, TEACHING, BASE, RBAC = "客户管理", "财务", "教学", "基础数据", "权限管理"
HOME = {
    "admin": {
        CUSTOMERS: (
            "fa-users",
            {
                "customer_pub_list",
                "customer_priv_list",
                "customer_all_list",
                "customer_entered_list",  # issue 12
                "consultrecord_team_list",  # issue 12
            },
        ),
        FINANCE: ("fa-jpy", {"paymentrecord_check_list"}),
        TEACHING: (
            "fa-graduation-cap",
            {"classlist_list", "student_list", "talkrecord_classes_list", "classchange_check_list"},
        ),
        BASE: ("fa-database", {"school_list", "department_list", "userinfo_list", "course_list"}),
        RBAC: (
            "fa-lock",
            {
                "rbac:menu_list",
                "rbac:role_list",
                "rbac:distribute_permissions",
                "rbac:multi_permissions",
                "stark:axes_accessattempt_list",  # issue 16
                "stark:auditlog_logentry_list",  # issue 16
            },
        ),
    },
    "manager1": {CUSTOMERS: ("fa-users", {"customer_pub_list", "customer_all_list", "consultrecord_team_list"})},
    "consultant1": {CUSTOMERS: ("fa-users", {"customer_pub_list", "customer_priv_list"})},
    "ops1": {CUSTOMERS: ("fa-users", {"customer_pub_list", "customer_entered_list"})},
    "finance1": {
        FINANCE: ("fa-jpy", {"paymentrecord_check_list"}),
        TEACHING: ("fa-graduation-cap", {"student_list"}),
    },
    "teacher1": {TEACHING: ("fa-graduation-cap", {"classlist_list", "student_list", "talkrecord_classes_list"})},
}
EMPTY_MESSAGE = "请联系管理员"


def _url_name(name: str) -> str:
    return name if ":" in name else f"stark:web_{name}"


class _HomeParser(HTMLParser):
    """The cards of the home page: title, icon and link targets of each."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[dict] = []
        self.in_header = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if "luffy-home-menu" in classes:
            self.cards.append({"title": "", "icon": None, "hrefs": []})
        elif not self.cards:
            return
        elif "card-header" in classes:
            self.in_header = True
        elif self.in_header and tag == "i":
            self.cards[-1]["icon"] = next((c for c in classes if c.startswith("fa-") and c != "fa-fw"), None)
        elif tag == "a" and "list-group-item" in classes:
            self.cards[-1]["hrefs"].append(attributes["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self.in_header = False

    def handle_data(self, data: str) -> None:
        if self.in_header:
            self.cards[-1]["title"] += data.strip()


def _cards(html: str) -> list[dict]:
    parser = _HomeParser()
    parser.feed(html)
    return parser.cards


@pytest.mark.parametrize("username", sorted(HOME))
def test_home_lists_the_menu_entries_of_the_role_as_cards(client, username):
    seed_all()
    client.force_login(UserInfo.objects.get(username=username))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    cards = _cards(html)
    expected = HOME[username]
    assert [card["title"] for card in cards] == list(expected)
    for card in cards:
        icon, names = expected[card["title"]]
        assert card["icon"] == icon
        assert set(card["hrefs"]) == {reverse(_url_name(name)) for name in names}
        assert len(card["hrefs"]) == len(names)
    assert EMPTY_MESSAGE not in html
    # Every card leads somewhere the user may go.
    for card in cards:
        for href in card["hrefs"]:
            assert client.get(href).status_code == 200, href


def test_home_names_the_users_roles(client):
    seed_all()
    client.force_login(UserInfo.objects.get(username="consultant1"))
    html = client.get(reverse("home")).content.decode()
    assert re.search(r'class="text-muted luffy-home-roles">[^<]*课程顾问', html)


def test_a_user_without_a_role_is_told_to_ask_an_administrator(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert EMPTY_MESSAGE in html
    assert _cards(html) == []


def test_permissions_without_a_menu_entry_give_no_card(client):
    """A role holding only pages outside the menu has nothing to open from home either."""
    user = UserFactory()
    grant_permissions(user, "stark:web_school_add")
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert EMPTY_MESSAGE in html
    assert _cards(html) == []


def test_home_follows_a_change_of_role_on_the_next_request(client):
    seed_all()
    user = UserInfo.objects.get(username="ops1")
    client.force_login(user)
    assert [card["title"] for card in _cards(client.get(reverse("home")).content.decode())] == [CUSTOMERS]
    from rbac.models import Role

    user.roles.add(Role.objects.get(title="财务"))
    titles = [card["title"] for card in _cards(client.get(reverse("home")).content.decode())]
    assert titles == [CUSTOMERS, FINANCE, TEACHING]


def test_home_costs_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    seed_all()
    client.force_login(UserInfo.objects.get(username="admin"))
    client.get(reverse("home"))  # loads the rbac snapshot into the session
    # 4 for the page, plus the admin's five dashboards (issue 12; each a fixed number of aggregates,
    # counted in tests/web/test_dashboards.py).
    with django_assert_max_num_queries(4 + 24):
        assert client.get(reverse("home")).status_code == 200
