"""Shared check: a display column's page-wide cells (``make_cell``) equal its function's, row by row."""

from stark.html import escape_text


def page_cells_differences(changelist) -> tuple[int, list[str]]:
    """(how many columns have page-wide cells, the rows where those differ from their function)."""
    compared, differences = 0, []
    rows = list(changelist.page)
    for column in changelist.columns:
        make_cell = getattr(column.display, "make_cell", None)
        if make_cell is None:
            continue
        cell = make_cell(changelist)
        if cell is None:
            continue  # declined for this page: the function is called per row
        compared += 1
        for obj in rows:
            expected = escape_text(
                column.display(changelist.request, obj, False, *changelist.args, **changelist.kwargs)
            )
            if escape_text(cell(obj)) != expected:
                differences.append(f"{column.header} row {obj.pk}: {cell(obj)!r} != {expected!r}")
    return compared, differences
