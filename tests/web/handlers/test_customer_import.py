"""Operations import leads from a spreadsheet: upload (nothing written) → preview → confirm."""

import csv
import io
import re

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from stark.models import SearchGram
from tests.factories import CourseFactory, CustomerFactory, DepartmentFactory, UserFactory
from tests.permissions import grant_permissions
from tests.web.customers_support import OPERATIONS_PERMISSIONS, bulk_customers
from web.models import Customer, CustomerEvent, CustomerImport, DailyFigure, Department
from web.services import customer_import as service

pytestmark = pytest.mark.django_db

IMPORT = reverse("stark:web_customer_pub_import")
HEADER = ["姓名", "QQ", "手机号", "性别", "咨询课程", "学历"]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def make_ops(username="ops1"):
    user = UserFactory(username=username, depart=DepartmentFactory(title="运营部", kind=Department.Kind.OPERATIONS))
    grant_permissions(user, *OPERATIONS_PERMISSIONS, "stark:web_customer_pub_import")
    return user


@pytest.fixture
def ops(client):
    user = make_ops()
    client.force_login(user)
    return user


def csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows) -> bytes:
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output)
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, c, value, None, 2)
            else:
                sheet.write(r, c, value)
    workbook.close()
    return output.getvalue()


def upload(client, content: bytes, name="leads.csv", source="website"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content), "source": source})


def preview_of(client, response):
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return client.get(response["Location"])


def upload_id(response) -> int:
    return int(response["Location"].rsplit("=", 1)[1])


def kinds(preview_response) -> dict[int, tuple[str, list[str]]]:
    preview = preview_response.context["preview"]
    return {row.number: (row.kind, row.reasons) for row in preview.rows}


def test_upload_writes_nothing_and_the_preview_classifies_every_row(client, ops, consultant1):
    CourseFactory(name="Python 全栈")
    CustomerFactory(qq="88880001")  # public
    CustomerFactory(qq="88880002", mobile="13900000002", consultant=consultant1, name="秘密客户")
    content = csv_bytes(
        [
            HEADER,
            ["新一", "12340001", "", "男", "Python 全栈", "本科"],  # 2 new
            ["重复QQ", "88880001", "", "女", "", ""],  # 3 duplicate of a public customer
            ["重复手机", "12340003", "139-0000-0002", "女", "", ""],  # 4 duplicate mobile, held by consultant1
            ["文件内重复", "12340001", "", "男", "", ""],  # 5 repeats row 2
            ["", "abc", "123", "未知", "不存在的课", "博士后"],  # 6 invalid, reason per cell
            ["新二", "12340006", "+86 13800138006", "female", "", "master"],  # 7 new (values, not labels)
        ]
    )
    before = Customer.objects.count()
    response = upload(client, content)
    assert Customer.objects.count() == before
    page = preview_of(client, response)
    found = kinds(page)
    assert {n: kind for n, (kind, _) in found.items()} == {
        2: "new",
        3: "duplicate",
        4: "duplicate",
        5: "duplicate",
        6: "invalid",
        7: "new",
    }
    assert found[3][1] == ["QQ 88880001: a customer with it exists (in the public pool)."]
    assert "held by consultant consultant1" in found[4][1][0] or "held by consultant" in found[4][1][0]
    assert found[5][1] == ["QQ 12340001: also in row 2 of this file."]
    reasons = " ".join(found[6][1])
    for column in ("姓名", "QQ", "手机号", "性别", "咨询课程", "学历"):
        assert column in reasons
    assert page.context["counts"] == {"new": 2, "duplicate": 3, "invalid": 1}
    assert "秘密客户" not in page.content.decode()
    assert Customer.objects.count() == before


def test_confirm_imports_the_new_rows_with_courses_and_the_chosen_source(client, ops):
    python, go = CourseFactory(name="Python"), CourseFactory(name="Go")
    content = csv_bytes(
        [HEADER, ["甲", "12340001", "13800138001", "男", "Python、Go", ""], ["乙", "abc", "", "男", "", ""]]
    )
    response = upload(client, content, source="paid_search")
    page = preview_of(client, response)
    confirm = client.post(IMPORT, {"confirm": upload_id(response), "expected_new": page.context["counts"]["new"]})
    assert confirm.status_code == 302 and confirm["Location"] == reverse("stark:web_customer_pub_list")
    customer = Customer.objects.get(qq="12340001")
    assert customer.consultant is None and customer.source == "paid_search" and customer.mobile == "13800138001"
    assert set(customer.course.all()) == {python, go}
    assert not Customer.objects.filter(name="乙").exists()
    assert not CustomerImport.objects.exists()  # the upload is forgotten once imported
    # a second confirm (another tab) finds nothing to import
    assert client.post(IMPORT, {"confirm": upload_id(response)}).status_code == 404
    assert Customer.objects.filter(qq="12340001").count() == 1


def test_each_imported_customer_gets_an_entered_event_naming_the_file(client, ops):
    content = csv_bytes([HEADER, ["丙", "12340009", "", "男", "", ""], ["丁", "12340010", "", "女", "", ""]])
    response = upload(client, content, name="活动报名.csv", source="website")
    page = preview_of(client, response)
    client.post(IMPORT, {"confirm": upload_id(response), "expected_new": page.context["counts"]["new"]})
    events = CustomerEvent.objects.filter(customer__qq__in=["12340009", "12340010"])
    assert events.count() == 2
    assert {(e.kind, e.actor_id, e.detail["imported_from"], e.detail["source"]) for e in events} == {
        ("entered", ops.pk, "活动报名.csv", "website")
    }


def test_imported_customers_are_found_by_any_part_of_their_name_and_numbers(client, ops):
    content = csv_bytes([HEADER, ["欧阳明月", "88800002", "13912345678", "女", "", ""]])
    response = upload(client, content)
    page = preview_of(client, response)
    client.post(IMPORT, {"confirm": upload_id(response), "expected_new": page.context["counts"]["new"]})
    for fragment in ("阳明", "800002", "1234567"):
        html = client.get(reverse("stark:web_customer_pub_list"), {"q": fragment}).content.decode()
        assert "欧阳明月" in html, fragment


def test_gb18030_csv_and_columns_in_any_order_with_field_names(client, ops):
    content = csv_bytes([["gender", "qq", "name"], ["女", "12340001", "王芳"]], encoding="gb18030")
    page = preview_of(client, upload(client, content))
    assert page.context["counts"]["new"] == 1
    assert page.context["preview"].rows[0].values["name"] == "王芳"


def test_utf8_without_bom(client, ops):
    page = preview_of(client, upload(client, csv_bytes([HEADER, ["李雷", "12340001", "", "男", "", ""]], "utf-8")))
    assert page.context["preview"].rows[0].values["name"] == "李雷"


def test_xlsx_with_numbers_and_a_formula_kept_as_text(client, ops):
    content = xlsx_bytes([["姓名", "QQ", "性别"], ["=1+1", 12340001, "男"], ["韩梅梅", 12340002.0, "女"]])
    response = upload(client, content, name="leads.xlsx")
    page = preview_of(client, response)
    rows = page.context["preview"].rows
    assert [row.kind for row in rows] == ["new", "new"]
    assert rows[0].values["name"] == "=1+1" and rows[0].values["qq"] == "12340001"
    client.post(IMPORT, {"confirm": upload_id(response)})
    assert Customer.objects.get(qq="12340001").name == "=1+1"  # the text, never evaluated
    assert Customer.objects.get(qq="12340002").name == "韩梅梅"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "leads.csv", "file is empty."),
        (b"  \n\n", "leads.csv", "The file is empty."),
        (b"\x00\x01\x02binary", "leads.csv", "not a spreadsheet"),
        (b"PK\x03\x04broken zip", "leads.xlsx", "not a spreadsheet"),
        (csv_bytes([["foo", "bar"], ["1", "2"]]), "leads.csv", "No column of the first row"),
        (csv_bytes([["姓名", "QQ"], ["a", "12345"]]), "leads.csv", "no column for: 性别"),
        (csv_bytes([HEADER]), "leads.csv", "no customers"),
    ],
)
def test_files_that_cannot_be_imported_get_a_clear_message(client, ops, content, name, message):
    response = upload(client, content, name=name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not CustomerImport.objects.exists()


def test_size_and_row_limits(client, ops, monkeypatch):
    monkeypatch.setattr(service, "MAX_FILE_BYTES", 100)
    response = upload(client, csv_bytes([HEADER, *[["甲", f"1234{n:04d}", "", "男", "", ""] for n in range(10)]]))
    assert "larger than" in response.context["form"].errors["file"][0]
    monkeypatch.setattr(service, "MAX_FILE_BYTES", 10 * 1024 * 1024)
    monkeypatch.setattr(service, "MAX_ROWS", 5)
    response = upload(client, csv_bytes([HEADER, *[["甲", f"1234{n:04d}", "", "男", "", ""] for n in range(10)]]))
    assert "more than 5 rows" in response.context["form"].errors["file"][0]


def test_a_duplicate_entered_between_preview_and_confirm_is_skipped_and_reported(client, ops):
    content = csv_bytes([HEADER, ["甲", "12340001", "", "男", "", ""], ["乙", "12340002", "", "男", "", ""]])
    response = upload(client, content)
    assert preview_of(client, response).context["counts"]["new"] == 2
    CustomerFactory(qq="12340002", name="别人刚录的")
    confirm = client.post(IMPORT, {"confirm": upload_id(response), "expected_new": "2"}, follow=True)
    text = " ".join(str(m) for m in confirm.context["messages"])
    assert "Imported 1 customer" in text and "1 row was skipped" in text
    assert Customer.objects.get(qq="12340002").name == "别人刚录的"
    assert Customer.objects.filter(qq="12340001").exists()


def test_a_collision_at_insert_time_is_classified_again_not_a_500(client, ops, monkeypatch):
    content = csv_bytes([HEADER, ["甲", "12340001", "", "男", "", ""], ["乙", "12340002", "", "男", "", ""]])
    response = upload(client, content)
    CustomerFactory(qq="12340002", name="并发录入")
    # Someone commits the same QQ after our duplicate check and before our INSERT: the first
    # classification inside confirm does not see it (its three lookups: QQ, mobile, WeChat).
    real_holders, calls = service._holders, []

    def late_holders(name, values):
        calls.append(name)
        return {} if len(calls) <= 3 else real_holders(name, values)

    monkeypatch.setattr(service, "_holders", late_holders)
    confirm = client.post(IMPORT, {"confirm": upload_id(response), "expected_new": "2"}, follow=True)
    assert confirm.status_code == 200
    assert len(calls) == 6  # classified again after the INSERT collided
    assert Customer.objects.get(qq="12340002").name == "并发录入"
    assert Customer.objects.filter(qq="12340001").count() == 1
    text = " ".join(str(m) for m in confirm.context["messages"])
    assert "Imported 1 customer" in text and "1 row was skipped" in text


def test_an_error_in_the_middle_leaves_nothing(client, ops, monkeypatch):
    CourseFactory(name="Python")
    rows = [HEADER, *[[f"客户{n}", f"1234{n:04d}", "", "男", "Python", ""] for n in range(30)]]
    response = upload(client, csv_bytes(rows))
    monkeypatch.setattr(service, "INSERT_BATCH", 10)
    through = Customer.course.through
    original = through.objects.bulk_create

    def failing_links(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(type(through.objects), "bulk_create", failing_links)
    client.raise_request_exception = False
    assert client.post(IMPORT, {"confirm": upload_id(response)}).status_code == 500
    monkeypatch.setattr(type(through.objects), "bulk_create", original)
    assert not Customer.objects.filter(qq__startswith="1234").exists()
    assert CustomerImport.objects.count() == 1  # still there to confirm again


def test_another_user_cannot_preview_download_or_confirm_my_upload(client, ops):
    response = upload(client, csv_bytes([HEADER, ["甲", "12340001", "", "男", "", ""]]))
    pk = upload_id(response)
    other = make_ops("ops2")
    client.force_login(other)
    assert client.get(IMPORT, {"preview": pk}).status_code == 404
    assert client.get(IMPORT, {"rejected": pk}).status_code == 404
    assert client.post(IMPORT, {"confirm": pk}).status_code == 404
    assert client.get(IMPORT, {"preview": "x"}).status_code == 404
    assert not Customer.objects.filter(qq="12340001").exists()


def test_an_upload_expires_after_a_day(client, ops):
    response = upload(client, csv_bytes([HEADER, ["甲", "12340001", "", "男", "", ""]]))
    CustomerImport.objects.update(created=CustomerImport.objects.get().created - service.KEEP_FOR)
    assert client.post(IMPORT, {"confirm": upload_id(response)}).status_code == 404
    upload(client, csv_bytes([HEADER, ["乙", "12340002", "", "男", "", ""]]))
    assert CustomerImport.objects.count() == 1  # the expired one was deleted


def test_the_rejected_rows_download_has_a_reason_column_and_is_neutralised(client, ops):
    CustomerFactory(qq="88880001")
    content = csv_bytes([HEADER, ["=HYPERLINK(1)", "88880001", "", "男", "", ""], ["好", "12340002", "", "男", "", ""]])
    response = upload(client, content)
    download = client.get(IMPORT, {"rejected": upload_id(response)})
    body = b"".join(download.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [*HEADER, "Reason"]
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert "exists (in the public pool)" in rows[1][-1]


def test_templates_have_chinese_headers_an_example_and_the_allowed_values(client, ops):
    body = client.get(IMPORT, {"template": "csv"}).content
    assert body.startswith(b"\xef\xbb\xbf")
    header, example = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header[:2] == ["姓名*", "QQ*"]
    assert any(cell.startswith("性别*（") and "男" in cell and "女" in cell for cell in header)
    assert example[0] == "张三"
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(IMPORT, {"template": "xlsx"}).content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == header
    # the template itself imports as one new customer
    page = preview_of(client, upload(client, body))
    assert page.context["counts"]["new"] == 1


def test_import_needs_its_permission(client, consultant1):
    client.force_login(consultant1)
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {}).status_code == 403


def test_the_public_pool_shows_the_import_button_to_operations_only(client, ops, consultant1):
    assert IMPORT in client.get(reverse("stark:web_customer_pub_list")).content.decode()
    client.force_login(consultant1)
    assert IMPORT not in client.get(reverse("stark:web_customer_pub_list")).content.decode()


def _confirm_queries(client, user, rows: int) -> tuple[int, int, int]:
    """(queries other than INSERTs, INSERTs of rows, INSERTs into the search index) of a ``rows``-row import."""
    course = CourseFactory(name=f"课程{rows}")
    content = csv_bytes(
        [HEADER, *[[f"客户{n}", f"{rows}{n:06d}", f"13{rows % 10}{n:08d}", "男", course.name, ""] for n in range(rows)]]
    )
    response = upload(client, content)
    with CaptureQueriesContext(connection) as queries:
        client.post(IMPORT, {"confirm": upload_id(response)})
    assert Customer.objects.filter(qq__startswith=str(rows)).count() == rows
    # An executemany (the search fragments, on SQLite) is logged as "N times: INSERT …".
    statements = [re.sub(r"^\d+ times: ", "", q["sql"].lstrip()) for q in queries.captured_queries]
    inserts = [sql for sql in statements if sql.upper().startswith("INSERT")]
    index_inserts = sum(SearchGram._meta.db_table in sql for sql in inserts)
    event_inserts = sum(CustomerEvent._meta.db_table in sql for sql in inserts)
    # One `entered` event per customer, in bulk INSERTs as well.
    event_fields = [f.name for f in CustomerEvent._meta.concrete_fields if not f.primary_key]
    per_event_statement = min(500, connection.ops.bulk_batch_size(event_fields, [None] * rows))
    assert 0 < event_inserts <= -(-rows // per_event_statement)
    # The daily roll-up (issue 12): one upsert per day and source entered, whatever the row count
    # (every row of this file is entered today from the same source).
    figure_inserts = sum(DailyFigure._meta.db_table in sql for sql in inserts)
    assert figure_inserts <= 1
    other_inserts = len(inserts) - index_inserts - event_inserts - figure_inserts
    return len(queries) - len(inserts), other_inserts, index_inserts


def test_the_query_count_of_an_import_does_not_grow_with_rows(client, ops):
    bulk_customers(10)
    small_reads, small_inserts, _small_index = _confirm_queries(client, ops, 10)
    large_reads, large_inserts, large_index = _confirm_queries(client, ops, 1000)
    assert large_reads == small_reads
    # Bulk INSERTs of INSERT_BATCH rows; SQLite's 999-parameter limit makes Django split them
    # further (about 55 customers per statement there), MariaDB takes a whole batch at once.
    fields = [f for f in Customer._meta.concrete_fields if not f.primary_key]
    per_statement = min(service.INSERT_BATCH, connection.ops.bulk_batch_size(fields, [None] * 1000))
    links_per_statement = min(service.INSERT_BATCH, connection.ops.bulk_batch_size(["a", "b"], [None] * 1000))
    assert large_inserts <= -(-1000 // per_statement) + -(-1000 // links_per_statement)
    # The new customers' search fragments are written in bulk as well, up to 5,000 rows per statement.
    grams = SearchGram.objects.filter(object_id__in=Customer.objects.filter(qq__startswith="1000")).count()
    gram_fields = [f.name for f in SearchGram._meta.concrete_fields]
    grams_per_statement = connection.ops.bulk_batch_size(gram_fields, [None] * grams)
    assert 0 < large_index <= -(-grams // min(grams_per_statement, 5000))
    assert large_inserts < 1000 / 20
