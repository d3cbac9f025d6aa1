"""The guard inflates each part once and the reader parses those bytes: same values, same refusals.

``guard.inspect`` hands the reader a copy of the zip with every part it inflated and scanned stored
uncompressed (``Inspected.payload``). What a clerk sees must not change: every sample return reads to the
same sheets as calamine reads the file as sent, and a part whose checksum lies is left as it was, so the
reader takes it exactly as before.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from wennuan_xl.core.findings import ReturnUnusable
from wennuan_xl.files import guard, read

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "workbooks" / "samples").rglob("*.xlsx"))[:12]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_reader_sees_the_same_workbook_through_the_guards_inflate(path, monkeypatch):
    data = path.read_bytes()
    found = guard.inspect(data, path.name)
    assert found.payload is not None
    with zipfile.ZipFile(io.BytesIO(data)) as sent, zipfile.ZipFile(io.BytesIO(found.payload)) as stored:
        assert [i.filename for i in stored.infolist()] == [i.filename for i in sent.infolist()]
        for info in sent.infolist():
            assert stored.read(info.filename) == sent.read(info.filename)  # CRCs checked by zipfile too
        sheets = [i for i in stored.infolist() if i.filename.startswith("xl/worksheets/")]
        assert sheets and all(i.compress_type == zipfile.ZIP_STORED for i in sheets)
    through_guard = read.read_bytes(data, path.name, ".xlsx")
    monkeypatch.setattr(read, "_calamine_sheets", _as_sent(data, read._calamine_sheets))
    as_sent = read.read_bytes(data, path.name, ".xlsx")
    assert through_guard == as_sent


def _as_sent(data: bytes, real):
    return lambda _book, shown: real(data, shown)


def _with_bad_crc(data: bytes, member: str) -> bytes:
    """The file with ``member``'s checksum wrong in both headers (its bytes untouched)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    bad = (info.CRC ^ 0xFFFF) & 0xFFFFFFFF
    struct.pack_into("<I", out, info.header_offset + 14, bad)
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len].decode() == member:
            struct.pack_into("<I", out, pos + 16, bad)
        pos = data.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def _outcome(data: bytes, shown: str):
    try:
        return read.read_bytes(data, shown, ".xlsx")
    except ReturnUnusable as exc:
        return exc.reason


@pytest.mark.parametrize("member", ["xl/worksheets/sheet1.xml", "xl/workbook.xml"])
def test_a_part_whose_checksum_lies_reads_as_it_did(member, monkeypatch):
    """calamine does not check the checksum: such a file reads as before, the part copied as it was sent."""
    path = SAMPLES[0]
    data = _with_bad_crc(path.read_bytes(), member)
    found = guard.inspect(data, path.name)
    assert found.payload is not None
    with zipfile.ZipFile(io.BytesIO(found.payload)) as stored:
        assert stored.getinfo(member).compress_type == zipfile.ZIP_DEFLATED
    through_guard = _outcome(data, path.name)
    monkeypatch.setattr(read, "_calamine_sheets", _as_sent(data, read._calamine_sheets))
    assert through_guard == _outcome(data, path.name)


def test_a_part_seen_before_counts_as_when_first_scanned(monkeypatch):
    """The theme and styles of a second return from the same template are not tokenized again, and the
    file's counts, names and sheets are what a fresh scan finds."""
    from wennuan_xl.files import guard_xml

    data = SAMPLES[0].read_bytes()
    monkeypatch.setattr(guard_xml, "_KNOWN", {})
    fresh = guard.inspect(data, "a.xlsx")
    assert guard_xml._KNOWN  # the theme, styles and properties are remembered
    again = guard.inspect(data, "b.xlsx")
    assert (again.counts, again.names, again.sheets, again.hidden_rows) == (
        fresh.counts, fresh.names, fresh.sheets, fresh.hidden_rows)


def test_a_part_seen_before_that_now_breaks_a_limit_is_refused_in_the_same_words(monkeypatch):
    from wennuan_xl.files import guard_xml

    data = SAMPLES[0].read_bytes()
    monkeypatch.setattr(guard_xml, "_KNOWN", {})
    elements = dict(guard.inspect(data, "a.xlsx").counts)["elements"]
    monkeypatch.setattr(guard_xml.L, "MAX_ELEMENTS", elements - 1)  # the last parts scanned tip it over
    with pytest.raises(ReturnUnusable) as remembered:
        guard.inspect(data, "b.xlsx")
    monkeypatch.setattr(guard_xml, "_KNOWN", {})
    with pytest.raises(ReturnUnusable) as fresh:
        guard.inspect(data, "b.xlsx")
    assert remembered.value.reason == fresh.value.reason
    assert f"XML 元素超过 {elements - 1:,} 个" in fresh.value.reason


def _forget(monkeypatch) -> None:
    from wennuan_xl.files import guard_xml

    for memo in ("_KNOWN", "_INDEXED", "_HEADS", "_TAILS"):
        monkeypatch.setattr(guard_xml, memo, {})


def test_remembered_relationships_and_workbook_give_what_a_scan_gives(monkeypatch):
    """workbook.xml, the relationships and the content types of a second return from the same template are
    not parsed again: the same sheets, names, counts; and a caller changing the lists it got changes
    nothing remembered."""
    from wennuan_xl.files import guard_xml

    data = SAMPLES[0].read_bytes()
    _forget(monkeypatch)
    fresh = guard.inspect(data, "a.xlsx")
    assert {key[0].__name__ for key in guard_xml._INDEXED} >= {"RelsScanner", "WorkbookScanner", "ContentTypesScanner"}
    for _added, results, _limit in guard_xml._INDEXED.values():
        for value in results.values():
            if isinstance(value, list):
                value.append("x")  # the memo hands out copies: this must not reach the next file
    _forget(monkeypatch)
    guard.inspect(data, "a.xlsx")
    again = guard.inspect(data, "b.xlsx")
    assert (again.kind, again.counts, again.names, again.sheets, again.hidden_rows, again.payload) == (
        fresh.kind, fresh.counts, fresh.names, fresh.sheets, fresh.hidden_rows, fresh.payload)


@pytest.mark.parametrize("limit", ["MAX_DEFINED_NAMES", "MAX_SHEETS", "MAX_DEPTH"])
def test_a_remembered_workbook_that_now_breaks_a_limit_is_refused_in_the_same_words(monkeypatch, limit):
    from wennuan_xl.files import guard_xml

    data = SAMPLES[0].read_bytes()
    _forget(monkeypatch)
    found = guard.inspect(data, "a.xlsx")  # remembered under the real limits
    low = {"MAX_DEFINED_NAMES": len(found.names) - 1, "MAX_SHEETS": len(found.sheets) - 1, "MAX_DEPTH": 3}[limit]
    monkeypatch.setattr(guard_xml.L, limit, low)
    with pytest.raises(ReturnUnusable) as remembered:
        guard.inspect(data, "b.xlsx")
    _forget(monkeypatch)
    with pytest.raises(ReturnUnusable) as fresh:
        guard.inspect(data, "b.xlsx")
    assert remembered.value.reason == fresh.value.reason


def test_past_the_keep_limit_parts_go_to_the_reader_as_sent(monkeypatch):
    """The guard keeps at most MAX_KEPT_BYTES of inflated parts; the rest reach calamine compressed, and the
    workbook reads the same."""
    from wennuan_xl.files import limits

    path = SAMPLES[0]
    data = path.read_bytes()
    expected = read.read_bytes(data, path.name, ".xlsx")
    with zipfile.ZipFile(io.BytesIO(data)) as sent:
        sizes = sorted(i.file_size for i in sent.infolist() if i.compress_type == zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(limits, "MAX_KEPT_BYTES", sizes[-1] - 1)  # the largest part cannot be kept
    found = guard.inspect(data, path.name)
    assert found.payload is not None
    with zipfile.ZipFile(io.BytesIO(found.payload)) as stored:
        kinds = {i.compress_type for i in stored.infolist() if i.file_size}
    assert kinds == {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
    assert read.read_bytes(data, path.name, ".xlsx") == expected


def _with_sheet(data: bytes, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, edit(body) if info.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


@pytest.mark.parametrize("padding", [0, 1, 3, 5, 6])
def test_a_hidden_column_reaches_the_locator_whatever_chunk_its_word_falls_in(padding):
    """The reader skips looking for hidden rows and columns only when no part the guard inflated holds the
    word "hidden": a <col hidden="1"> is found also when the word straddles two of the guard's chunks."""
    data = SAMPLES[0].read_bytes()
    plain = guard.inspect(data, "a.xlsx")
    assert not plain.may_hide  # a filled template: no hidden rows, nothing to look for

    def hide_column_b(xml: bytes) -> bytes:
        at = xml.index(b"<sheetData")
        col = b'<cols><col min="2" max="2" width="9" hidden="1"/></cols>'
        if b"<cols>" in xml:
            start, end = xml.index(b"<cols>"), xml.index(b"</cols>") + len(b"</cols>")
            xml, at = xml[:start] + xml[end:], start
        fill = 256 * 1024 - at - col.index(b"hidden") - padding  # the word starts `padding` bytes before a chunk ends
        return xml[:at] + b" " * max(fill, 0) + col + xml[at:]

    hidden = _with_sheet(data, hide_column_b)
    assert guard.inspect(hidden, "b.xlsx").may_hide
    book = read.read_bytes(hidden, "b.xlsx", ".xlsx")
    assert 2 in book.sheets[0].hidden_cols


def test_a_member_the_guard_did_not_inflate_leaves_the_reader_looking():
    data = SAMPLES[0].read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    assert guard.inspect(out.getvalue(), "c.xlsx").may_hide
