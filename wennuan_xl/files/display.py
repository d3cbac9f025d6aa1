"""Cells that show something else than the value they store, which python-calamine reads as stored.

A person reads what Excel shows; the readers get the stored value. They differ where a cell's number format or
font changes what is seen:

- a percent format: 87.55 typed into a cell formatted ``0.00%`` is stored as 0.8755 and shown as 87.55%;
- a format that moves the decimal point or scales: ``0!.0000`` shows 470700 (元) as 47.0700 (the Chinese way of
  showing 元 as 万元), ``#,##0,`` shows thousands;
- a format that shows nothing (``;;;``, ``"";"";""``) or shows it in white (``[White]``), a white font on no fill;
- a struck-through font: the clerk struck the figure out (and typed the right one elsewhere);
- a shared string with struck-through or superscript runs: ``~~70~~ 76`` and ``963¹`` are one text to calamine,
  ``70 76`` or ``9631``, and white runs (a white ``1`` before ``26``); the same runs written inline in the cell
  (``t="inlineStr"``, as scripts write rich text). A cell written without a style has style 0.

The locator refuses a field whose cell is one of these (F-LOCATE-SHOWN, naming the cell and why), so this lists
them from the workbook's styles, shared strings and worksheets, which the guard has checked. Looked for only
when the styles hold such a format or font, or the shared strings such a run (decided once per distinct
styles part: the returns of one template share theirs).
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Container, Mapping

from ..core.workbook import column_index
from .guard_ole import shared_string_runs
from .visibility import biff_sheets, biff_stream

Shown = tuple[tuple[int, int, str], ...]  # (row, col, why), 1-based

_XF_BLOCK = re.compile(rb"<(?:\w+:)?cellXfs\b[^>]*+(?<!/)>(.*?)</(?:\w+:)?cellXfs\s*>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf\b([^>]*?)/?>")
_FONTS_BLOCK = re.compile(rb"<(?:\w+:)?fonts\b[^>]*+(?<!/)>(.*?)</(?:\w+:)?fonts\s*>", re.S)
_FONT = re.compile(rb"<(?:\w+:)?font\b[^>]*+(?:(?<=/)>|(?<!/)>(.*?)</(?:\w+:)?font\s*>)", re.S)
_STRIKE = re.compile(rb"<(?:\w+:)?strike\b(?![^>]*\bval=\"(?:0|false)\")[^>]*/?>")
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt\b([^>]*?)/?>")
_ATTR = re.compile(rb"([\w:]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_QUOTED = re.compile(r'"[^"]*+"|\\.|\[[^\]\[]*+\]')
_SI = re.compile(rb"<(?:\w+:)?si\b[^>]*+(?:(?<=/)>|(?<!/)>(.*?)</(?:\w+:)?si\s*>)", re.S)  # <si/>: an empty one
# White, as Excel, WPS and scripts write it: an RGB of FFFFFF (any alpha), the theme's first colour (Background 1)
# without a tint, the old palette's index 9.
_WHITE = (rb"<(?:\w+:)?color\b(?:[^>]*\brgb=[\"'](?:[0-9A-F]{2})?FFFFFF[\"']|[^>]*\bindexed=[\"']9[\"']"
          rb"|(?![^>]*\btint=)[^>]*\btheme=[\"']0[\"'])")
_RUN_SIGNS = re.compile(rb"<(?:\w+:)?strike\b(?![^>]*\bval=[\"'](?:0|false)[\"'])|<(?:\w+:)?vertAlign\b[^>]*val=[\"']su(?:per|b)script[\"']"
                        rb"|" + _WHITE, re.I)
_WHITE_FONT = re.compile(_WHITE, re.I)
_RUN_WORDS = (b"strike", b"vertAlign", b"FFFFFF", b"ffffff", b"theme=", b"indexed=")  # what the marks above spell
_FILLS_BLOCK = re.compile(rb"<(?:\w+:)?fills\b[^>]*+(?<!/)>(.*?)</(?:\w+:)?fills\s*>", re.S)
_FILL = re.compile(rb"<(?:\w+:)?fill\b[^>]*+(?:(?<=/)>|(?<!/)>(.*?)</(?:\w+:)?fill\s*>)", re.S)
_PATTERN = re.compile(rb"patternType=[\"'](?!none[\"']|gray125[\"'])\w+[\"']|<(?:\w+:)?gradientFill\b")
_PERCENT_IDS = {b"9", b"10"}
_CACHE: dict[bytes, dict[int, str]] = {}
_CACHE_MAX = 64


def _attrs(text: bytes) -> dict[bytes, bytes]:
    return {m.group(1).rpartition(b":")[2]: m.group(2) if m.group(2) is not None else m.group(3) for m in _ATTR.finditer(text)}


_DATE_PARTS = re.compile(r"[yYmMdDhHsS]")
_PLACES = re.compile(r"[0#?]")


_MAX_FORMAT = 255  # characters Excel allows in a number format


@functools.lru_cache(maxsize=1024)
def _format_says(code: str) -> str | None:
    """Why a custom number format shows something else than the number, or None. A date or time format
    (``yyyy\\.mm\\.dd``: its dots are separators) shows a date, not a figure moved."""
    if len(code) > _MAX_FORMAT:
        return f"单元格格式异常（{len(code):,} 个字符，Excel 的格式最多 255 个字符）"
    plain = _QUOTED.sub("", code)
    if _DATE_PARTS.search(plain) and not _PLACES.search(plain.split(";")[0]):
        return None
    if "!." in code or "\\." in code or '"."' in code:
        return f"单元格格式“{code}”移动了小数点显示（如把元显示为万元）"
    bare = re.sub(r"!.", "", _QUOTED.sub("", code))  # text in quotes, escaped characters and [colours] say nothing
    if "%" in bare:
        return f"单元格格式“{code}”按百分比显示"
    if re.search(r"[0#?],+(?![0#?,])", bare.split(";")[0]):
        return f"单元格格式“{code}”把数按千或百万缩小显示"
    sections = code.split(";")
    if len(sections) >= 3 and not any(s.replace('""', "").strip() for s in sections[:3]):
        return f"单元格格式“{code}”不显示任何内容"
    if "[white]" in sections[0].lower() or "[color2]" in sections[0].lower():
        return f"单元格格式“{code}”把数字显示为白色"
    return None


def suspicious_styles(styles: bytes) -> dict[int, str]:
    """Cell style (xf) index -> why cells of that style show something else than their value."""
    cached = _CACHE.get(styles)
    if cached is not None:
        return cached
    formats: dict[bytes, str] = {}
    for m in _NUMFMT.finditer(styles):
        a = _attrs(m.group(1))
        if b"numFmtId" in a and b"formatCode" in a:
            formats[a[b"numFmtId"]] = html.unescape(a[b"formatCode"].decode("utf-8", "replace"))
    struck: set[bytes] = set()
    white: set[bytes] = set()
    block = _FONTS_BLOCK.search(styles)
    if block is not None:
        for i, m in enumerate(_FONT.finditer(block.group(1))):
            if m.group(1) and _STRIKE.search(m.group(1)):
                struck.add(str(i).encode())
            if m.group(1) and _WHITE_FONT.search(m.group(1)):
                white.add(str(i).encode())
    filled: set[bytes] = set()  # fills a white figure shows on (a solid colour, a pattern, a gradient)
    fills = _FILLS_BLOCK.search(styles) if white else None
    if fills is not None:
        filled = {str(i).encode() for i, m in enumerate(_FILL.finditer(fills.group(1))) if m.group(1) and _PATTERN.search(m.group(1))}
    out: dict[int, str] = {}
    xfs = _XF_BLOCK.search(styles)
    if xfs is not None:
        for i, m in enumerate(_XF.finditer(xfs.group(1))):
            a = _attrs(m.group(1))
            reasons = []
            fmt = a.get(b"numFmtId", b"0")
            if fmt in _PERCENT_IDS:
                reasons.append("单元格格式按百分比显示")
            elif fmt in formats:
                said = _format_says(formats[fmt])
                if said:
                    reasons.append(said)
            if a.get(b"fontId", b"0") in struck:
                reasons.append("数字加了删除线")
            if a.get(b"fontId", b"0") in white and a.get(b"fillId", b"0") not in filled:
                reasons.append("数字是白色，看不见")
            if reasons:
                out[i] = "，".join(reasons)
    if len(_CACHE) < _CACHE_MAX:
        _CACHE[styles] = out
    return out


def marked_strings(strings: bytes | None) -> dict[int, str]:
    """Shared string index -> why, for strings with struck-through or superscript/subscript runs."""
    if not strings or not any(w in strings for w in _RUN_WORDS) or not _RUN_SIGNS.search(strings):
        return {}
    out: dict[int, str] = {}
    for i, m in enumerate(_SI.finditer(strings)):
        why = _runs_say(m.group(1) or b"")
        if why:
            out[i] = why
    return out


def _runs_say(body: bytes) -> str | None:
    """Why a rich text (an <si> or an inline <is>) shows other digits than its text joined, or None."""
    if b"<r>" in body or b":r>" in body or b"<r " in body:
        signs = [s.lower() for s in _RUN_SIGNS.findall(body)]
        if any(b"strike" in s for s in signs):
            return "部分文字加了删除线"
        if any(b"vertalign" in s for s in signs):
            return "部分文字是上标或下标（如注释序号）"
        if signs:
            return "部分文字是白色，看不见"
    return None


_CELL = re.compile(rb'<(?:\w+:)?c\b([^<>]*?)(/?)>')  # any prefix, the attributes in any order
_R = re.compile(rb"\sr=[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")
_CELL_END = re.compile(rb"</(?:\w+:)?c\s*>")
_S = re.compile(rb"\ss=[\"']([0-9]+)[\"']")
_T_SHARED = re.compile(rb"\st=[\"']s[\"']")
_V = re.compile(rb"\s*<(?:\w+:)?v>([0-9]+)</(?:\w+:)?v\s*>")
_INLINE = re.compile(rb"\st=[\"']inlineStr[\"']")


def shown_otherwise(sheets: Mapping[str, bytes], styles: bytes | None, strings: bytes | None,
                    skip: Container[str] = (), inline: bool = False) -> dict[str, Shown]:
    """Sheet name -> its cells that show something else than they store (see the module's docstring).
    ``inline``: look into the cells' inline rich text too (the guard saw its words in a worksheet)."""
    by_style = suspicious_styles(styles) if styles else {}
    by_string = marked_strings(strings)
    if not by_style and not by_string and not inline:
        return {}
    out: dict[str, Shown] = {}
    for name, xml in sheets.items():
        if name in skip:
            continue
        found: list[tuple[int, int, str]] = []
        for m in _CELL.finditer(xml):
            attrs = b" " + m.group(1)
            ref = _R.search(attrs)
            if ref is None:
                continue  # a cell without an address (no program we know writes one)
            why = None
            if by_style:
                s = _S.search(attrs)
                why = by_style.get(int(s.group(1)) if s is not None else 0)  # a cell without s= has style 0
            if by_string and m.group(2) != b"/" and _T_SHARED.search(attrs):
                v = _V.match(xml, m.end())
                if v is not None and int(v.group(1)) in by_string:
                    why = "，".join(x for x in (why, by_string[int(v.group(1))]) if x)
            if inline and m.group(2) != b"/" and _INLINE.search(attrs):
                end = _CELL_END.search(xml, m.end())
                runs = _runs_say(xml[m.end() : end.start() if end is not None else len(xml)])
                if runs:
                    why = "，".join(x for x in (why, runs) if x)
            if why:
                found.append((int(ref.group(2)), column_index(ref.group(1).decode()), why))
        if found:
            out[name] = tuple(found)
    return out


# --- .xls (BIFF8): the same from the FORMAT, FONT and XF records and each cell record's XF index ----------

_BIFF_CELLS = {0x0203: "number", 0x027E: "rk", 0x00FD: "labelsst", 0x0204: "label", 0x0006: "formula", 0x00BD: "mulrk"}


def _biff_string(body: bytes, pos: int) -> str:
    """An XLUnicodeString (2-byte count, flags, characters) at ``pos``."""
    cch, flags = int.from_bytes(body[pos : pos + 2], "little"), body[pos + 2]
    raw = body[pos + 3 : pos + 3 + cch * (2 if flags & 1 else 1)]
    return raw.decode("utf-16-le" if flags & 1 else "latin-1", "replace")


def _marked_xls_strings(string_runs: list[bytes], struck: set[int], script: set[int]) -> dict[int, str]:
    """Shared string index -> why, for the strings with a run in a struck-through or superscript font."""
    out: dict[int, str] = {}
    if not struck and not script:
        return out
    for i, runs in enumerate(string_runs):
        used = {int.from_bytes(runs[k + 2 : k + 4], "little") for k in range(0, len(runs) - 3, 4)}
        if used & struck:
            out[i] = "部分文字加了删除线"
        elif used & script:
            out[i] = "部分文字是上标或下标（如注释序号）"
    return out


def shown_otherwise_xls(data: bytes) -> dict[str, Shown]:
    """Sheet name -> its cells whose format or font shows another figure than they store, for an .xls."""
    biff = biff_stream(data)
    if biff is None:
        return {}
    formats: dict[int, str] = {}
    struck_fonts: set[int] = set()
    script_fonts: set[int] = set()  # superscript or subscript
    string_runs: list[bytes] = []
    fonts = 0
    xf_why: dict[int, str] = {}
    xfs = 0
    pos, n = 0, len(biff)
    first_bof = True
    while pos + 4 <= n:
        rtype, length = int.from_bytes(biff[pos : pos + 2], "little"), int.from_bytes(biff[pos + 2 : pos + 4], "little")
        body = biff[pos + 4 : pos + 4 + length]
        if rtype == 0x0809:  # BOF: the globals end where the first sheet begins
            if not first_bof:
                break
            first_bof = False
        elif rtype == 0x041E and length >= 5:  # FORMAT
            formats[int.from_bytes(body[:2], "little")] = _biff_string(body, 2)
        elif rtype == 0x0031 and length >= 4:  # FONT (index 4 is never used)
            if fonts == 4:
                fonts += 1
            if int.from_bytes(body[2:4], "little") & 0x0008:
                struck_fonts.add(fonts)
            if length >= 10 and int.from_bytes(body[8:10], "little") in (1, 2):
                script_fonts.add(fonts)
            fonts += 1
        elif rtype == 0x00FC:  # SST, its CONTINUE records after it
            conts, at = [], pos + 4 + length
            while at + 4 <= n and int.from_bytes(biff[at : at + 2], "little") == 0x003C:
                clen = int.from_bytes(biff[at + 2 : at + 4], "little")
                conts.append(biff[at + 4 : at + 4 + clen])
                at += 4 + clen
            string_runs = shared_string_runs(body, conts)
        elif rtype == 0x00E0 and length >= 4:  # XF
            font, fmt = int.from_bytes(body[:2], "little"), int.from_bytes(body[2:4], "little")
            reasons = []
            if fmt in (9, 10):
                reasons.append("单元格格式按百分比显示")
            elif fmt in formats and (said := _format_says(formats[fmt])):
                reasons.append(said)
            if font in struck_fonts:
                reasons.append("数字加了删除线")
            if reasons:
                xf_why[xfs] = "，".join(reasons)
            xfs += 1
        pos += 4 + length
    string_why = _marked_xls_strings(string_runs, struck_fonts, script_fonts)
    if not xf_why and not string_why:
        return {}
    out: dict[str, Shown] = {}
    for name, offset, end in biff_sheets(biff):
        found: list[tuple[int, int, str]] = []
        pos = offset
        while pos + 4 <= end:
            rtype, length = int.from_bytes(biff[pos : pos + 2], "little"), int.from_bytes(biff[pos + 2 : pos + 4], "little")
            if pos + 4 + length > end:
                break  # a record cut short: nothing more of this sheet
            kind = _BIFF_CELLS.get(rtype)
            if kind == "mulrk" and length >= 6:
                row, col = int.from_bytes(biff[pos + 4 : pos + 6], "little"), int.from_bytes(biff[pos + 6 : pos + 8], "little")
                for i in range((length - 6) // 6):
                    xf = int.from_bytes(biff[pos + 8 + 6 * i : pos + 10 + 6 * i], "little")
                    if xf in xf_why:
                        found.append((row + 1, col + i + 1, xf_why[xf]))
            elif kind is not None and length >= 6:
                row, col, xf = (int.from_bytes(biff[pos + 4 + 2 * j : pos + 6 + 2 * j], "little") for j in range(3))
                why = xf_why.get(xf)
                if kind == "labelsst" and length >= 10:
                    runs = string_why.get(int.from_bytes(biff[pos + 10 : pos + 14], "little"))
                    if runs and not (why and "删除线" in why and "删除线" in runs):  # said once
                        why = "，".join(x for x in (why, runs) if x)
                if why:
                    found.append((row + 1, col + 1, why))
            pos += 4 + length
        if found:
            out[name] = tuple(found)
    return out
