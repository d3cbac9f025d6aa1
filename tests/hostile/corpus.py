"""The hostile corpus: every kind of broken, strange or malicious return, generated here (no opaque binaries).

``build(folder, campaign)`` writes one file per case into ``folder`` and returns the cases. Each case says
what the clerk must see: ``unusable`` (上报情况 无法读取, the reason containing ``words``) or ``reported``
(a normal check, attributed to ``unit``). Bombs are built by repeating one flushed deflate block, so a
sheet that inflates to a gigabyte costs a few kilobytes and milliseconds to make.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.layout import layout_for
from wennuan_xl.core.workbook import column_letter
from wennuan_xl.samples import consistent_values, workbook_from_values, write_plain_return

DAY = dt.date(2017, 1, 15)
GB = 1024**3
SHEET1 = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
)
# Strings a spreadsheet would take for formulas if written carelessly (CSV/formula injection).
INJECTIONS = ("=1+2", "+1", "-1+2", "@SUM(A1:A2)", '=HYPERLINK("http://evil.example","点我")', "=cmd|' /C calc'!A0")


@dataclass
class Case:
    name: str  # the file name in the corpus folder
    kind: str  # what it is, for the README table and test ids
    expect: str  # "unusable" or "reported"
    words: tuple[str, ...] = ()  # key words the clerk's reason must contain (any one of them)
    unit: str = ""  # for "reported": the 填报单位 the check must find
    values: dict[str, object] = field(default_factory=dict)  # for "reported": fields and the values read


def good_values(seed: int) -> dict[str, object]:
    return consistent_values(random.Random(seed), 0.3)


def cover(unit: str, **extra: object) -> dict[str, object]:
    return {"UNIT": unit, "DATE": DAY, "PERSON": "张三", "PHONE": "0833-2133419", **extra}


def plain_return(path: Path, campaign: Campaign, unit: str, values=None, with_names: bool = True, **extra) -> Path:
    return write_plain_return(path, campaign, values or good_values(1), cover(unit, **extra), ("A1", "A2"), with_names)


def good_bytes(campaign: Campaign, tmp: Path, seed: int = 1, unit: str = "市中区总工会") -> bytes:
    path = tmp / f".good-{seed}.xlsx"
    plain_return(path, campaign, unit, good_values(seed))
    data = path.read_bytes()
    path.unlink()
    return data


# --- zips built by hand ----------------------------------------------------------------------------------


def rewrite_zip(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """A copy of a zip with members replaced (None: removed) or added, written by ``zipfile``."""
    replace, add = replace or {}, add or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    z.writestr(info.filename, replace[info.filename])
                continue
            z.writestr(info.filename, src.read(info.filename))
        for name, body in add.items():
            z.writestr(name, body)
    return out.getvalue()


@dataclass
class Raw:
    """One member as it goes into a hand-built zip: any sizes, method and flags, true or not."""

    name: str
    payload: bytes  # already compressed (raw deflate) when method is 8
    size: int  # declared inflated size
    crc: int = 0
    method: int = 8
    flags: int = 0x800
    share_with: int | None = None  # index of an earlier member whose data this entry points at


def raw_zip(members: list[Raw], claim_count: int | None = None) -> bytes:
    out, central, offsets = io.BytesIO(), [], []
    for m in members:
        name = m.name.encode()
        if m.share_with is not None:
            offsets.append(offsets[m.share_with])
            src = members[m.share_with]
            central.append((name, src, offsets[-1]))
            continue
        offsets.append(out.tell())
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, m.flags, m.method, 0, 0x21, m.crc,
                              len(m.payload), m.size, len(name), 0))
        out.write(name)
        out.write(m.payload)
        central.append((name, m, offsets[-1]))
    cd_start = out.tell()
    for name, m, offset in central:
        out.write(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, m.flags, m.method, 0, 0x21, m.crc,
                              len(m.payload), m.size, len(name), 0, 0, 0, 0, 0, offset))
        out.write(name)
    cd_size = out.tell() - cd_start
    count = len(central) if claim_count is None else claim_count
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, count, count, cd_size, cd_start, 0))
    return out.getvalue()


def deflated(body: bytes) -> Raw:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Raw("", c.compress(body) + c.flush(), len(body), zlib.crc32(body))


def repeated_deflate(head: bytes, unit: bytes, times: int, tail: bytes) -> tuple[bytes, int, int]:
    """Raw deflate of head + unit*times + tail without compressing it all: after a sync flush the
    compressor's state is the same for each repetition of ``unit``, so one block serves them all.
    Returns (compressed, inflated size, crc32)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head + unit) + c.flush(zlib.Z_SYNC_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_SYNC_FLUSH)
    again = c.compress(unit) + c.flush(zlib.Z_SYNC_FLUSH)
    assert block == again, "the repeated block must be stable"
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    per = max(1, (1 << 20) // len(unit))
    left, run = times, unit * per
    while left >= per:  # crc over the repeated part, a megabyte at a time
        crc = zlib.crc32(run, crc)
        left -= per
    crc = zlib.crc32(tail, zlib.crc32(unit * left, crc))
    return first + block * (times - 1) + last, len(head) + len(unit) * times + len(tail), crc


def bomb_zip(good: bytes, inflated: int, declare: int | None = None, unit: bytes = b" " * (1 << 20)) -> bytes:
    """``good`` with its first sheet replaced by one whose XML inflates to ``inflated`` bytes of
    ``unit`` (spaces: a well-formed sheet body). ``declare``: the size the zip claims (a lie if given)."""
    src = zipfile.ZipFile(io.BytesIO(good))
    members = []
    for info in src.infolist():
        if info.filename == SHEET1:
            payload, size, crc = repeated_deflate(SHEET_HEAD + b"<sheetData>", unit, inflated // len(unit),
                                                  b"</sheetData></worksheet>")
            members.append(Raw(SHEET1, payload, size if declare is None else declare, crc if declare is None else 0))
        else:
            m = deflated(src.read(info.filename))
            m.name = info.filename
            members.append(m)
    return raw_zip(members)


def members_of(good: bytes) -> list[Raw]:
    src = zipfile.ZipFile(io.BytesIO(good))
    out = []
    for info in src.infolist():
        m = deflated(src.read(info.filename))
        m.name = info.filename
        out.append(m)
    return out


# --- an old .xls, written by hand (BIFF8 records in an OLE2 compound file) ----------------------------------


def _rec(rtype: int, body: bytes) -> bytes:
    return struct.pack("<HH", rtype, len(body)) + body


def biff8(sheets: list[tuple[str, dict[tuple[int, int], object]]]) -> bytes:
    """The Workbook stream: globals, then one substream per sheet with NUMBER and LABEL cells (0-based), and error
    cells: ("error", code) typed as a constant, ("formula-error", code, rgce) a formula saved with an error."""
    def bof(kind):
        return _rec(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))
    globals_head = bof(0x0005) + _rec(0x0042, struct.pack("<H", 1200))
    bodies = []
    for _name, cells in sheets:
        recs = [bof(0x0010)]
        rows = [r for r, _ in cells] or [0]
        cols = [c for _, c in cells] or [0]
        recs.append(_rec(0x0200, struct.pack("<IIHHH", 0, max(rows) + 1, 0, max(cols) + 1, 0)))
        for (r, c), v in sorted(cells.items()):
            if isinstance(v, str):
                text = v.encode("utf-16-le")
                recs.append(_rec(0x0204, struct.pack("<HHHHB", r, c, 0, len(v), 1) + text))
            elif isinstance(v, tuple) and v[0] == "error":  # BOOLERR: an error typed as a constant
                recs.append(_rec(0x0205, struct.pack("<HHHBB", r, c, 0, v[1], 1)))
            elif isinstance(v, tuple) and v[0] == "formula-error":  # FORMULA whose saved result is an error
                rgce = v[2]
                recs.append(_rec(0x0006, struct.pack("<HHH", r, c, 0) + bytes([2, 0, v[1], 0, 0, 0, 0xFF, 0xFF])
                                 + struct.pack("<HIH", 0, 0, len(rgce)) + rgce))
            else:
                recs.append(_rec(0x0203, struct.pack("<HHHd", r, c, 0, float(v))))
        recs.append(_rec(0x000A, b""))
        bodies.append(b"".join(recs))
    def boundsheet(name: str, pos: int) -> bytes:
        return _rec(0x0085, struct.pack("<IBBBB", pos, 0, 0, len(name), 1) + name.encode("utf-16-le"))
    size_bs = sum(len(boundsheet(n, 0)) for n, _ in sheets)
    pad = _rec(0x00E1, b"\x00\x00")  # INTERFACEHDR, harmless
    globals_len = len(globals_head) + size_bs + len(pad) + 4
    pos = globals_len
    bs = b""
    for (name, _), body in zip(sheets, bodies):
        bs += boundsheet(name, pos)
        pos += len(body)
    stream = globals_head + bs + pad + _rec(0x000A, b"") + b"".join(bodies)
    return stream


def ole2(stream: bytes, name: str = "Workbook") -> bytes:
    """A compound file with one stream, padded to 4,096 bytes so that no mini stream is needed."""
    if len(stream) < 4096:
        stream += b"\x00" * (4096 - len(stream))
    n = -(-len(stream) // 512)
    nfat = 1
    while nfat * 128 < nfat + 1 + n:
        nfat += 1
    fat = [0xFFFFFFFD] * nfat + [0xFFFFFFFE]  # FAT sectors, then the directory
    first = nfat + 1
    fat += [first + i + 1 for i in range(n - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (nfat * 128 - len(fat))
    difat = list(range(nfat)) + [0xFFFFFFFF] * (109 - nfat)
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE,
                         9, 6, bytes(6), 0, nfat, nfat, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header += struct.pack("<109I", *difat)

    def entry(ename: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = (ename + "\x00").encode("utf-16-le") if ename else b""
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, 0xFFFFFFFF, 0xFFFFFFFF, child, bytes(16),
                           0, 0, 0, start, size)

    directory = entry("Root Entry", 5, 1, 0xFFFFFFFE, 0) + entry(name, 2, 0xFFFFFFFF, first, len(stream))
    directory += entry("", 0, 0xFFFFFFFF, 0, 0) * 2
    body = struct.pack(f"<{len(fat)}I", *fat) + directory + stream + b"\x00" * (n * 512 - len(stream))
    return header + body


def xls_return(campaign: Campaign, unit: str, values: dict[str, object]) -> bytes:
    book = workbook_from_values(campaign, values, cover=cover(unit), forms=("A1", "A2"))
    sheets = []
    for sheet in book.sheets:
        cells = {}
        for r, row in enumerate(sheet.rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, dt.date):
                    v = v.isoformat()
                cells[(r, c)] = v
        sheets.append((sheet.name, cells))
    return ole2(biff8(sheets))


# --- the cases ---------------------------------------------------------------------------------------------


def _openpyxl_edit(path: Path, edit: Callable) -> None:
    import openpyxl

    book = openpyxl.load_workbook(path)
    edit(book)
    book.save(path)


def cell_of(campaign: Campaign, code: str) -> str:
    field = campaign.field(code)
    row, col = layout_for(campaign.form(field.form_id)).field_cell(code)
    return f"{column_letter(col)}{row}"


def build(folder: Path, campaign: Campaign, big: bool = True) -> list[Case]:
    """Write the corpus into ``folder``. ``big``: include the cases that take a second or more to make."""
    folder.mkdir(parents=True, exist_ok=True)
    good = good_bytes(campaign, folder)
    cases: list[Case] = []

    def put(case: Case, data: bytes) -> None:
        (folder / case.name).write_bytes(data)
        cases.append(case)

    # Broken containers
    put(Case("h01-截断.xlsx", "截断的 .xlsx（只有前一半）", "unusable", ("不完整", "损坏")), good[: len(good) // 2])
    flipped = bytearray(good)
    zi = zipfile.ZipFile(io.BytesIO(good)).getinfo(SHEET1)
    start = zi.header_offset + 30 + len(SHEET1)
    for i in range(start + 10, start + 40):
        flipped[i] ^= 0x5A
    put(Case("h02-压缩数据损坏.xlsx", "压缩数据中有坏字节", "unusable", ("损坏", "不完整")), bytes(flipped))
    put(Case("h03-随机字节.xlsx", "随机字节，扩展名 .xlsx", "unusable", ("无法识别",)), random.Random(3).randbytes(5000))
    put(Case("h04-空文件.xlsx", "0 字节文件", "unusable", ("空",)), b"")
    put(Case("h05-只有文件头.xlsx", "只有 zip 文件头", "unusable", ("损坏", "不完整")), b"PK\x03\x04" + bytes(26))
    # Bombs and zip tricks
    put(Case("h10-压缩炸弹.xlsx", "压缩炸弹：12 KB 的文件，工作表解压为 1 GB", "unusable", ("压缩炸弹",)),
        bomb_zip(good, GB))
    put(Case("h11-压缩炸弹-谎报大小.xlsx", "压缩炸弹，目录里谎报解压后只有 50 KB", "unusable", ("解压后超过",)),
        bomb_zip(good, GB, declare=50_000))
    many = members_of(good) + [Raw(f"xl/media/p{i}.bin", b"\x03\x00", 0) for i in range(5000)]
    put(Case("h12-上万个部件.xlsx", "5,000 个部件", "unusable", ("部件",)), raw_zip(many))
    parts = members_of(good)
    for i in range(60):
        payload, size, crc = repeated_deflate(b"<x>", b" " * (1 << 20), 1, b"</x>")  # 1 MB each, ratio ~ 1000
        parts.append(Raw(f"xl/customXml/item{i}.xml", payload, 900_000, 0))  # declared under the ratio limit
    put(Case("h13-许多部件合计过大.xlsx", "60 个各解压为 1 MB 的 XML 部件", "unusable", ("合计超过", "解压后超过")),
        raw_zip(parts))
    overlap = members_of(good)
    idx = next(i for i, m in enumerate(overlap) if m.name == SHEET1)
    overlap += [Raw(f"xl/worksheets/sheet{i}.xml", b"", 0, share_with=idx) for i in range(10, 400)]
    put(Case("h14-部件数据重叠.xlsx", "390 个目录项指向同一段数据（重叠式炸弹）", "unusable", ("重叠",)), raw_zip(overlap))
    dup = members_of(good)
    extra = deflated(SHEET_HEAD + b"<sheetData/></worksheet>")
    extra.name = SHEET1
    put(Case("h15-重名部件.xlsx", "同名的两个工作表部件", "unusable", ("两次",)), raw_zip(dup + [extra]))
    enc = members_of(good)
    for m in enc:
        m.flags |= 0x1
    put(Case("h16-zip加密.xlsx", "zip 层加密", "unusable", ("密码",)), raw_zip(enc))
    odd = members_of(good)
    odd[idx].method = 12
    put(Case("h17-bzip2压缩.xlsx", "不常见的压缩方式（bzip2）", "unusable", ("压缩方式",)), raw_zip(odd))
    put(Case("h18-目录谎报条目数.xlsx", "结束记录声称 65,000 个部件", "unusable", ("部件", "损坏")),
        raw_zip(members_of(good), claim_count=65_000))
    put(Case("h19-嵌入对象是压缩炸弹.xlsx", "嵌入对象解压为 200 MB 的零", "unusable", ("压缩炸弹",)),
        raw_zip(members_of(good) + [_bomb_member(200 * 1024**2)]))
    put(Case("h20-工作表是压缩包.xlsx", "工作表部件本身是一个 zip", "unusable", ("不是 XML",)),
        rewrite_zip(good, replace={SHEET1: good}))
    # Sizes of sheets
    rows, size, crc = repeated_deflate(SHEET_HEAD + b"<sheetData>", b"<row><c><v>1</v></c></row>" * 1000, 1000,
                                       b"</sheetData></worksheet>")
    # Declared as 5 MB, so that neither the size nor the ratio gives it away: the rows must be counted.
    put(Case("h21-一百万行.xlsx", "一个 1,000,000 行的工作表（目录里谎报为 5 MB）", "unusable", ("行",)),
        raw_zip([_sheet_member(m, rows, 5 << 20, 0) for m in members_of(good)]))
    put(Case("h25-一百万行-如实申报.xlsx", "一个 1,000,000 行的工作表（如实申报 25 MB）", "unusable",
             ("解压后超过", "压缩炸弹")), raw_zip([_sheet_member(m, rows, size, crc) for m in members_of(good)]))
    far = SHEET_HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    put(Case("h22-远处的单元格.xlsx", "A1 与 XFD1048576 各有一个值", "unusable", ("XFD1048576",)),
        rewrite_zip(good, replace={SHEET1: far}))
    beyond = SHEET_HEAD + b'<sheetData><row r="1"><c r="A1"><v>1</v></c><c r="ZZZZ99999999"><v>1</v></c></row></sheetData></worksheet>'
    put(Case("h23-超出范围的地址.xlsx", "单元格地址 ZZZZ99999999", "unusable", ("超出",)),
        rewrite_zip(good, replace={SHEET1: beyond}))
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?>' + SHEET_HEAD.decode().split("?>", 1)[1]
             + "<sheetData/></worksheet>").encode("utf-16")
    put(Case("h24-UTF16工作表.xlsx", "UTF-16 编码的工作表", "unusable", ("UTF-16",)), rewrite_zip(good, replace={SHEET1: utf16}))
    # XML entities
    laughs = b'<!DOCTYPE lolz [<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    ) + b"]>"
    sheet_xml = zipfile.ZipFile(io.BytesIO(good)).read(SHEET1)
    wb_xml = zipfile.ZipFile(io.BytesIO(good)).read("xl/workbook.xml")
    ss_xml = zipfile.ZipFile(io.BytesIO(good)).read("xl/sharedStrings.xml")

    def with_dtd(xml: bytes, dtd: bytes, ref: bytes) -> bytes:
        decl_end = xml.index(b"?>") + 2
        body = xml[decl_end:]
        close = body.index(b">", body.index(b"<", 1) if body.startswith(b"\n") else 1)
        return xml[:decl_end] + dtd + body[: close + 1] + ref + body[close + 1 :]

    put(Case("h30-十亿笑声-工作表.xlsx", "工作表 XML 中的“十亿笑声”实体炸弹", "unusable", ("实体",)),
        rewrite_zip(good, replace={SHEET1: with_dtd(sheet_xml, laughs, b"")}))
    put(Case("h31-十亿笑声-workbook.xlsx", "workbook.xml 中的“十亿笑声”", "unusable", ("实体",)),
        rewrite_zip(good, replace={"xl/workbook.xml": with_dtd(wb_xml, laughs, b"")}))
    xxe = b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    put(Case("h32-外部实体-工作表.xlsx", "工作表中的外部实体 file:///etc/passwd", "unusable", ("实体",)),
        rewrite_zip(good, replace={SHEET1: with_dtd(sheet_xml, xxe, b"")}))
    put(Case("h33-外部实体-workbook.xlsx", "workbook.xml 中的外部实体", "unusable", ("实体",)),
        rewrite_zip(good, replace={"xl/workbook.xml": with_dtd(wb_xml, xxe, b"")}))
    put(Case("h34-外部实体-共享字符串.xlsx", "sharedStrings.xml 中的外部实体", "unusable", ("实体",)),
        rewrite_zip(good, replace={"xl/sharedStrings.xml": ss_xml.replace(b"?>", b"?>" + xxe, 1).replace(
            b"<t>", b"<t>&xxe;", 1)}))
    # Not workbooks
    from msoffcrypto.format.ooxml import OOXMLFile

    enc_out = io.BytesIO()
    OOXMLFile(io.BytesIO(good)).encrypt("pw1234", enc_out)
    put(Case("h40-设有密码.xlsx", "设有打开密码", "unusable", ("密码",)), enc_out.getvalue())
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    put(Case("h41-Word改名.xlsx", ".docx 改名为 .xlsx", "unusable", ("Word",)), docx.getvalue())
    put(Case("h42-CSV改名.xlsx", ".csv 改名为 .xlsx", "unusable", ("CSV",)), "单位,数值\n井研县总工会,1\n".encode("gb18030"))
    put(Case("h43-稀疏的xls.xls", ".xls，A1 与 IV65536 各有一个值", "unusable", ("IV65536",)),
        ole2(biff8([("附件1", {(0, 0): 1.0, (65535, 255): 2.0})])))
    # Strange but readable returns
    xls_vals = good_values(43)
    put(Case("r01-旧格式.xls", "旧格式 .xls（无名称，按指标代码定位）", "reported", unit="井研县总工会",
             values={"A1.01A": xls_vals["A1.01A"], "A2.03": xls_vals["A2.03"]}),
        xls_return(campaign, "井研县总工会", xls_vals))
    _readable(folder, campaign, cases, big)
    from .attacks import build_attacks

    for a in build_attacks(folder, good):
        cases.append(Case(a.name, a.kind, a.expect, a.words))
    return cases


def _bomb_member(inflated: int) -> Raw:
    payload, size, crc = repeated_deflate(b"", bytes(1 << 20), inflated >> 20, b"")
    return Raw("xl/embeddings/oleObject1.bin", payload, size, crc)


def _sheet_member(m: Raw, payload: bytes, size: int, crc: int) -> Raw:
    if m.name == SHEET1:
        return Raw(SHEET1, payload, size, crc)
    return m


def _readable(folder: Path, campaign: Campaign, cases: list[Case], big: bool) -> None:
    """Returns that are odd but must be checked normally, each from its own roster unit."""

    def add(name: str, kind: str, unit: str, seed: int, edit=None, with_names=True, check=None, **extra) -> None:
        values = good_values(seed)
        path = folder / name
        plain_return(path, campaign, unit, values, with_names=with_names, **extra)
        if edit is not None:
            _openpyxl_edit(path, edit)
        shown = {c: values[c] for c in ("A1.01A", "A1.05", "A2.03")} if check is None else check(values)
        cases.append(Case(name, kind, "reported", unit=unit, values=shown))

    def no_cached(book):  # openpyxl writes formulas without cached values
        book["附件1"][cell_of(campaign, "A1.01B")] = "=100+1"

    add("r02-公式无缓存值.xlsx", "公式没有缓存值（openpyxl 写入）", "五通桥区总工会", 2, no_cached,
        check=lambda v: {"A1.01A": v["A1.01A"]})

    def merged(book):
        ws = book["附件1"]
        ref = cell_of(campaign, "A1.01A")
        ws.merge_cells(f"{ref}:{chr(ord(ref[0]) + 1)}{ref[1:]}")  # E9:F9, the value stays in E9
        ref2 = cell_of(campaign, "A1.03A")
        ws.merge_cells(f"{chr(ord(ref2[0]) - 1)}{ref2[1:]}:{ref2}")  # D:E over the input cell: its value is gone

    add("r03-合并单元格.xlsx", "合并单元格盖住输入格", "沙湾区总工会", 3, merged, check=lambda v: {"A1.01A": v["A1.01A"]})

    def hidden(book):
        book["附件2"].sheet_state = "hidden"
        decoy = book.copy_worksheet(book["附件1"])
        decoy.title = "附件1（旧）"
        decoy[cell_of(campaign, "A1.01A")] = 999_999
        decoy.sheet_state = "veryHidden"

    add("r04-隐藏工作表.xlsx", "隐藏与深度隐藏（veryHidden）的工作表", "金口河区总工会", 4, hidden)

    def rows_above(book):
        for ws in book.worksheets:
            ws.insert_rows(1, 3)
            ws["A1"] = "（本表由县总工会办公室填报）"

    add("r05-上方插入行.xlsx", "表格上方插入了行（无名称）", "犍为县总工会", 5, rows_above, with_names=False)

    def renamed(book):
        book["附件1"].title = "Sheet1"
        book["附件2"].title = "帮扶中心"

    add("r06-工作表改名.xlsx", "附件工作表改名（无名称）", "夹江县总工会", 6, renamed, with_names=False)

    def broken_names(book):
        from openpyxl.workbook.defined_name import DefinedName

        dn = book.defined_names
        for key, target in (("A1_01A", "#REF!"), ("A1_05", "'附件1'!$E$20:$E$25"), ("A2_03", "'不存在的表'!$E$9")):
            if key in dn:
                del dn[key]
            dn[key] = DefinedName(key, attr_text=target)
        dn["垃圾名称"] = DefinedName("垃圾名称", attr_text="=1+1")

    add("r07-损坏的名称.xlsx", "名称指向 #REF!、区域、不存在的工作表", "沐川县总工会", 7, broken_names)
    values = good_values(8)
    long_unit = "峨边彝族自治县总工会" + "长" * 10_000
    path = folder / "r08-超长单位名.xlsx"
    plain_return(path, campaign, long_unit, values)
    cases.append(Case(path.name, "10,000 个字的填报单位", "reported", unit=long_unit, values={"A1.01A": values["A1.01A"]}))
    values = good_values(12)
    million = "乐山高新区工会" + "长" * 1_000_000
    path = folder / "r12-百万字单位名.xlsx"
    plain_return(path, campaign, million, values)
    # A cell holds at most 32,767 characters (Excel's limit): that much of the name is read.
    cases.append(Case(path.name, "1,000,000 个字的填报单位（名单比对只看前 200 个字，每个文件一次）", "reported",
                      unit=million[:32_767], values={"A1.01A": values["A1.01A"]}))
    # Numbers that are not numbers, and text that looks like formulas
    values = good_values(9)
    odd = {"A1.01A": -5, "A1.01B": 1e308, "A1.02A": "NaN", "A1.02B": "inf", "A1.03A": "1e999",
           "A1.03B": dt.date(2017, 1, 2), "A1.04A": INJECTIONS[0], "A1.04B": INJECTIONS[1], "A1.04C": INJECTIONS[2],
           "A1.04D": INJECTIONS[3]}
    values.update(odd)
    path = folder / "r09-奇怪的数值.xlsx"
    plain_return(path, campaign, "峨眉山市总工会", values, PERSON=INJECTIONS[4], PHONE=INJECTIONS[5])
    cases.append(Case(path.name, "负数、1e308、NaN/inf/1e999、日期、以 = + - @ 开头的文字", "reported",
                      unit="峨眉山市总工会", values={"A1.01A": -5, "A1.01B": 1e308}))
    path = folder / "r10-公式单位名.xlsx"
    plain_return(path, campaign, INJECTIONS[0], good_values(10))
    cases.append(Case(path.name, "填报单位为 “=1+2”", "reported", unit=INJECTIONS[0]))
    # A workbook embedded in the return that is itself a bomb: nothing opens embedded objects.
    path = folder / "r11-嵌入炸弹工作簿.xlsx"
    plain_return(path, campaign, "马边彝族自治县总工会", good_values(11))
    data = path.read_bytes()
    path.write_bytes(rewrite_zip(data, add={"xl/embeddings/Microsoft_Excel_Worksheet1.xlsx": bomb_zip(data, GB)}))
    cases.append(Case(path.name, "嵌入的工作簿本身是压缩炸弹", "reported", unit="马边彝族自治县总工会"))
