"""Writing a list's rows as CSV or XLSX, streamed, in constant memory whatever the row count.

Rows come from ``StarkHandler.iter_export_chunks`` (keyset chunks, see ``stark.keyset``; field
columns through ``ValueRows`` below) with every text cell already passed through
``stark.display.neutralise_cell``, so no spreadsheet runs it as a formula; the headers are
neutralised here.

An export of a million rows converts some twelve million cells, so the code here works a chunk
(thousands of rows) at a time, column by column, with as few Python calls per cell as it can:
that is where an export spends its time (docs/performance.md, "Import and export").
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import quoteattr

from django.db import connections, models
from django.db.models import CharField, QuerySet
from django.db.models.functions import Cast
from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext

from stark.display import _SUSPECT_STARTS, export_converter, neutralise_cell
from stark.keyset import KeysetUnsupported, keyset_rows

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
    """An XLSX file (one sheet, a bold header row) built in a temporary file, then streamed from it.

    An XLSX is a zip whose parts are only complete at the end, so the file is built first; the
    memory stays flat because neither the writer nor the rows keep more than one chunk.
    """
    output = tempfile.TemporaryFile(prefix="stark-export-")  # private (0600), gone when closed
    write_xlsx(output, headers, chunks, sheet)
    output.seek(0)
    return FileResponse(output, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE)


# ---------------------------------------------------------------------------------------- XLSX
#
# A minimal SpreadsheetML writer (ECMA-376): the five parts a workbook of one sheet needs, cells as
# inline strings or numbers. XlsxWriter (constant-memory mode) was used before; it costs about
# 10 µs of Python per cell (its write_string checks, cell objects and XML writer), which capped an
# export of 12 columns at a few thousand rows per second. Here a chunk of rows becomes XML with a
# few list comprehensions per column. The sheet's XML goes to a temporary file first, so its size
# is known when it is zipped: the zip then uses ZIP64 only for a sheet over 2 GiB (Excel is picky
# about ZIP64 records it does not need), and never a data descriptor.

_NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STATIC_PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
        "</Types>"
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{_NS_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_NS_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{_NS_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_NS_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_NS_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    # Style 0: the default; style 1: bold (the header row).
    "xl/styles.xml": (
        f'<styleSheet xmlns="{_NS_MAIN}">'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        "</styleSheet>"
    ),
}
#: Characters XML 1.0 cannot hold (written as OOXML's ``_xHHHH_`` escapes), CR (which an XML
#: parser turns into LF) and the three markup characters.
_XML_SPECIAL_CHARS = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: White space an XML parser may drop at the ends of a ``<t>`` unless told to preserve it.
_XML_SPACE = " \t\n"
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_SPACE_AT_A_CELL_END = tuple(f"|{space}" for space in _XML_SPACE) + tuple(f"{space}|" for space in _XML_SPACE)
_OOXML_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
#: Excel's limits: characters in a cell, and characters a sheet name cannot have.
_CELL_MAX_CHARS = 32_767
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_NUMBER_TYPES = (int, float, Decimal)
#: How hard the zip compresses: level 1 is about three times faster than zlib's default and makes
#: a file about a fifth larger.
XLSX_COMPRESSLEVEL = 1


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xml_text(text: str) -> tuple[str, bool]:
    """``text`` escaped for a ``<t>`` element, and whether its white space must be preserved."""
    text = text[:_CELL_MAX_CHARS]
    text = _OOXML_ESCAPE_LIKE.sub(r"_x005F_\1", text)  # a literal "_x0041_" must not read as "A"
    preserve = text[:1] in _XML_SPACE or text[-1:] in _XML_SPACE if text else False
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    text = _XML_ILLEGAL.sub(lambda match: f"_x{ord(match.group()):04X}_", text)
    return text, preserve


def _needs_escaping(joined: str) -> bool:
    """Whether some cell of a column (its cells joined by ``|``) needs ``_xml_text``: a search in C
    over the whole column instead of a check per cell (false alarms only cost the slow path)."""
    if _XML_SPECIAL_CHARS.search(joined) or "_x" in joined:  # "_x": maybe text like an OOXML escape
        return True
    if joined and (joined[0] in _XML_SPACE or joined[-1] in _XML_SPACE):
        return True
    return any(edge in joined for edge in _XML_SPACE_AT_A_CELL_END)


def _string_cell(ref: str, text: str, style: str = "") -> str:
    escaped, preserve = _xml_text(text)
    space = ' xml:space="preserve"' if preserve else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _any_cell(ref: str, value: object) -> str:
    """One cell of any value (the slow path: a column of mixed or unusual values)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _string_cell(ref, str(value))
    finite = not isinstance(value, float | Decimal) or (value == value and abs(value) != float("inf"))
    if isinstance(value, _NUMBER_TYPES) and finite:
        return f'<c r="{ref}"><v>{value}</v></c>'
    return _string_cell(ref, value if isinstance(value, str) else str(value))


def _sheet_xml(rows: list, first: int, letters: list[str]) -> str:
    """The ``<row>`` elements of ``rows``, numbered from ``first``, built column by column."""
    numbers = range(first, first + len(rows))
    cells_by_column = []
    for letter, column in zip(letters, zip(*rows, strict=True), strict=False):
        kinds = set(map(type, column))
        if kinds <= {str}:
            if _needs_escaping("|".join(column)):
                cells = [_any_cell(f"{letter}{n}", value) for n, value in zip(numbers, column, strict=True)]
            else:  # the usual case: plain text, no escaping needed
                cells = [
                    f'<c r="{letter}{n}" t="inlineStr"><is><t>{value}</t></is></c>' if value else ""
                    for n, value in zip(numbers, column, strict=True)
                ]
        elif kinds <= {int, str}:  # ids and counts (and "" for none)
            cells = [
                f'<c r="{letter}{n}"><v>{value}</v></c>' if value.__class__ is int else _any_cell(f"{letter}{n}", value)
                for n, value in zip(numbers, column, strict=True)
            ]
        else:
            cells = [_any_cell(f"{letter}{n}", value) for n, value in zip(numbers, column, strict=True)]
        cells_by_column.append(cells)
    rows_of_cells = zip(*cells_by_column, strict=True)
    return "".join(f'<row r="{n}">{"".join(cells)}</row>' for n, cells in zip(numbers, rows_of_cells, strict=True))


def _sheet_name(name: str) -> str:
    name = _SHEET_NAME_FORBIDDEN.sub(" ", name).strip("'").strip()[:31]
    return name or "Sheet1"


def write_xlsx(output, headers: list[str], chunks: Iterable[list], sheet: str) -> int:
    """Write an XLSX workbook of one sheet to the binary file ``output``; the number of data rows.

    Cells are data, never formulas or links, whatever they look like: text is an inline string
    (as neutralised by the caller), numbers are numbers; at most ``XLSX_MAX_ROWS`` rows (the last
    one then says so).
    """
    letters = [_column_letter(index) for index in range(len(headers))]
    written = 0
    with tempfile.TemporaryFile(prefix="stark-sheet-") as sheet_xml:
        bold = ' s="1"'
        header = "".join(
            _string_cell(f"{letter}1", neutralise_cell(text), bold)
            for letter, text in zip(letters, headers, strict=True)
        )
        sheet_xml.write(
            f'{_XML_DECLARATION}<worksheet xmlns="{_NS_MAIN}"><sheetData><row r="1">{header}</row>'.encode()
        )
        for rows in chunks:
            room = XLSX_MAX_ROWS - 2 - written  # the header, and a last row for the note below
            if not rows:
                continue
            if len(rows) > room:
                rows = rows[:room]
            sheet_xml.write(_sheet_xml(rows, written + 2, letters).encode("utf-8", "replace"))
            written += len(rows)
            if written == XLSX_MAX_ROWS - 2:
                note = gettext("More rows than a worksheet can hold: export as CSV for all of them.")
                sheet_xml.write(f'<row r="{written + 2}">{_string_cell(f"A{written + 2}", note)}</row>'.encode())
                break
        sheet_xml.write(b"</sheetData></worksheet>")
        size = sheet_xml.tell()
        sheet_xml.seek(0)
        stamp = time.localtime()[:6]
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=XLSX_COMPRESSLEVEL) as archive:
            parts = {
                **_STATIC_PARTS,
                "xl/workbook.xml": (
                    f'<workbook xmlns="{_NS_MAIN}" xmlns:r="{_NS_REL}"><sheets>'
                    f'<sheet name={quoteattr(_xml_text(_sheet_name(sheet))[0])} sheetId="1" r:id="rId1"/>'
                    "</sheets></workbook>"
                ),
            }
            for name, xml in parts.items():
                archive.writestr(zipfile.ZipInfo(name, stamp), _XML_DECLARATION + xml, zipfile.ZIP_DEFLATED)
            info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.file_size = size  # known: ZIP64 only when the sheet needs it
            with archive.open(info, "w") as member:
                shutil.copyfileobj(sheet_xml, member, 1024 * 1024)
    return written


# ---------------------------------------------------------------------------------------- rows
def _text_column(neutralise: bool) -> Callable[[tuple], list]:
    """Free text: None → "", the rest neutralised (most cells are decided by their first character)."""
    suspect = _SUSPECT_STARTS
    if not neutralise:
        return lambda values: ["" if value is None else str(value) for value in values]
    return lambda values: [
        ""
        if value is None
        else (value if value.__class__ is str and value and value[0] not in suspect else neutralise_cell(value))
        for value in values
    ]


def _choice_column(field: models.Field, neutralise: bool) -> Callable[[tuple], list]:
    labels = {key: str(label) for key, label in field.flatchoices}
    if neutralise:
        labels = {key: neutralise_cell(label) for key, label in labels.items()}
    labels[None] = ""

    def unknown(value: object) -> str:  # a stored value that is no longer a choice
        return neutralise_cell(str(value)) if neutralise else str(value)

    return lambda values: [labels[value] if value in labels else unknown(value) for value in values]


def column_converter(field: models.Field, neutralise: bool = False) -> Callable[[tuple], list]:
    """A function turning a column of ``field``'s stored values into export cells (as
    ``stark.display.export_converter`` does per value, with fewer calls per cell)."""
    if field.choices:
        return _choice_column(field, neutralise)
    if isinstance(field, models.DateTimeField | models.DateField | models.BooleanField) or isinstance(
        field, models.DecimalField | models.FloatField | models.IntegerField
    ):
        convert = export_converter(field, neutralise=neutralise)
        return lambda values: [convert(value) for value in values]
    return _text_column(neutralise)


class ValueRows:
    """Export rows of field columns read with ``values_list`` (no model instances: several times faster).

    Each chunk is converted column by column; a date column is read as its ISO text where the
    database writes that itself (MariaDB/MySQL and SQLite), which spares two conversions per cell
    (the driver's text → date, the export's date → text).
    """

    #: FK labels remembered across chunks (a consultant appears on many rows); beyond this the
    #: cache starts again, so a column with a million distinct rows does not grow memory.
    label_cache_size = 10_000
    #: Databases whose ``CAST(date AS CHAR)`` is the ISO date (``YYYY-MM-DD``) whatever the settings.
    iso_date_text_vendors = ("mysql", "sqlite")

    def __init__(self, model: type[models.Model], names: list[str]) -> None:
        self.fields = [model._meta.get_field(name) for name in names]
        self.plain = [field for field in self.fields if not field.many_to_many]
        self.labels: dict[str, dict] = {field.name: {} for field in self.fields if field.is_relation}

    def _is_date_as_text(self, field: models.Field, vendor: str) -> bool:
        return (
            vendor in self.iso_date_text_vendors
            and isinstance(field, models.DateField)
            and not isinstance(field, models.DateTimeField)
            and not field.choices
        )

    def chunks(self, queryset: QuerySet, size: int) -> Iterator[list[tuple]]:
        self.db = queryset.db
        vendor = connections[self.db].vendor
        # Every cell leaves neutralised: free text per cell, labels (choices, FK, M2M) once each.
        converters: dict[str, Callable[[tuple], list]] = {}
        pk_attname = queryset.model._meta.pk.attname
        selected, annotations, positions = ["pk"], {}, {}
        key_fields = {pk_attname: "pk", queryset.model._meta.pk.name: "pk"}
        for field in self.plain:
            positions[field.name] = len(selected)
            if field.attname == pk_attname:  # the id column is the pk already selected
                positions[field.name] = 0
                converters[field.name] = column_converter(field, neutralise=True)
            elif field.is_relation:
                selected.append(field.attname)
            elif self._is_date_as_text(field, vendor):
                alias = f"_export_{field.attname}_text"
                annotations[alias] = Cast(field.attname, output_field=CharField())
                selected.append(alias)
                key_fields[field.attname] = alias
                key_fields[field.name] = alias
                converters[field.name] = lambda values: ["" if value is None else value for value in values]
            else:
                selected.append(field.attname)
                converters[field.name] = column_converter(field, neutralise=True)
        if annotations:
            queryset = queryset.annotate(**annotations)
        for rows in keyset_rows(queryset, selected, size, key_fields=key_fields):
            values = list(zip(*rows, strict=True))  # the chunk as columns (in C)
            pks = values[0]
            columns = []
            for field in self.fields:
                if field.many_to_many:
                    labels = self._m2m_labels(field, pks)
                    columns.append([", ".join(labels[pk]) if pk in labels else "" for pk in pks])
                    continue
                column = values[positions[field.name]]
                if field.is_relation:
                    labels = self._fk_labels(field, set(column))
                    columns.append([labels.get(value, "") for value in column])
                else:
                    columns.append(converters[field.name](column))
            yield list(zip(*columns, strict=True))

    def _labels_for(self, field: models.Field, ids: set) -> dict:
        """``str()`` of the related rows with ``ids`` (one query for those not yet cached)."""
        cache = self.labels[field.name]
        missing = [value for value in ids if value is not None and value not in cache]
        if missing:
            if len(cache) + len(missing) > self.label_cache_size:
                cache.clear()
            related = field.related_model
            target = field.target_field.attname if not field.many_to_many else related._meta.pk.attname
            for obj in related._base_manager.filter(**{f"{target}__in": missing}):
                cache[getattr(obj, target)] = neutralise_cell(str(obj))  # once per label, not per row
        return cache

    def _fk_labels(self, field: models.Field, ids: set) -> dict:
        return self._labels_for(field, ids)

    def _m2m_labels(self, field: models.Field, pks: tuple) -> dict[object, list[str]]:
        through = field.remote_field.through
        source = through._meta.get_field(field.m2m_field_name()).column
        target = through._meta.get_field(field.m2m_reverse_field_name()).column
        quote = connections[self.db].ops.quote_name
        # Plain SQL: building ``source__in=[2,000 pks]`` through the ORM (each value prepared and
        # resolved), or even as driver parameters (each escaped in Python by mysqlclient), costs
        # more than the rest of the row. Names come from the model; the pks are the integers just
        # read from the database, written with int's own str(), so nothing else can reach the SQL.
        if not all(pk.__class__ is int for pk in pks):
            raise KeysetUnsupported("M2M labels by plain SQL need integer primary keys")
        low, high = min(pks), max(pks)
        dense = high - low < 4 * len(pks)
        # Rows entered day by day sit close together in id order: then one range of the link
        # table's (source, target) index is cheaper for the server than thousands of IN values.
        where = f"BETWEEN {int(low)} AND {int(high)}" if dense else f"IN ({', '.join(map(str, pks))})"
        sql = (
            f"SELECT {quote(source)}, {quote(target)} FROM {quote(through._meta.db_table)} "  # noqa: S608
            f"WHERE {quote(source)} {where} ORDER BY {quote(target)}"
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql)
            links = cursor.fetchall()
        if dense:
            wanted = set(pks)
            links = [link for link in links if link[0] in wanted]
        labels = self._labels_for(field, {target_id for _source, target_id in links})
        by_row: dict[object, list[str]] = {}
        for source_id, target_id in links:
            by_row.setdefault(source_id, []).append(labels.get(target_id, ""))
        return by_row
