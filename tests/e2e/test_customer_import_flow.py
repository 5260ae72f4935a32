"""Operations import a spreadsheet of leads with a new, a duplicate and an invalid row, check the
preview, confirm, and find the new customer in the public pool; then export the pool."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.harness import click_and_wait
from tests.factories import DEFAULT_TEST_PASSWORD, CourseFactory, CustomerFactory, DepartmentFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import OPERATIONS_PERMISSIONS
from web.models import Customer, Department


@pytest.mark.django_db(transaction=True)
def test_operations_import_leads_and_find_them_in_the_public_pool(page, login, tmp_path: Path):
    ops = UserFactory(username="ops1", depart=DepartmentFactory(title="运营部", kind=Department.Kind.OPERATIONS))
    grant_permissions(
        ops,
        *OPERATIONS_PERMISSIONS,
        "stark:web_customer_pub_import",
        "stark:web_customer_pub_export",
        role_title="运营",
    )
    CourseFactory(name="Python 全栈")
    CustomerFactory(name="老客户", qq="88880001")
    leads = tmp_path / "报名表.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [
            ["姓名", "QQ", "手机号", "性别", "咨询课程"],
            ["周新", "20269001", "13800139001", "男", "Python 全栈"],
            ["老客户", "88880001", "", "女", ""],
            ["错号", "12", "", "男", ""],
        ]
    )
    leads.write_bytes(buffer.getvalue().encode("gb18030"))  # as Excel on Chinese Windows saves it

    login("ops1", DEFAULT_TEST_PASSWORD)
    page.goto("/stark/web/customer/pub/list/")
    click_and_wait(page, page.get_by_role("link", name="从表格导入"))
    page.set_input_files("input[name=file]", str(leads))
    page.select_option("select[name=source]", "public_class")
    click_and_wait(page, page.get_by_role("button", name="上传并检查"))

    expect(page.locator(".import-counts")).to_contain_text("新客户: 1")
    expect(page.locator(".import-counts")).to_contain_text("重复: 1")
    expect(page.locator(".import-counts")).to_contain_text("有误: 1")
    expect(page.get_by_role("row", name="老客户")).to_contain_text("在公户中")
    expect(page.get_by_role("row", name="错号")).to_contain_text("QQ")
    assert not Customer.objects.filter(qq="20269001").exists()  # nothing written before confirming
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)

    click_and_wait(page, page.get_by_role("button", name="导入 1 个新客户"))
    expect(page.locator(".alert").first).to_contain_text("已导入 1 个客户到公户。")
    expect(page.get_by_role("row", name="周新")).to_contain_text("20269001")
    customer = Customer.objects.get(qq="20269001")
    assert customer.consultant is None and customer.source == "public_class"

    with page.expect_download() as download:
        page.locator(".stark-export").get_by_role("link", name="CSV").click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf") and "周新".encode() in body
