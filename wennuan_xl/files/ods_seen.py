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
- a comment (``<office:annotation>``) holding a figure (filtered as ``comments.py`` filters an .xlsx's);
- the rows and columns the unit hid (``table:visibility`` collapse or filter, or a style of no height or width),
  as ``visibility.py`` finds them in an .xlsx: last year's value column kept, hidden, beside this year's;
- merged cells (``table:number-columns-spanned``/``-rows-spanned``; calamine gives an .ods none), so that a figure
  left under a merge, which nobody sees, is not read;
- cells showing a formula's error (``#REF!``, ``Err:502``), which calamine reads as empty;
- formulas with a saved result, turned from OpenFormula (``of:=SUM([$明细.B2:.B11])``) into Excel's syntax for
  ``core/cell_formulas.py``: Excel recalculates a file another program saved, so a saved result the formula does
  not give (an input edited by a script, a file converted without recalculating) is not what it shows.

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
from .visibility import Hidden, Merged

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
_ROW_PROPS, _COLUMN_PROPS = _q(_STYLE, "table-row-properties"), _q(_STYLE, "table-column-properties")
_A_VISIBILITY, _A_ROW_HEIGHT, _A_COLUMN_WIDTH = _q(_TABLE, "visibility"), _q(_STYLE, "row-height"), _q(_STYLE, "column-width")
_NUMBER_STYLES = {_q(_NUMBER, x): x for x in ("number-style", "percentage-style", "currency-style", "date-style",
                                               "time-style", "boolean-style", "text-style")}
_NUMBER_PARTS = {_q(_NUMBER, x) for x in ("number", "scientific-number", "fraction")}
_A_NAME, _A_FAMILY, _A_PARENT, _A_DATA = (_q(_STYLE, x) for x in ("name", "family", "parent-style-name", "data-style-name"))
_A_CELL_STYLE, _A_DEFAULT_CELL = _q(_TABLE, "style-name"), _q(_TABLE, "default-cell-style-name")
_A_ROWS, _A_COLS = _q(_TABLE, "number-rows-repeated"), _q(_TABLE, "number-columns-repeated")
_A_SPAN_STYLE, _A_SPACES = _q(_TEXT, "style-name"), _q(_TEXT, "c")
_A_TYPE, _A_VALUE = _q(_OFFICE, "value-type"), _q(_OFFICE, "value")
_A_TABLE_NAME = _q(_TABLE, "name")
_A_FORMULA, _A_COL_SPAN, _A_ROW_SPAN = (_q(_TABLE, x) for x in ("formula", "number-columns-spanned", "number-rows-spanned"))
_A_CALC_TYPE = _q("urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0", "value-type")
# What a spreadsheet program shows for a formula's error (LibreOffice also "Err:502"): calamine reads it as empty.
_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
_FORMULA_MAX = 8_192  # characters, as Excel allows
# An OpenFormula reference: [.B2], [$明细.B2:.B11], [$'表 1'.$A$1:$'表 1'.$B$2] (the $ of absolute parts dropped).
_SHEET = r"\$?(?:'(?:[^']|'')*'|[^.'\[\]:]+)"
_POINT = r"\$?[A-Za-z]{1,3}\$?[0-9]{1,7}"
_ODF_REF = re.compile(rf"\[({_SHEET})?\.({_POINT})(?::({_SHEET})?\.({_POINT}))?\]")
_ODF_TOKENS = re.compile(r'"(?:[^"]|"")*"|\[[^\]]*\]|;|[^"\[;]+')
_NUMERIC = ("float", "percentage", "currency")
_MARKS = ("struck", "script", "white")
_AT_MOST = 100_000  # cells listed per sheet (each cell with a value counts against the guard's limits anyway)
_COLUMNS_AT_MOST = 256  # hidden columns taken from one column run, as visibility.py takes an .xlsx's <col>
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
    no_size: set[str] = field(default_factory=set)  # row and column styles of no height or width (hiding them)

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


def _no_size(length: str | None) -> bool:
    """A row height or column width of 0 ("0in", "0.000cm"): nothing of it shows, as if hidden."""
    m = re.match(r"\s*([-+]?[0-9]*\.?[0-9]+)", length or "")
    return m is not None and float(m.group(1)) == 0.0


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
        self.current_name = ""
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
            self.current, self.current_name = style, attrs.get(_A_NAME, "")
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
        if name in (_ROW_PROPS, _COLUMN_PROPS) and self.current is not None:
            if _no_size(attrs.get(_A_ROW_HEIGHT if name == _ROW_PROPS else _A_COLUMN_WIDTH)):
                self.styles.no_size.add(self.current_name)
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
        self.hidden_rows: dict[str, set[int]] = {}
        self.hidden_cols: dict[str, set[int]] = {}
        self.merged: dict[str, list[tuple[int, int, int, int]]] = {}
        self.merges = 0  # in the whole workbook, at most one past the readers' limit (read.py refuses it)
        self.errors: dict[str, list[tuple[int, int, str]]] = {}
        self.recalc: dict[str, list[tuple[int, int, str]]] = {}
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
        if self.cell_depth:
            if self.table not in self.skip:  # a sheet skipped: its hidden rows and columns only
                self._in_cell(name, attrs)
        elif name == _COLUMN:
            self.columns.append((self.column_count, attrs.get(_A_DEFAULT_CELL)))
            repeat = _count(attrs.get(_A_COLS))
            if self._hides(attrs):
                first = self.column_count + 1
                self.hidden_cols.setdefault(self.table, set()).update(
                    range(first, min(first + repeat, first + _COLUMNS_AT_MOST, L.EXCEL_COLUMNS + 1)))
            self.column_count += repeat
        elif name == _ROW:
            self.row_repeat = min(_count(attrs.get(_A_ROWS)), L.EXCEL_ROWS - self.row)
            self.row_style = attrs.get(_A_DEFAULT_CELL)
            self.col = 0
            if self._hides(attrs):
                rows = self.hidden_rows.setdefault(self.table, set())
                room = max(0, _AT_MOST - len(rows))  # a hidden tail of a million empty rows: the form is above it
                rows.update(range(self.row + 1, self.row + 1 + min(self.row_repeat, room)))
        elif name in (_CELL, _COVERED):
            self.cell_depth, self.cell = self.depth, attrs
            self.cell_repeat = min(_count(attrs.get(_A_COLS)), L.EXCEL_COLUMNS - self.col)
            across, down = _count(attrs.get(_A_COL_SPAN)), _count(attrs.get(_A_ROW_SPAN))
            if name == _CELL and (across > 1 or down > 1) and self.merges <= L.MAX_MERGES:
                self.merges += 1
                self.merged.setdefault(self.table, []).append(
                    (self.row + 1, self.col + 1, min(self.row + down, L.EXCEL_ROWS), min(self.col + across, L.EXCEL_COLUMNS)))
            self.paragraphs, self.runs, self.spans, self.note = None, set(), [], None

    def _hides(self, attrs: dict[str, str]) -> bool:
        return (attrs.get(_A_VISIBILITY) in ("collapse", "filter")
                or attrs.get(_A_CELL_STYLE, "\0") in self.styles.no_size)

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
        if self.table in self.skip:
            return
        why = []
        kind = self.cell.get(_A_TYPE)
        has_value = kind is not None
        style = self._style_of(first)
        cells = self.styles.cells
        data_kind, data_white = self.styles.number(self.styles.resolve(cells, style, "data"))
        text = None if self.paragraphs is None else "\n".join("".join(p) for p in self.paragraphs)
        if kind in _NUMERIC:
            said = _shown_why(kind or "", self.cell.get(_A_VALUE), text, data_kind)
            if said:
                why.append(said)
        if has_value and self.styles.resolve(cells, style, "struck"):
            why.append("数字加了删除线")
        if has_value and (data_white or self.styles.resolve(cells, style, "white")) and not self.styles.resolve(cells, style, "filled"):
            why.append("数字是白色，看不见")
        formula, shown = self.cell.get(_A_FORMULA), (text or "").strip()
        if self.cell.get(_A_CALC_TYPE) == "error" or (formula and (shown in _ERRORS or shown.startswith("Err:"))):
            shown = (shown or "#错误")[:30]
            said = f"{shown}，公式 {formula.partition(':')[2] if formula.startswith('of:') else formula}" if formula else shown
            self.errors.setdefault(self.table or "", []).append((self.row + 1, first + 1, said))
        elif formula and kind in (*_NUMERIC, "string") and (excel := excel_formula(formula)) is not None:
            found_formulas = self.recalc.setdefault(self.table or "", [])
            if len(found_formulas) < _AT_MOST:
                found_formulas.append((self.row + 1, first + 1, excel))
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


def _sheet_name(spelled: str) -> str:
    name = spelled.lstrip("$")
    return name[1:-1].replace("''", "'") if name.startswith("'") else name


def excel_formula(odf: str) -> str | None:
    """An OpenFormula (``of:=…``) in Excel's syntax, or None when it holds what that does not carry over (another
    workbook's cells, a range across sheets, a reference not of this shape)."""
    if not odf.startswith("of:=") or len(odf) > _FORMULA_MAX:
        return None
    out = []
    for token in _ODF_TOKENS.findall(odf[4:]):
        if token.startswith('"'):
            out.append(token)
        elif token == ";":
            out.append(",")
        elif token.startswith("["):
            m = _ODF_REF.fullmatch(token)
            if m is None:
                return None  # another workbook's ('file:///…'#$Sheet.A1), a whole column, an error
            first, start, second, end = m.groups()
            if first and second and _sheet_name(first) != _sheet_name(second):
                return None
            sheet = "'" + _sheet_name(first).replace("'", "''") + "'!" if first else ""
            out.append(sheet + start.replace("$", "").upper() + (":" + end.replace("$", "").upper() if end else ""))
        else:
            out.append(token)
    return "=" + "".join(out)


def _count(text: str | None) -> int:
    """A repeat count the guard has checked (digits, at most 12 of them)."""
    return int(text) if text is not None and text.isdigit() else 1


@dataclass(frozen=True)
class Seen:
    """What an .ods shows that its values do not say, by sheet name."""

    shown: dict[str, Shown] = field(default_factory=dict)  # cells shown otherwise than stored
    comments: dict[str, Comments] = field(default_factory=dict)  # comments holding a figure
    hidden: dict[str, Hidden] = field(default_factory=dict)  # the rows and columns hidden
    merged: dict[str, Merged] = field(default_factory=dict)
    errors: dict[str, tuple[tuple[int, int, str], ...]] = field(default_factory=dict)  # (row, col, "#REF!，公式 =…")
    recalc: dict[str, tuple[tuple[int, int, str], ...]] = field(default_factory=dict)  # (row, col, Excel's formula)


def ods_seen(book: bytes, skip: Container[str] = ()) -> Seen:
    """What an .ods the guard has passed shows besides its values (``Seen``)."""
    try:
        with zipfile.ZipFile(io.BytesIO(book)) as zf:
            names = set(zf.namelist())
            styles_xml = zf.read("styles.xml") if "styles.xml" in names else b""
            content = zf.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        return Seen()
    styles = _Styles()
    if styles_xml:
        _read_styles(styles_xml, styles)
    reader = _ContentReader(styles, skip)
    parser = _parser(reader.start, reader.end, reader.text)
    with contextlib.suppress(expat.ExpatError):  # the guard parsed it whole; calamine reads what it can, so do we
        parser.Parse(content, True)
    shown = {name: tuple(found) for name, found in reader.shown.items() if found}
    noted = {name: kept for name, found in reader.noted.items() if (kept := with_figures(found))}
    hidden = {name: (frozenset(reader.hidden_rows.get(name, ())), frozenset(reader.hidden_cols.get(name, ())))
              for name in reader.hidden_rows.keys() | reader.hidden_cols.keys()}
    return Seen(shown, noted, {name: h for name, h in hidden.items() if h[0] or h[1]},
                {name: tuple(m) for name, m in reader.merged.items()},
                {name: tuple(e[:_AT_MOST]) for name, e in reader.errors.items()},
                {name: tuple(f) for name, f in reader.recalc.items()})
