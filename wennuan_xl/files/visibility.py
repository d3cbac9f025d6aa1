"""Which rows of each worksheet are hidden, which python-calamine does not report.

Units hide rows: last year's table kept above this year's, or rows of this year's own form they did not
need. The locator prefers what a person sees and never takes a hidden copy over a visible one, so it
must know. Read from the workbook's own XML (``<row r="5" hidden="1">``) after the guard has checked
every part; a file whose structure this cannot follow just reports no hidden rows.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {m.group(1): (m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(text)}


def hidden_rows_xlsx(data: bytes) -> dict[str, frozenset[int]]:
    """Sheet name -> the numbers of its hidden rows, for an .xlsx/.xlsm already passed by the guard."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            book = zf.read("xl/workbook.xml")
            rels = zf.read("xl/_rels/workbook.xml.rels")
            targets = {}
            for m in _REL.finditer(rels):
                a = _attrs(m.group(1))
                if b"Id" in a and b"Target" in a:
                    target = html.unescape(a[b"Target"].decode("utf-8", "replace"))
                    targets[a[b"Id"]] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                        posixpath.join("xl", target))
            out: dict[str, frozenset[int]] = {}
            names = set(zf.namelist())
            for m in _SHEET.finditer(book):
                a = _attrs(m.group(1))
                rid = next((v for k, v in a.items() if k.endswith(b":id") or k == b"id"), None)
                name = html.unescape(a.get(b"name", b"").decode("utf-8", "replace"))
                part = targets.get(rid) if rid is not None else None
                if not name or part not in names:
                    continue
                hidden = _hidden_rows(zf.read(part))
                if hidden:
                    out[name] = hidden
            return out
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, NotImplementedError):
        return {}


def _hidden_rows(xml: bytes) -> frozenset[int]:
    rows = set()
    for m in _ROW.finditer(xml):
        a = _attrs(m.group(1))
        if a.get(b"hidden") in (b"1", b"true") and a.get(b"r", b"").isdigit():
            rows.add(int(a[b"r"]))
    return frozenset(rows)
