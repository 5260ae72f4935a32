"""Response headers: Content-Security-Policy, Permissions-Policy, no caching of logged-in pages,
and no inline script or style left in any template (the policy forbids them)."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIRS = [
    ROOT / "templates",
    ROOT / "web" / "templates",
    ROOT / "stark" / "templates",
    ROOT / "rbac" / "templates",
]


def _directives(header: str) -> dict[str, list[str]]:
    parts = [p.strip().split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


def test_every_page_carries_a_csp_allowing_only_our_own_scripts_and_styles(client):
    header = client.get(reverse("login"))["Content-Security-Policy"]
    policy = _directives(header)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


def test_permissions_policy_refuses_camera_microphone_and_geolocation(client):
    header = client.get(reverse("login"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in header


def test_logged_in_pages_are_not_stored_by_the_browser(logged_in_client):
    response = logged_in_client.get(reverse("home"))
    assert response.status_code == 200
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control


def test_a_logged_in_users_403_is_not_stored_either(logged_in_client):
    response = logged_in_client.get(reverse("stark:web_customer_all_list"))
    assert response.status_code == 403
    assert "no-store" in response["Cache-Control"]


def test_static_files_stay_cacheable(logged_in_client):
    response = logged_in_client.get("/static/luffy/layout.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"javascript:", re.IGNORECASE)


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from sorted(folder.rglob("*.html"))


@pytest.mark.parametrize("pattern", [INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JS_URL], ids=lambda p: p.pattern)
def test_no_template_has_inline_script_or_style(pattern):
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)!r}"
        for path in _templates()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not offenders


def test_python_code_renders_no_inline_style_or_script():
    """Display columns and widgets build HTML in Python: they must not add style= or on*= either."""
    offenders = []
    for folder in ("web", "stark", "rbac"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for pattern in (INLINE_STYLE, EVENT_HANDLER, re.compile(r"<script", re.IGNORECASE)):
                offenders += [f"{path.relative_to(ROOT)}: {m.group(0)!r}" for m in pattern.finditer(text)]
    assert not offenders
