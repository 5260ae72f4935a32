"""At 375 px (a phone) nothing hides under the top bar: the breadcrumb and the first message are
visible below it on a list page and a form page; the user links live in the menu button (issue 13)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import click_and_wait
from tests.factories import DEFAULT_TEST_PASSWORD, CustomerFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import CONSULTANT_PERMISSIONS, make_consultant


def below_the_top_bar(page, selector: str) -> None:
    bar = page.locator("nav.luffy-topbar").bounding_box()
    box = page.locator(selector).first.bounding_box()
    assert bar["height"] <= 60, f"the top bar wrapped: {bar['height']}px high"
    assert box is not None and box["y"] >= bar["y"] + bar["height"] - 1, f"{selector} is under the top bar"
    expect(page.locator(selector).first).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_phone_sees_breadcrumb_and_messages_below_the_top_bar(page, login):
    consultant = make_consultant("consultant1", name="李晓明")
    grant_permissions(consultant, *CONSULTANT_PERMISSIONS, role_title="课程顾问")
    customer = CustomerFactory(name="赵敏", consultant=consultant)
    page.set_viewport_size({"width": 375, "height": 740})
    login("consultant1", DEFAULT_TEST_PASSWORD)

    # A list page, with a message (after claiming nothing: "select at least one row").
    page.goto("/stark/web/customer/priv/list/")
    below_the_top_bar(page, "nav[aria-label=breadcrumb]")
    page.locator("select[name=action]").select_option("multi_release")
    click_and_wait(page, page.get_by_role("button", name="执行"))
    below_the_top_bar(page, ".alert")

    # A form page, after a failed submit (its error message and the breadcrumb).
    page.goto(f"/stark/web/customer/priv/{customer.pk}/change/")
    below_the_top_bar(page, "nav[aria-label=breadcrumb]")
    page.get_by_label("姓名").fill("")
    click_and_wait(page, page.locator("main form").get_by_role("button", name="保存"))
    below_the_top_bar(page, ".invalid-feedback, .alert")

    # The user links are one tap away in the menu, not squeezed into the top bar.
    expect(page.locator("nav.luffy-topbar").get_by_role("button", name="退出")).to_have_count(0)
    page.locator(".luffy-menu-toggle").click()
    expect(page.locator("#luffy-sidebar").get_by_role("button", name="退出")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_batch_attendance_set_all_then_change_one(page, login):
    from tests.factories import ClassListFactory, CourseRecordFactory, StudyRecordFactory
    from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class
    from web.models import StudyRecord

    teacher = class_teacher("teacher1")
    grant_permissions(teacher, "stark:web_courserecord_list", "stark:web_courserecord_attendance")
    klass = ClassListFactory(class_teacher=teacher)
    lesson = CourseRecordFactory(class_object=klass)
    records = [StudyRecordFactory(course_record=lesson, student=student_in_class(klass)) for _ in range(3)]
    login("teacher1", DEFAULT_TEST_PASSWORD)
    page.goto(f"/stark/web/courserecord/{klass.pk}/{lesson.pk}/attendance/")

    page.locator("#attendance-set-all").select_option(StudyRecord.Record.VACATE)
    page.get_by_role("button", name="一键设置").click()
    selects = page.locator("select[name$='-record']")
    expect(selects).to_have_count(3)
    for index in range(3):
        expect(selects.nth(index)).to_have_value(StudyRecord.Record.VACATE)
    selects.nth(0).select_option(StudyRecord.Record.LATE)
    click_and_wait(page, page.get_by_role("button", name="保存"))
    saved = [StudyRecord.objects.get(pk=r.pk).record for r in records]
    assert sorted(saved) == sorted([StudyRecord.Record.LATE, StudyRecord.Record.VACATE, StudyRecord.Record.VACATE])
