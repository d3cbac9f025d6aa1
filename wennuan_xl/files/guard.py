"""Checks on a returned file BEFORE any parser sees it: bombs, tricks and absurd sizes are refused here.

Returns come by mail and may be broken or hostile. The reader (python-calamine, Rust) allocates what a file
declares: the rectangle from A1 to the farthest cell, a shared-string table of the declared size, the cells
of an .xls DIMENSIONS record; an allocation it cannot make ends the process. openpyxl (flagged and
feedback copies) builds an object for every element it understands. So every part any of them will parse
is checked first, on the raw bytes, in bounded time and memory, and a file that breaks a limit never
reaches a parser (``limits.py`` holds the limits, their reasons and their headroom):

- the container: the file size; the zip's end record and directory (member count, sizes, methods, flags,
  overlapping or duplicate members, names that differ only by case, as calamine looks them up); every
  member inflated by our own capped ``zlib`` stream (declared sizes can lie);
- which format calamine will take it for (its auto-detection tries .xls, .xlsx, .xlsb and .ods in turn,
  and falls through to the next on any error), so that exactly one reading is possible: an .xlsb is named
  as such, a file that two readers could open is refused;
- which parts are parsed: for an .xlsx, the ones calamine resolves (``_rels/.rels``, then the workbook's
  folder, its relationships and each sheet's target, whatever the part is called) and every other member
  that is XML by its name, its content type or its first bytes (what openpyxl parses); for an .ods its
  manifest and content.xml and every other XML member;
- each of those parts through a real XML tokenizer (``guard_xml``), with the counts kept the way the
  readers act; an .xls through a walk of its compound file and BIFF records (``guard_ole``).

Each refusal is a ``ReturnUnusable`` in Chinese, naming the sheet or part. ``inspect`` also returns what the
checks found that the reader needs: the format and the workbook's defined names.
"""

from __future__ import annotations

import itertools
import re
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..core.findings import ReturnUnusable
from . import guard_ole, guard_xml
from . import limits as L
from .limits import MB, Refused

# Re-exported for callers that read the limits from here.
MAX_FILE_BYTES = L.MAX_FILE_BYTES
MAX_CELLS = L.MAX_CELLS
MAX_AREA = L.MAX_AREA
MAX_PART_BYTES = L.MAX_PART_BYTES

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
COMPRESSION_METHODS = {0: "stored", 8: "deflate"}
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"

_CHUNK = 256 * 1024
_ROW_OR_COLUMN = re.compile(rb"<(?:\w+:)?(?:row|col)\b")  # what visibility.py's patterns start with
_ZERO_SIZE, _ZERO_WIDTH = b' ht="0', b' width="0'  # a row's height, a column's width, of 0 (or 0.x: visibility.py says)
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_RECALC = re.compile(rb"<(?:\w+:)?calcPr\b[^>]*\sfullCalcOnLoad\s*=\s*[\"'](?:1|true)[\"']")
_BROKEN = "文件已损坏或不完整（压缩结构有误），请对方重新发送"
_ODD = "文件的压缩结构异常（{}），不是 Excel 正常保存的工作簿，可能是损坏或恶意构造的文件，不予读取"
PASSWORD = "工作簿设有打开密码（已加密），无法读取；请对方取消密码后重新发送"
XLSB = "这是 Excel 二进制工作簿（.xlsb），请另存为 .xlsx 后再发送"

# openpyxl finds the workbook by these content types, in this order.
_WORKBOOK_TYPES = (
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
)
# Parts calamine's .xlsb reader opens (it is tried when the .xlsx reader fails).
_XLSB_PARTS = ("xl/workbook.bin", "xl/_rels/workbook.bin.rels", "xl/sharedstrings.bin", "xl/styles.bin")
_ODF_KINDS = {
    b"application/vnd.oasis.opendocument.text": "这是 OpenDocument 文字文档（.odt），不是电子表格",
    b"application/vnd.oasis.opendocument.presentation": "这是 OpenDocument 演示文稿（.odp），不是电子表格",
}


@dataclass(frozen=True)
class Inspected:
    """What the checks found: the format calamine will read it as, and the defined names (name -> text,
    as written: ``'附件1'!$E$9`` for an .xlsx, ``$附件1.$E$9`` for an .ods)."""

    kind: str  # "xlsx" | "ods" | "xls"
    names: tuple[tuple, ...] = ()  # (name, text) or, from workbook.xml, (name, text, sheet-scoped?)
    sheets: tuple[str, ...] = ()
    hidden_rows: tuple[tuple[str, frozenset[int]], ...] = ()  # sheet -> 1-based rows the unit hid (.xlsx)
    counts: tuple[tuple[str, int], ...] = ()  # what the limits were measured on: text_bytes, cells, area, elements
    # The file again for the reader, every part the guard inflated and checked stored uncompressed (the
    # other members as they were): calamine then parses the very bytes the guard scanned, inflated once.
    payload: bytes | None = field(default=None, repr=False)
    # Whether visibility.py could find a hidden row or column: False when the guard inflated every member of
    # the .xlsx and none holds both the word "hidden" and a tag its patterns take for a row or a column (a
    # template's styles say hidden="0" of cell protection).
    may_hide: bool = True
    # Parts the guard inflated and checked, for the readers that look at what calamine does not give (a cell's
    # format and font, a formula's missing result): the styles, the shared strings, each worksheet by sheet name
    # (None where it was too big to keep).
    styles_xml: bytes | None = field(default=None, repr=False)
    strings_xml: bytes | None = field(default=None, repr=False)
    # Whether a worksheet holds rich text written in a cell (runs inside <is>, as scripts write it: they may be
    # struck, superscript or white): display.py then looks at the sheets' inline strings.
    marked_runs: bool = False
    # Whether the workbook asks Excel to recalculate every formula on opening (``fullCalcOnLoad``: a program wrote
    # it; Excel, WPS and LibreOffice do not save that), so that its saved results may not be what Excel shows.
    recalc_on_load: bool = False
    comments: bool = False  # a comments part (xl/comments1.xml, xl/comments/comment1.xml, or declared as one)
    # A worksheet holds a formula saved with its result (or a formula followed by white space, as a
    # pretty-printed sheet writes every formula): uncached.recalculated_xlsx then lists them.
    formula_results: bool = False


def _counts(t) -> tuple[tuple[str, int], ...]:
    return tuple((k, getattr(t, k)) for k in ("text_bytes", "cells", "area", "elements") if hasattr(t, k))


def check_file_size(size: int, shown: str) -> None:
    if size > L.MAX_FILE_BYTES:
        raise ReturnUnusable(
            shown, f"文件过大（{size / MB:.0f} MB，一份统计表通常不到 1 MB），不予读取；请对方删除无关内容后重新发送"
        )


def inspect(data: bytes, shown: str) -> Inspected:
    """Refuse the file (``ReturnUnusable``), or say how it will be read."""
    check_file_size(len(data), shown)
    try:
        if data.startswith(ZIP_MAGIC):
            return _inspect_zip(data)
        if data.startswith(OLE_MAGIC):
            return _inspect_ole(data)
    except Refused as exc:
        raise ReturnUnusable(shown, exc.reason) from None
    raise ReturnUnusable(shown, "文件格式无法识别，不是 Excel 工作簿")


# --- zip --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    name: str
    method: int
    flags: int
    compressed: int
    size: int
    offset: int
    crc: int = 0
    raw_name: bytes = b""


@dataclass
class _Zip:
    data: bytes
    members: list[_Member]
    by_name: dict[str, _Member]
    by_key: dict[str, _Member]  # calamine's lookup: "\\" -> "/", lower case
    where: dict[str, str] = field(default_factory=dict)  # part -> "工作表“附件1”"
    xml_total: int = 0
    scanned: set[str] = field(default_factory=set)
    labelled: bool = False
    inflated: dict[str, bytes] = field(default_factory=dict)  # member -> its bytes, inflated whole
    kept: int = 0  # bytes in ``inflated``, at most L.MAX_KEPT_BYTES
    hiding: set[str] = field(default_factory=set)  # the parts that hold the word "hidden"
    marked: bool = False  # a worksheet holds runs of rich text (display.py looks into them)
    results: bool = False  # a worksheet holds a formula saved with its result (uncached.recalculated_xlsx)

    def keep(self, m: _Member, data: bytes) -> None:
        if self.kept + len(data) <= L.MAX_KEPT_BYTES:
            self.inflated[m.name] = data
            self.kept += len(data)

    def find(self, path: str) -> _Member | None:
        """The member calamine opens for ``path`` (its case-insensitive cache, then the exact name)."""
        return self.by_key.get(path.lower()) or self.by_name.get(path)

    def label(self, m: _Member) -> str:
        """How a message names the part: the sheet it holds when workbook.xml says so, else its name."""
        if m.name not in self.where and not self.labelled:
            self.labelled = True
            for part, name in _sheet_labels(self).items():
                self.where.setdefault(part, f"工作表“{name[:60]}”")
        return self.where.get(m.name) or f"部件 {m.name[:80]} "


def _inspect_zip(data: bytes) -> Inspected:
    z = _open_zip(data)
    mimetype = z.by_name.get("mimetype")
    ods = mimetype is not None and _head(z, mimetype, 64).startswith(ODS_MIMETYPE)
    ooxml = z.find("_rels/.rels") is not None
    if mimetype is not None and not ods:
        kind = _head(z, mimetype, 64).strip()
        if kind in _ODF_KINDS and not ooxml:
            raise Refused(_ODF_KINDS[kind])
    if ods and (ooxml or any(z.find(p) for p in _XLSB_PARTS)):
        raise Refused(_ODD.format("同时含有 OpenDocument 与 Excel 两种格式的内容，不同的读取程序会读到不同的表格"))
    if ods:
        return _inspect_ods(z)
    if ooxml:
        return _inspect_xlsx(z)
    if "word/document.xml" in z.by_name:
        raise Refused("这是 Word 文档，不是 Excel 工作簿（可能改过扩展名）")
    if "ppt/presentation.xml" in z.by_name:
        raise Refused("这是 PowerPoint 文档，不是 Excel 工作簿")
    raise Refused("压缩包中没有 Excel 工作簿内容，不是有效的 .xlsx 文件")


def _open_zip(data: bytes) -> _Zip:
    count, cd_size, cd_offset = _end_record(data)
    if count > L.MAX_MEMBERS:
        raise Refused(_ODD.format(f"包含 {count} 个部件，正常工作簿只有几十个"))
    if cd_size > L.MAX_CENTRAL_DIRECTORY_BYTES:
        raise Refused(_ODD.format("目录区过大"))
    members = _central_directory(data, cd_offset, cd_size, count)
    by_name: dict[str, _Member] = {}
    by_key: dict[str, _Member] = {}
    for m in members:
        if m.name in by_name:
            raise Refused(_ODD.format(f"部件“{m.name[:60]}”出现了两次"))
        by_name[m.name] = m
        key = m.name.replace("\\", "/").lower()
        if key in by_key:
            raise Refused(_ODD.format(f"部件“{by_key[key].name[:40]}”与“{m.name[:40]}”只有大小写或斜杠不同"))
        by_key[key] = m
    spans = []
    for m in members:
        if m.flags & 0x1:
            raise Refused("工作簿的压缩包设有密码（加密的 zip），无法读取；请对方取消密码后重新发送")
        start = _data_start(data, m)
        spans.append((start, start + m.compressed, m.name))
    spans.sort()
    for (_s1, e1, n1), (s2, _e2, n2) in itertools.pairwise(spans):
        if s2 < e1:
            raise Refused(_ODD.format(f"部件“{n1[:40]}”与“{n2[:40]}”的数据互相重叠"))
    z = _Zip(data, members, by_name, by_key)
    for m in members:
        if m.method not in COMPRESSION_METHODS:
            raise Refused(_ODD.format(f"部件“{m.name[:60]}”使用了不常见的压缩方式 {m.method}"))
        if m.size > L.RATIO_FROM_BYTES and m.size > L.MAX_RATIO * max(m.compressed, 1):
            raise Refused(
                f"{z.label(m)}声称从 {m.compressed:,} 字节解压为 {m.size / MB:.0f} MB（压缩比 "
                f"{m.size // max(m.compressed, 1):,} 倍），是“压缩炸弹”式的异常文件，不予读取"
            )
    return z


def _end_record(data: bytes) -> tuple[int, int, int]:
    """(members, central directory size, offset) from the end record, zip64 included. The directory must
    end where the end record (or the zip64 end record) begins and the comment must run to the end of
    the file: then every zip reader finds the same directory, whatever it does with prepended data."""
    tail_start = max(0, len(data) - 65_536 - 22)
    pos = data.rfind(b"PK\x05\x06", tail_start)
    if pos < 0 or pos + 22 > len(data):
        raise Refused(_BROKEN)
    _sig, _disk, _cd_disk, _n_disk, count, cd_size, cd_offset, comment = struct.unpack_from("<4sHHHHIIH", data, pos)
    if pos + 22 + comment != len(data):
        raise Refused(_BROKEN)
    end = pos
    if count == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        loc = pos - 20
        if loc < 0 or data[loc : loc + 4] != b"PK\x06\x07":
            raise Refused(_BROKEN)
        (z64_pos,) = struct.unpack_from("<Q", data, loc + 8)
        if z64_pos + 56 > len(data) or data[z64_pos : z64_pos + 4] != b"PK\x06\x06":
            raise Refused(_BROKEN)
        count, cd_size, cd_offset = struct.unpack_from("<QQQ", data, z64_pos + 32)
        end = z64_pos
    if cd_offset + cd_size != end:
        raise Refused(_BROKEN)
    return count, cd_size, cd_offset


def _central_directory(data: bytes, cd_offset: int, cd_size: int, count: int) -> list[_Member]:
    # The file starts with a local header (checked), so nothing is prepended: offsets are absolute.
    members = []
    pos = cd_offset
    for _ in range(count):
        if pos < 0 or data[pos : pos + 4] != b"PK\x01\x02" or pos + 46 > len(data):
            raise Refused(_BROKEN)
        (flags, method) = struct.unpack_from("<HH", data, pos + 8)
        (crc, compressed, size) = struct.unpack_from("<III", data, pos + 16)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        (offset,) = struct.unpack_from("<I", data, pos + 42)
        raw_name = data[pos + 46 : pos + 46 + name_len]
        extra = data[pos + 46 + name_len : pos + 46 + name_len + extra_len]
        compressed, size, offset = _zip64_extra(extra, compressed, size, offset)
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        members.append(_Member(name, method, flags, compressed, size, offset, crc, bytes(raw_name)))
        pos += 46 + name_len + extra_len + comment_len
    if pos != cd_offset + cd_size:
        raise Refused(_BROKEN)
    return members


def _zip64_extra(extra: bytes, compressed: int, size: int, offset: int) -> tuple[int, int, int]:
    i = 0
    while i + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, i)
        if tag == 1:
            body = extra[i + 4 : i + 4 + length]
            values = [struct.unpack_from("<Q", body, k)[0] for k in range(0, len(body) - 7, 8)]
            if size == 0xFFFFFFFF and values:
                size = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if offset == 0xFFFFFFFF and values:
                offset = values.pop(0)
        i += 4 + length
    return compressed, size, offset


def _data_start(data: bytes, m: _Member) -> int:
    pos = m.offset
    if data[pos : pos + 4] != b"PK\x03\x04" or pos + 30 > len(data):
        raise Refused(_BROKEN)
    name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
    start = pos + 30 + name_len + extra_len
    if start + m.compressed > len(data):
        raise Refused(_BROKEN)
    return start


def _inflate(data: bytes, m: _Member, limit: int) -> Iterator[bytes]:
    """The member's bytes in chunks, inflated by us, never more than ``limit`` (+1 to notice)."""
    start = _data_start(data, m)
    raw = memoryview(data)[start : start + m.compressed]
    if m.method == 0:
        for i in range(0, min(len(raw), limit + 1), _CHUNK):
            yield bytes(raw[i : min(i + _CHUNK, limit + 1)])
        return
    d = zlib.decompressobj(-15)
    produced = 0
    for i in range(0, len(raw), _CHUNK):
        piece: bytes | memoryview = raw[i : i + _CHUNK]
        while piece:
            try:
                out = d.decompress(piece, min(_CHUNK, limit + 1 - produced))
            except zlib.error:
                raise Refused(_BROKEN) from None
            produced += len(out)
            if out:
                yield out
            if produced > limit:
                return
            piece = d.unconsumed_tail
            if d.eof:
                return
    while produced <= limit and not d.eof:
        try:
            out = d.decompress(b"", min(_CHUNK, limit + 1 - produced))
        except zlib.error:
            raise Refused(_BROKEN) from None
        if not out:
            break
        produced += len(out)
        yield out


def _head(z: _Zip, m: _Member, n: int) -> bytes:
    out = b""
    for chunk in _inflate(z.data, m, n):
        out += chunk
        if len(out) >= n:
            break
    return out[:n]


def _sheet_labels(z: _Zip) -> dict[str, str]:
    """Sheet part -> sheet name, for messages only: small parts, best effort, nothing refused."""
    try:
        package = z.find("_rels/.rels")
        if package is None or package.size > MB:
            return {}
        scratch = guard_xml.Totals()
        rels = guard_xml.RelsScanner(scratch, "", package.name, b"".join(_inflate(z.data, package, MB)), False)
        rels.scan()
        target = next((r.target for r in reversed(rels.relationships) if r.type.endswith("/officeDocument")), "")
        xl = target[: target.rfind("/") + 1].removeprefix("/") if "/" in target else ""
        wb_rels, wb = z.find(f"{xl}_rels/workbook.xml.rels"), z.find(f"{xl}workbook.xml")
        if wb_rels is None or wb is None or wb_rels.size > MB or wb.size > MB:
            return {}
        links = guard_xml.RelsScanner(scratch, "", wb_rels.name, b"".join(_inflate(z.data, wb_rels, MB)), False)
        links.scan()
        book = guard_xml.WorkbookScanner(scratch, "", wb.name, b"".join(_inflate(z.data, wb, MB)))
        book.scan()
    except Refused:
        return {}
    targets = {r.id: r.target for r in links.relationships}
    out = {}
    for entry in book.sheets:
        t = targets.get(entry.rel_id)
        if t is not None:
            m = z.find(t[1:] if t.startswith("/") else f"{xl}{t}")
            if m is not None:
                out[m.name] = entry.name
    return out


_F_SPACED = re.compile(rb"</f>\s")


def _holds_comments(z: _Zip, content_types: dict[str, str]) -> bool:
    """A comments part: named as Excel, WPS, LibreOffice and the libraries name it, or declared as one whatever
    its name (a part renamed by hand keeps its content type: Excel needs it)."""
    return (any("comment" in m.name.lower() for m in z.members)
            or any(c.endswith("comments+xml") for c in content_types.values()))


def _xml_chunks(z: _Zip, m: _Member) -> Iterator[bytes]:
    """The part inflated and capped (its own size, and all XML together), with UTF-16 and non-XML starts
    refused on the first chunk."""
    limit = min(L.MAX_PART_BYTES, L.MAX_XML_BYTES - z.xml_total)
    produced = 0
    first = True
    last = b""
    sheet = "worksheets/" in m.name
    tail = b""
    prefixed = False
    for chunk in _inflate(z.data, m, limit):
        if sheet:
            if first:
                prefixed = b":worksheet" in chunk[:1024]
            seam = tail + chunk[:5]
            # A run of rich text (<r>: nothing else in a worksheet is called so), as scripts write it inline.
            z.marked = z.marked or b"<r>" in chunk or b"<r>" in seam or (prefixed and b":r>" in tail + chunk)
            # A formula saved with its result ("</f><v>"; a prefixed sheet: any formula; a pretty-printed one:
            # white space after </f>, then whatever follows).
            z.results = (z.results or b"f><v" in chunk or b"f><v" in seam or (prefixed and b":f>" in tail + chunk)
                         or _F_SPACED.search(chunk) is not None or _F_SPACED.search(seam) is not None)
            tail = chunk[-5:]
        if first and sheet and m.name not in z.hiding and _ZERO_WIDTH in chunk[: chunk.find(b"sheetData")]:
            z.hiding.add(m.name)
        produced += len(chunk)
        if m.name not in z.hiding:
            if (b"hidden" in last + chunk[:5] or b"hidden" in chunk
                    or (sheet and (_ZERO_SIZE in last + chunk[:6] or _ZERO_SIZE in chunk))):
                z.hiding.add(m.name)  # a row of no height hides it as hidden="1" does (a column of no width: below)
            last = chunk[-7:]
        if produced > limit:
            if limit < L.MAX_PART_BYTES:
                raise Refused(_ODD.format(f"解压后的内容合计超过 {L.MAX_XML_BYTES // MB} MB，远超一份统计表"))
            raise Refused(f"{z.label(m)}解压后超过 {produced / MB:.0f} MB，远超一份统计表（正常不到 1 MB），不予读取")
        if first:
            first = False
            if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or chunk[:2] in (b"<\x00", b"\x00<"):
                raise Refused(_ODD.format(f"部件“{m.name[:60]}”使用 UTF-16 编码"))
            if chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"<", b""):
                raise Refused(f"文件已损坏：{z.label(m)}的内容不是 XML，无法读取；请对方重新保存后发送")
        yield chunk
    z.xml_total += produced


def _whole(z: _Zip, m: _Member) -> bytes:
    data = b"".join(_xml_chunks(z, m))
    if len(data) > L.MAX_INDEX_PART_BYTES:
        raise Refused(f"{z.label(m)}过大（{len(data) / MB:.0f} MB），不像一份统计表，不予读取")
    z.keep(m, data)
    return data


def _kept(z: _Zip, m: _Member) -> Iterator[bytes]:
    """``_xml_chunks``, each kept: once the part is scanned to its end, ``z.inflated`` holds it whole and
    the reader parses the very bytes the guard scanned."""
    return _keep(z, m, _xml_chunks(z, m))


def _keep(z: _Zip, m: _Member, chunks: Iterator[bytes]) -> Iterator[bytes]:
    kept: list[bytes] | None = []
    size = 0
    for chunk in chunks:
        if kept is not None:
            size += len(chunk)
            if z.kept + size <= L.MAX_KEPT_BYTES:
                kept.append(chunk)
            else:
                kept = None  # too much to keep: the reader inflates this part itself
        yield chunk
    if kept is not None:
        z.keep(m, b"".join(kept))


def _scan(z: _Zip, m: _Member, totals: guard_xml.Totals, shared: list[int] | None = None) -> frozenset[int]:
    """A part through ``guard_xml.scan_part``; one that comes out of the inflater in a single chunk through
    ``guard_xml.scan_sheet`` (a worksheet: its plain sheetData counted from the bytes) or ``guard_xml.scan_known``
    (any other part: one seen before in this process is not tokenized again)."""
    z.scanned.add(m.name)
    if m.compressed <= _CHUNK and (shared is not None or m.size <= guard_xml.KNOWN_MAX_BYTES):
        chunks = _xml_chunks(z, m)
        first = next(chunks, None)
        if first is not None and len(first) < _CHUNK:
            # All of its compressed bytes were in one read piece and less than a chunk came out: the
            # inflater has nothing left, so this ends the generator without a chunk or a refusal, as
            # the reference scan would have met it after feeding the first chunk.
            rest = list(chunks)
            if not rest:
                z.keep(m, first)
                if shared is not None:
                    return guard_xml.scan_sheet(first, totals, z.label(m), shared)
                guard_xml.scan_known(first, totals, lambda: z.label(m))
                return frozenset()
            chunks = iter([first, *rest])
        elif first is not None:
            chunks = itertools.chain((first,), chunks)
        else:
            chunks = iter(())
        return guard_xml.scan_part(_keep(z, m, chunks), totals, z.label(m), shared)
    return guard_xml.scan_part(_kept(z, m), totals, z.label(m), shared)


def _shared_strings(z: _Zip, m: _Member, totals: guard_xml.Totals) -> list[int]:
    """The shared strings' lengths: from ``guard_xml.scan_shared_strings`` when the part comes out of the
    inflater whole in one chunk (as ``_scan`` takes a part), else from the scanner over its chunks."""
    chunks = _xml_chunks(z, m)
    first = next(chunks, None) if m.compressed <= _CHUNK else None
    if first is not None and len(first) < _CHUNK and not (rest := list(chunks)):
        z.keep(m, first)
        return guard_xml.scan_shared_strings(first, totals, z.label(m), m.name)
    if first is not None:
        chunks = itertools.chain((first,), rest if len(first) < _CHUNK else (), chunks)
    scanner = guard_xml.SharedStringsScanner(totals, z.label(m), m.name)
    scanner.run(_keep(z, m, chunks))
    return scanner.lengths


def stored_copy(z: _Zip) -> bytes:
    """The zip again with every part in ``z.inflated`` stored as inflated, when its length and CRC are the
    directory's (a part that lies about either is copied as it was, and the reader says what it says)."""
    pieces: list[bytes] = []
    directory: list[bytes] = []
    offset = 0
    for m in z.members:
        body = z.inflated.get(m.name)
        flags = (m.flags & ~0x8) & 0xFFFF  # sizes are in the local header: no data descriptor
        if body is not None and m.method == 8 and len(body) == m.size and zlib.crc32(body) == m.crc:
            method, compressed = 0, len(body)
        else:
            start = _data_start(z.data, m)
            body = z.data[start : start + m.compressed]
            method, compressed = m.method, m.compressed
        name = m.raw_name
        pieces += (struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, method, 0, 0x21, m.crc, compressed, m.size,
                               len(name), 0), name, body)
        directory += (struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags, method, 0, 0x21, m.crc,
                                  compressed, m.size, len(name), 0, 0, 0, 0, 0, offset), name)
        offset += 30 + len(name) + len(body)
    size = sum(map(len, directory))
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(z.members), len(z.members), size, offset, 0)
    return b"".join((*pieces, *directory, end))


def _looks_like_xml(z: _Zip, m: _Member) -> bool:
    """Whether some XML parser could take the member for XML: strict parsers (openpyxl's) need '<' after
    optional whitespace and a BOM, or a UTF-16 start. Whitespace is skipped however long it runs."""
    for chunk in _inflate(z.data, m, L.MAX_PART_BYTES):
        rest = chunk.lstrip(b" \t\r\n")
        if not rest:
            continue
        if rest[:3] == b"\xef\xbb\xbf":
            rest = rest[3:].lstrip(b" \t\r\n") or b"<"
        return rest[:1] == b"<" or rest[:2] in (b"\xff\xfe", b"\xfe\xff", b"\x00<")
    return False


def _scan_rest(z: _Zip, totals: guard_xml.Totals, content_types: dict[str, str], defaults: dict[str, str]) -> None:
    """Every member not yet scanned that some parser could take for XML: by its name, its content type
    or its first bytes."""
    for m in z.members:
        if m.name in z.scanned or m.name.endswith("/"):
            continue
        ext = m.name.rpartition(".")[2].lower() if "." in m.name else ""
        ctype = content_types.get("/" + m.name.lower()) or defaults.get(ext, "")
        xmlish = m.name.lower().endswith(_XML_SUFFIXES) or ctype.endswith("xml")
        if not (xmlish or _looks_like_xml(z, m)):
            continue  # pictures, embedded objects, vbaProject.bin: no parser of ours reads them as XML
        _scan(z, m, totals)


# --- .xlsx ------------------------------------------------------------------------------------------------


def _inspect_xlsx(z: _Zip) -> Inspected:
    totals = guard_xml.Totals()
    rels_part = z.find("_rels/.rels")
    assert rels_part is not None
    package = _rels(z, rels_part, totals, strict=True)
    documents = [r for r in package if r.type.endswith("/relationships/officeDocument")]
    if not documents:
        if "word/document.xml" in z.by_name:
            raise Refused("这是 Word 文档，不是 Excel 工作簿（可能改过扩展名）")
        raise Refused("压缩包中没有 Excel 工作簿内容（找不到工作簿部件），不是有效的 .xlsx 文件")
    target = documents[-1].target  # calamine keeps the last one
    leaf = target.rpartition("/")[2].lower()
    if leaf.endswith(".bin"):
        raise Refused(XLSB)
    if leaf == "document.xml":
        raise Refused("这是 Word 文档，不是 Excel 工作簿（可能改过扩展名）")
    if leaf == "presentation.xml":
        raise Refused("这是 PowerPoint 文档，不是 Excel 工作簿")
    if any(z.find(p) for p in _XLSB_PARTS):
        raise Refused(_ODD.format("同时含有 .xlsx 与 .xlsb 两种格式的部件，不同的读取程序会读到不同的表格"))
    xl = target[: target.rfind("/") + 1].removeprefix("/") if "/" in target else ""

    # Content types: what openpyxl takes for the workbook must be what calamine reads.
    content_types: dict[str, str] = {}
    defaults: dict[str, str] = {}
    ct_part = z.by_name.get("[Content_Types].xml")
    if ct_part is not None:
        ct = guard_xml.ContentTypesScanner(totals, "内容类型表（[Content_Types].xml）", ct_part.name, _whole(z, ct_part))
        ct.scan()
        z.scanned.add(ct_part.name)
        for part, ctype in ct.overrides:
            content_types.setdefault(part.lower(), ctype)
        defaults = ct.defaults
        for wanted in _WORKBOOK_TYPES:
            hit = next((p for p, c in ct.overrides if c == wanted), None)
            if hit is not None:
                if hit.lstrip("/").lower() != f"{xl}workbook.xml".lower():
                    raise Refused(_ODD.format("内容类型表与关系表指向不同的工作簿部件，不同的读取程序会读到不同的表格"))
                break

    # Shared strings before sheets: their lengths are what each t="s" cell will hold.
    shared: list[int] = []
    sst = z.find(f"{xl}sharedStrings.xml")
    if sst is not None:
        z.where[sst.name] = "共享字符串表（sharedStrings.xml）"
        z.scanned.add(sst.name)
        shared = _shared_strings(z, sst, totals)
    styles = z.find(f"{xl}styles.xml")
    if styles is not None:
        z.where[styles.name] = "样式表（styles.xml）"
    wb_rels_part = z.find(f"{xl}_rels/workbook.xml.rels")
    if wb_rels_part is None:
        raise Refused("文件不完整（缺少工作簿的关系表 workbook.xml.rels），无法读取；请对方重新保存后发送")
    relationships = {r.id: r for r in _rels(z, wb_rels_part, totals, strict=True)}  # calamine: the last of an Id
    wb_part = z.find(f"{xl}workbook.xml")
    if wb_part is None:
        raise Refused("压缩包中没有 Excel 工作簿内容（缺少 workbook.xml），不是有效的 .xlsx 文件")
    workbook_xml = _whole(z, wb_part)
    workbook = guard_xml.WorkbookScanner(totals, "工作簿目录（workbook.xml）", wb_part.name, workbook_xml)
    workbook.scan()
    z.scanned.add(wb_part.name)

    sheets = []
    seen_names: set[str] = set()
    for entry in workbook.sheets:
        rel = relationships.get(entry.rel_id)
        label = f"工作表“{entry.name[:60]}”"
        if rel is None or rel.type.rpartition("/")[2] not in ("worksheet", "chartsheet", "dialogsheet"):
            raise Refused(f"文件已损坏：{label}在工作簿的关系表中找不到对应的部件，无法读取；请对方重新保存后发送")
        path = rel.target[1:] if rel.target.startswith("/") else f"{xl}{rel.target}"
        m = z.find(path)
        if m is None:
            raise Refused(f"文件不完整：{label}的部件 {path[:80]} 不存在，无法读取；请对方重新保存后发送")
        if entry.name.lower() in seen_names:
            raise Refused(_ODD.format(f"工作表名称“{entry.name[:40]}”出现了两次"))
        seen_names.add(entry.name.lower())
        if m in sheets:
            raise Refused(_ODD.format(f"多个工作表指向同一部件 {m.name[:60]}，读取时会被重复解析"))
        z.where[m.name] = label
        sheets.append(m)
    # Every sheet's label is known now, as _sheet_labels would find it: no part's message needs workbook.xml
    # parsed once more.
    z.labelled = True
    hidden = []
    for entry, m in zip(workbook.sheets, sheets):
        rows = _scan(z, m, totals, shared)
        if rows:
            hidden.append((entry.name, rows))
    _scan_rest(z, totals, content_types, defaults)
    may_hide = any(m.name not in z.scanned for m in z.members) or any(
        part not in z.inflated or _ROW_OR_COLUMN.search(z.inflated[part]) for part in z.hiding)
    return Inspected("xlsx", tuple(workbook.names), tuple(e.name for e in workbook.sheets), tuple(hidden),
                     _counts(totals), stored_copy(z), may_hide,
                     z.inflated.get(styles.name) if styles is not None else None,
                     z.inflated.get(sst.name) if sst is not None else None, z.marked,
                     _RECALC.search(workbook_xml) is not None, _holds_comments(z, content_types),
                     z.results)


def _rels(z: _Zip, m: _Member, totals: guard_xml.Totals, strict: bool) -> list[guard_xml.Relationship]:
    scanner = guard_xml.RelsScanner(totals, f"关系表 {m.name[:60]} ", m.name, _whole(z, m), strict)
    scanner.scan()
    z.scanned.add(m.name)
    return scanner.relationships


# --- .ods -------------------------------------------------------------------------------------------------


def _inspect_ods(z: _Zip) -> Inspected:
    totals = guard_xml.Totals()
    manifest = z.by_name.get("META-INF/manifest.xml")
    if manifest is None:
        raise Refused("文件不完整（缺少 META-INF/manifest.xml），无法作为 .ods 读取；请对方重新保存后发送")
    scanner = guard_xml.ManifestScanner(totals, "清单（manifest.xml）", manifest.name, _whole(z, manifest))
    scanner.scan()
    z.scanned.add(manifest.name)
    if scanner.encrypted:
        raise Refused(PASSWORD)
    content = z.by_name.get("content.xml")
    if content is None:
        raise Refused("文件不完整（缺少 content.xml），无法作为 .ods 读取；请对方重新保存后发送")
    z.where[content.name] = "表格内容（content.xml）"
    ods = guard_xml.OdsContentScanner(totals, z.label(content), content.name)
    ods.run(_kept(z, content))
    z.scanned.add(content.name)
    names = [n.lower() for n in ods.tables]
    if len(set(names)) != len(names):
        raise Refused(_ODD.format("工作表名称重复"))
    z.scanned.add("mimetype")
    _scan_rest(z, totals, {}, {})
    return Inspected("ods", tuple(ods.names), tuple(ods.tables), (), _counts(totals), stored_copy(z))


# --- .xls -------------------------------------------------------------------------------------------------


def _inspect_ole(data: bytes) -> Inspected:
    if len(data) > L.MAX_OLE_BYTES:
        raise Refused(f"文件过大（{len(data) / MB:.0f} MB），不像一份统计表，不予读取")
    if b"PK\x05\x06" in data[-65_557:]:
        # calamine tries the zip readers when the .xls reader fails: a file that is both is refused.
        raise Refused(_ODD.format("旧版 .xls 文件中夹带了一个压缩包，不同的读取程序会读到不同的内容"))
    stream, names = guard_ole.workbook_stream(data)
    if "EncryptedPackage" in names:
        raise Refused(PASSWORD)
    if stream is None:
        if "WordDocument" in names:
            raise Refused("这是 Word 97-2003 文档（.doc），不是 Excel 工作簿")
        if "PowerPoint Document" in names:
            raise Refused("这是 PowerPoint 97-2003 演示文稿（.ppt），不是 Excel 工作簿")
        raise Refused("文件已损坏或不是 Excel 工作簿（旧版文件中没有工作簿数据），无法读取")
    totals = guard_ole.XlsTotals()
    guard_ole.check_biff(stream, totals)
    return Inspected("xls", (), tuple(totals.sheets), (), _counts(totals))
