"""HTML built per row or per cell: Django's escaping, without its per-call cost.

Django's ``conditional_escape`` (and so ``format_html``) checks every argument for lazy
translation objects through ``keep_lazy`` before escaping it: about 3 µs per call, and a list page
makes several hundred such calls (its cells, its row links, a filter's 2,000 consultants). Here a
plain ``str`` goes straight to ``html.escape``, which is exactly what Django's ``escape`` does with
it; a ``SafeString`` is kept and an ``int`` written as it is (what Django's function returns
for them); anything else (lazy text, other numbers, None, subclasses) takes Django's own
``conditional_escape``. The output is character for character Django's; tests/stark/test_html.py
compares them.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


def _escaped(value: object) -> str:
    kind = value.__class__
    if kind is str:
        return html.escape(value)
    if kind is SafeString:
        return value  # what conditional_escape returns for it (its __html__ is itself)
    if kind is int:
        return str(value)  # digits and a minus sign: nothing to escape
    return conditional_escape(value)


def escape_text(value: object) -> SafeString:
    """``conditional_escape(value)``: a ``str`` escaped, safe HTML kept as it is."""
    if value.__class__ is SafeString:
        return value
    return SafeString(_escaped(value))


def format_cell_html(format_string: str, *args: object) -> SafeString:
    """``format_html(format_string, *args)``: each argument escaped unless it is safe HTML."""
    return SafeString(format_string.format(*[_escaped(arg) for arg in args]))


def join_html(parts: Iterable[object], separator: str = "") -> SafeString:
    """The parts joined by ``separator`` (markup of the caller), each escaped unless safe HTML."""
    return SafeString(separator.join([_escaped(part) for part in parts]))


def format_html_rows(format_string: str, rows: Iterable[Iterable[object]]) -> SafeString:
    """``format_html_join("", format_string, rows)``: one formatted piece per row of arguments."""
    return SafeString("".join([format_string.format(*[_escaped(arg) for arg in args]) for args in rows]))


def table_rows_html(rows: Iterable[Iterable[object]]) -> SafeString:
    """``<tr><td>…</td>…</tr>`` for each row of cells, each cell escaped unless safe HTML."""
    return SafeString(
        "".join(["<tr>" + "".join(["<td>" + _escaped(cell) + "</td>" for cell in row]) + "</tr>" for row in rows])
    )


def hidden_inputs_html(pairs: Iterable[tuple[str, str]]) -> SafeString:
    """``<input type="hidden">`` for each ``(name, value)``: a GET form's copy of a list's other
    parameters (``stark.utils.hidden_fields``)."""
    return format_html_rows('<input type="hidden" name="{}" value="{}">', pairs)
