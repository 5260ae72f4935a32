"""The permission matrix (issue 9): every URL name of the project × every demo role + anonymous.

Expected results come from DESIGN §5, transcribed in ``tests/web/matrix_support.py``; the roles
and users come from the real demo seed. Pages: 200 when allowed, 403 when not. Batch action URLs
(POST only): allowed → 405 on GET and a redirect back to the list on a POST without rows, not
allowed → 403. Anonymous → 302 to the login page with a local ``next``.
"""

import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from rbac.services.discovery import discover_urls
from tests.web.matrix_support import (
    EXPECTED,
    ROLES,
    action_list_name,
    is_allowed,
    is_post_only,
    prefixes_of_testing_apps,
    project_urls,
    scope_for,
    url_for,
)
from web.demo import seed_all
from web.models import Student, UserInfo

pytestmark = pytest.mark.django_db


def test_every_url_name_of_the_project_has_an_expected_entry():
    discovered = set(project_urls())
    assert discovered, "URL discovery found nothing"
    missing = sorted(discovered - set(EXPECTED))
    assert not missing, f"URL names without an entry in the DESIGN §5 table (tests/web/matrix_support.py): {missing}"
    stale = sorted(set(EXPECTED) - discovered)
    assert not stale, f"entries of the table that are no URL of the project any more: {stale}"


def _outcome(client, username: str, url_name: str, url: str, list_url: str | None) -> str | None:
    """None when the response is the expected one for an allowed request, else what went wrong.

    A page also must not link to a page the user may not open (menu, breadcrumb, buttons).
    """
    if is_post_only(url_name):
        got = client.get(url)
        if got.status_code != 405:
            return f"GET {url} → {got.status_code}, expected 405 (POST only)"
        got = client.post(url)
        if got.status_code != 302 or got["Location"] != list_url:
            return f"POST {url} → {got.status_code} {got.get('Location')}, expected 302 to {list_url}"
        if not list(get_messages(got.wsgi_request)):
            return f"POST {url} without rows: no message tells the user to select rows"
        return None
    got = client.get(url)
    if got.status_code != 200:
        return f"GET {url} → {got.status_code}, expected 200"
    if got.streaming:  # issue 14: an export is a download, a file without links
        return None
    dead_ends = [href for href, name in _links(got.content.decode()) if not _may_open(username, name)]
    if dead_ends:
        return f"GET {url} links to pages the user may not open: {dead_ends}"
    return None


_HREF = re.compile(r'<a\b[^>]*\bhref="([^"]*)"')


def _links(html: str) -> list[tuple[str, str | None]]:
    """The page's local links (menu, breadcrumb, buttons, rows) with the URL name each resolves to."""
    found = []
    for href in _HREF.findall(html):
        path = urlparse(unescape(href)).path
        if not path.startswith("/") or path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            continue  # "?page=2", "#menu": the same page
        try:
            found.append((href, resolve(path).view_name))
        except Resolver404:
            found.append((href, None))
    return found


def _may_open(username: str, url_name: str | None) -> bool:
    if url_name is None:
        return False
    return url_name in OPEN_URLS or url_name in LOGIN_ONLY_URLS | LOGIN_ONLY_POST_URLS or is_allowed(username, url_name)


@pytest.mark.parametrize("username", ROLES)
def test_permission_matrix(client, username):
    seed_all()
    user = UserInfo.objects.get(username=username)
    scope = scope_for(user)
    client.force_login(user)
    problems = []
    for url_name, pattern in project_urls().items():
        assert url_name in EXPECTED, f"{url_name} has no entry in the DESIGN §5 table"
        url = url_for(url_name, pattern, scope)
        if is_allowed(username, url_name):
            list_url = url_for(action_list_name(url_name), pattern, scope) if is_post_only(url_name) else None
            problem = _outcome(client, username, url_name, url, list_url)
            if problem:
                problems.append(f"{url_name}: {problem}")
        else:
            for method in ("get", "post") if is_post_only(url_name) else ("get",):
                got = getattr(client, method)(url)
                if got.status_code != 403:
                    problems.append(f"{url_name}: {method.upper()} {url} → {got.status_code}, expected 403")
    assert not problems, f"{username}:\n" + "\n".join(problems)


def test_anonymous_is_sent_to_the_login_page_with_a_local_next(client):
    seed_all()
    scope = scope_for(UserInfo.objects.get(username="admin"))
    login_path = reverse("login")
    problems = []
    for url_name, pattern in project_urls().items():
        url = url_for(url_name, pattern, scope)
        for method in ("get", "post") if is_post_only(url_name) else ("get",):
            got = getattr(client, method)(url)
            location = urlparse(got.get("Location", ""))
            next_url = parse_qs(location.query).get("next", [""])[0]
            if (
                got.status_code != 302
                or location.path != login_path
                or next_url != url
                or not url_has_allowed_host_and_scheme(next_url, allowed_hosts=None)
            ):
                problems.append(f"{url_name}: {method.upper()} {url} → {got.status_code} {got.get('Location')}")
    assert not problems, "\n".join(problems)


#: Named URLs that are no permission: open to everyone, or to every logged-in user (DESIGN §5).
OPEN_URLS = {"login": "whitelist", "logout": "whitelist", "health": "whitelist"}
LOGIN_ONLY_URLS = {"home", "password_change"}
#: issue 16: login-only and POST only (ending one's other sessions; tests/web/security/test_sessions.py).
LOGIN_ONLY_POST_URLS = {"session_end"}


def test_every_named_url_is_a_permission_or_deliberately_open(settings):
    settings.RBAC_WHITELIST = []
    settings.RBAC_LOGIN_ONLY = []
    every_name = set(discover_urls())
    test_only = {name for name in every_name if name.startswith(prefixes_of_testing_apps())}
    assert every_name - test_only == set(EXPECTED) | set(OPEN_URLS) | LOGIN_ONLY_URLS | LOGIN_ONLY_POST_URLS


@pytest.mark.parametrize("username", ROLES)
def test_login_only_pages_open_for_every_role(client, username):
    seed_all()
    client.force_login(UserInfo.objects.get(username=username))
    for name in sorted(LOGIN_ONLY_URLS):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("health")).status_code == 200


def test_login_only_pages_send_anonymous_to_login(client):
    for name in sorted(LOGIN_ONLY_URLS):
        got = client.get(reverse(name))
        assert got.status_code == 302
        assert got["Location"] == f"{reverse('login')}?next={reverse(name)}"
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("health")).status_code == 200


def test_a_consultant_gets_404_for_another_consultants_customer(client):
    """Allowed pages, foreign objects (DESIGN §6): the URL name passes, the object lookup does not."""
    seed_all()
    consultant1 = UserInfo.objects.get(username="consultant1")
    foreign = scope_for(UserInfo.objects.get(username="consultant2"))
    client.force_login(consultant1)
    urls = project_urls()
    names = [
        name
        for name, pattern in urls.items()
        if "<int:customer_id>" in pattern or name == "stark:web_customer_priv_change"
    ]
    assert names
    for name in names:
        assert is_allowed("consultant1", name)
        url = url_for(name, urls[name], foreign)
        assert client.get(url).status_code == 404, url
    release = reverse("stark:web_customer_priv_multi_release")
    assert client.post(release, {"pk": foreign.own_customer.pk}).status_code == 404
    foreign.own_customer.refresh_from_db()
    assert foreign.own_customer.consultant.username == "consultant2"


def test_a_class_teacher_gets_404_for_a_student_outside_their_classes(client):
    seed_all()
    teacher1 = UserInfo.objects.get(username="teacher1")
    outsider = Student.objects.exclude(class_list__class_teacher=teacher1).filter(class_list__isnull=False).first()
    assert outsider is not None
    client.force_login(teacher1)
    for name in ("stark:web_talkrecord_list", "stark:web_talkrecord_add", "stark:web_classchange_list"):
        url = reverse(name, kwargs={"student_id": outsider.pk})
        assert client.get(url).status_code == 404, url
