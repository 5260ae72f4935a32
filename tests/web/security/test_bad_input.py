"""Generated bad input on every page of every demo role: no 500, and a rejected form changes nothing.

For each demo role, every page the role may open (DESIGN §5 matrix) is visited on the demo data:
- every list gets each bad value in all of its query parameters (search, sort, page, every
  filter and date bound, ``_filter``), and each batch action gets it as the selected ``pk``;
- every page with a POST form gets each bad value in all of its fields at once.
Nothing may answer 5xx; a form answered 200 (refused, shown again with errors) must leave the
database as it was (row counts of the CRM and rbac tables, and the edited row itself).

Bounded: 11 values, the project's pages, one seed per role — a few thousand requests in all.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.forms.models import model_to_dict
from django.urls import resolve, reverse

from tests.web.matrix_support import (
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

#: Empty, overlong, wrong type, negative, beyond 64 bits, unicode digits, NUL, emoji, injection-looking.
BAD_VALUES = [
    "",
    "x" * 10_000,
    "abc",
    "-1",
    str(2**63),
    str(10**30),
    "１２３",
    "a\x00b",
    "😀🚀",
    "' OR 1=1 --",
    '<script>alert("x")</script>',
]

#: Tables whose rows a refused form must not change (the session, audit and lockout tables
#: legitimately record the requests themselves).
CHECKED_APPS = ("web", "rbac")
UNCHECKED_MODELS = {"web.usersession"}


class _FormFields(HTMLParser):
    """Names of the fields of the page's POST forms (not the CSRF token, not the log-out form)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self._in_post_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            action = attributes.get("action") or ""
            self._in_post_form = (attributes.get("method") or "").lower() == "post" and action != reverse("logout")
        elif self._in_post_form and tag in ("input", "select", "textarea"):
            name = attributes.get("name")
            if name and name != "csrfmiddlewaretoken" and name not in self.names:
                self.names.append(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False


def _fingerprint(obj_key=None):
    counts = tuple(
        (model._meta.label_lower, model._default_manager.count())
        for app in CHECKED_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label_lower not in UNCHECKED_MODELS
    )
    row = None
    if obj_key is not None:
        model, pk = obj_key
        instance = model._default_manager.filter(pk=pk).first()
        row = repr(sorted(model_to_dict(instance).items())) if instance is not None else None
    return counts, row


def _edited_object(url_name: str, url: str):
    """(model, pk) of the row a change-like page edits, when the URL names one."""
    pk = resolve(url).kwargs.get("pk")
    if pk is None:
        return None
    namespace, rest = url_name.split(":", 1)
    if namespace == "stark":
        app_label, model_name = rest.split("_")[:2]
    else:
        app_label, model_name = namespace, rest.split("_")[0]
    try:
        return apps.get_model(app_label, model_name), pk
    except LookupError:
        return None


def _list_parameters(response) -> list[str]:
    params = ["q", "page", "o", "_filter"]
    for bound in response.context.get("search_group") or []:
        if getattr(bound, "kind", "") == "date_range":
            params += [bound.start_param, bound.end_param]
        else:
            params.append(bound.name)
    return params


@pytest.mark.parametrize("username", ROLES)
def test_no_page_answers_500_to_bad_input_and_refused_forms_change_nothing(client, username):
    seed_all()
    user = UserInfo.objects.get(username=username)
    scope = scope_for(user)
    problems: list[str] = []
    requests = 0

    def check(response, what):
        nonlocal requests
        requests += 1
        if response.status_code >= 500:
            problems.append(f"{what} → {response.status_code}")
        if getattr(response, "streaming", False):
            # A download (an export) is written while it streams: read it all, so an error shows.
            b"".join(response.streaming_content)

    urls = {name: url_for(name, pattern, scope) for name, pattern in project_urls().items()}
    urls["password_change"] = reverse("password_change")
    for url_name, url in sorted(urls.items()):
        if url_name != "password_change" and not is_allowed(username, url_name):
            continue
        client.force_login(user)  # a previous page may have ended the session (a password reset)
        if is_post_only(url_name):
            list_url = url_for(action_list_name(url_name), project_urls()[action_list_name(url_name)], scope)
            for value in BAD_VALUES:
                check(client.post(url, {"pk": [value]}), f"POST {url_name} pk={value[:20]!r}")
                check(
                    client.post(list_url, {"action": url_name.rsplit("_multi_", 1)[1] and value, "pk": [value]}),
                    f"POST {list_url} action={value[:20]!r}",
                )
            continue
        page = client.get(url)
        check(page, f"GET {url_name}")
        if page.status_code != 200:
            continue
        if page.streaming:  # an export: the list's parameters and the format, each bad at once
            for value in BAD_VALUES:
                params = dict.fromkeys(["q", "o", "page", "format", "status", "source", "date_from"], value)
                check(client.get(url, params), f"GET {url_name} params={value[:20]!r}")
            continue
        if url_name.endswith("_list") and page.context is not None and "rows" in page.context:
            params = _list_parameters(page)
            for value in BAD_VALUES:
                # Every parameter at once: each is parsed on its own (a bad one is ignored, never
                # an error), so one request per value covers them all and keeps the test short.
                check(client.get(url, dict.fromkeys(params, value)), f"GET {url_name} {params}={value[:20]!r}")
        parser = _FormFields()
        parser.feed(page.content.decode())
        fields = parser.names
        if not fields or url_name.endswith("_delete"):
            continue
        obj_key = _edited_object(url_name, url)
        for value in BAD_VALUES:
            before = _fingerprint(obj_key)
            response = client.post(url, {name: value for name in fields})
            check(response, f"POST {url_name} all fields={value[:20]!r}")
            if response.status_code == 200 and _fingerprint(obj_key) != before:
                problems.append(f"POST {url_name} value={value[:20]!r}: refused (200) but the data changed")
    assert requests > 3 * len(BAD_VALUES), f"{username}: only {requests} requests were made"
    print(f"\n[bad input] {username}: {requests} requests, {len(problems)} problems")  # noqa: T201 - evidence
    assert not problems, f"{username}:\n" + "\n".join(problems[:50])


@pytest.mark.parametrize("value", BAD_VALUES, ids=range(len(BAD_VALUES)))
def test_the_login_page_answers_bad_input_without_500(client, value):
    response = client.post(reverse("login"), {"username": value, "password": value, "next": value})
    assert response.status_code in (200, 429)
