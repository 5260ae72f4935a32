"""The permission matrix (issue 9): every URL name of the project × every demo role + anonymous.

Expected results come from DESIGN §5, transcribed in ``tests/web/matrix_support.py``; the roles
and users come from the real demo seed. Pages: 200 when allowed, 403 when not. Batch action URLs
(POST only): allowed → 405 on GET and a redirect back to the list on a POST without rows, not
allowed → 403. Anonymous → 302 to the login page with a local ``next``.
"""

from urllib.parse import parse_qs, urlparse

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from tests.web.matrix_support import (
    EXPECTED,
    ROLES,
    action_list_name,
    is_allowed,
    is_post_only,
    project_urls,
    scope_for,
    url_for,
)
from web.demo import seed_all
from web.models import UserInfo

pytestmark = pytest.mark.django_db


def test_every_url_name_of_the_project_has_an_expected_entry():
    discovered = set(project_urls())
    assert discovered, "URL discovery found nothing"
    missing = sorted(discovered - set(EXPECTED))
    assert not missing, f"URL names without an entry in the DESIGN §5 table (tests/web/matrix_support.py): {missing}"
    stale = sorted(set(EXPECTED) - discovered)
    assert not stale, f"entries of the table that are no URL of the project any more: {stale}"


def _outcome(client, url_name: str, url: str, list_url: str | None) -> str | None:
    """None when the response is the expected one for an allowed request, else what went wrong."""
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
    return None


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
            problem = _outcome(client, url_name, url, list_url)
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
