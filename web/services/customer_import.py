"""Importing leads from a spreadsheet into the public pool: upload → preview → confirm.

1. ``customer_import_upload`` checks the file (size, kind, rows, header) and keeps it in the
   database (``CustomerImport``); nothing touches the customer tables.
2. ``customer_import_preview`` reads it again and marks every row **new**, **duplicate** (same QQ,
   or mobile / WeChat when given, as an existing customer — saying only whether the public pool
   or which consultant holds it — or repeated in the file) or **invalid** (a reason per cell).
3. ``customer_import_confirm`` classifies once more inside one transaction and bulk-inserts the
   new rows (customers, then their course links); a duplicate that appeared since the preview is
   reported and skipped. The stored file is deleted with the same commit.

Queries do not grow with the rows: one lookup per unique column per 5,000 values, and bulk inserts.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from stark.display import neutralise_cell
from web.forms.contact import (
    mobile_validator,
    normalise_mobile,
    normalise_wechat,
    qq_validator,
    wechat_validator,
)
from web.models import Course, Customer, CustomerImport, UserInfo
from web.search import reindex_customers
from web.selectors.customers import customer_holders

#: Limits of one upload (the messages name them).
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
#: An upload not confirmed within this time is discarded.
KEEP_FOR = datetime.timedelta(days=1)
#: Values per ``IN (...)`` lookup (SQLite and MariaDB both take this many parameters easily).
LOOKUP_BATCH = 5_000
#: Rows per INSERT.
INSERT_BATCH = 1_000

#: Columns of the file: model field → required. Matched by header in any order.
COLUMNS: dict[str, bool] = {
    "name": True,
    "qq": True,
    "mobile": False,
    "wechat": False,
    "gender": True,
    "course": False,
    "education": False,
    "graduation_school": False,
    "major": False,
    "experience": False,
    "work_status": False,
    "company": False,
    "salary": False,
    "date": False,
}
#: Other headers people write for a column (besides the field name and its English and Chinese labels).
ALIASES = {
    "mobile": ["手机", "手机号码", "电话", "phone"],
    "wechat": ["微信号", "wechat id"],
    "qq": ["qq号", "qq号码"],
    "name": ["客户姓名", "名字"],
    "course": ["课程", "意向课程", "courses"],
    "date": ["日期", "咨询日期"],
}
#: Several courses in one cell: 、 (Chinese enumeration comma), comma, full-width comma, semicolon.
COURSE_SEPARATORS = re.compile(r"[、,，;；]")
_PARENTHESES = re.compile(r"[(（].*?[)）]")


class ImportFileError(ValueError):
    """The upload cannot be imported at all (the message says why, for the user)."""


class Kind:
    NEW = "new"
    DUPLICATE = "duplicate"
    INVALID = "invalid"


@dataclass
class ImportRow:
    number: int  # the row number in the spreadsheet (the header is row 1 when it comes first)
    cells: list[str]  # the file's cells, as text, for the preview and the rejected-rows file
    kind: str = Kind.NEW
    reasons: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # cleaned field values of a valid row
    courses: list[int] = field(default_factory=list)


@dataclass
class ImportPreview:
    headers: list[str]
    rows: list[ImportRow]
    #: Which file headers were understood, and the ones ignored.
    matched: dict[str, str]
    ignored: list[str]

    def of_kind(self, kind: str) -> list[ImportRow]:
        return [row for row in self.rows if row.kind == kind]

    @property
    def counts(self) -> dict[str, int]:
        counts = {Kind.NEW: 0, Kind.DUPLICATE: 0, Kind.INVALID: 0}
        for row in self.rows:
            counts[row.kind] += 1
        return counts


@dataclass(frozen=True)
class ImportResult:
    imported: int
    #: Rows that became duplicates after the preview (someone entered the same customer meanwhile).
    skipped: int
    customer_ids: tuple[int, ...] = ()


# ---------------------------------------------------------------------------------- the columns
@functools.cache  # labels are fixed at start-up; switching the language per call is slow
def column_label(name: str) -> str:
    """The Chinese header of a column in the template."""
    with translation.override("zh-hans"):
        return str(Customer._meta.get_field(name).verbose_name)


@functools.cache
def _choice_labels(name: str) -> dict[str, str]:
    """Accepted spellings of a choice column's values → stored value: the value, the English and the Chinese label."""
    model_field = Customer._meta.get_field(name)
    spellings = {}
    for value, label in model_field.flatchoices:
        spellings[_normal(value)] = value
        for language in ("en", "zh-hans"):
            with translation.override(language):
                spellings[_normal(str(label))] = value
    return spellings


@functools.cache
def choice_values(name: str) -> tuple[str, ...]:
    """The Chinese labels of a choice column, for the template."""
    with translation.override("zh-hans"):
        return tuple(str(label) for _value, label in Customer._meta.get_field(name).flatchoices)


def template_headers() -> list[str]:
    """The template's header row: Chinese labels, * for required, allowed values in brackets."""
    headers = []
    for name, required in COLUMNS.items():
        header = column_label(name) + ("*" if required else "")
        if Customer._meta.get_field(name).choices:
            header += "（" + "/".join(choice_values(name)) + "）"
        elif name == "course":
            header += "（多个用、分隔）"
        elif name == "date":
            header += "（2026-01-31，空则为今天）"
        headers.append(header)
    return headers


def template_example() -> list[str]:
    course = Course.objects.order_by("id").values_list("name", flat=True).first() or ""
    with translation.override("zh-hans"):
        gender = str(Customer._meta.get_field("gender").flatchoices[0][1])
        education = str(dict(Customer.Education.choices)[Customer.Education.BACHELOR])
        experience = str(dict(Customer.Experience.choices)[Customer.Experience.Y1_3])
        work_status = str(dict(Customer.WorkStatus.choices)[Customer.WorkStatus.EMPLOYED])
    example = {
        "name": "张三",
        "qq": "123456789",
        "mobile": "13800138000",
        "wechat": "zhangsan_2026",
        "gender": gender,
        "course": course,
        "education": education,
        "graduation_school": "北京大学",
        "major": "计算机科学",
        "experience": experience,
        "work_status": work_status,
        "company": "某科技公司",
        "salary": "8000",
        "date": timezone.localdate().isoformat(),
    }
    return [example[name] for name in COLUMNS]


def _normal(header: object) -> str:
    """A header or label compared loosely: no brackets (allowed values), *, spaces or case."""
    text = _PARENTHESES.sub("", str(header or ""))
    return "".join(text.replace("*", "").split()).lower()


@functools.cache
def _header_lookup() -> dict[str, str]:
    lookup = {}
    for name in COLUMNS:
        model_field = Customer._meta.get_field(name)
        spellings = [name, *ALIASES.get(name, [])]
        for language in ("en", "zh-hans"):
            with translation.override(language):
                spellings.append(str(model_field.verbose_name))
        for spelling in spellings:
            lookup.setdefault(_normal(spelling), name)
    return lookup


# ---------------------------------------------------------------------------------- reading files
def read_table(content: bytes, filename: str) -> list[list[str]]:
    """The file's rows as text cells (at most ``MAX_ROWS`` + 1 rows are read); ImportFileError if unreadable."""
    if not content.strip():
        raise ImportFileError(gettext("The file is empty."))
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if filename.lower().endswith((".xlsx", ".xls", ".xlsm")) or b"\x00" in content[:4096]:
        raise ImportFileError(gettext("This is not a spreadsheet we can read: upload a .xlsx or .csv file."))
    return _read_csv(content)


def _read_csv(content: bytes) -> list[list[str]]:
    # Excel on Chinese Windows saves "CSV" as GB18030 (GBK); everything else writes UTF-8, with or
    # without a BOM. UTF-8 is tried first: GB18030 would decode almost any bytes, wrongly.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes every byte sequence
        raise ImportFileError(gettext("This is not a spreadsheet we can read: upload a .xlsx or .csv file."))
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            rows.append([cell.strip() for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise ImportFileError(gettext("The CSV file is malformed: %(error)s") % {"error": error}) from error
    return rows


def _read_xlsx(content: bytes) -> list[list[str]]:
    import openpyxl  # only imports need it

    try:
        # read_only streams the sheet; formulas come back as their text (never evaluated).
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a broken zip or XML
        raise ImportFileError(gettext("This is not a spreadsheet we can read: upload a .xlsx or .csv file.")) from error
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_xlsx_text(value) for value in row])
            if len(rows) > MAX_ROWS + 1:
                break
    finally:
        workbook.close()
    return rows


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a QQ or mobile number typed as a number
    return str(value).strip()


# ---------------------------------------------------------------------------------- classifying
def _cell_fields() -> dict[str, forms.Field]:
    """How each cell is checked (the same rules as the customer form)."""
    model_fields = {name: Customer._meta.get_field(name) for name in COLUMNS}

    def text(name: str, required: bool = False, validators=()) -> forms.CharField:
        return forms.CharField(max_length=model_fields[name].max_length, required=required, validators=list(validators))

    return {
        "name": text("name", required=True),
        "qq": text("qq", required=True, validators=[qq_validator]),
        "mobile": forms.CharField(required=False, validators=[mobile_validator]),
        "wechat": text("wechat", validators=[wechat_validator]),
        "graduation_school": text("graduation_school"),
        "major": text("major"),
        "company": text("company"),
        "salary": text("salary"),
        "date": forms.DateField(required=False, input_formats=["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d"]),
    }


class _Classifier:
    """Reads rows into cleaned values, then marks duplicates (database and file) in bulk."""

    def __init__(self, table: list[list[str]]) -> None:
        self.table = table
        self.fields = _cell_fields()
        self.choices = {name: _choice_labels(name) for name in COLUMNS if Customer._meta.get_field(name).choices}
        self.courses = {_normal(name): pk for pk, name in Course.objects.values_list("pk", "name")}
        today = timezone.localdate()
        self.defaults = {name: "" for name in COLUMNS} | {"mobile": None, "wechat": None, "date": today}
        self.quick_checks = {
            "qq": qq_validator.regex.match,
            "mobile": mobile_validator.regex.match,
            "wechat": wechat_validator.regex.match,
        }
        for name in ("name", "graduation_school", "major", "company", "salary"):
            limit = Customer._meta.get_field(name).max_length
            self.quick_checks[name] = lambda value, limit=limit: 0 < len(value) <= limit

    def header(self) -> tuple[int, list[str], dict[int, str], list[str]]:
        """The header row's index, its cells, column position → field, and headers not understood."""
        lookup = _header_lookup()
        for index, row in enumerate(self.table):
            if any(row):
                positions, ignored = {}, []
                for position, cell in enumerate(row):
                    name = lookup.get(_normal(cell))
                    if name and name not in positions.values():
                        positions[position] = name
                    elif cell:
                        ignored.append(cell)
                return index, row, positions, ignored
        raise ImportFileError(gettext("The file is empty."))

    def preview(self) -> ImportPreview:
        headers, positions, ignored, body = self.layout()
        rows = [self.clean_row(number, row, positions) for number, row in body]
        self.mark_duplicates(rows)
        matched = {headers[position]: column_label(name) for position, name in positions.items()}
        return ImportPreview(headers=headers, rows=rows, matched=matched, ignored=ignored)

    def layout(self) -> tuple[list[str], dict[int, str], list[str], list[tuple[int, list[str]]]]:
        """The header, column position → field, ignored headers and the numbered data rows;
        ``ImportFileError`` when the file could never be imported (checked at upload)."""
        index, headers, positions, ignored = self.header()
        if not positions:
            raise ImportFileError(
                gettext("No column of the first row is one we know (e.g. 姓名, QQ, 性别): use the template.")
            )
        missing = [name for name, required in COLUMNS.items() if required and name not in positions.values()]
        if missing:
            raise ImportFileError(
                gettext("The file has no column for: %(columns)s.")
                % {"columns": "、".join(column_label(name) for name in missing)}
            )
        body = [(number, row) for number, row in enumerate(self.table[index + 1 :], start=index + 2) if any(row)]
        if not body:
            raise ImportFileError(gettext("The file has a header row but no customers."))
        if len(body) > MAX_ROWS:
            raise ImportFileError(gettext("The file has more than %(max)s rows: split it.") % {"max": f"{MAX_ROWS:,}"})
        return headers, positions, ignored, body

    def clean_row(self, number: int, cells: list[str], positions: dict[int, str]) -> ImportRow:
        row = ImportRow(number=number, cells=cells)
        raw = {name: (cells[position] if position < len(cells) else "") for position, name in positions.items()}
        for name in COLUMNS:
            try:
                row.values[name] = self.clean_cell(name, raw.get(name, ""), row)
            except ValidationError as error:
                row.reasons.append(f"{column_label(name)}: {' '.join(error.messages)}")
        if row.reasons:
            row.kind = Kind.INVALID
        return row

    def clean_cell(self, name: str, value: str, row: ImportRow) -> object:
        if name in self.choices:
            if not value:
                if COLUMNS[name]:
                    raise ValidationError(gettext("This field is required."))
                return ""
            try:
                return self.choices[name][_normal(value)]
            except KeyError:
                raise ValidationError(
                    gettext("“%(value)s” is not one of: %(choices)s.")
                    % {"value": value, "choices": "/".join(choice_values(name))}
                ) from None
        if name == "course":
            for course_name in filter(None, (part.strip() for part in COURSE_SEPARATORS.split(value))):
                pk = self.courses.get(_normal(course_name))
                if pk is None:
                    raise ValidationError(gettext("No course is called “%(name)s”.") % {"name": course_name})
                row.courses.append(pk)
            return None
        if not value and not COLUMNS[name]:
            return self.defaults[name]
        if name == "mobile":
            value = normalise_mobile(value)
        elif name == "wechat":
            value = normalise_wechat(value)
        elif name == "date":
            try:
                return datetime.date.fromisoformat(value)  # the usual spelling, without the form machinery
            except ValueError:
                pass
        # The common valid cell is recognised cheaply; anything else goes through the form
        # field, which raises the customer form's own message. (10,000 rows x 14 columns.)
        quick = self.quick_checks.get(name)
        if quick is not None and quick(value):
            return value
        return self.fields[name].clean(value)

    def mark_duplicates(self, rows: list[ImportRow]) -> None:
        valid = [row for row in rows if row.kind != Kind.INVALID]
        for name in ("qq", "mobile", "wechat"):
            holders = _holders(name, [row.values[name] for row in valid if row.values.get(name)])
            first_row: dict[str, int] = {}
            label = column_label(name)
            for row in valid:
                value = row.values.get(name)
                if not value:
                    continue
                if value in holders:
                    row.kind = Kind.DUPLICATE
                    row.reasons.append(
                        gettext("%(column)s %(value)s: a customer with it exists (%(holder)s).")
                        % {"column": label, "value": value, "holder": holders[value]}
                    )
                elif value in first_row:
                    row.kind = Kind.DUPLICATE
                    row.reasons.append(
                        gettext("%(column)s %(value)s: also in row %(row)d of this file.")
                        % {"column": label, "value": value, "row": first_row[value]}
                    )
                else:
                    first_row[value] = row.number


def _holders(name: str, values: list[str]) -> dict[str, str]:
    holders: dict[str, str] = {}
    for start in range(0, len(values), LOOKUP_BATCH):
        holders.update(customer_holders(field=name, values=values[start : start + LOOKUP_BATCH]))
    return holders


# ---------------------------------------------------------------------------------- the services
def customer_imports_of(*, user: UserInfo):
    """The uploads ``user`` may preview and confirm: their own, not yet expired."""
    return CustomerImport.objects.filter(uploader=user, created__gte=timezone.now() - KEEP_FOR)


def customer_import_upload(*, uploader: UserInfo, upload, source: str) -> CustomerImport:
    """Check an uploaded file and keep it for the preview. Nothing is written to the customer tables.

    Raises ``ImportFileError`` with the reason when the file cannot be imported at all.
    """
    if upload.size > MAX_FILE_BYTES:
        raise ImportFileError(
            gettext("The file is larger than %(max)d MB: split it.") % {"max": MAX_FILE_BYTES // (1024 * 1024)}
        )
    content = upload.read()
    _Classifier(read_table(content, upload.name)).layout()  # refuses what could never be imported
    with transaction.atomic():
        # Uploads older than a day go, whoever made them: a lead list is not kept longer than needed.
        CustomerImport.objects.filter(created__lt=timezone.now() - KEEP_FOR).delete()
        return CustomerImport.objects.create(
            uploader=uploader, filename=upload.name[:255], content=content, source=source
        )


def customer_import_preview(*, customer_import: CustomerImport) -> ImportPreview:
    """Every row of a kept upload, classified against the customers as they are now."""
    return _Classifier(read_table(bytes(customer_import.content), customer_import.filename)).preview()


def customer_import_confirm(*, user: UserInfo, import_id: int, expected_new: int | None = None) -> ImportResult:
    """Insert the upload's new rows into the public pool, all or nothing, and forget the upload.

    ``expected_new`` is how many rows the preview showed as new: fewer now means customers were
    entered meanwhile; those rows are skipped (and counted in ``skipped``), never inserted twice.
    Raises ``CustomerImport.DoesNotExist`` when the upload is not ``user``'s, has expired or was
    confirmed already (e.g. in another tab); ``IntegrityError`` only if a concurrent insert
    collides twice, and then nothing is written.
    """
    with transaction.atomic():
        # The lock makes a second confirm (another tab) wait, then find the upload gone.
        customer_import = customer_imports_of(user=user).select_for_update().get(pk=import_id)
        new_rows = customer_import_preview(customer_import=customer_import).of_kind(Kind.NEW)
        try:
            with transaction.atomic():  # a savepoint: a collision below undoes only this attempt
                customer_ids = customer_import_insert(rows=new_rows, source=customer_import.source)
        except IntegrityError:
            # Someone entered one of these customers after our duplicate check (between the
            # classification and the INSERT): classify again, now that it is visible, and retry.
            new_rows = customer_import_preview(customer_import=customer_import).of_kind(Kind.NEW)
            customer_ids = customer_import_insert(rows=new_rows, source=customer_import.source)
        customer_import.delete()
    skipped = max(0, expected_new - len(customer_ids)) if expected_new is not None else 0
    return ImportResult(imported=len(customer_ids), skipped=skipped, customer_ids=tuple(customer_ids))


def customer_import_insert(*, rows: list[ImportRow], source: str) -> list[int]:
    """Bulk-insert classified new ``rows`` as public customers with their courses; their ids, in row order.

    The one place the import writes customers (called inside ``customer_import_confirm``'s transaction).
    """
    if not rows:
        return []
    customers = [
        Customer(
            **{name: value for name, value in row.values.items() if name != "course"},
            source=source,
            consultant=None,
            status=Customer.Status.UNSIGNED,
        )
        for row in rows
    ]
    Customer.objects.bulk_create(customers, batch_size=INSERT_BATCH)
    # MySQL does not return the new ids from a bulk INSERT: read them back by the unique QQ.
    qqs = [row.values["qq"] for row in rows]
    ids_by_qq: dict[str, int] = {}
    for start in range(0, len(qqs), LOOKUP_BATCH):
        batch = qqs[start : start + LOOKUP_BATCH]
        ids_by_qq.update(Customer.objects.filter(qq__in=batch).values_list("qq", "pk"))
    customer_ids = [ids_by_qq[qq] for qq in qqs]
    links = [
        Customer.course.through(customer_id=customer_id, course_id=course_id)
        for customer_id, row in zip(customer_ids, rows, strict=True)
        for course_id in dict.fromkeys(row.courses)
    ]
    Customer.course.through.objects.bulk_create(links, batch_size=INSERT_BATCH)
    # bulk_create skips Customer.save: index the new rows for the search, in this transaction.
    reindex_customers(customer_ids)
    # #12 event log: one `entered` event each, e.g. customer_events_bulk(kind="entered", customer_ids=...)
    return customer_ids


def rejected_rows_csv(preview: ImportPreview) -> Iterator[str]:
    """The rows that will not be imported, as the file had them, plus a reason column (UTF-8 with BOM)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_cell(cell) for cell in [*preview.headers, gettext("Reason")]])
    yield "\ufeff" + buffer.getvalue()
    for row in preview.rows:
        if row.kind == Kind.NEW:
            continue
        buffer.seek(0)
        buffer.truncate()
        cells = [*row.cells, *[""] * (len(preview.headers) - len(row.cells))][: len(preview.headers)]
        writer.writerow([neutralise_cell(cell) for cell in [*cells, "；".join(row.reasons)]])
        yield buffer.getvalue()


def template_csv() -> Iterable[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(template_headers())
    writer.writerow(template_example())
    return ["\ufeff" + buffer.getvalue()]
