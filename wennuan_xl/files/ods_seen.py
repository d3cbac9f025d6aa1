"""What an .ods shows that python-calamine does not report: comments, marked runs, formats and fonts.

python-calamine gives an .ods cell's stored value and the text of its paragraphs joined, nothing of how they
look. A person reads what LibreOffice or WPS shows, so, as for an .xlsx (``display.py``, ``comments.py``),
the locator must hear of

- a number shown otherwise than stored. An .ods keeps beside each number (``office:value``) the text the
  saving program displayed (``<text:p>``): 0.8755 shown as ``87.55%``, 470700 as ``47.0700`` (元 as 万元),
  ``471`` (thousands) or ``47.07万``. The two are compared, whatever the format's spelling; a displayed text
  that is the value rounded to its shown decimals is the same figure. A percentage cell is always one
  (its figure is read ×100). A file written by a program that displays nothing (no ``<text:p>``) is judged
  by its data style alone: a scale (``number:display-factor``) or a style that shows no number;
- a cell's font struck through, or white on no fill;
- runs (``<text:span>``) struck through, raised or lowered (``style:text-position``: a footnote's ``¹``)
  or white: ``~~1200~~ 1319`` and ``13666¹`` are ``1200 1319`` and ``136661`` to calamine;
- a comment (``<office:annotation>``) holding a figure (filtered as ``comments.py`` filters an .xlsx's).

Read with expat, namespaces resolved (the prefixes are the writer's choice), over styles.xml and content.xml
after the guard has passed the file; the rows and columns are counted as the guard and calamine count them
(repeats expanded, covered cells included). Cells inside a cell (a sub-table) are the cell's content.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import zipfile
from collections.abc import Container
from dataclasses import dataclass, field
from xml.parsers import expat

from . import limits as L
from .comments import Comments, with_figures
from .display import Shown
from .style import WHITE

_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
_FO = "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
_NUMBER = "urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0"
_SEP = "}"


def _q(ns: str, local: str) -> str:
    return ns + _SEP + local


_TABLE_EL, _ROW, _CELL, _COVERED, _COLUMN = (_q(_TABLE, x) for x in
                                             ("table", "table-row", "table-cell", "covered-table-cell", "table-column"))
_P, _SPAN, _S, _TAB, _BREAK = (_q(_TEXT, x) for x in ("p", "span", "s", "tab", "line-break"))
_ANNOTATION = _q(_OFFICE, "annotation")
_MAP = _q(_STYLE, "map")
_STYLE_EL, _DEFAULT_STYLE, _TEXT_PROPS, _CELL_PROPS = (_q(_STYLE, x) for x in
                                                       ("style", "default-style", "text-properties", "table-cell-properties"))
_NUMBER_STYLES = {_q(_NUMBER, x): x for x in ("number-style", "percentage-style", "currency-style", "date-style",
                                               "time-style", "boolean-style", "text-style")}
_NUMBER_PARTS = {_q(_NUMBER, x) for x in ("number", "scientific-number", "fraction")}
_A_NAME, _A_FAMILY, _A_PARENT, _A_DATA = (_q(_STYLE, x) for x in ("name", "family", "parent-style-name", "data-style-name"))
_A_CELL_STYLE, _A_DEFAULT_CELL = _q(_TABLE, "style-name"), _q(_TABLE, "default-cell-style-name")
_A_ROWS, _A_COLS = _q(_TABLE, "number-rows-repeated"), _q(_TABLE, "number-columns-repeated")
_A_SPAN_STYLE, _A_SPACES = _q(_TEXT, "style-name"), _q(_TEXT, "c")
_A_TYPE, _A_VALUE = _q(_OFFICE, "value-type"), _q(_OFFICE, "value")
_A_TABLE_NAME = _q(_TABLE, "name")
_NUMERIC = ("float", "percentage", "currency")
_MARKS = ("struck", "script", "white")
_AT_MOST = 100_000  # cells listed per sheet (each cell with a value counts against the guard's limits anyway)
_TEXT_MAX = 400  # characters of a displayed text looked at


@dataclass
class _Style:
    parent: str | None = None
    data: str | None = None
    struck: bool | None = None
    script: bool | None = None
    white: bool | None = None
    filled: bool | None = None


@dataclass
class _Number:
    kind: str = ""  # "percentage" | "scaled" | "nothing" | ""
    white: bool = False  # a [White] section: shown in white
    maps: list[str] = field(default_factory=list)  # the styles of its conditional sections (style:map)


@dataclass
class _Styles:
    cells: dict[str, _Style] = field(default_factory=dict)  # family table-cell (named and automatic)
    texts: dict[str, _Style] = field(default_factory=dict)  # family text (spans)
    numbers: dict[str, _Number] = field(default_factory=dict)  # data styles by name
    default_cell: _Style = field(default_factory=_Style)

    def number(self, name: object) -> tuple[str, bool]:
        """(kind, white) of a data style; white when any of its sections is (a [White] positive section)."""
        own = self.numbers.get(str(name))
        if own is None:
            return "", False
        sections = [own] + [m for m in (self.numbers.get(n) for n in own.maps) if m is not None]
        return own.kind, any(m.white for m in sections)

    def resolve(self, table: dict[str, _Style], name: str | None, attr: str) -> object:
        seen = 0
        while name is not None and seen < 16:  # a parent chain, as LibreOffice's named styles make it
            style = table.get(name)
            if style is None:
                break
            value = getattr(style, attr)
            if value is not None:
                return value
            name, seen = style.parent, seen + 1
        return getattr(self.default_cell, attr) if table is self.cells else None


def _white(color: str) -> bool:
    """fo:color="#ffffff" (any case), its short form, or the colour's name."""
    spelled = color.strip().lower()
    return spelled == "white" or spelled.lstrip("#") in (WHITE.lower(), WHITE[:3].lower())


def _raised(offset: str) -> bool:
    """A text position's offset ("33%", "-33%", "0%") moves the text up or down."""
    try:
        return float(offset.rstrip("%")) != 0
    except ValueError:
        return False


def _text_marks(attrs: dict[str, str], style: _Style) -> None:
    through = [attrs.get(_q(_STYLE, a)) for a in ("text-line-through-style", "text-line-through-type")]
    if any(v is not None for v in through):
        style.struck = any(v not in (None, "none") for v in through)
    position = attrs.get(_q(_STYLE, "text-position"))
    if position is not None:
        first = position.split()[0] if position.split() else "0%"
        style.script = first in ("super", "sub") or _raised(first)
    if attrs.get(_q(_STYLE, "use-window-font-color")) == "true":
        style.white = False
    elif (color := attrs.get(_q(_FO, "color"))) is not None:
        style.white = _white(color)


class _StyleReader:
    """style:style and the number styles, in styles.xml and in content.xml's automatic styles."""

    def __init__(self, styles: _Styles):
        self.styles = styles
        self.current: _Style | None = None
        self.number: str | None = None  # the data style being read
        self.number_style = _Number()
        self.number_kind = ""
        self.number_shows = False
        self.number_scaled = False

    def start(self, name: str, attrs: dict[str, str]) -> bool:
        """True when the element was a style's."""
        if name in (_STYLE_EL, _DEFAULT_STYLE):
            family = attrs.get(_A_FAMILY)
            style = _Style(parent=attrs.get(_A_PARENT), data=attrs.get(_A_DATA))
            self.current = style
            if name == _DEFAULT_STYLE:
                if family == "table-cell":
                    self.styles.default_cell = style
            elif family == "table-cell":
                self.styles.cells[attrs.get(_A_NAME, "")] = style
            elif family == "text":
                self.styles.texts[attrs.get(_A_NAME, "")] = style
            return True
        if self.number is not None and name == _TEXT_PROPS:
            color = attrs.get(_q(_FO, "color"))
            self.number_style.white = color is not None and _white(color)
            return True
        if self.number is not None and name == _MAP:
            if (applied := attrs.get(_q(_STYLE, "apply-style-name"))) is not None:
                self.number_style.maps.append(applied)
            return True
        if name == _TEXT_PROPS and self.current is not None:
            _text_marks(attrs, self.current)
            return True
        if name == _CELL_PROPS and self.current is not None:
            background = attrs.get(_q(_FO, "background-color"))
            if background is not None:
                self.current.filled = background.lower() != "transparent" and not _white(background)
            return True
        if name in _NUMBER_STYLES:
            self.number = attrs.get(_A_NAME, "")
            self.number_kind = _NUMBER_STYLES[name]
            self.number_shows = self.number_kind not in ("number-style", "percentage-style", "currency-style")
            self.number_scaled = False
            self.number_style = _Number()
            return True
        if self.number is not None and name in _NUMBER_PARTS:
            self.number_shows = True
            factor = attrs.get(_q(_NUMBER, "display-factor"))
            if factor not in (None, "1"):
                self.number_scaled = True
            return True
        return False

    def end(self, name: str) -> None:
        if name in (_STYLE_EL, _DEFAULT_STYLE):
            self.current = None
        elif name in _NUMBER_STYLES and self.number is not None:
            self.number_style.kind = ("percentage" if self.number_kind == "percentage-style" else "nothing"
                                      if not self.number_shows else "scaled" if self.number_scaled else "")
            self.styles.numbers[self.number] = self.number_style
            self.number = None


def _parser(start, end, text=None) -> expat.XMLParserType:
    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _read_styles(xml: bytes, styles: _Styles) -> None:
    reader = _StyleReader(styles)
    parser = _parser(reader.start, lambda name: reader.end(name))
    with contextlib.suppress(expat.ExpatError):  # the guard parsed it; what was read before a fault stands
        parser.Parse(xml, True)


_NUMBER_TOKEN = re.compile(r"[-+−]?(?:\d[\d,.\u00a0 ']*\d|\d)(?:[eE][-+]?\d+)?")


def _readings(token: str) -> list[tuple[float, float]]:
    """(figure, half its last shown place) for each way of reading a displayed number: 1,234.5 (Chinese, English)
    and 1.234,5 (many European locales)."""
    sign = -1.0 if token[0] in "-−" else 1.0
    body = token.lstrip("+-−").replace("\u00a0", "").replace(" ", "").replace("'", "")
    mantissa, _, exponent = body.replace("E", "e").partition("e")
    out = []
    for point, group in ((".", ","), (",", ".")):
        if mantissa.count(point) > 1:
            continue
        whole, _, places = mantissa.partition(point)
        digits = whole.replace(group, "")
        if not digits.isdigit() or (places and not places.isdigit()):
            continue
        scale = 10.0 ** int(exponent) if exponent else 1.0
        out.append((sign * float(f"{digits}.{places or '0'}") * scale, 0.5 * 10.0 ** -len(places) * scale))
    return out


def _shown_why(kind: str, value: str | None, text: str | None, data_kind: str) -> str | None:
    """Why a number cell shows another figure than it stores, or None."""
    if kind == "percentage" or data_kind == "percentage":
        return "单元格格式按百分比显示" + (f"（显示为“{text.strip()[:30]}”）" if text and text.strip() else "")
    try:
        stored = float(value) if value is not None else None
    except ValueError:
        return None
    if stored is None or not math.isfinite(stored):
        return None
    if text is None:  # written by a program that displays nothing: the data style says
        if data_kind == "scaled":
            return "单元格格式把数按千或百万缩小显示"
        if data_kind == "nothing":
            return "单元格格式不显示任何内容"
        return None
    shown = text.strip()
    if not shown:
        return "单元格格式不显示任何内容"
    if "%" in shown or "％" in shown:
        return f"单元格格式按百分比显示（显示为“{shown[:30]}”）"
    if "/" in shown or ":" in shown:
        return None  # a fraction or a time: no decimal figure to compare
    m = _NUMBER_TOKEN.search(shown[:_TEXT_MAX])
    if m is None:
        return f"单元格显示为“{shown[:30]}”，不是存储的数 {value}"
    rest = shown[: m.start()] + " " + shown[m.end() :]
    if any(ch.isdigit() for ch in rest):
        # More digits than the number's: a format that spells digits of its own, or one LibreOffice does not follow
        # (Excel's 0!.0000 shows 470700 as 47.0700 where LibreOffice shows "470700!.0000"): nobody can say which.
        return f"单元格显示为“{shown[:30]}”，除存储的数 {value} 外还显示了别的数字（单元格格式所加），无法确定填的是哪个数"
    negative = shown.startswith("(") and shown.endswith(")")
    for figure, half in _readings(m.group(0)):
        figure = -figure if negative else figure
        if abs(figure - stored) <= half * (1 + 1e-9) + 1e-9 * abs(stored):
            return None
    return f"单元格显示为“{shown[:30]}”，存储的数却是 {value}（单元格格式改变了显示，如把元显示为万元）"


class _ContentReader:
    def __init__(self, styles: _Styles, skip: Container[str]):
        self.styles = styles
        self.style_reader = _StyleReader(styles)
        self.skip = skip
        self.shown: dict[str, list[tuple[int, int, str]]] = {}
        self.noted: dict[str, list[tuple[int, int, str]]] = {}
        self.table: str | None = None
        self.table_depth = 0
        self.depth = 0
        self.columns: list[tuple[int, str | None]] = []  # (first column, default cell style) of each column run
        self.column_count = 0
        self.row = 0  # rows before the current one
        self.row_repeat = 1
        self.row_style: str | None = None
        self.col = 0  # columns before the current cell
        self.cell_depth = 0
        self.cell: dict[str, str] = {}
        self.cell_repeat = 1
        self.paragraphs: list[list[str]] | None = None  # the cell's text (None: no <text:p>)
        self.runs: set[str] = set()
        self.spans: list[set[str]] = []  # the marks of each open run, its enclosing runs' included
        self.note: list[str] | None = None
        self.note_depth = 0
        self.note_text: list[str] = []
        self.in_text = 0  # depth of the <text:p> being read (of the cell or of its comment)

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.table is None:
            if name == _TABLE_EL:
                self.table, self.table_depth = attrs.get(_A_TABLE_NAME, ""), self.depth
                self.columns, self.column_count, self.row = [], 0, 0
            else:
                self.style_reader.start(name, attrs)
            return
        if self.table in self.skip:
            return
        if self.cell_depth:
            self._in_cell(name, attrs)
        elif name == _COLUMN:
            self.columns.append((self.column_count, attrs.get(_A_DEFAULT_CELL)))
            self.column_count += _count(attrs.get(_A_COLS))
        elif name == _ROW:
            self.row_repeat = min(_count(attrs.get(_A_ROWS)), L.EXCEL_ROWS - self.row)
            self.row_style = attrs.get(_A_DEFAULT_CELL)
            self.col = 0
        elif name in (_CELL, _COVERED):
            self.cell_depth, self.cell = self.depth, attrs
            self.cell_repeat = min(_count(attrs.get(_A_COLS)), L.EXCEL_COLUMNS - self.col)
            self.paragraphs, self.runs, self.spans, self.note = None, set(), [], None

    def _in_cell(self, name: str, attrs: dict[str, str]) -> None:
        if self.note is not None:
            if name == _P:
                self.note.append("")
                self.in_text = self.depth
            elif name == _S and self.in_text:
                self.note[-1] += " " * min(_count(attrs.get(_A_SPACES)), 16)
            elif name in (_TAB, _BREAK) and self.in_text:
                self.note[-1] += " "
            return
        if name == _ANNOTATION:
            self.note, self.note_depth = [], self.depth
        elif name == _P and self.depth == self.cell_depth + 1:
            if self.paragraphs is None:
                self.paragraphs = []
            self.paragraphs.append([])
            self.in_text = self.depth
        elif self.in_text and self.paragraphs is not None:
            if name == _SPAN:  # what a run shows is its own style's and its enclosing runs'
                own = attrs.get(_A_SPAN_STYLE)
                marks = {m for m in _MARKS if self.styles.resolve(self.styles.texts, own, m)}
                self.spans.append(marks | self.spans[-1] if self.spans else marks)
            elif name == _S:
                self.paragraphs[-1].append(" " * min(_count(attrs.get(_A_SPACES)), 16))
            elif name in (_TAB, _BREAK):
                self.paragraphs[-1].append(" ")

    def text(self, data: str) -> None:
        if not self.cell_depth or not self.in_text:
            return
        if self.note is not None:
            if self.note and len(self.note[-1]) < 2_000:
                self.note[-1] += data
            return
        if self.paragraphs is None:
            return
        if sum(map(len, self.paragraphs[-1])) < _TEXT_MAX:
            self.paragraphs[-1].append(data)
        if self.spans and self.spans[-1] and data.strip():
            self.runs |= self.spans[-1]

    def end(self, name: str) -> None:
        depth = self.depth
        self.depth -= 1
        if self.table is None:
            self.style_reader.end(name)
            return
        if depth == self.table_depth:
            self.table = None
            return
        if self.table in self.skip:
            return
        if self.cell_depth:
            if depth == self.in_text:
                self.in_text = 0
            if self.note is not None:
                if depth == self.note_depth:
                    self.note_text = self.note
                    self.note = None
                return
            if name == _SPAN and self.spans and depth > self.cell_depth:
                self.spans.pop()
            if depth == self.cell_depth:
                self.cell_depth = 0
                self._close_cell()
                self.note_text = []
            return
        if name == _ROW:
            self.row += self.row_repeat

    def _style_of(self, col: int) -> str | None:
        own = self.cell.get(_A_CELL_STYLE)
        if own is not None or self.row_style is not None:
            return own if own is not None else self.row_style
        for first, default in reversed(self.columns):
            if first <= col:
                return default
        return None

    def _close_cell(self) -> None:
        first = self.col
        self.col += self.cell_repeat
        why = []
        kind = self.cell.get(_A_TYPE)
        has_value = kind is not None
        style = self._style_of(first)
        cells = self.styles.cells
        data_kind, data_white = self.styles.number(self.styles.resolve(cells, style, "data"))
        if kind in _NUMERIC:
            text = None if self.paragraphs is None else "\n".join("".join(p) for p in self.paragraphs)
            said = _shown_why(kind or "", self.cell.get(_A_VALUE), text, data_kind)
            if said:
                why.append(said)
        if has_value and self.styles.resolve(cells, style, "struck"):
            why.append("数字加了删除线")
        if has_value and (data_white or self.styles.resolve(cells, style, "white")) and not self.styles.resolve(cells, style, "filled"):
            why.append("数字是白色，看不见")
        if "struck" in self.runs:
            why.append("部分文字加了删除线")
        elif "script" in self.runs:
            why.append("部分文字是上标或下标（如注释序号）")
        elif "white" in self.runs:
            why.append("部分文字是白色，看不见")
        assert self.table is not None
        for out, what in ((self.shown, "，".join(why)), (self.noted, "\n".join(self.note_text))):
            if not what:
                continue
            found = out.setdefault(self.table, [])
            for r in range(self.row + 1, self.row + 1 + self.row_repeat):
                if len(found) >= _AT_MOST:
                    break
                found.extend((r, c, what) for c in range(first + 1, first + 1 + min(self.cell_repeat, _AT_MOST - len(found))))


def _count(text: str | None) -> int:
    """A repeat count the guard has checked (digits, at most 12 of them)."""
    return int(text) if text is not None and text.isdigit() else 1


def ods_seen(book: bytes, skip: Container[str] = ()) -> tuple[dict[str, Shown], dict[str, Comments]]:
    """(sheet -> cells shown otherwise than stored, sheet -> comments holding a figure) of an .ods the guard
    has passed."""
    try:
        with zipfile.ZipFile(io.BytesIO(book)) as zf:
            names = set(zf.namelist())
            styles_xml = zf.read("styles.xml") if "styles.xml" in names else b""
            content = zf.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}, {}
    styles = _Styles()
    if styles_xml:
        _read_styles(styles_xml, styles)
    reader = _ContentReader(styles, skip)
    parser = _parser(reader.start, reader.end, reader.text)
    with contextlib.suppress(expat.ExpatError):  # the guard parsed it whole; calamine reads what it can, so do we
        parser.Parse(content, True)
    shown = {name: tuple(found) for name, found in reader.shown.items() if found}
    noted = {name: kept for name, found in reader.noted.items() if (kept := with_figures(found))}
    return shown, noted
