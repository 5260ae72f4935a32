"""In the browser: a consultant applies for a payment, finance confirms it in batch, the class
teacher generates the lesson's attendance and marks the new student late."""

import pytest

from tests.factories import DEFAULT_TEST_PASSWORD, ClassListFactory, CourseRecordFactory, CustomerFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.handlers.enrolment_helpers import class_teacher, lecturer
from web.models import Customer, Student, StudyRecord


def settle(page):
    page.wait_for_load_state("networkidle")


@pytest.mark.django_db(transaction=True)
def test_payment_to_attendance_in_the_browser(page, login, browser, live_server):
    teacher = class_teacher("teacher_e2e")
    klass = ClassListFactory(class_teacher=teacher)
    klass.tech_teachers.add(lecturer("lecturer_e2e"))
    lesson = CourseRecordFactory(class_object=klass, teacher=klass.tech_teachers.get(), day_num=1)
    consultant = UserFactory(username="consultant_e2e")
    grant_permissions(consultant, "stark:web_paymentrecord_list", "stark:web_paymentrecord_add")
    customer = CustomerFactory(name="林小雨", qq="96000001", consultant=consultant)
    finance = UserFactory(username="finance_e2e")
    grant_permissions(finance, "stark:web_paymentrecord_check_list", "stark:web_paymentrecord_check_multi_confirm")
    grant_permissions(
        teacher,
        "stark:web_courserecord_list",
        "stark:web_courserecord_multi_init",
        "stark:web_courserecord_attendance",
    )

    # The consultant applies: the first application asks for the student's contact fields.
    login("consultant_e2e", DEFAULT_TEST_PASSWORD)
    page.goto(f"/stark/web/paymentrecord/{customer.pk}/add/")
    settle(page)
    assert page.input_value("input[name=qq]") == "96000001"
    page.fill("input[name=paid_fee]", "2000")
    page.select_option("select[name=class_list]", str(klass.pk))
    page.fill("input[name=mobile]", "13800000001")
    page.fill("input[name=emergency_contract]", "父亲 13900000001")
    page.get_by_role("button", name="保存").click()
    settle(page)
    assert "2000.00" in page.content()

    # Finance confirms it from the approval list (pending by default).
    page.context.clear_cookies()
    login("finance_e2e", DEFAULT_TEST_PASSWORD)
    page.goto("/stark/web/paymentrecord/check/list/")
    settle(page)
    page.check("input[name=pk]")
    page.select_option("select[name=action]", "multi_confirm")
    page.get_by_role("button", name="执行").click()
    settle(page)
    assert "已确认 1 条申请。" in page.content()
    customer.refresh_from_db()
    assert customer.status == Customer.Status.SIGNED
    assert customer.student.student_status == Student.Status.STUDYING

    # The class teacher generates the lesson's attendance and marks the student late.
    page.context.clear_cookies()
    login("teacher_e2e", DEFAULT_TEST_PASSWORD)
    page.goto(f"/stark/web/courserecord/{klass.pk}/list/")
    settle(page)
    page.check("input[name=pk]")
    page.select_option("select[name=action]", "multi_init")
    page.get_by_role("button", name="执行").click()
    settle(page)
    assert "生成 1 条考勤记录" in page.content()
    page.goto(f"/stark/web/courserecord/{klass.pk}/{lesson.pk}/attendance/")
    settle(page)
    page.select_option("select[name=form-0-record]", "late")
    page.get_by_role("button", name="保存").click()
    settle(page)
    assert StudyRecord.objects.get().record == StudyRecord.Record.LATE
