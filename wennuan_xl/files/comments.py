"""Cell comments (批注) that hold a figure, which python-calamine does not report.

A unit sometimes leaves a cell empty and writes the figure in its comment ("26户（劳模名单另附）"): a person
hovering over the red triangle reads 26, the readers read a blank. Whether the figure was meant for the cell
cannot be known, so the locator refuses a field whose cell is empty and whose comment holds a figure — digits other
than a year, a date, a phone number or an annex's number, or a count in Chinese numerals (二十六户) — quoting the
comment without what Excel adds to it (the author's name, a threaded comment's note): F-LOCATE-COMMENT. A
comment on a filled cell is an explanation and is left alone.

Read from the workbook's comments parts (an .xlsx: each sheet's relationship of type ``comments``; Excel names
the part ``xl/comments1.xml``, openpyxl ``xl/comments/comment1.xml``) or, for an .xls, from its NOTE records
and the TXO records holding their text, after the guard has passed the file.
"""

from __future__ import annotations

import html
import posixpath
import re
import struct
from collections.abc import Container

from .visibility import biff_sheets, biff_stream, relationship_targets, sheet_members

Comments = tuple[tuple[int, int, str], ...]  # (row, col, text), 1-based

_COMMENT = re.compile(rb"<(?:\w+:)?comment\b([^>]*)>(.*?)</(?:\w+:)?comment\s*>", re.S)
_REF = re.compile(rb"\sref=[\"']\$?([A-Z]{1,3})\$?([0-9]{1,7})[\"']")
_T = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)</(?:\w+:)?t\s*>")
_LOOKED_AT = 1_000  # characters of a comment looked into: a figure for a cell is written near its start
_DIGIT = re.compile(r"\d")
# What Excel adds to a comment's text: its author's name as a first line ("张三:"), and for a threaded comment
# (Excel 365) a note about it with a link, before "Comment:".
_AUTHOR_LINE = re.compile(r"^[^\n:：]{1,60}:[ \t]*\r?\n")  # Excel's and WPS's: an ASCII colon
_THREADED = re.compile(r"^\s*\[Threaded comment\].*?\n\s*Comment:\s*\n?", re.S)
# Digits that are no figure for the cell: a link, a year, a date, a document's number, a phone number, a sheet,
# annex or row's number (04(D), A1.05A), a number of decimals to keep. Not an amount: "2012.5元", "4323000元".
_NOT_MONEY = r"(?!\s*(?:万?元|户|人|个))"
_NOT_FIGURES = re.compile(
    r"https?://\S+|\b(?:linkid|id)=\w+"
    r"|[〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*\d+\s*号"
    r"|(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])(?:[-/.](?:0?[1-9]|[12]\d|3[01]))?(?!\d)" + _NOT_MONEY
    + r"|(?:19|20)?\d\d\s*年|\d{1,2}\s*[-~～至到]\s*\d{1,2}\s*月|\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?|\d{1,2}\s*[日号]"
    r"|(?<!\d)(?:0\d{2,3}-?)?\d{7,8}(?!\d)" + _NOT_MONEY + r"|(?<!\d)1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)"
    r"|(?:附件|附表|见表|第)\s*\d+|(?<!\d)\d{2}\s*[（(][A-La-l][)）]|(?<![A-Za-z0-9])A[12][._]\d{2}[A-La-l]?(?![A-Za-z0-9])"
    r"|保留\s*\d+\s*位(?:小数)?|(?<!\d)\d++\s*+位小数"
)
# A count or an amount in Chinese numerals (二十六户, 五人, 三百元, 贰万肆仟壹佰元, 十余户): 一, 百, 千 or 万 alone is
# left (一线, 一次性, 万元), and 两 is a figure only before 户, 人, 名 or 家 (两节 is the festivals).
_NUMERALS = "一二三四五六七八九十两百千万零〇壹贰叁肆伍陆柒捌玖拾佰仟"
_CHINESE_FIGURE = re.compile(
    rf"(?:两\s*[户人名家]|(?<![{_NUMERALS}])(?:[二三四五六七八九十壹贰叁肆伍陆柒捌玖拾]|[{_NUMERALS}]{{2,}}+)\s*+(?:余|多)?\s*+"
    r"(?:户|人|个|元|万元|家|辆|张|列|台|件|名|批|场|项|所|条|位|车厢))")
_SHOWN_MAX = 60  # characters of a comment quoted in a message


def _column(letters: str) -> int:
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col


def with_figures(found: list[tuple[int, int, str]]) -> Comments:
    out = []
    for r, c, t in found:
        text = _AUTHOR_LINE.sub("", _THREADED.sub("", t[: _LOOKED_AT + 400]), count=1)[:_LOOKED_AT]
        bare = _NOT_FIGURES.sub("", text)
        if _DIGIT.search(bare) or _CHINESE_FIGURE.search(bare):
            out.append((r, c, " ".join(text.split())[:_SHOWN_MAX]))
    return tuple(out)


def comments_xlsx(data: bytes, skip: Container[str] = ()) -> dict[str, Comments]:
    """Sheet name -> its comments that hold a digit, for an .xlsx already passed by the guard."""
    out: dict[str, Comments] = {}
    parsed: dict[str, list[tuple[int, int, str]]] = {}  # a comments part is read once, however often it is named
    for name, part, _xml, zf in sheet_members(data, skip):
        folder, leaf = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{leaf}.rels")
        try:
            rels = zf.read(rels_name)
        except KeyError:
            continue
        found: list[tuple[int, int, str]] = []
        targets = {target for target, kind in relationship_targets(rels, folder).values() if kind.endswith("/comments")}
        for target in sorted(targets):
            if target not in parsed:
                try:
                    parsed[target] = _comments_part(zf.read(target))
                except KeyError:
                    parsed[target] = []
            found += parsed[target]
        if kept := with_figures(found):
            out[name] = kept
    return out


def _comments_part(xml: bytes) -> list[tuple[int, int, str]]:
    found = []
    for m in _COMMENT.finditer(xml):
        ref = _REF.search(m.group(1))
        if ref is not None:
            text = html.unescape(b"".join(_T.findall(m.group(2))[:64]).decode("utf-8", "replace")[: _LOOKED_AT * 2])
            found.append((int(ref.group(2)), _column(ref.group(1).decode()), text))
    return found


def comments_xls(data: bytes) -> dict[str, Comments]:
    """Sheet name -> its comments that hold a digit, for an .xls (BIFF8): each NOTE record names its cell and
    the object whose TXO record (and the CONTINUE after it) holds the text."""
    biff = biff_stream(data)
    if biff is None:
        return {}
    out: dict[str, Comments] = {}
    for name, offset, end in biff_sheets(biff):
        texts: dict[int, str] = {}
        notes: list[tuple[int, int, int]] = []
        obj = -1
        pos = offset
        while pos + 4 <= end:
            rtype, length = struct.unpack_from("<HH", biff, pos)
            if pos + 4 + length > end:
                break  # a record cut short: nothing more of this sheet
            body = biff[pos + 4 : pos + 4 + length]
            if rtype == 0x005D and len(body) >= 8 and struct.unpack_from("<H", body)[0] == 0x0015:  # OBJ: ftCmo
                obj = struct.unpack_from("<H", body, 6)[0]
            elif rtype == 0x01B6 and len(body) >= 12 and obj >= 0:  # TXO: the text in the CONTINUE after it
                cch = struct.unpack_from("<H", body, 10)[0]
                after = pos + 4 + length
                if cch and after + 5 <= end and struct.unpack_from("<H", biff, after)[0] == 0x003C:
                    clen = struct.unpack_from("<H", biff, after + 2)[0]
                    cont = biff[after + 4 : after + 4 + clen]
                    if not cont:
                        pos += 4 + length
                        continue  # an empty CONTINUE: no text
                    wide = cont[0] & 1
                    texts[obj] = cont[1 : 1 + cch * (2 if wide else 1)].decode("utf-16-le" if wide else "latin-1",
                                                                             "replace")
            elif rtype == 0x001C and len(body) >= 8:  # NOTE: rw, col, grbit, idObj
                row, col, _flags, ident = struct.unpack_from("<HHHH", body)
                notes.append((row + 1, col + 1, ident))
            pos += 4 + length
        if kept := with_figures([(r, c, texts[i]) for r, c, i in notes if i in texts]):
            out[name] = kept
    return out
