import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.http import StreamingHttpResponse

from stark.handlers import StarkHandler
from stark.sites import site
from tests.stark.factories import BookFactory, CategoryFactory, PublisherFactory, TagFactory
from tests.stark.testapp.models import Book

pytestmark = pytest.mark.django_db

EXPORT = "/stark/testapp/book/list/export/"


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_is_streamed_csv_of_the_filtered_sorted_list(stark_client):
    BookFactory(title="东京", status="draft").tags.add(TagFactory(name="a"), TagFactory(name="b"))
    BookFactory(title="Beijing", status="draft")
    BookFactory(title="Hidden", status="published")
    response = stark_client.get(EXPORT, {"status": "draft", "o": "-title", "page": "3"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:3] == ["Title", "Status", "Publisher"]
    assert "Actions" not in rows[0] and "" not in rows[0]
    assert [row[0] for row in rows[1:]] == ["东京", "Beijing"]
    assert rows[1][4] == "a, b"
    assert rows[1][5] == "2026-03-01"  # ISO dates: spreadsheets parse them in any locale


def test_export_link_keeps_filters(stark_client):
    BookFactory()
    html = stark_client.get("/stark/testapp/book/list/", {"q": "x", "page": "2"}).content.decode()
    assert 'href="/stark/testapp/book/list/export/?q=x"' in html


def test_export_neutralises_spreadsheet_formulas(stark_client):
    BookFactory(title="=HYPERLINK(1)")
    rows = read_csv(stark_client.get(EXPORT))
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_export_denied_by_the_hook(stark_client, deny):
    deny({"stark:testapp_book_export"})
    assert "export" not in stark_client.get("/stark/testapp/book/list/").content.decode()
    assert stark_client.get(EXPORT).status_code == 403


def test_handlers_without_export_have_no_export_url(stark_client):
    assert stark_client.get("/stark/testapp/publisher/list/export/").status_code == 404


def test_export_streams_rows_in_keyset_chunks(stark_client, django_assert_num_queries, monkeypatch):
    tag = TagFactory()
    for _ in range(5):
        BookFactory().tags.add(tag)
    monkeypatch.setattr(site.get_handler(Book), "export_chunk_size", 2)
    response = stark_client.get(EXPORT)
    parts = iter(response.streaming_content)
    with django_assert_num_queries(0):
        assert next(parts).startswith("\ufeffTitle,".encode())  # BOM and header before any row is read
    # 3 chunks x (rows, tag links, publisher labels) + the one tag label (cached); no category is set
    with django_assert_num_queries(10) as captured:
        rows = b"".join(parts).decode().splitlines()
    assert len(rows) == 5
    sql = [q["sql"] for q in captured.captured_queries]
    book_table = "FROM " + connection.ops.quote_name("testapp_book")
    book_queries = [q for q in sql if q.lstrip().startswith("SELECT") and book_table in q]
    # 2 + 2 + 1 rows: three queries each with a LIMIT, the later ones seeking past the last row read
    assert len(book_queries) == 3
    assert all("LIMIT 2" in q for q in book_queries)
    assert all(" < " in q or " > " in q for q in book_queries[1:])
    assert sum("testapp_book_tags" in q for q in sql) == 3  # the tags of each chunk, once
    # the publisher and category labels of each chunk (the chunks have different publishers)
    assert sum("FROM " + connection.ops.quote_name("testapp_publisher") in q for q in sql) == 3


def test_export_query_count_is_rows_over_chunk_size_plus_a_constant(
    stark_client, monkeypatch, django_assert_max_num_queries
):
    publisher = PublisherFactory()
    tag = TagFactory()
    for _ in range(20):
        BookFactory(publisher=publisher).tags.add(tag)
    monkeypatch.setattr(site.get_handler(Book), "export_chunk_size", 5)
    # per chunk of 5: rows + tag links (and one more, empty, rows query); the one publisher and
    # the one tag label once; plus the session, user and permission lookups
    with django_assert_max_num_queries((20 // 5 + 1) * 2 + 2 + 5):
        rows = read_csv(stark_client.get(EXPORT))
    assert len(rows) == 21


def test_export_in_keyset_chunks_gives_every_row_once_in_order(stark_client, monkeypatch):
    """Ties, NULLs and a descending key across chunk borders: nothing skipped or repeated."""
    category = CategoryFactory(name="c")
    titles = []
    for n in range(13):
        published = None if n % 4 == 0 else datetime.date(2026, 1, 1 + n % 3)
        book = BookFactory(title=f"b{n:02d}", published=published, category=category if n % 2 else None)
        titles.append((book.published, book.pk, book.title))
    monkeypatch.setattr(site.get_handler(Book), "export_chunk_size", 3)
    for order in ("published", "-published", "category", "-category", "title"):
        rows = read_csv(stark_client.get(EXPORT, {"o": order}))[1:]
        assert len(rows) == 13, order
        assert len({row[0] for row in rows}) == 13, order
        expected = [book.title for book in Book.objects.order_by(order, "pk")]
        assert [row[0] for row in rows] == expected, order


def test_export_xlsx_opens_with_openpyxl_and_has_the_rows(stark_client):
    BookFactory(title="东京", status="draft", price=Decimal("12.50")).tags.add(TagFactory(name="a"))
    BookFactory(title="=cmd|' /C calc'!A0", status="draft")
    BookFactory(title="Hidden", status="published")
    response = stark_client.get(EXPORT, {"status": "draft", "o": "title", "format": "xlsx"})
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="testapp_book.xlsx"' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Title", "Status", "Publisher")
    assert [row[0] for row in rows[1:]] == ["'=cmd|' /C calc'!A0", "东京"]
    tokyo = rows[2]
    assert tokyo[1] == "Draft" and tokyo[4] == "a" and tokyo[5] == "2026-03-01"
    assert tokyo[-1] == 12.5  # numbers stay numbers


def test_export_with_a_display_column_reads_objects_in_keyset_chunks(stark_client, monkeypatch):
    handler = site.get_handler(Book)
    monkeypatch.setattr(handler, "export_chunk_size", 2)
    monkeypatch.setattr(type(handler), "export_list", ["title", StarkHandler.display_str])
    for n in range(5):
        BookFactory(title=f"+{n}")
    rows = read_csv(stark_client.get(EXPORT, {"o": "title"}))
    assert rows[0] == ["Title", "Book"]
    assert rows[1:] == [[f"'+{n}", f"'+{n}"] for n in range(5)]


# ------------------------------------------------------------------ the XLSX writer itself
def _workbook(rows, headers=None, sheet="Books"):
    from stark.export import write_xlsx

    output = io.BytesIO()
    headers = headers or [f"h{n}" for n in range(len(rows[0][0]))]
    written = write_xlsx(output, headers, rows, sheet)
    output.seek(0)
    return written, output


def test_xlsx_writer_keeps_every_kind_of_cell_as_data():
    import zipfile
    from xml.etree import ElementTree

    cells = ["a&b<c>", " lead", "trail ", "tab\tin", "two\nlines", "东京", 5, 2.5, Decimal("12.50"), "", "'=1+1"]
    written, output = _workbook([[cells], [[-3, "x|y", float("nan"), Decimal("Infinity")]]], sheet="Sheet [1]: a/b")
    assert written == 2
    with zipfile.ZipFile(output) as archive:
        for name in archive.namelist():  # every part is well-formed XML
            ElementTree.fromstring(archive.read(name))  # noqa: S314 - our own output
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
        assert archive.getinfo("xl/worksheets/sheet1.xml").extra == b""  # no ZIP64 record when not needed
    assert "<f>" not in sheet_xml  # never a formula
    workbook = openpyxl.load_workbook(output, read_only=True)
    assert workbook.sheetnames == ["Sheet  1   a b"]  # characters Excel refuses in a sheet name
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:2] == ("h0", "h1")
    assert rows[1] == ("a&b<c>", " lead", "trail ", "tab\tin", "two\nlines", "东京", 5, 2.5, 12.5, None, "'=1+1")
    assert rows[2][:4] == (-3, "x|y", "nan", "Infinity")  # not a number a spreadsheet can hold: text


def test_xlsx_writer_escapes_what_xml_cannot_hold():
    import zipfile

    _written, output = _workbook([[["ctl\x01x", "cr\rhere", "_x0041_"]]])
    with zipfile.ZipFile(output) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # OOXML's escapes: a control character as _xHHHH_, a literal "_x0041_" with its "_" escaped
    # (Excel shows "ctl\x01x" and "_x0041_"), CR as a character reference (XML would make it LF).
    assert "<t>ctl_x0001_x</t>" in sheet_xml
    assert "<t>_x005F_x0041_</t>" in sheet_xml
    assert "<t>cr&#13;here</t>" in sheet_xml


def test_xlsx_writer_stops_at_a_sheets_row_limit(monkeypatch):
    from stark import export

    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 6)
    written, output = _workbook([[[n] for n in range(3)], [[n] for n in range(3, 9)]])
    assert written == 4
    rows = list(openpyxl.load_workbook(output, read_only=True).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[:5]] == ["h0", 0, 1, 2, 3]
    assert rows[5][0].startswith("More rows than a worksheet can hold")
    assert len(rows) == 6
