"""The layout is styled from our own static files, in Chinese by default."""

import posixpath
import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ASSET_RE = re.compile(r"""(?:href|src)=["']([^"']+\.(?:css|js|svg))["']""")
CSS_URL_RE = re.compile(r"""url\(['"]?([^'")?#]+)""")


def test_login_page_uses_only_local_static_files_and_each_is_served(client):
    html = client.get(reverse("login")).content.decode()
    assets = ASSET_RE.findall(html)
    assert any("bootstrap.min.css" in a for a in assets)
    assert any("jquery" in a for a in assets)
    assert any("font-awesome" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), f"{asset} is not a local static file"
        response = client.get(asset)
        assert response.status_code == 200, asset
        if asset.endswith(".css"):
            css = b"".join(response.streaming_content).decode()
            base = asset.rsplit("/", 1)[0]
            for ref in CSS_URL_RE.findall(css):
                if ref.startswith("data:"):
                    continue
                assert not ref.startswith(("http:", "https:", "//")), ref
                fetched = client.get(posixpath.normpath(f"{base}/{ref}"))
                assert fetched.status_code == 200, ref


def test_pages_are_in_chinese_by_default(client):
    html = client.get(reverse("login")).content.decode()
    assert "登录" in html


def test_logged_in_layout_shows_user_name_and_a_post_logout_form(logged_in_client, user):
    html = logged_in_client.get(reverse("home")).content.decode()
    assert user.name in html
    assert re.search(
        rf'<form id="luffy-logout" method="post" action="{reverse("logout")}" hidden>'
        r'<input type="hidden" name="csrfmiddlewaretoken"',
        html,
    )
    # The top bar's button and the narrow screen's one both submit that form.
    assert html.count('<button type="submit" form="luffy-logout"') == 2


def test_the_cached_top_bar_follows_the_users_name_and_language(logged_in_client, user, settings):
    assert user.name in logged_in_client.get(reverse("home")).content.decode()
    user.name = "改名之后"
    user.save()
    html = logged_in_client.get(reverse("home")).content.decode()
    assert '<i class="fa fa-user-circle"></i> 改名之后</span></li>' in html  # the top bar
    assert (
        '<span class="nav-link text-dark"><i class="fa fa-user-circle"></i> 改名之后</span>' in html
    )  # narrow screens
    settings.LANGUAGE_CODE = "en"
    english = logged_in_client.get(reverse("home")).content.decode()
    assert "Log out" in english and "退出" not in english


def test_404_page_uses_the_layout(logged_in_client):
    response = logged_in_client.get("/no/such/page/")
    assert response.status_code == 404
    assert "404" in response.content.decode()
    assert "bootstrap.min.css" in response.content.decode()


def test_small_screens_get_a_button_that_unfolds_the_menu(logged_in_client):
    # Below the md breakpoint the sidebar used to be d-none: no way to reach any page but home.
    html = logged_in_client.get(reverse("home")).content.decode()
    sidebar = re.search(r'<nav class="([^"]*luffy-sidebar[^"]*)" id="([^"]+)"', html)
    assert sidebar, "the sidebar needs an id for the toggle"
    classes, sidebar_id = sidebar.group(1).split(), sidebar.group(2)
    assert "collapse" in classes and "d-md-block" in classes and "d-none" not in classes
    toggle = re.search(r'<button class="([^"]*)"[^>]*data-toggle="collapse" data-target="#' + sidebar_id + '"', html)
    assert toggle and "d-md-none" in toggle.group(1).split()


def test_anonymous_pages_have_no_menu_toggle(client):
    assert 'data-target="#luffy-sidebar"' not in client.get(reverse("login")).content.decode()


def test_every_page_starts_with_a_skip_link_to_the_content_and_loads_the_theme(client):
    html = client.get(reverse("login")).content.decode()
    body = html.split("<body>", 1)[1].lstrip()
    assert body.startswith('<a class="sr-only sr-only-focusable luffy-skip-link" href="#content">')
    assert 'id="content" tabindex="-1"' in html
    assert "/static/luffy/theme.css" in html  # the one stylesheet of colour overrides (WCAG AA contrast)


def test_the_boolean_column_icon_is_an_image_with_a_name():
    from stark.display import field_html
    from web.models import UserInfo

    html = field_html(UserInfo(is_active=True), UserInfo._meta.get_field("is_active"))
    assert 'role="img"' in html and 'aria-label="' in html
