import csv
import io

import pytest
from django.http import StreamingHttpResponse

from stark.sites import site
from tests.stark.factories import BookFactory, TagFactory
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


def test_export_streams_rows_in_chunks(stark_client, django_assert_num_queries, monkeypatch):
    tag = TagFactory()
    for _ in range(5):
        BookFactory().tags.add(tag)
    monkeypatch.setattr(site.get_handler(Book), "export_chunk_size", 2)
    response = stark_client.get(EXPORT)
    chunks = iter(response.streaming_content)
    with django_assert_num_queries(0):
        assert next(chunks) == "\ufeff".encode()  # BOM and header go out before any row is read
        assert next(chunks).startswith(b"Title,")
    # one rows query read in chunks of 2, and one tags prefetch per chunk: never all rows at once
    with django_assert_num_queries(4) as captured:
        rows = list(chunks)
    assert len(rows) == 5
    assert sum("testapp_tag" in q["sql"] for q in captured.captured_queries) == 3
