"""Writing a list's rows as CSV or XLSX, streamed, in constant memory whatever the row count.

Rows come from ``StarkHandler.iter_export_chunks`` (keyset chunks, see ``stark.keyset``) with every
text cell already passed through ``stark.display.neutralise_cell``, so no spreadsheet runs it as a
formula; the headers are neutralised here.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext

from stark.display import neutralise_cell

#: Rows of one XLSX sheet, the header included (Excel's limit).
XLSX_MAX_ROWS = 1_048_576

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(filename: str) -> str:
    return f'attachment; filename="{filename}"'


def csv_response(headers: list[str], chunks: Iterable[list[list]], filename: str) -> StreamingHttpResponse:
    """UTF-8 with a BOM (Excel then opens Chinese text correctly), one write per chunk of rows.

    ``chunks`` must hold neutralised cells (as ``StarkHandler.iter_export_chunks`` gives them).
    """
    response = StreamingHttpResponse(_csv_parts(headers, chunks), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = _attachment(f"{filename}.csv")
    return response


def _csv_parts(headers: list[str], chunks: Iterable[list[list]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The BOM and the header go out before the first rows query, so the download starts at once.
    writer.writerow([neutralise_cell(header) for header in headers])
    yield "\ufeff" + buffer.getvalue()
    for rows in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)  # cells come neutralised (see the module's docstring)
        yield buffer.getvalue()


def xlsx_response(headers: list[str], chunks: Iterable[list[list]], filename: str, sheet: str) -> FileResponse:
    """An XLSX file written by XlsxWriter in constant-memory mode (each row goes to a temporary
    file as it is written), then streamed from that file.

    An XLSX is a zip whose parts are only complete at the end, so the file is built first; the
    memory stays flat because neither XlsxWriter nor the rows keep more than one chunk.
    """
    import xlsxwriter  # imported here: only exports need it

    output = tempfile.TemporaryFile(prefix="stark-export-")  # private (0600), gone when closed
    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            # Cells are data, never formulas or links, whatever they look like.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    for col, header in enumerate(headers):
        worksheet.write_string(0, col, neutralise_cell(header), bold)
    row_index = 1
    write_string, write_number = worksheet.write_string, worksheet.write_number
    for rows in chunks:
        for row in rows:
            if row_index == XLSX_MAX_ROWS - 1:
                write_string(
                    row_index, 0, gettext("More rows than a worksheet can hold: export as CSV for all of them.")
                )
                break
            for col, cell in enumerate(row):
                if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
                    write_number(row_index, col, cell)
                elif cell != "":
                    write_string(row_index, col, cell)
            row_index += 1
        else:
            continue
        break
    workbook.close()
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)
