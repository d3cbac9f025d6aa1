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
import struct
import zipfile
from collections.abc import Container, Iterator

_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_NOT_MARKUP = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.S)
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_COL = re.compile(rb"<(?:\w+:)?col\b([^>]*)/?>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {m.group(1): (m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(text)}


Hidden = tuple[frozenset[int], frozenset[int]]  # (rows, columns), 1-based


def sheet_parts(data: bytes, skip: Container[str] = ()) -> Iterator[tuple[str, bytes]]:
    """(sheet name, its XML) of each worksheet of an .xlsx/.xlsm already passed by the guard, in the workbook's
    order, but those named in ``skip``; nothing (or as far as it got) when its structure cannot be followed."""
    for name, _part, xml, _zf in sheet_members(data, skip):
        yield name, xml


def sheet_members(data: bytes, skip: Container[str] = ()) -> Iterator[tuple[str, str, bytes, zipfile.ZipFile]]:
    """``sheet_parts`` with each sheet's part name and the open zip (to follow the sheet's own relationships)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            book = _NOT_MARKUP.sub(b"", zf.read("xl/workbook.xml"))  # a <sheet> in a comment is none
            targets = relationship_targets(zf.read("xl/_rels/workbook.xml.rels"), "xl")
            names = set(zf.namelist())
            read: set[str] = set()
            for m in _SHEET.finditer(book):
                a = _attrs(m.group(1))
                rid = next((v for k, v in a.items() if k.endswith(b":id") or k == b"id"), None)
                name = html.unescape(a.get(b"name", b"").decode("utf-8", "replace"))
                part = targets.get(rid, ("", ""))[0] if rid is not None else None
                if name and part in names and name not in skip and part not in read:
                    read.add(part)  # the guard refused two sheets of one part; here each is read once anyway
                    yield name, part, zf.read(part), zf
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, RuntimeError, NotImplementedError):
        return


def relationship_targets(rels: bytes, folder: str) -> dict[bytes, tuple[str, str]]:
    """Id -> (the part it points to, its type) of a relationships part of a part in ``folder``."""
    targets = {}
    for m in _REL.finditer(_NOT_MARKUP.sub(b"", rels)):
        a = _attrs(m.group(1))
        if b"Id" in a and b"Target" in a:
            target = html.unescape(a[b"Target"].decode("utf-8", "replace"))
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            targets[a[b"Id"]] = (part, a.get(b"Type", b"").decode("utf-8", "replace"))
    return targets


def workbook_part(data: bytes, leaf: str) -> bytes | None:
    """The part ``xl/<leaf>`` of an .xlsx already passed by the guard (its name in any case), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            name = next((n for n in zf.namelist() if n.lower() == f"xl/{leaf.lower()}"), None)
            return zf.read(name) if name is not None else None
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None


def hidden_rows_xlsx(data: bytes) -> dict[str, Hidden]:
    """Sheet name -> its hidden rows and columns, for an .xlsx/.xlsm already passed by the guard."""
    out: dict[str, Hidden] = {}
    for name, xml in sheet_parts(data):
        hidden = (_hidden_rows(xml), _hidden_cols(xml))
        if hidden[0] or hidden[1]:
            out[name] = hidden
    return out


def _no_size(value: bytes | None) -> bool:
    """A row height or column width of 0: nothing of it shows, as if hidden (a script's way to hide)."""
    try:
        return value is not None and float(value) == 0.0
    except ValueError:
        return False


def _hidden_cols(xml: bytes) -> frozenset[int]:
    cols: set[int] = set()
    head = xml[: xml.find(b"sheetData")] if b"sheetData" in xml else xml[:65536]
    if b"hidden" not in head and b' width="0' not in head:
        return frozenset()
    for m in _COL.finditer(head):
        a = _attrs(m.group(1))
        if ((a.get(b"hidden") in (b"1", b"true") or _no_size(a.get(b"width")))
                and a.get(b"min", b"").isdigit() and a.get(b"max", b"").isdigit()):
            lo, hi = int(a[b"min"]), min(int(a[b"max"]), int(a[b"min"]) + 256)
            cols.update(range(lo, hi + 1))
    return frozenset(cols)


def _hidden_rows(xml: bytes) -> frozenset[int]:
    rows: set[int] = set()
    if b"hidden" not in xml and b' ht="0' not in xml:
        return frozenset()
    for m in _ROW.finditer(xml):
        a = _attrs(m.group(1))
        if (a.get(b"hidden") in (b"1", b"true") or _no_size(a.get(b"ht"))) and a.get(b"r", b"").isdigit():
            rows.add(int(a[b"r"]))
    return frozenset(rows)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\sref="\$?([A-Z]{1,3})\$?([0-9]{1,7}):\$?([A-Z]{1,3})\$?([0-9]{1,7})"')
Merged = tuple[tuple[int, int, int, int], ...]  # (first row, first col, last row, last col), 1-based


def merged_xlsx(parts: dict[str, bytes]) -> dict[str, Merged]:
    """Sheet name -> its merged ranges, from each worksheet's <mergeCells> (as calamine reports them)."""
    from ..core.workbook import column_index

    out: dict[str, Merged] = {}
    for name, xml in parts.items():
        if b"mergeCell" in xml:
            found = tuple((int(r1), column_index(c1.decode()), int(r2), column_index(c2.decode()))
                          for c1, r1, c2, r2 in _MERGE.findall(xml))
            if found:
                out[name] = found
    return out


def merged_xls(data: bytes) -> dict[str, Merged]:
    """Sheet name -> merged ranges of an .xls (BIFF8): each sheet's MERGEDCELLS records."""
    biff = biff_stream(data)
    out: dict[str, Merged] = {}
    if biff is None:
        return out
    for name, start, end in biff_sheets(biff):
        found: list[tuple[int, int, int, int]] = []
        pos = start
        while pos + 4 <= end:
            rtype, length = struct.unpack_from("<HH", biff, pos)
            if pos + 4 + length > end:
                break  # a record cut short: nothing more of this sheet
            if rtype == 0x00E5 and length >= 2:  # MERGEDCELLS: count, then (rwFirst, rwLast, colFirst, colLast)
                count = min(struct.unpack_from("<H", biff, pos + 4)[0], (length - 2) // 8)
                for i in range(count):
                    r1, r2, c1, c2 = struct.unpack_from("<HHHH", biff, pos + 6 + 8 * i)
                    found.append((r1 + 1, c1 + 1, r2 + 1, c2 + 1))
            pos += 4 + length
        if found:
            out[name] = tuple(found)
    return out


def biff_sheets(biff: bytes) -> list[tuple[str, int, int]]:
    """(name, start, end) of each sheet's records, from the BOUNDSHEET8 records of the globals."""
    sheets: list[tuple[int, str]] = []
    pos, n = 0, len(biff)
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", biff, pos)
        body = biff[pos + 4 : pos + 4 + length]
        if rtype == 0x0085 and length >= 8:  # BOUNDSHEET8: lbPlyPos, flags, ShortXLUnicodeString name
            cch, high = body[6], body[7] & 1
            raw = body[8 : 8 + cch * (2 if high else 1)]
            sheets.append((struct.unpack_from("<I", body, 0)[0], raw.decode("utf-16-le" if high else "latin-1", "replace")))
        elif rtype == 0x000A:
            break  # the globals' EOF: the sheets are listed above it
        pos += 4 + length
    return [(name, offset, _sheet_end(biff, offset)) for offset, name in sheets]


def _sheet_end(biff: bytes, offset: int) -> int:
    """Where a sheet's records end: after its EOF record (whatever follows before the next sheet is not its)."""
    pos, n = offset, len(biff)
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", biff, pos)
        pos += 4 + length
        if rtype == 0x000A:  # EOF
            break
    return min(pos, n)


_LAST_STREAM: list[tuple[bytes, bytes | None]] = []  # the last .xls asked for: its readers (hidden rows, formats,
# comments, merges) each ask for the same file's stream in turn


def biff_stream(data: bytes) -> bytes | None:
    """The workbook stream of an .xls already passed by the guard (its BIFF records), or None when the
    container cannot be followed."""
    if _LAST_STREAM and _LAST_STREAM[0][0] is data:
        return _LAST_STREAM[0][1]
    stream = _biff_stream(data)
    _LAST_STREAM[:] = [(data, stream)]
    return stream


def _biff_stream(data: bytes) -> bytes | None:
    try:
        import olefile

        ole = olefile.OleFileIO(data)
        try:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            return ole.openstream(stream).read() if stream is not None else None
        finally:
            ole.close()
    except Exception:  # noqa: BLE001 - a container the guard let through but this cannot follow: nothing from it
        return None


def hidden_rows_xls(data: bytes) -> dict[str, Hidden]:
    """Sheet name -> hidden rows and columns of an old .xls (BIFF8): ROW and COLINFO records carry the flag."""
    biff = biff_stream(data)
    if biff is None:
        return {}
    out: dict[str, Hidden] = {}
    for name, offset, end in biff_sheets(biff):
        rows: set[int] = set()
        cols: set[int] = set()
        pos = offset
        while pos + 4 <= end:
            rtype, length = struct.unpack_from("<HH", biff, pos)
            if pos + 4 + length > end:
                break  # a record cut short: nothing more of this sheet
            if rtype == 0x0208 and length >= 16:  # ROW: rw, colMic, colMac, miyRw, …, grbit at 12
                row, = struct.unpack_from("<H", biff, pos + 4)
                grbit, = struct.unpack_from("<H", biff, pos + 4 + 12)
                if grbit & 0x0020:  # fDyZero: the row's height is zero, it is hidden
                    rows.add(row + 1)
            elif rtype == 0x007D and length >= 10:  # COLINFO: colFirst, colLast, width, xf, flags (bit 0 hidden)
                first, last, _w, _xf, flags = struct.unpack_from("<HHHHH", biff, pos + 4)
                if flags & 1:
                    cols.update(range(first + 1, min(last, first + 256) + 2))
            pos += 4 + length
        if rows or cols:
            out[name] = (frozenset(rows), frozenset(cols))
    return out
