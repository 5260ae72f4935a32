"""Buttons per role (issue 9): every list page a demo role can open shows exactly the add / edit /
delete buttons, per-row links and batch actions that role may use (DESIGN §5), none of the others;
and a batch action the role may not use is refused when posted to the list anyway.
"""

from html.parser import HTMLParser
from urllib.parse import urlparse

import pytest
from django.urls import Resolver404, resolve

from tests.web.matrix_support import ROLES, is_allowed, project_urls, scope_for, url_for
from web.demo import seed_all
from web.models import UserInfo

pytestmark = pytest.mark.django_db

#: Every stark list page → every URL name its buttons and row links may lead to, and its
#: batch actions (their URL names). What a role sees is the part of these it may use.
LIST_PAGES: dict[str, tuple[set[str], set[str]]] = {
    # issue 12: the read-only lists behind the dashboards' figures: no buttons, no actions.
    "stark:web_customer_entered_list": (set(), set()),
    "stark:web_talkrecord_classes_list": (set(), set()),
    "stark:web_consultrecord_team_list": (set(), set()),
    "stark:web_school_list": (
        {"stark:web_school_add", "stark:web_school_change", "stark:web_school_delete"},
        set(),
    ),
    "stark:web_department_list": (
        {"stark:web_department_add", "stark:web_department_change", "stark:web_department_delete"},
        set(),
    ),
    "stark:web_userinfo_list": (
        {
            "stark:web_userinfo_add",
            "stark:web_userinfo_change",
            "stark:web_userinfo_delete",
            "stark:web_userinfo_reset_pwd",
        },
        set(),
    ),
    "stark:web_course_list": (
        {"stark:web_course_add", "stark:web_course_change", "stark:web_course_delete"},
        set(),
    ),
    "stark:web_classlist_list": (
        {
            "stark:web_classlist_add",
            "stark:web_classlist_change",
            "stark:web_classlist_delete",
            "stark:web_courserecord_list",
        },
        set(),
    ),
    "stark:web_customer_pub_list": (
        {
            "stark:web_customer_pub_add",
            "stark:web_customer_pub_change",
            "stark:web_customer_pub_record",
            "stark:web_customer_pub_export",  # issue 14
            "stark:web_customer_pub_import",  # issue 14
        },
        {"stark:web_customer_pub_multi_claim", "stark:web_customer_pub_multi_assign"},
    ),
    "stark:web_customer_priv_list": (
        {
            "stark:web_customer_priv_add",
            "stark:web_customer_priv_change",
            "stark:web_customer_priv_detail",
            "stark:web_consultrecord_list",
            "stark:web_paymentrecord_list",
            "stark:web_customer_priv_export",  # issue 14
        },
        {"stark:web_customer_priv_multi_release"},
    ),
    "stark:web_customer_all_list": (
        {"stark:web_customer_all_export", "stark:web_customer_all_detail", "stark:web_customer_all_record"},
        {"stark:web_customer_all_multi_reassign"},
    ),
    "stark:web_consultrecord_list": (
        {
            "stark:web_consultrecord_add",
            "stark:web_consultrecord_change",
            "stark:web_consultrecord_delete",
            "stark:web_customer_priv_list",  # issue 13: back to the customers, as left
        },
        set(),
    ),
    "stark:web_paymentrecord_list": ({"stark:web_paymentrecord_add", "stark:web_customer_priv_list"}, set()),
    "stark:web_paymentrecord_check_list": (
        {"stark:web_paymentrecord_check_export", "stark:web_paymentrecord_check_customer"},
        {"stark:web_paymentrecord_check_multi_confirm", "stark:web_paymentrecord_check_multi_reject"},
    ),
    "stark:web_student_list": (
        {
            "stark:web_student_change",
            "stark:web_scorerecord_list",
            "stark:web_talkrecord_list",
            "stark:web_classchange_list",
            "stark:web_student_export",  # issue 14
        },
        set(),
    ),
    "stark:web_scorerecord_list": ({"stark:web_scorerecord_add", "stark:web_student_list"}, set()),
    "stark:web_courserecord_list": (
        {
            "stark:web_courserecord_add",
            "stark:web_courserecord_change",
            "stark:web_courserecord_delete",
            "stark:web_courserecord_attendance",
            "stark:web_classlist_list",  # issue 13: back to the classes, as left
        },
        {"stark:web_courserecord_multi_init"},
    ),
    "stark:web_talkrecord_list": (
        {"stark:web_talkrecord_add", "stark:web_talkrecord_change", "stark:web_student_list"},
        set(),
    ),
    "stark:web_classchange_list": ({"stark:web_classchange_add", "stark:web_student_list"}, set()),
    "stark:web_classchange_check_list": (
        set(),
        {"stark:web_classchange_check_multi_confirm", "stark:web_classchange_check_multi_reject"},
    ),
    # issue 16
    "stark:axes_accessattempt_list": (set(), {"stark:axes_accessattempt_multi_unlock"}),
    "stark:auditlog_logentry_list": (set(), set()),
}


class _ListParser(HTMLParser):
    """The links and batch action options inside the list (``div.stark-list``), not the menu."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # > 0 while inside div.stark-list
        self.hrefs: list[str] = []
        self.options: list[str] = []
        self.found = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if self.depth:
            if tag == "div":
                self.depth += 1
            elif tag == "a" and attributes.get("href"):
                self.hrefs.append(attributes["href"])
            elif tag == "option" and attributes.get("value"):
                self.options.append(attributes["value"])
        elif tag == "div" and "stark-list" in (attributes.get("class") or "").split():
            self.depth = 1
            self.found = True

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag == "div":
            self.depth -= 1


def _targets(html: str, list_name: str) -> tuple[set[str], set[str]]:
    """URL names the list's links lead to (other than the list itself: filters, sorting, pages)
    and the names of the batch actions offered."""
    parser = _ListParser()
    parser.feed(html)
    assert parser.found, f"{list_name}: no stark list on the page"
    names = set()
    for href in parser.hrefs:
        path = urlparse(href).path
        if not path:  # "?page=2", "?o=name": the same list
            continue
        try:
            name = resolve(path).view_name
        except Resolver404:
            names.add(f"unresolvable link {href}")
            continue
        if name != list_name:
            names.add(name)
    return names, set(parser.options)


def test_every_list_page_of_the_project_is_covered():
    lists = {name for name in project_urls() if name.startswith("stark:") and name.endswith("_list")}
    assert lists == set(LIST_PAGES)


def _action_names(action_url_names: set[str]) -> dict[str, str]:
    """``stark:web_customer_pub_multi_claim`` → ``multi_claim`` (the option value)."""
    return {name: "multi_" + name.rsplit("_multi_", 1)[1] for name in action_url_names}


@pytest.mark.parametrize("username", ROLES)
def test_list_pages_show_exactly_the_buttons_and_actions_of_the_role(client, username):
    seed_all()
    user = UserInfo.objects.get(username=username)
    scope = scope_for(user)
    client.force_login(user)
    urls = project_urls()
    opened = 0
    problems = []
    for list_name, (link_names, action_url_names) in LIST_PAGES.items():
        if not is_allowed(username, list_name):
            continue
        opened += 1
        response = client.get(url_for(list_name, urls[list_name], scope))
        assert response.status_code == 200, list_name
        assert response.context["rows"], f"{list_name}: no rows, so no row buttons to check"
        links, options = _targets(response.content.decode(), list_name)
        expected_links = {name for name in link_names if is_allowed(username, name)}
        if links != expected_links:
            missing, extra = sorted(expected_links - links), sorted(links - expected_links)
            problems.append(f"{list_name}: links missing {missing}, not allowed {extra}")
        actions = _action_names(action_url_names)
        expected_options = {actions[name] for name in action_url_names if is_allowed(username, name)}
        if options != expected_options:
            problems.append(f"{list_name}: batch actions {sorted(options)}, expected {sorted(expected_options)}")
        # Refused on POST too: a batch action the role may not use, posted to the list anyway.
        for name, action in actions.items():
            if not is_allowed(username, name):
                got = client.post(url_for(list_name, urls[list_name], scope), {"action": action, "select_across": "1"})
                if got.status_code != 403:
                    problems.append(f"{list_name}: POST action={action} → {got.status_code}, expected 403")
    assert opened, f"{username} can open no list page"
    assert not problems, f"{username}:\n" + "\n".join(problems)


# --- issue 16: the lockout list needs a row to show its batch action ------------------------------
@pytest.fixture(autouse=True)
def _one_login_lockout(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="someone", ip_address="192.0.2.7", failures_since_start=5, user_agent="", http_accept="", path_info=""
    )
