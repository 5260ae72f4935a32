"""A person opens the login page, logs in as admin, sees the styled Chinese layout, logs out."""

import pytest

from tests.factories import DEFAULT_TEST_PASSWORD, UserFactory


@pytest.mark.django_db(transaction=True)
def test_admin_logs_in_sees_the_styled_chinese_layout_and_logs_out(page, login):
    UserFactory(username="admin", name="路飞管理员")
    login("admin", DEFAULT_TEST_PASSWORD)

    assert page.url.endswith("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".navbar").get_by_text("路飞管理员").is_visible()
    # Bootstrap's stylesheet is applied (the top bar is dark), so the local CSS loaded.
    background = page.eval_on_selector(".navbar", "el => getComputedStyle(el).backgroundColor")
    assert background == "rgb(52, 58, 64)"
    # The icon font is served locally and used.
    font = page.eval_on_selector(".fa-ship", "el => getComputedStyle(el).fontFamily")
    assert "FontAwesome" in font

    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/")
    assert page.get_by_role("button", name="登录").is_visible()


@pytest.mark.django_db(transaction=True)
def test_wrong_password_shows_an_error_in_chinese(page, login):
    UserFactory(username="admin")
    login("admin", "not-the-password")
    assert "/login/" in page.url
    assert page.locator(".alert-danger, .invalid-feedback, .text-danger").first.is_visible()
