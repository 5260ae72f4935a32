"""stark.html gives exactly Django's escaping (it only skips Django's lazy-text checks for plain str)."""

import pytest
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from stark.html import escape_text, format_cell_html, join_html

VALUES = [
    "plain",
    "<script>alert('x')</script> & \"quoted\"",
    "",
    mark_safe("<b>already safe</b>"),
    gettext_lazy("Yes"),
    42,
    -7,
    True,
    None,
    3.5,
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escape_text_is_conditional_escape(value):
    escaped = escape_text(value)
    assert escaped == conditional_escape(value)
    assert isinstance(escaped, SafeString)


def test_format_cell_html_is_format_html():
    template = '<a href="{}" title="{}">{}{}</a>'
    for first in VALUES:
        for second in VALUES:
            expected = format_html(template, first, second, first, second)
            result = format_cell_html(template, first, second, first, second)
            assert result == expected and isinstance(result, SafeString)


def test_join_html_escapes_each_part_but_not_the_separator():
    result = join_html(["<i>", mark_safe("<b>x</b>"), 7], "<br>")
    assert result == "&lt;i&gt;<br><b>x</b><br>7" and isinstance(result, SafeString)


def test_a_str_subclass_that_is_not_safe_is_still_escaped():
    class Name(str):
        pass

    assert escape_text(Name("<x>")) == "&lt;x&gt;"
