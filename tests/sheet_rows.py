"""Reading a results sheet back as a clerk reads it: the rows under a header row, as dicts."""

from __future__ import annotations


def rows_under_header(ws, header_row: int) -> list[dict[str, object]]:
    """Rows below a header row as dicts (header text -> value), up to the first empty row."""
    headers = [c.value for c in ws[header_row]]
    rows = []
    for values in ws.iter_rows(min_row=header_row + 1, values_only=True):
        if all(v is None or v == "" for v in values):
            break
        rows.append(dict(zip(headers, values)))
    return rows
