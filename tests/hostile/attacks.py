"""Second-round attacks (issue #12), built as an attacker builds them: raw zip members, XML spelled in
ways Excel never writes but XML allows, BIFF records and compound-file sectors by hand.

Each ``Attack`` says what the clerk must see. ``bare_calamine_dies`` marks those that kill (abort, panic)
or exhaust a bare python-calamine read: ``benchmarks/hostile.py --bare`` shows it, so the corpus keeps
real attacks, not guesses.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .corpus import SHEET1, SHEET_HEAD, biff8, ole2, rewrite_zip

SST = "xl/sharedStrings.xml"


@dataclass
class Attack:
    name: str
    kind: str
    words: tuple[str, ...]  # the reason must contain one of these
    build: Callable[[bytes], bytes]  # from a good return's bytes
    bare_calamine_dies: bool = False
    expect: str = "unusable"  # or "reported"


def _sheet(body: bytes) -> bytes:
    return SHEET_HEAD + b"<sheetData>" + body + b"</sheetData></worksheet>"


def _far_tab(sep: bytes) -> Callable[[bytes], bytes]:
    def build(good: bytes) -> bytes:
        body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="30000"><c' + sep + b'r="CW30000"><v>1</v></c></row>'
        return rewrite_zip(good, replace={SHEET1: _sheet(body)})
    return build


def _renamed_part(good: bytes) -> bytes:
    """The sheet part renamed ``sheet1.bin`` (the relationship still names it): no byte pattern looks there."""
    src = zipfile.ZipFile(io.BytesIO(good))
    rels = src.read("xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.bin")
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return rewrite_zip(good, replace={SHEET1: None, "xl/_rels/workbook.xml.rels": rels},
                       add={"xl/worksheets/sheet1.bin": _sheet(body)})


def _spaces_first(good: bytes) -> bytes:
    """64+ bytes of spaces before the XML: a 64-byte sniff sees no '<'."""
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    sheet = _sheet(body)
    _decl, rest = sheet.split(b"?>", 1)
    src = zipfile.ZipFile(io.BytesIO(good))
    rels = src.read("xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"worksheets/sheet1.dat")
    return rewrite_zip(good, replace={SHEET1: None, "xl/_rels/workbook.xml.rels": rels},
                       add={"xl/worksheets/sheet1.dat": b" " * 200 + rest})


def _prefixed(good: bytes) -> bytes:
    """Cells under a namespace prefix, tabs and newlines between attributes, single quotes."""
    body = (b"<x:row\n r='1'><x:c\tr='A1'><x:v>1</x:v></x:c></x:row>"
            b"<x:row\tr='900000'><x:c\n\tr\t=\t'ZZ900000'\ts='0'><x:v>1</x:v></x:c></x:row>")
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?>\n<x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
             b'spreadsheetml/2006/main"><x:sheetData>' + body + b"</x:sheetData></x:worksheet>")
    return rewrite_zip(good, replace={SHEET1: sheet})


def _unaddressed(good: bytes) -> bytes:
    """No addresses at all: 1,200 empty rows then one cell 2,000 columns out (positions follow calamine's)."""
    body = b"<row/>" * 1200 + b"<row>" + b"<c/>" * 2000 + b"<c><v>1</v></c></row>"
    return rewrite_zip(good, replace={SHEET1: _sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>' + body)})


def _unique_count(value: bytes) -> Callable[[bytes], bytes]:
    def build(good: bytes) -> bytes:
        ss = zipfile.ZipFile(io.BytesIO(good)).read(SST)
        head, rest = ss.split(b"<sst", 1)
        attrs, body = rest.split(b">", 1)
        import re

        attrs = re.sub(rb'\s(count|uniqueCount)="[^"]*"', b"", attrs)
        return rewrite_zip(good, replace={SST: head + b"<sst" + attrs + b' uniqueCount="' + value + b'">' + body})
    return build


def _shared_expansion(good: bytes) -> bytes:
    """One 8 MB shared string referenced by 4,000 cells: 32 GB once copied into each."""
    import random

    rng = random.Random(10)
    text = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(8 * 1024 * 1024 // 3)).encode()
    ss = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
          b'2006/main" count="4000" uniqueCount="1"><si><t>' + text + b"</t></si></sst>")
    rows = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r) for r in range(1, 4001))
    return rewrite_zip(good, replace={SST: ss, SHEET1: _sheet(rows)})


def _many_entries(count: int) -> Callable[[bytes], bytes]:
    """``count`` sheet entries all naming one part of 49,000 cells."""
    def build(good: bytes) -> bytes:
        src = zipfile.ZipFile(io.BytesIO(good))
        wb = src.read("xl/workbook.xml")
        rels = src.read("xl/_rels/workbook.xml.rels")
        entries = b"".join(b'<sheet name="S%d" sheetId="%d" r:id="rIdX%d"/>' % (i, i + 10, i) for i in range(count))
        links = b"".join(b'<Relationship Id="rIdX%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                         b'relationships/worksheet" Target="worksheets/big.xml"/>' % i for i in range(count))
        wb = wb.replace(b"</sheets>", entries + b"</sheets>")
        rels = rels.replace(b"</Relationships>", links + b"</Relationships>")
        cells = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>1</v></c>' % (c, r) for c in (b"A", b"B", b"C",
                         b"D", b"E", b"F", b"G")) + b"</row>" for r in range(1, 7001))
        return rewrite_zip(good, replace={"xl/workbook.xml": wb, "xl/_rels/workbook.xml.rels": rels},
                           add={"xl/worksheets/big.xml": _sheet(cells)})
    return build


def _styles_bomb(good: bytes) -> bytes:
    """100,000 fonts and 100,000 cell formats: openpyxl builds and de-duplicates each."""
    fonts = b"".join(b'<font><sz val="%d"/><name val="F%d"/></font>' % (i % 400 + 1, i) for i in range(100_000))
    xfs = b"".join(b'<xf numFmtId="0" fontId="%d" fillId="0" borderId="0"/>' % i for i in range(100_000))
    styles = (b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><fonts count="100000">' + fonts + b'</fonts><fills count="1"><fill>'
              b'<patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
              b'<cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="100000">' + xfs + b"</cellXfs></styleSheet>")
    return rewrite_zip(good, replace={"xl/styles.xml": styles})


def _merge_bomb(good: bytes) -> bytes:
    """One merged range over the whole sheet: openpyxl makes 17 billion MergedCell objects."""
    sheet = zipfile.ZipFile(io.BytesIO(good)).read(SHEET1)
    return rewrite_zip(good, replace={SHEET1: sheet.replace(b"</sheetData>", b'</sheetData><mergeCells count="1">'
                                                            b'<mergeCell ref="A300:XFD1048576"/></mergeCells>', 1)})


def _hyperlink_bomb(good: bytes) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(good)).read(SHEET1)
    links = b'<hyperlinks><hyperlink ref="A1:XFD1048576" location="A1"/></hyperlinks>'
    if b"<pageMargins" in sheet:
        sheet = sheet.replace(b"<pageMargins", links + b"<pageMargins", 1)
    else:
        sheet = sheet.replace(b"</worksheet>", links + b"</worksheet>", 1)
    return rewrite_zip(good, replace={SHEET1: sheet})


def _escaped_target(good: bytes) -> bytes:
    """The relationship spells its target with a character reference: calamine takes the raw bytes
    (a part literally named ``sheet&#49;.xml``), an XML parser the unescaped ``sheet1.xml``."""
    src = zipfile.ZipFile(io.BytesIO(good))
    rels = src.read("xl/_rels/workbook.xml.rels").replace(b"worksheets/sheet1.xml", b"worksheets/sheet&#49;.xml")
    body = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    return rewrite_zip(good, replace={"xl/_rels/workbook.xml.rels": rels}, add={"xl/worksheets/sheet&#49;.xml": _sheet(body)})


def _content_type_elsewhere(good: bytes) -> bytes:
    """openpyxl finds the workbook by content type, calamine by _rels/.rels: make them differ."""
    src = zipfile.ZipFile(io.BytesIO(good))
    ct = src.read("[Content_Types].xml").replace(b'PartName="/xl/workbook.xml"', b'PartName="/other/workbook.xml"')
    return rewrite_zip(good, replace={"[Content_Types].xml": ct}, add={"other/workbook.xml": src.read("xl/workbook.xml")})


def _deep(good: bytes) -> bytes:
    return rewrite_zip(good, add={"customXml/item1.xml": b"<a>" * 100_000 + b"</a>" * 100_000})


def _cell_bomb_openpyxl(good: bytes) -> bytes:
    """300,000 formatted empty cells: calamine keeps none, openpyxl builds each."""
    from wennuan_xl.core.workbook import column_letter

    letters = [column_letter(c).encode() for c in range(1, 15_001)]
    rows = b"".join(b'<row r="%d">' % r + b"".join(b'<c r="%s%d" s="1"/>' % (c, r) for c in letters) + b"</row>"
                    for r in range(2, 22))
    return rewrite_zip(good, replace={SHEET1: _sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>' + rows)})


# --- .ods ------------------------------------------------------------------------------------------------

ODS_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
            b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            b"<office:body><office:spreadsheet>")
ODS_TAIL = b"</office:spreadsheet></office:body></office:document-content>"
MANIFEST = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            b'opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type='
            b'"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml"'
            b' manifest:media-type="text/xml"/></manifest:manifest>')


def ods(content: bytes, manifest: bytes = MANIFEST) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _ods_table(rows: bytes) -> bytes:
    return ODS_HEAD + '<table:table table:name="附件1">'.encode() + rows + b"</table:table>" + ODS_TAIL


def _ods_repeat(_good: bytes) -> bytes:
    """A value repeated over 100 columns in a row repeated 500,000 times: 50 million cells (under calamine's
    own limit of 100 million, which it would still build: ~3 GB)."""
    cell = b'<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="100"/>'
    return ods(_ods_table(b'<table:table-row table:number-rows-repeated="500000">' + cell + b"</table:table-row>"))


def _ods_far(_good: bytes) -> bytes:
    """One value in A1 and one 1,000,000 rows and 60 columns further: the rectangle between them."""
    rows = (b'<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
            b'<table:table-row table:number-rows-repeated="999998"><table:table-cell/></table:table-row>'
            b'<table:table-row><table:table-cell table:number-columns-repeated="60"/>'
            b'<table:table-cell office:value-type="float" office:value="1"/></table:table-row>')
    return ods(_ods_table(rows))


def _ods_spaces(_good: bytes) -> bytes:
    """<text:s text:c="2000000000"/>: two billion spaces in one cell."""
    cell = (b'<table:table-cell office:value-type="string"><text:p>a<text:s text:c="2000000000"/>b</text:p>'
            b"</table:table-cell>")
    return ods(_ods_table(b"<table:table-row>" + cell + b"</table:table-row>"))


def _ods_encrypted(_good: bytes) -> bytes:
    manifest = MANIFEST.replace(b'media-type="text/xml"/>', b'media-type="text/xml"><manifest:encryption-data '
                                b'manifest:checksum-type="SHA1" manifest:checksum="x"/></manifest:file-entry>')
    return ods(_ods_table(b""), manifest)


# --- .xls ------------------------------------------------------------------------------------------------


def _xls_dimensions(_good: bytes) -> bytes:
    """A DIMENSIONS record whose last row is before its first: calamine's 32-bit subtraction wraps to
    four billion rows and it reserves rows x columns cells."""
    stream = biff8([("附件1", {(0, 0): 1.0})])
    dims = struct.pack("<HHIIHHH", 0x0200, 14, 5, 1, 0, 200, 0)
    at = stream.index(struct.pack("<HH", 0x0200, 14))
    stream = stream[:at] + dims + stream[at + 18 :]
    return ole2(stream)


def _xls_sst_count(_good: bytes) -> bytes:
    stream = biff8([("附件1", {(0, 0): 1.0})])
    sst = struct.pack("<HHII", 0x00FC, 8 + 4, 0xFFFFFFF0, 0xFFFFFFF0) + struct.pack("<HBB", 1, 0, ord("x"))
    eof = stream.index(struct.pack("<HH", 0x000A, 0))
    return ole2(_shift_sheets(stream, eof, sst))


def _shift_sheets(stream: bytes, at: int, insert: bytes) -> bytes:
    """Insert bytes into the globals and move every BOUNDSHEET position (old and inserted) on by their length."""
    out = bytearray(stream[:at] + insert + stream[at:])
    pos = 0
    while pos + 4 <= len(out):
        typ, length = struct.unpack_from("<HH", out, pos)
        if typ == 0x0085:
            (p,) = struct.unpack_from("<I", out, pos + 4)
            struct.pack_into("<I", out, pos + 4, p + len(insert))
        if typ == 0x000A:
            break
        pos += 4 + length
    return bytes(out)


def _xls_boundsheets(_good: bytes) -> bytes:
    """1,000 sheet entries pointing at one substream."""
    stream = biff8([("附件1", {(0, 0): 1.0})])
    at = stream.index(struct.pack("<H", 0x0085))
    length = struct.unpack_from("<H", stream, at + 2)[0]
    record = stream[at : at + 4 + length]
    rec = bytearray()
    for i in range(1000):
        name = f"S{i}".encode()
        body = record[4:10] + bytes([len(name), 0]) + name
        rec += struct.pack("<HH", 0x0085, len(body)) + body
    return ole2(_shift_sheets(stream, at + 4 + length, bytes(rec)))


def _xls_filepass(_good: bytes) -> bytes:
    stream = biff8([("附件1", {(0, 0): 1.0})])
    bof_end = 4 + struct.unpack_from("<H", stream, 2)[0]
    filepass = struct.pack("<HHHHH", 0x002F, 6, 1, 1, 1)
    return ole2(_shift_sheets(stream, bof_end, filepass))


def _cfb_loop(_good: bytes) -> bytes:
    """The directory's sector chain points back at itself: calamine follows it for ever."""
    data = bytearray(ole2(biff8([("附件1", {(0, 0): 1.0})])))
    dir_start = struct.unpack_from("<I", data, 48)[0]
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    struct.pack_into("<I", data, 512 + fat_sector * 512 + dir_start * 4, dir_start)
    return bytes(data)


def _cfb_difat_len(_good: bytes) -> bytes:
    """The misread DIFAT length field set to four billion: calamine reserves 16 GB for it."""
    data = bytearray(ole2(biff8([("附件1", {(0, 0): 1.0})])))
    struct.pack_into("<I", data, 62, 0xFFFFFFF0)
    return bytes(data)


def _polyglot(good: bytes) -> bytes:
    """An .xls with an .xlsx appended: when the .xls reader fails calamine opens the zip."""
    return ole2(b"\x00" * 64) + good


def _xlsb(good: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        z.writestr("_rels/.rels", b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   b'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
                   b'2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>')
        z.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return out.getvalue()


def _zip_ods_and_xlsx(good: bytes) -> bytes:
    return rewrite_zip(good, add={"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                  "META-INF/manifest.xml": MANIFEST, "content.xml": _ods_table(b"")})


def _bare_member_bomb(good: bytes) -> bytes:
    """A relationship-less member that is XML only by its first bytes, inflating to 20 MB of elements."""
    return rewrite_zip(good, add={"xl/media/image9.png": b"<x>" + b"".join(b'<y n="%d"/>' % i for i in range(1_500_000)) + b"</x>"})


ATTACKS: list[Attack] = [
    Attack("x01-工作表部件不叫xml.xlsx", "工作表部件改名 sheet1.bin，XFD1048576 有值", ("XFD1048576", "范围"), _renamed_part, True),
    Attack("x02-工作表以空格开头.xlsx", "工作表部件改名且以 200 个空格开头，XFD1048576 有值", ("XFD1048576", "范围"), _spaces_first, True),
    Attack("x03-制表符分隔属性.xlsx", '<c\\tr="CW30000">（制表符代替空格）', ("CW30000", "范围"), _far_tab(b"\t")),
    Attack("x04-换行分隔属性.xlsx", '<c\\nr="CW30000">（换行代替空格）', ("CW30000", "范围"), _far_tab(b"\n")),
    Attack("x05-命名空间前缀.xlsx", "带前缀、单引号、制表符与换行的单元格，ZZ900000 有值", ("ZZ900000", "范围"), _prefixed),
    Attack("x06-无地址单元格.xlsx", "无地址的行与单元格，位置按读取程序推算", ("范围",), _unaddressed),
    Attack("x07-共享字符串万亿.xlsx", 'sharedStrings uniqueCount="1000000000000"', ("共享字符串",), _unique_count(b"1000000000000"), True),
    Attack("x08-共享字符串负数.xlsx", 'uniqueCount="-1"', ("共享字符串",), _unique_count(b"-1")),
    Attack("x09-共享字符串u64.xlsx", 'uniqueCount="18446744073709551615"', ("共享字符串",), _unique_count(b"18446744073709551615"), True),
    Attack("x10-共享字符串复制.xlsx", "一个 8 MB 的共享字符串被 4,000 个单元格引用", ("文字内容",), _shared_expansion, True),
    Attack("x11-千个工作表指向一处.xlsx", "1,000 个工作表条目指向同一个 49,000 格的部件", ("工作表", "同一部件"), _many_entries(1000), True),
    Attack("x12-万个工作表指向一处.xlsx", "10,000 个工作表条目指向同一部件", ("工作表", "同一部件"), _many_entries(10_000), True),
    Attack("x13-样式炸弹.xlsx", "100,000 个字体与 100,000 个单元格格式", ("样式炸弹",), _styles_bomb),
    Attack("x14-合并单元格炸弹.xlsx", "一个合并区域覆盖整张表", ("合并单元格",), _merge_bomb),
    Attack("x15-超链接范围炸弹.xlsx", "一个超链接覆盖整张表", ("超链接",), _hyperlink_bomb),
    Attack("x16-关系目标含转义.xlsx", "关系目标写成 sheet&#49;.xml（两种理解指向不同部件）", ("转义",), _escaped_target),
    Attack("x17-内容类型另指工作簿.xlsx", "内容类型表指向另一个工作簿部件", ("不同的工作簿",), _content_type_elsewhere),
    Attack("x18-十万层嵌套.xlsx", "一个 XML 部件嵌套 100,000 层", ("嵌套",), _deep),
    Attack("x19-三十万空单元格.xlsx", "300,000 个设了格式的空单元格（openpyxl 逐个建对象）", ("单元格记录",), _cell_bomb_openpyxl),
    Attack("x20-图片名下的XML.xlsx", "名为 image9.png 的部件实为 20 MB 的 XML", ("XML 元素", "解压后超过"), _bare_member_bomb),
    Attack("x21-同时是ods与xlsx.xlsx", "同一个压缩包既是 .xlsx 又是 .ods", ("两种格式",), _zip_ods_and_xlsx),
    Attack("x22-xlsb改名.xlsx", ".xlsb 改名为 .xlsx", (".xlsb",), _xlsb),
    Attack("x30-ods重复炸弹.ods", ".ods：一个值重复 16,384 列 × 1,048,576 行", ("范围", "单元格"), _ods_repeat, True),
    Attack("x31-ods远处的值.ods", ".ods：A1 与 100 万行、16,000 列外各有一个值", ("范围",), _ods_far, True),
    Attack("x32-ods二十亿空格.ods", ".ods：<text:s text:c=\"2000000000\"/>", ("文字内容",), _ods_spaces, True),
    Attack("x33-ods加密.ods", ".ods 设有密码", ("密码",), _ods_encrypted),
    Attack("x40-xls尺寸记录回绕.xls", ".xls：DIMENSIONS 末行在首行之前（32 位回绕为 40 亿行）", ("尺寸记录",), _xls_dimensions, True),
    Attack("x41-xls共享字符串计数.xls", ".xls：SST 声明 42 亿个字符串", ("共享字符串",), _xls_sst_count),
    Attack("x42-xls千个工作表.xls", ".xls：1,000 个工作表条目指向同一段数据", ("工作表",), _xls_boundsheets),
    Attack("x43-xls设有密码.xls", ".xls：FILEPASS（设有打开密码）", ("密码",), _xls_filepass),
    Attack("x44-xls扇区链成环.xls", ".xls：目录的扇区链指回自身", ("循环",), _cfb_loop, True),
    Attack("x45-xls分配表长度.xls", ".xls：DIFAT 长度字段为 40 亿", ("分配表",), _cfb_difat_len),
    Attack("x46-xls夹带压缩包.xls", ".xls 后面接一个 .xlsx", ("压缩包",), _polyglot),
]


def build_attacks(folder: Path, good: bytes) -> list[Attack]:
    for a in ATTACKS:
        (folder / a.name).write_bytes(a.build(good))
    return ATTACKS
