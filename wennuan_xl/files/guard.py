"""Checks on a returned file BEFORE any parser sees it: bombs, tricks and absurd sizes are refused here.

Returns come by mail and may be broken or hostile. A parser asked to read a 1 MB workbook whose sheet
inflates to 1 GB takes seconds and a gigabyte whatever it does (measured: python-calamine 5.5 s / 1 GB,
openpyxl 10.6 s / 1.1 GB), and a sheet with one value in A1 and one in XFD1048576 makes calamine allocate
its whole rectangle. So every limit below is checked on the raw bytes, cheaply, with the parsers never
started on a file that breaks one:

- the file size, before the file is read into memory;
- the zip's end record (member count, central directory size) before ``zipfile`` parses the directory;
- each member's compression method, flags and declared sizes, and overlapping members;
- every XML part inflated for real, by our own streaming ``zlib`` with a cap (declared sizes can lie),
  and scanned on the way for DOCTYPE/ENTITY (billion laughs, external entities), UTF-16 tricks, and in
  worksheets the rows, value cells and the farthest cell (the rectangle calamine will allocate);
- in an old .xls, the cell records of the Workbook stream for the same rectangle.

A real return is about 12 KB, two sheets of < 200 rows and < 1,000 cells; every limit leaves it a margin
of 100 times or more, and the largest workbook the limits let through is still read in < 2 s and
< 200 MB (``benchmarks/hostile.py`` measures it). Each refusal is a ``ReturnUnusable`` in Chinese.
"""

from __future__ import annotations

import html
import itertools
import operator
import posixpath
import re
import struct
import zlib
from dataclasses import dataclass

from ..core.findings import ReturnUnusable
from ..core.workbook import column_letter

MB = 1024 * 1024

# A return is ~12 KB; with a scanned seal or photos pasted in a few MB. 50 MB is read into memory at once.
MAX_FILE_BYTES = 50 * MB
# An .xls is not compressed: its size is its content. An old-format return is < 100 KB.
MAX_OLE_BYTES = 20 * MB
# A workbook has ~10 members, ~5 per sheet more. zipfile builds an object per member before we could
# look at one, so the count is read from the end record first.
MAX_MEMBERS = 2_000
MAX_CENTRAL_DIRECTORY_BYTES = 1 * MB
# XML parts (sheets, shared strings, styles ...), inflated. A 200-row sheet is ~50 KB; 5,000 rows by 20
# columns ~5 MB. The parsers hold roughly the inflated size in memory, and more for cells.
MAX_PART_BYTES = 24 * MB
MAX_XML_BYTES = 40 * MB
# Compression ratio of an XML part over 1 MB: real sheet XML compresses 10-50 times; deflate tops out
# near 1,000 (a bomb of zeros or spaces).
MAX_RATIO = 200
RATIO_FROM_BYTES = 1 * MB
# Rows and value cells of one sheet; the rectangle from A1 to the farthest value cell, which calamine
# allocates whole (32 bytes a cell) and the reader turns into Python lists (8 bytes a cell more).
MAX_ROWS = 50_000
MAX_CELLS = 50_000
MAX_AREA = 2_000_000
# What real Office writes, and what the zip readers of both parsers handle: stored and deflate.
COMPRESSION_METHODS = {0: "stored", 8: "deflate"}

_CHUNK = 256 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")

# Row and cell start tags, in document order (any namespace prefix), with their attributes.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_ROW_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])")
# The fast path for what Excel, WPS and the usual libraries write: every value cell has its address.
_OPEN_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>])[^>]*?(?<!/)>")
_PLACED = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?(?<=\s)r\s*=\s*[\"']([A-Za-z]{1,3})(\d{1,7})[\"'][^>]*?(?<!/)>")
_FAR = re.compile(rb'<c r="(?:[A-Z]{2}|[A-Z]\d{5})')
_R_ATTR = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]*)(\d+)[\"']")
_DTD = (b"<!DOCTYPE", b"<!ENTITY")
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")


class _Refused(Exception):
    def __init__(self, reason: str):
        self.reason = reason


def check_file_size(size: int, shown: str) -> None:
    if size > MAX_FILE_BYTES:
        raise ReturnUnusable(
            shown, f"文件过大（{size / MB:.0f} MB，一份统计表通常不到 1 MB），不予读取；请对方删除无关内容后重新发送"
        )


def check_zip(data: bytes, shown: str) -> None:
    """Refuse a zip (.xlsx/.xlsm) whose structure or inflated content is out of bounds."""
    try:
        _check_zip(data)
    except _Refused as exc:
        raise ReturnUnusable(shown, exc.reason) from None


def check_ole(data: bytes, shown: str) -> None:
    """Refuse an old .xls that is too big, or whose cells span an absurd rectangle."""
    if len(data) > MAX_OLE_BYTES:
        raise ReturnUnusable(shown, f"文件过大（{len(data) / MB:.0f} MB），不像一份统计表，不予读取")
    try:
        _check_biff(data)
    except _Refused as exc:
        raise ReturnUnusable(shown, exc.reason) from None


# --- zip --------------------------------------------------------------------------------------------------

_BROKEN = "文件已损坏或不完整（压缩结构有误），请对方重新发送"
_ODD = "文件的压缩结构异常（{}），不是 Excel 正常保存的工作簿，可能是损坏或恶意构造的文件，不予读取"


@dataclass(frozen=True)
class _Member:
    name: str
    method: int
    flags: int
    compressed: int
    size: int
    offset: int


def _check_zip(data: bytes) -> None:
    count, cd_size, cd_offset = _end_record(data)
    if count > MAX_MEMBERS:
        raise _Refused(_ODD.format(f"包含 {count} 个部件，正常工作簿只有几十个"))
    if cd_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _Refused(_ODD.format("目录区过大"))
    members = _central_directory(data, cd_offset, cd_size, count)
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise _Refused(_ODD.format(f"部件“{dup[:60]}”出现了两次"))
    spans = []
    for m in members:
        if m.flags & 0x1:
            raise _Refused("工作簿的压缩包设有密码（加密的 zip），无法读取；请对方取消密码后重新发送")
        data_start = _data_start(data, m)
        spans.append((data_start, data_start + m.compressed, m.name))
    spans.sort()
    for (_s1, e1, n1), (s2, _e2, n2) in itertools.pairwise(spans):
        if s2 < e1:
            raise _Refused(_ODD.format(f"部件“{n1[:40]}”与“{n2[:40]}”的数据互相重叠"))
    sheet_names = _LazySheetNames(data, members)  # parsed only when a message needs a sheet's name
    total = 0
    for m in members:
        if m.method not in COMPRESSION_METHODS:
            raise _Refused(_ODD.format(f"部件“{m.name[:60]}”使用了不常见的压缩方式 {m.method}"))
        if m.size > RATIO_FROM_BYTES and m.size > MAX_RATIO * max(m.compressed, 1):
            raise _Refused(_bomb(m.name, sheet_names, m.size, m.compressed))
        if not (m.name.lower().endswith(_XML_SUFFIXES) or _looks_like_xml(data, m)):
            continue  # pictures, embedded objects, vbaProject.bin: no parser of ours reads them as XML
        if m.size > MAX_PART_BYTES:
            raise _Refused(_too_big(m.name, sheet_names, m.size))
        # Cells are counted in every XML part: whichever the relationships make a sheet is covered.
        total += _scan_part(data, m, sheet_names, MAX_XML_BYTES - total)


def _looks_like_xml(data: bytes, m: _Member) -> bool:
    """A part named like a picture may still be a sheet (the relationships decide what is parsed)."""
    head = b"".join(_inflate(data, m, 64))[:64]
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<" or head[:2] in (b"\xff\xfe", b"\xfe\xff", b"\x00<")


def _end_record(data: bytes) -> tuple[int, int, int]:
    """(members, central directory size, offset) from the end record, zip64 included."""
    tail_start = max(0, len(data) - 65_536 - 22)
    pos = data.rfind(b"PK\x05\x06", tail_start)
    if pos < 0 or pos + 22 > len(data):
        raise _Refused(_BROKEN)
    _sig, _disk, _cd_disk, _n_disk, count, cd_size, cd_offset, _clen = struct.unpack_from("<4sHHHHIIH", data, pos)
    if count == 0xFFFF or cd_size == 0xFFFFFFFF or cd_offset == 0xFFFFFFFF:
        loc = pos - 20
        if loc < 0 or data[loc : loc + 4] != b"PK\x06\x07":
            raise _Refused(_BROKEN)
        (z64_pos,) = struct.unpack_from("<Q", data, loc + 8)
        if z64_pos + 56 > len(data) or data[z64_pos : z64_pos + 4] != b"PK\x06\x06":
            raise _Refused(_BROKEN)
        count, cd_size, cd_offset = struct.unpack_from("<QQQ", data, z64_pos + 32)
    return count, cd_size, cd_offset


def _central_directory(data: bytes, cd_offset: int, cd_size: int, count: int) -> list[_Member]:
    # The file starts with a local header (read.py checked), so nothing is prepended: offsets are absolute.
    start = cd_offset
    members = []
    pos = start
    for _ in range(count):
        if pos < 0 or data[pos : pos + 4] != b"PK\x01\x02" or pos + 46 > len(data):
            raise _Refused(_BROKEN)
        (flags, method) = struct.unpack_from("<HH", data, pos + 8)
        compressed, size = struct.unpack_from("<II", data, pos + 20)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, pos + 28)
        (offset,) = struct.unpack_from("<I", data, pos + 42)
        raw_name = data[pos + 46 : pos + 46 + name_len]
        extra = data[pos + 46 + name_len : pos + 46 + name_len + extra_len]
        compressed, size, offset = _zip64_extra(extra, compressed, size, offset)
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", "replace")
        members.append(_Member(name, method, flags, compressed, size, offset))
        pos += 46 + name_len + extra_len + comment_len
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
        raise _Refused(_BROKEN)
    name_len, extra_len = struct.unpack_from("<HH", data, pos + 26)
    start = pos + 30 + name_len + extra_len
    if start + m.compressed > len(data):
        raise _Refused(_BROKEN)
    return start


def _inflate(data: bytes, m: _Member, limit: int):
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
                raise _Refused(_BROKEN) from None
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
            raise _Refused(_BROKEN) from None
        if not out:
            break
        produced += len(out)
        yield out


class _Precise(Exception):
    """The fast scan met something unusual: scan the part again, cell by cell."""


class _SheetScan:
    """Counts rows and value cells and finds the farthest value cell, as calamine places them: a row
    or cell without an address follows the previous one."""

    def __init__(self, precise: bool = False) -> None:
        self.precise = precise
        self.rows = 0
        self.cells = 0
        self.max_row = 0
        self.max_col = 0
        self.far = ""
        self._row = 0
        self._col = 0
        self._slow = False

    def feed(self, text: bytes) -> None:
        if not self.precise:
            # The fast path, for what Excel, WPS and the usual libraries write: plain tags, every cell with
            # its address, no column past Z and no row past 9999 (so the rectangle is at most 26 x 9999).
            # Anything else has the whole part scanned again, cell by cell.
            if b":c " in text or b"<c>" in text or b":row" in text:
                raise _Precise
            opened = text.count(b"<c ")
            if opened != text.count(b'<c r="') or _FAR.search(text) is not None:
                raise _Precise
            self.cells += opened  # rows: at most 9,999 with cells here, and empty rows cost no parser anything
            return
        self.rows += len(_ROW_START.findall(text))
        if not self._slow:
            opened = len(_OPEN_CELL.findall(text))
            placed = _PLACED.findall(text)
            if len(placed) == opened:
                if placed:
                    self.cells += opened
                    letters = max(set(map(_first, placed)), key=lambda x: (len(x), x.upper()))
                    self._track(max(map(int, map(_second, placed))), _col_index(letters), letters)
                    self._row = int(placed[-1][1])
                return
            self._slow = True  # cells without addresses: place them one by one from here on
        self._feed_slow(text)

    def _track(self, row: int, col: int, letters: bytes | None) -> None:
        self.max_row = max(self.max_row, row)
        if col > self.max_col:
            self.max_col = col
            self.far = letters.decode().upper() if letters else ""

    def _feed_slow(self, text: bytes) -> None:
        for name, attrs, closed in _TAG.findall(text):
            m = _R_ATTR.search(b" " + attrs) if b"r" in attrs else None
            if name == b"row":
                self._row = _number(m.group(2)) if m else self._row + 1
                self._col = 0
                continue
            if m and m.group(1):
                self._col = _col_index(m.group(1))
                self._row = _number(m.group(2))
            else:
                self._col += 1
            if closed:
                continue  # <c r="XFD9" s="3"/>: a formatted empty cell, which no parser keeps
            self.cells += 1
            self._track(self._row, self._col, m.group(1) if m and m.group(1) else None)

    @property
    def area(self) -> int:
        return self.max_row * self.max_col


_first, _second = operator.itemgetter(0), operator.itemgetter(1)


def _number(digits: bytes) -> int:
    return int(digits) if len(digits) < 12 else 10**12


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters.upper()[:8]:
        n = n * 26 + ch - 64
    return n


def _scan_part(data: bytes, m: _Member, sheet_names: dict[str, str], budget: int, cells: bool = True) -> int:
    try:
        return _scan_once(data, m, sheet_names, budget, cells, _SheetScan())
    except _Precise:
        return _scan_once(data, m, sheet_names, budget, cells, _SheetScan(precise=True))


def _scan_once(data: bytes, m: _Member, sheet_names: dict[str, str], budget: int, cells: bool, scan: _SheetScan) -> int:
    limit = min(MAX_PART_BYTES, budget)
    produced = 0
    carry = b""
    first = True
    for chunk in _inflate(data, m, limit):
        produced += len(chunk)
        if produced > limit:
            if limit < MAX_PART_BYTES:
                raise _Refused(_ODD.format(f"解压后的内容合计超过 {MAX_XML_BYTES // MB} MB，远超一份统计表"))
            raise _Refused(_too_big(m.name, sheet_names, produced))
        if first:
            first = False
            if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or chunk[:2] in (b"<\x00", b"\x00<"):
                raise _Refused(_ODD.format(f"部件“{m.name[:60]}”使用 UTF-16 编码"))
            if chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"<", b""):
                raise _Refused(f"文件已损坏：{_where(m.name, sheet_names)}的内容不是 XML，无法读取；请对方重新保存后发送")
        text = carry + chunk
        if any(tag in text for tag in _DTD):
            raise _Refused(
                f"文件中的 XML（{_where(m.name, sheet_names)}）含有 DOCTYPE/实体声明，Excel 从不写入这种内容，"
                "可能是恶意构造的文件（如“十亿笑声”实体炸弹或读取本机文件的外部实体），不予读取"
            )
        if not cells:
            carry = text[-16:]  # enough to see a DOCTYPE across the boundary
            continue
        cut = text.rfind(b"<")
        if cut < 0 or text.find(b">", cut) >= 0:
            scan.feed(text)  # every tag in it is complete: what follows the last one is text
            carry = b""
        else:
            scan.feed(text[:cut])
            carry = text[cut:]  # a tag cut by the chunk boundary waits for the rest
            if len(carry) > MB:
                raise _Refused(_ODD.format(f"部件“{m.name[:60]}”中有一个超过 1 MB 的 XML 标记"))
        _check_scan(scan, m.name, sheet_names)
    if cells:
        scan.feed(carry)
        _check_scan(scan, m.name, sheet_names)
    return produced


def _check_scan(scan: _SheetScan, name: str, sheet_names: dict[str, str]) -> None:
    where = _where(name, sheet_names)
    if scan.rows > MAX_ROWS:
        raise _Refused(f"{where}超过 {MAX_ROWS:,} 行，远超一份统计表（正常不到 200 行），不予读取；请删除多余的行后重新发送")
    if scan.cells > MAX_CELLS:
        raise _Refused(f"{where}有超过 {MAX_CELLS:,} 个填有内容的单元格，远超一份统计表，不予读取")
    if scan.area > MAX_AREA:
        far = f"{scan.far or column_letter(min(scan.max_col, 16_384))}{scan.max_row}"
        if scan.max_col < 16_385 and scan.max_row < 1_048_577:
            detail = f"内容一直延伸到很远的 {far} 单元格附近（可能在远处误输入了内容）"
        else:
            detail = "单元格地址超出 Excel 的范围"
        raise _Refused(f"{where}的{detail}，范围过大，不予读取；请删除多余内容后重新发送")


def _too_big(name: str, sheet_names: dict[str, str], size: int) -> str:
    return f"{_where(name, sheet_names)}解压后超过 {size / MB:.0f} MB，远超一份统计表（正常不到 1 MB），不予读取"


def _bomb(name: str, sheet_names: dict[str, str], size: int, compressed: int) -> str:
    return (
        f"{_where(name, sheet_names)}声称从 {compressed:,} 字节解压为 {size / MB:.0f} MB（压缩比 {size // max(compressed, 1):,} 倍），"
        "是“压缩炸弹”式的异常文件，不予读取"
    )


def _where(name: str, sheet_names: dict[str, str]) -> str:
    if name in sheet_names:
        return f"工作表“{sheet_names[name][:60]}”"
    return f"部件 {name[:80]} "


class _LazySheetNames(dict):
    def __init__(self, data: bytes, members: list[_Member]):
        super().__init__()
        self._source: tuple | None = (data, members)

    def _load(self) -> None:
        if self._source is not None:
            data, members = self._source
            self._source = None
            self.update(_sheet_names(data, members))

    def __contains__(self, key: object) -> bool:
        self._load()
        return super().__contains__(key)

    def __getitem__(self, key: str) -> str:
        self._load()
        return super().__getitem__(key)


def _sheet_names(data: bytes, members: list[_Member]) -> dict[str, str]:
    """Worksheet part -> sheet name, for messages; small parts only, best effort."""
    by_name = {m.name: m for m in members}
    wb, rels = by_name.get("xl/workbook.xml"), by_name.get("xl/_rels/workbook.xml.rels")
    if wb is None or rels is None or wb.size > MB or rels.size > MB or wb.method not in (0, 8) or rels.method not in (0, 8):
        return {}
    try:
        wb_xml = b"".join(_inflate(data, wb, MB))
        rels_xml = b"".join(_inflate(data, rels, MB))
    except _Refused:
        return {}
    targets = {}
    for attrs in _RELATIONSHIP.findall(rels_xml):
        a = {k.split(b":")[-1]: (v1 or v2) for k, v1, v2 in _ATTR.findall(attrs)}
        if b"Id" in a and b"Target" in a:
            target = a[b"Target"].decode("utf-8", "replace")
            path = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[a[b"Id"]] = posixpath.normpath(path)
    out = {}
    for attrs in _SHEET_ENTRY.findall(wb_xml):
        a = {k: (v1 or v2) for k, v1, v2 in _ATTR.findall(attrs)}
        rid = next((v for k, v in a.items() if k.endswith(b":id")), None)
        name = a.get(b"name")
        if rid in targets and name is not None:
            out[targets[rid]] = html.unescape(name.decode("utf-8", "replace"))
    return out


# --- old .xls (BIFF8 in an OLE2 container) --------------------------------------------------------------

# Cell records: every one starts with its row and column (u16 each).
_BIFF_CELLS = {0x0006, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x00BD, 0x00BE}


def _check_biff(data: bytes) -> None:
    try:
        import olefile
    except ImportError:  # without olefile only the size limit applies
        return
    try:
        ole = olefile.OleFileIO(data)
        try:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                return  # not a workbook: calamine says so
            if ole.get_size(stream) > MAX_OLE_BYTES:
                raise _Refused("文件过大，不像一份统计表，不予读取")
            biff = ole.openstream(stream).read()
        finally:
            ole.close()
    except _Refused:
        raise
    except Exception:  # noqa: BLE001 - a broken container is calamine's to report, as damaged
        return  # a broken container: calamine reports it as damaged
    max_row = max_col = cells = 0
    pos, n = 0, len(biff)
    while pos + 4 <= n:
        rtype, length = struct.unpack_from("<HH", biff, pos)
        if rtype in _BIFF_CELLS and length >= 4 and pos + 8 <= n:
            row, col = struct.unpack_from("<HH", biff, pos + 4)
            if rtype in (0x00BD, 0x00BE) and length >= 6:
                (col,) = struct.unpack_from("<H", biff, pos + 4 + length - 2)  # last column of MULRK/MULBLANK
            if rtype not in (0x0201, 0x00BE):  # blank cells hold only a format
                cells += 1
                max_row, max_col = max(max_row, row + 1), max(max_col, col + 1)
        pos += 4 + length
    if cells > MAX_CELLS:
        raise _Refused(f"工作簿有超过 {MAX_CELLS:,} 个填有内容的单元格，远超一份统计表，不予读取")
    if max_row * max_col > MAX_AREA:
        raise _Refused(
            f"工作表的内容一直延伸到很远的 {column_letter(max_col)}{max_row} 单元格附近（可能在远处误输入了内容），"
            "范围过大，不予读取；请删除多余内容后重新发送"
        )
