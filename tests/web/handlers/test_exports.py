"""CSV / XLSX export of the lists each role works with: permission, filters, order, scope, safety."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import (
    ClassListFactory,
    CourseFactory,
    CustomerFactory,
    DepartmentFactory,
    PaymentRecordFactory,
    StudentFactory,
    UserFactory,
)
from tests.permissions import grant_permissions
from tests.web.customers_support import (
    CONSULTANT_PERMISSIONS,
    MANAGER_PERMISSIONS,
    OPERATIONS_PERMISSIONS,
    make_consultant,
)
from tests.web.handlers.enrolment_helpers import class_teacher, student_in_class
from web.models import Customer, Department, PaymentRecord

pytestmark = pytest.mark.django_db

PUB_EXPORT = reverse("stark:web_customer_pub_export")
PRIV_EXPORT = reverse("stark:web_customer_priv_export")
ALL_EXPORT = reverse("stark:web_customer_all_export")
CHECK_EXPORT = reverse("stark:web_paymentrecord_check_export")
STUDENT_EXPORT = reverse("stark:web_student_export")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as "UTF-8"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[tuple]:
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def login(client, user, *permissions, scope=None):
    grant_permissions(user, *permissions, scope=scope)
    client.force_login(user)
    return user


@pytest.fixture
def ops(client):
    user = UserFactory(username="ops1", depart=DepartmentFactory(title="运营部", kind=Department.Kind.OPERATIONS))
    return login(client, user, *OPERATIONS_PERMISSIONS, "stark:web_customer_pub_export")


def test_public_pool_export_follows_search_filters_and_order(client, ops, consultant1):
    python = CourseFactory(name="Python")
    CustomerFactory(name="乙", qq="20000001", mobile="13900000001", source=Customer.Source.WEBSITE).course.add(python)
    CustomerFactory(name="甲", qq="20000002", source=Customer.Source.WEBSITE, wechat="wx_jia")
    CustomerFactory(name="丙", qq="20000003", source=Customer.Source.REFERRAL)
    CustomerFactory(name="私有", qq="20000004", source=Customer.Source.WEBSITE, consultant=consultant1)

    rows = read_csv(client.get(PUB_EXPORT, {"source": "website", "o": "name", "page": "2"}))

    assert rows[0][:6] == ["ID", "Name", "QQ", "Mobile", "WeChat", "Gender"]
    assert [row[1] for row in rows[1:]] == ["甲", "乙"]  # by name in pinyin order (jia, yi), other pool left out
    by_name = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_name["乙"]["Mobile"] == "13900000001"
    assert by_name["乙"]["Courses of interest"] == "Python"
    assert by_name["甲"]["WeChat"] == "wx_jia"
    assert by_name["甲"]["Source"] == "official website"
    assert by_name["甲"]["ID"] == str(Customer.objects.get(name="甲").pk)


def test_public_pool_export_as_xlsx(client, ops):
    CustomerFactory(name='=HYPERLINK("http://evil")', qq="20000001")
    CustomerFactory(name="张三", qq="20000002")
    rows = read_xlsx(client.get(PUB_EXPORT, {"format": "xlsx", "o": "qq"}))
    assert [row[1] for row in rows[1:]] == ['\'=HYPERLINK("http://evil")', "张三"]
    assert isinstance(rows[1][0], int)  # the id stays a number


def test_export_neutralises_formulas_in_csv(client, ops):
    CustomerFactory(name="@SUM(1+1)", qq="20000001", company=" =cmd|' /C calc'!A0")
    rows = read_csv(client.get(PUB_EXPORT))
    header = rows[0]
    assert rows[1][header.index("Name")] == "'@SUM(1+1)"


def test_private_pool_export_has_only_my_customers(client, consultant1, consultant2):
    client.force_login(consultant1)
    grant_permissions(consultant1, "stark:web_customer_priv_export")
    CustomerFactory(name="我的", consultant=consultant1)
    CustomerFactory(name="别人的", consultant=consultant2)
    CustomerFactory(name="公户的")
    rows = read_csv(client.get(PRIV_EXPORT))
    assert [row[1] for row in rows[1:]] == ["我的"]


def test_all_customers_export_filters_by_consultant_and_names_the_consultant(client, consultant1, consultant2):
    manager = make_consultant("manager1")
    login(client, manager, *MANAGER_PERMISSIONS, "stark:web_customer_all_export")
    consultant1.name = "顾问一"
    consultant1.save()
    CustomerFactory(name="甲", consultant=consultant1)
    CustomerFactory(name="乙", consultant=consultant2)
    rows = read_csv(client.get(ALL_EXPORT, {"consultant": consultant1.pk}))
    assert [row[1] for row in rows[1:]] == ["甲"]
    assert rows[1][rows[0].index("Consultant")] == "顾问一"


def test_payment_approval_export_keeps_the_status_filter(client):
    finance = UserFactory(username="finance1")
    login(client, finance, "stark:web_paymentrecord_check_list", "stark:web_paymentrecord_check_export")
    klass = ClassListFactory()
    pending = PaymentRecordFactory(customer=CustomerFactory(name="待审"), class_list=klass)
    PaymentRecordFactory(customer=CustomerFactory(name="已确认"), confirm_status=PaymentRecord.ConfirmStatus.CONFIRMED)
    rows = read_csv(client.get(CHECK_EXPORT))  # pending by default, as the list
    assert [row[1] for row in rows[1:]] == ["待审"]
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["ID"] == str(pending.pk)
    assert record["QQ"] == pending.customer.qq
    assert record["Amount"] == "2000.00"
    assert record["Class"] == str(klass)
    assert len(read_csv(client.get(CHECK_EXPORT, {"confirm_status": ""}))) == 3


def test_student_export_is_the_class_teachers_own_students(client):
    teacher = class_teacher()
    login(client, teacher, "stark:web_student_list", "stark:web_student_export", scope="own")
    mine = student_in_class(ClassListFactory(class_teacher=teacher), customer=CustomerFactory(name="我的学员"))
    StudentFactory(customer=CustomerFactory(name="别的班"))
    rows = read_csv(client.get(STUDENT_EXPORT))
    names = [row[1] for row in rows[1:]]
    assert "我的学员" in names
    assert "别的班" not in names
    assert rows[0][:3] == ["ID", "name", "QQ"]
    assert str(mine.class_list.get()) in rows[1 + names.index("我的学员")]


@pytest.mark.parametrize(
    ("url", "permissions"),
    [
        (PUB_EXPORT, CONSULTANT_PERMISSIONS),
        (PRIV_EXPORT, OPERATIONS_PERMISSIONS),
        (ALL_EXPORT, MANAGER_PERMISSIONS),
        (CHECK_EXPORT, ("stark:web_paymentrecord_check_list",)),
        (STUDENT_EXPORT, ("stark:web_student_list",)),
    ],
)
def test_each_export_needs_its_own_permission(client, url, permissions):
    login(client, make_consultant("someone"), *permissions)
    assert client.get(url).status_code == 403


def test_the_list_offers_csv_and_excel_with_the_row_count(client, ops):
    for n in range(3):
        CustomerFactory(qq=f"3000000{n}")
    html = client.get(reverse("stark:web_customer_pub_list"), {"source": "qq_group"}).content.decode()
    assert "Export 3 rows" in html
    assert f'href="{PUB_EXPORT}?source=qq_group"' in html
    assert f'href="{PUB_EXPORT}?source=qq_group&amp;format=xlsx"' in html


def test_the_button_is_absent_without_the_permission(client, consultant1):
    client.force_login(consultant1)
    assert PUB_EXPORT not in client.get(reverse("stark:web_customer_pub_list")).content.decode()
