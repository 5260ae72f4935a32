"""The day of each demo role, in the browser, on the real demo data (``web.demo.seed_all``).

Each person logs in on the login page and from there only clicks: menu entries, links,
buttons, checkboxes and batch actions, and fills forms. The one typed URL is consultant2
trying consultant1's customer pages, which must answer 404. Every page is watched by the
harness (no console error, no failed request, every static file loads offline).
"""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from rbac.models import Role
from tests.e2e.harness import click_and_wait, log_out, menu_entries, open_expecting, open_menu
from web.demo import DEFAULT_PASSWORD, seed_all
from web.models import (
    ClassList,
    ConsultRecord,
    CourseRecord,
    Customer,
    PaymentRecord,
    ScoreRecord,
    Student,
    StudyRecord,
)

NAME = "欧阳晓雯"
QQ = "31415926"
CLASS = "Python 全栈开发（1期）· 北京沙河校区"  # teacher1's class in the demo data, five lessons so far


@pytest.fixture
def demo(transactional_db):
    return seed_all()


def rows(page: Page):
    return page.locator("table.stark-table tbody tr")


def row_of(page: Page, text: str):
    return rows(page).filter(has_text=text)


def search(page: Page, text: str) -> None:
    page.locator("form.stark-search input[name=q]").fill(text)
    click_and_wait(page, page.locator("form.stark-search button[type=submit]"))


def run_batch_action(page: Page, label: str) -> None:
    page.locator("select[name=action]").select_option(label=label)
    click_and_wait(page, page.get_by_role("button", name="执行"))


def save(page: Page) -> None:
    click_and_wait(page, page.locator("main form").get_by_role("button", name="保存"))


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".alert").filter(has_text=text)).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_a_customer_from_entry_to_attendance_through_each_role(page, login, demo):
    # ---- ops1 enters a new customer into the public pool.
    login("ops1", DEFAULT_PASSWORD)
    assert menu_entries(page) == {"客户管理": ["公户客户", "录入的客户"]}
    open_menu(page, "客户管理", "公户客户")
    click_and_wait(page, page.locator("main").get_by_role("link", name="添加"))
    page.get_by_label("姓名").fill(NAME)
    page.get_by_label("QQ").fill(QQ)
    page.get_by_label("性别").select_option(label="女")
    page.get_by_label("客户来源").select_option(label="官方网站")
    page.get_by_label("Python 全栈开发").check()
    page.get_by_label("学历").select_option(label="本科")
    page.get_by_label("毕业院校").fill("武汉大学")
    save(page)
    expect(row_of(page, QQ)).to_have_count(1)
    customer = Customer.objects.get(qq=QQ)
    assert (customer.name, customer.consultant) == (NAME, None)
    log_out(page)

    # ---- consultant1 finds the customer by search, claims it, writes a follow-up, applies for a payment.
    login("consultant1", DEFAULT_PASSWORD)
    assert menu_entries(page) == {"客户管理": ["公户客户", "我的客户"]}
    open_menu(page, "客户管理", "公户客户")
    search(page, NAME)
    expect(rows(page)).to_have_count(1)
    row_of(page, QQ).locator("input[name=pk]").check()
    run_batch_action(page, "申领到我的私户")
    expect_message(page, "所选 1 个客户中已申领 1 个到您的私户。")
    customer.refresh_from_db()
    assert customer.consultant == demo["consultant1"]

    open_menu(page, "客户管理", "我的客户")
    search(page, QQ)
    mine = row_of(page, NAME)
    links = [mine.get_by_role("link", name="跟进记录"), mine.get_by_role("link", name="缴费")]
    foreign_urls = [link.get_attribute("href") for link in [*links, mine.locator("a[href*='/change/']")]]
    click_and_wait(page, mine.get_by_role("link", name="跟进记录"))
    click_and_wait(page, page.locator("main").get_by_role("link", name="添加"))
    page.get_by_label("跟进内容").fill("电话沟通，想报 Python 全栈 1 期，本周交报名费。")
    save(page)
    expect(row_of(page, "本周交报名费")).to_have_count(1)
    assert ConsultRecord.objects.get(customer=customer).consultant == demo["consultant1"]

    open_menu(page, "客户管理", "我的客户")
    search(page, QQ)
    click_and_wait(page, row_of(page, NAME).get_by_role("link", name="缴费"))
    click_and_wait(page, page.locator("main").get_by_role("link", name="添加"))
    page.get_by_label("类型").select_option(label="报名费")
    page.get_by_label("金额").fill("3000")
    page.get_by_label("班级").select_option(label=CLASS)
    page.get_by_label("备注").fill("报名费已微信转账")
    expect(page.get_by_label("学员 QQ")).to_have_value(QQ)  # the first application creates the student
    page.get_by_label("手机号").fill("13700000123")
    page.get_by_label("紧急联系人").fill("母亲 13700000124")
    save(page)
    expect(row_of(page, "3000.00")).to_contain_text("待审核")
    assert PaymentRecord.objects.get(customer=customer).note == "报名费已微信转账"
    log_out(page)

    # ---- consultant2 cannot see the customer anywhere, not even by its URLs.
    login("consultant2", DEFAULT_PASSWORD)
    open_menu(page, "客户管理", "我的客户")
    search(page, QQ)
    expect(page.locator(".stark-total")).to_have_text("共 0 行")
    open_menu(page, "客户管理", "公户客户")
    search(page, QQ)
    expect(page.locator(".stark-total")).to_have_text("共 0 行")
    for url in foreign_urls:
        open_expecting(page, url, 404)
        expect(page.locator("main h1")).to_have_text("404")
        assert NAME not in page.content()
    open_menu(page, "客户管理", "我的客户")  # the 404 page keeps the menu: back to work
    log_out(page)

    # ---- finance1 confirms the payment in the approval list.
    login("finance1", DEFAULT_PASSWORD)
    assert menu_entries(page) == {"财务": ["缴费审批"], "教学": ["学员"]}
    open_menu(page, "财务", "缴费审批")
    pending = row_of(page, NAME)
    expect(pending).to_contain_text("待审核")
    pending.locator("input[name=pk]").check()
    run_batch_action(page, "确认所选申请")
    # The confirmation page lists the application with its amount; nothing changed yet.
    expect(page.locator(".decision-rows")).to_contain_text("¥3,000.00")
    assert PaymentRecord.objects.get(customer=customer).confirm_status == PaymentRecord.ConfirmStatus.PENDING
    click_and_wait(page, page.get_by_role("button", name="确定确认"))
    expect_message(page, "已确认 1 条申请。")
    payment = PaymentRecord.objects.get(customer=customer)
    assert (payment.confirm_status, payment.confirm_user, payment.paid_fee) == (
        PaymentRecord.ConfirmStatus.CONFIRMED,
        demo["finance1"],
        Decimal("3000"),
    )
    customer.refresh_from_db()
    assert customer.status == Customer.Status.SIGNED
    assert customer.student.student_status == Student.Status.STUDYING
    assert list(customer.student.class_list.values_list("semester", "course__name")) == [(1, "Python 全栈开发")]
    log_out(page)

    # ---- teacher1: finds the student in the class, creates a course record, generates and
    # sets attendance (the new student late), adds a score record.
    login("teacher1", DEFAULT_PASSWORD)
    assert menu_entries(page) == {"教学": ["班级", "学员", "班级谈话记录"]}
    open_menu(page, "教学", "学员")
    click_and_wait(page, page.locator("[data-option=class_list]").get_by_role("link", name=CLASS))
    student_row = row_of(page, NAME)
    expect(student_row).to_contain_text("在读")
    expect(student_row).to_contain_text(CLASS)
    expect(rows(page).filter(has_not_text=CLASS)).to_have_count(0)  # the filter shows this class only

    open_menu(page, "教学", "班级")
    python_1 = ClassList.objects.get(course__name="Python 全栈开发", semester=1)
    click_and_wait(page, row_of(page, CLASS).get_by_role("link", name="上课记录"))
    lessons = CourseRecord.objects.filter(class_object=python_1).count()
    day = str(lessons + 1)
    expect(rows(page)).to_have_count(lessons)
    click_and_wait(page, page.locator("main").get_by_role("link", name="添加"))
    page.get_by_label("节次").fill(day)
    page.get_by_label("讲师").select_option(label="周讲师")
    page.get_by_label("日期").fill(str(python_1.start_date + datetime.timedelta(days=lessons + 1)))
    save(page)
    lesson_row = rows(page).filter(has=page.locator("td:nth-child(2)", has_text=day))
    expect(lesson_row).to_have_count(1)
    lesson_row.locator("input[name=pk]").check()
    run_batch_action(page, "生成考勤")
    studying = python_1.students.filter(student_status=Student.Status.STUDYING)
    assert studying.count() > 1  # classmates to tell apart from the late one
    expect_message(page, f"生成 {studying.count()} 条考勤记录")

    click_and_wait(page, lesson_row.get_by_role("link", name="考勤"))
    attendance = page.locator("form.attendance-form tbody tr")
    expect(attendance).to_have_count(studying.count())
    attendance.filter(has_text=NAME).locator("select").select_option(label="迟到")
    save(page)
    expect_message(page, f"已保存 {studying.count()} 名学员的考勤")
    records = StudyRecord.objects.filter(course_record__class_object=python_1, course_record__day_num=day)
    assert dict(records.values_list("student_id", "record")) == {
        student.pk: StudyRecord.Record.LATE if student.customer_id == customer.pk else StudyRecord.Record.CHECKED_IN
        for student in studying
    }

    open_menu(page, "教学", "学员")
    search(page, QQ)
    click_and_wait(page, row_of(page, NAME).get_by_role("link", name="积分记录"))
    click_and_wait(page, page.locator("main").get_by_role("link", name="添加"))
    page.get_by_label("理由").fill("第一周作业全部按时完成")
    page.get_by_label("分值").fill("3")
    save(page)
    expect(row_of(page, "第一周作业全部按时完成")).to_have_count(1)
    student = Student.objects.get(customer=customer)
    assert ScoreRecord.objects.get(student=student).score == 3
    assert student.score == 103


@pytest.mark.django_db(transaction=True)
def test_admin_changes_a_role_and_the_users_next_page_follows(page, pages, login, demo):
    # ops1 is at work in another browser.
    ops = pages.new_page()
    login("ops1", DEFAULT_PASSWORD, on=ops)
    open_menu(ops, "客户管理", "公户客户")
    expect(ops.locator("main").get_by_role("link", name="添加")).to_be_visible()
    assert menu_entries(ops) == {"客户管理": ["公户客户", "录入的客户"]}

    # The administrator gives the operations role the all-customers list and takes away adding.
    login("admin", DEFAULT_PASSWORD)
    assert list(menu_entries(page)) == ["客户管理", "财务", "教学", "基础数据", "权限管理"]
    open_menu(page, "权限管理", "权限分配")
    click_and_wait(page, page.get_by_role("link", name="运营", exact=True))
    tree = page.locator(".rbac-tree")
    tree.get_by_role("checkbox", name="全部客户", exact=True).check()
    tree.get_by_role("checkbox", name="公户客户 · 添加", exact=True).uncheck()
    save(page)
    expect(page.locator(".rbac-tree").get_by_role("checkbox", name="全部客户", exact=True)).to_be_checked()
    granted = set(Role.objects.get(title="运营").permissions.values_list("name", flat=True))
    assert "stark:web_customer_all_list" in granted
    assert "stark:web_customer_pub_add" not in granted

    # ops1's next page, without logging out: the new menu entry, no add button.
    open_menu(ops, "客户管理", "公户客户")
    assert menu_entries(ops) == {"客户管理": ["公户客户", "全部客户", "录入的客户"]}
    expect(ops.locator("main").get_by_role("link", name="添加")).to_have_count(0)
    open_menu(ops, "客户管理", "全部客户")
    expect(ops.locator("main h1")).to_have_text("全部客户")


@pytest.mark.django_db(transaction=True)
def test_the_sales_manager_assigns_public_customers_to_a_consultant(page, login, demo):
    login("manager1", DEFAULT_PASSWORD)
    assert menu_entries(page) == {"客户管理": ["公户客户", "全部客户", "团队跟进记录"]}
    open_menu(page, "客户管理", "公户客户")
    expect(page.locator("main").get_by_role("link", name="添加")).to_have_count(0)  # operations add customers
    boxes = [rows(page).locator("input[name=pk]").nth(index) for index in (0, 1)]
    picked = [box.get_attribute("value") for box in boxes]
    for box in boxes:
        box.check()
    run_batch_action(page, "分配给课程顾问")
    expect(page.locator("main")).to_contain_text("选中的 2 个客户：")
    expect(page.get_by_label("课程顾问")).to_have_value("")  # nobody preselected
    page.get_by_label("课程顾问").select_option(label="张丽华")
    click_and_wait(page, page.locator("main form").get_by_role("button", name="分配"))
    expect_message(page, "所选 2 个客户中已将 2 个分配给 张丽华。")
    assigned = Customer.objects.filter(pk__in=picked)
    assert set(assigned.values_list("consultant__username", flat=True)) == {"consultant2"}

    # The read-only list of all customers shows them under their new consultant.
    open_menu(page, "客户管理", "全部客户")
    click_and_wait(page, page.locator("[data-option=consultant]").get_by_role("link", name="张丽华"))
    for customer in assigned:
        search(page, customer.qq)
        expect(row_of(page, customer.qq)).to_contain_text("张丽华")
