"""stark.display.neutralise_cell: no exported cell is ever run as a formula by a spreadsheet."""

import pytest

from stark.display import neutralise_cell


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        "+1+1",
        "-1+1",
        "@SUM(A1)",
        "\t=1",
        "\tplain after a tab",
        "\rcarriage return",
        "\nline feed",
        " =1+1",
        "   +cmd|' /C calc'!A0",
        "  @SUM(A1)",
        " \t1",
        "＝1+1",
        "＋1",
        "－1",
        "＠SUM(A1)",
        '  ＝HYPERLINK("http://x")',
        "-",
        "-2+3",
        " -5",
    ],
)
def test_formula_starts_get_a_leading_quote(text):
    assert neutralise_cell(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    ["张三", "123456789", "a=b", "foo@example.com", "1+1", " leading space", "", "'already quoted", "-5", "-1280.50"],
)
def test_other_text_and_plain_negative_amounts_are_left_alone(text):
    assert neutralise_cell(text) == text


def test_none_and_numbers_become_text():
    assert neutralise_cell(None) == ""
    assert neutralise_cell(42) == "42"
