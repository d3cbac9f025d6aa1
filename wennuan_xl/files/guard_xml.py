"""Streaming scans of XML parts with expat: every valid spelling of a tag is seen as the readers see it.

The guard used byte patterns (``<c r="``); a cell written ``<c\\tr="CW30000">`` or ``<x:c …>`` is the same
XML and slipped past them. Here every XML part any reader parses goes through a real tokenizer (expat,
forced to UTF-8, DTDs refused), and the counts are kept the way the readers act:

- every part: elements, nesting depth, cell elements, rows, merged ranges and ranged hyperlinks with the
  cells they cover, and in a styles part the style records (what openpyxl builds objects for);
- a worksheet calamine reads: value cells placed as calamine places them (a row or cell without an
  address follows the previous one), the farthest value cell, and the text each cell will hold after
  shared strings are copied into it;
- sharedStrings.xml: the declared counts and an upper bound of each string's length, indexed as calamine
  indexes them;
- an .ods content.xml: rows and cells after ``number-rows-repeated`` / ``number-columns-repeated`` are
  expanded the way calamine expands them, text repeated with them, and the named ranges;
- workbook.xml, relationships and content types: what decides which parts are read, with the raw bytes
  checked where calamine compares them unescaped.

Names are matched by their local part, as calamine does (it ignores prefixes): ``<x:c>`` is a cell.
Every count is an upper bound of what a reader builds, never less. A limit broken raises ``Refused``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from xml.parsers import expat

from . import guard_sheet
from . import limits as L
from .limits import Refused

_XML_ERROR = "文件已损坏：{where}不是正确的 XML（第 {line} 行第 {col} 列），无法读取；请对方用 Excel 重新保存后发送"
_DTD = (
    "文件中的 XML（{where}）含有 DOCTYPE/实体声明，Excel 从不写入这种内容，"
    "可能是恶意构造的文件（如“十亿笑声”实体炸弹或读取本机文件的外部实体），不予读取"
)
_ODD = "文件的压缩结构异常（{}），不是 Excel 正常保存的工作簿，可能是损坏或恶意构造的文件，不予读取"

_STYLE_ITEMS = {
    "font": ("字体", L.MAX_FONTS),
    "fill": ("填充样式", L.MAX_FILLS),
    "border": ("边框样式", L.MAX_BORDERS),
    "numFmt": ("数字格式", L.MAX_NUMBER_FORMATS),
    "xf": ("单元格格式", L.MAX_CELL_FORMATS),
    "cellStyle": ("单元格样式", L.MAX_CELL_STYLES),
    "dxf": ("条件格式样式", L.MAX_DIFFERENTIAL_FORMATS),
}


@dataclass
class Totals:
    """Counts over the whole workbook (all parts, all sheet entries)."""

    elements: int = 0
    rows: int = 0
    cell_elements: int = 0
    cells: int = 0  # value cells, as the reader keeps them
    area: int = 0  # grid cells the reader allocates
    text_bytes: int = 0
    merges: int = 0
    merged_cells: int = 0
    hyperlinks: int = 0
    linked_cells: int = 0
    sheets: int = 0
    names: int = 0
    formula_bytes: int = 0  # an .ods's formulas, copied into every repeated cell
    styles: dict[str, int] = field(default_factory=dict)


def _local(name: str) -> str:
    return name.rpartition(":")[2]


# --- addresses, parsed as calamine parses them ------------------------------------------------------------

_A1 = re.compile(r"([A-Za-z]*)([0-9]+)")


def cell_address(text: str, where: str, need_column: bool = True) -> tuple[int, int]:
    """``"E9"`` -> (row, col), 0-based, as calamine reads an ``r`` attribute; anything calamine would
    refuse, or that lies beyond Excel's grid, is refused here."""
    m = _A1.fullmatch(text)
    if m is None or (need_column and not m.group(1)):
        raise Refused(f"{where}中有一个无效的单元格地址“{text[:20]}”，文件已损坏或是恶意构造的，不予读取")
    letters, digits = m.groups()
    if len(letters) > 3 or len(digits) > 7:
        raise Refused(f"{where}的单元格地址“{text[:20]}”超出 Excel 的范围，范围过大，不予读取；请删除多余内容后重新发送")
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    row = int(digits)
    if row == 0 or row > L.EXCEL_ROWS or col > L.EXCEL_COLUMNS:
        raise Refused(f"{where}的单元格地址“{text[:20]}”超出 Excel 的范围，范围过大，不予读取；请删除多余内容后重新发送")
    return row - 1, col - 1


def range_cells(ref: str) -> int:
    """Cells an ``A1:B2`` reference covers (a whole column ``A:A`` or row ``1:1`` as Excel's grid); 1 for
    one cell; 0 for what is not a reference (openpyxl refuses it then)."""
    total = 0
    for part in ref.split():
        first, _, last = part.partition(":")
        a, b = _ref_point(first), _ref_point(last or first)
        if a is None or b is None:
            continue
        rows = abs((b[0] or L.EXCEL_ROWS) - (a[0] or 1)) + 1
        cols = abs((b[1] or L.EXCEL_COLUMNS) - (a[1] or 1)) + 1
        total += rows * cols
    return total


_POINT = re.compile(r"\$?([A-Za-z]{0,3})\$?([0-9]{0,7})")


def _ref_point(text: str) -> tuple[int, int] | None:
    m = _POINT.fullmatch(text)
    if m is None or not (m.group(1) or m.group(2)):
        return None
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    return (int(m.group(2)) if m.group(2) else 0), col


# --- the scanner ---------------------------------------------------------------------------------------------


class Scanner:
    """One part through expat. Subclasses add what their role needs; every part gets the common counts."""

    needs_end = True

    def __init__(self, totals: Totals, where: str, part: str):
        self.totals = totals
        self.where = where
        self.part = part
        self.depth = 0
        self.root = ""
        self.is_styles = False
        p = expat.ParserCreate("UTF-8")  # what the readers assume, whatever the declaration says
        p.buffer_text = True
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._entity
        p.StartElementHandler = self._start
        p.EndElementHandler = self._end
        self.parser = p
        self._dispatch: dict[str, Callable | None] = {}

    # -- driving

    def feed(self, chunk: bytes, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise Refused(_XML_ERROR.format(where=self.where, line=exc.lineno, col=exc.offset + 1)) from None
        check_totals(self.totals, self.where)

    def run(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            self.feed(chunk)
        self.feed(b"", True)
        self.finish()

    def finish(self) -> None:
        pass

    # -- handlers

    def _doctype(self, *_args) -> None:
        raise Refused(_DTD.format(where=self.where))

    _entity = _doctype

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        t = self.totals
        t.elements += 1
        self.depth += 1
        if self.depth > L.MAX_DEPTH:
            raise Refused(f"{self.where}的 XML 嵌套超过 {L.MAX_DEPTH} 层，不是 Excel 写出的内容，可能是恶意构造的文件，不予读取")
        if name in self._dispatch:
            handler = self._dispatch[name]
        else:
            handler = self._dispatch[name] = self._handler_for(name)
        if handler is not None:
            handler(name, attrs)

    def _end(self, name: str) -> None:
        self.depth -= 1

    def _handler_for(self, name: str) -> Callable | None:
        local = _local(name)
        if self.depth == 1:
            self.root = local
            self.is_styles = local == "styleSheet"
        if local == "c":
            return self._on_cell_element
        if local == "row":
            return self._on_row_element
        if local == "mergeCell":
            return self._on_merge
        if local == "hyperlink":
            return self._on_hyperlink
        if local in _STYLE_ITEMS:
            return self._on_style_item
        return None

    def _on_cell_element(self, name: str, attrs: dict[str, str]) -> None:
        self.totals.cell_elements += 1

    def _on_row_element(self, name: str, attrs: dict[str, str]) -> None:
        self.totals.rows += 1

    def _on_merge(self, name: str, attrs: dict[str, str]) -> None:
        self.totals.merges += 1
        self.totals.merged_cells += range_cells(attrs.get("ref", ""))

    def _on_hyperlink(self, name: str, attrs: dict[str, str]) -> None:
        self.totals.hyperlinks += 1
        ref = attrs.get("ref", "")
        if ":" in ref:
            self.totals.linked_cells += range_cells(ref)

    def _on_style_item(self, name: str, attrs: dict[str, str]) -> None:
        if self.is_styles:
            local = _local(name)
            self.totals.styles[local] = self.totals.styles.get(local, 0) + 1



def check_totals(t: Totals, where: str) -> None:
    """Refuse as soon as a workbook-wide count passes its limit (checked after every chunk)."""
    if t.elements > L.MAX_ELEMENTS:
        raise Refused(f"{where}使文件的 XML 元素超过 {L.MAX_ELEMENTS:,} 个，远超一份统计表（正常约 5,000 个），不予读取")
    if t.rows > L.MAX_ROWS:
        raise Refused(f"{where}超过 {L.MAX_ROWS:,} 行，远超一份统计表（正常不到 200 行），不予读取；请删除多余的行后重新发送")
    if t.cells > L.MAX_CELLS:
        raise Refused(f"{where}有超过 {L.MAX_CELLS:,} 个填有内容的单元格，远超一份统计表，不予读取")
    if t.cell_elements > L.MAX_CELL_ELEMENTS:
        raise Refused(f"{where}有超过 {L.MAX_CELL_ELEMENTS:,} 个单元格记录（含设了格式的空单元格），远超一份统计表，不予读取")
    if t.text_bytes > L.MAX_TEXT_BYTES:
        raise Refused(
            f"{where}的文字内容合计超过 {L.MAX_TEXT_BYTES // 1024:,} KB（同一段文字被大量单元格重复引用时按每个单元格计），"
            "远超一份统计表，不予读取"
        )
    if t.formula_bytes > L.MAX_FORMULA_BYTES:
        raise Refused(f"{where}的公式合计超过 {L.MAX_FORMULA_BYTES // L.MB} MB（重复的单元格按每个计），远超一份统计表，不予读取")
    if t.merges > L.MAX_MERGES or t.merged_cells > L.MAX_MERGED_CELLS:
        raise Refused(f"{where}的合并单元格过多或范围过大（{t.merges:,} 处，覆盖 {t.merged_cells:,} 个单元格），不予读取")
    if t.hyperlinks > L.MAX_HYPERLINKS or t.linked_cells > L.MAX_LINKED_CELLS:
        raise Refused(f"{where}的超链接过多或范围过大（{t.hyperlinks:,} 个，覆盖 {t.linked_cells:,} 个单元格），不予读取")
    for local, count in t.styles.items():
        label, cap = _STYLE_ITEMS[local]
        if count > cap:
            raise Refused(f"{where}定义了超过 {cap:,} 个{label}（正常只有几十个），可能是“样式炸弹”，不予读取")


def check_area(t: Totals, where: str, far: str) -> None:
    if t.area > L.MAX_AREA:
        raise Refused(
            f"{where}的内容一直延伸到很远的 {far} 单元格附近（可能在远处误输入了内容），"
            "范围过大，不予读取；请删除多余内容后重新发送"
        )


def column_letters(col: int) -> str:
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --- worksheets and every other part: the fast scan ----------------------------------------------------------

_ROW, _CELL, _V, _SHEET_DATA, _MERGE, _LINK, _STYLE, _F, _OTHER = range(9)
_NUMERIC_TYPES = (None, "n", "b", "e")  # calamine reads these as numbers, booleans, errors: no text
_KINDS = {"row": _ROW, "c": _CELL, "v": _V, "sheetData": _SHEET_DATA, "mergeCell": _MERGE, "hyperlink": _LINK,
          "f": _F}
_COLUMNS: dict[str, int] = {}


# Addresses already parsed (a worker reads many returns of one template): a dict hit instead of a regex
# match. Only valid addresses are kept, and at most this many, whatever a file holds.
_PARSED: tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]] = ({}, {})
_PARSED_MAX = 20_000


def _address(text: str, where: str, need_column: bool) -> tuple[int, int]:
    parsed = _PARSED[need_column]
    hit = parsed.get(text)
    if hit is not None:
        return hit
    found = _parse_address(text, where, need_column)
    if len(parsed) < _PARSED_MAX:
        parsed[text] = found
    return found


def _parse_address(text: str, where: str, need_column: bool) -> tuple[int, int]:
    m = _A1.fullmatch(text)
    if m is not None:
        letters, digits = m.groups()
        col = _COLUMNS.get(letters)
        if col is None and len(letters) <= 3 and (letters or not need_column):
            col = 0
            for ch in letters.upper():
                col = col * 26 + ord(ch) - 64
            _COLUMNS[letters] = col
        if col is not None and len(digits) <= 7 and 0 < int(digits) <= L.EXCEL_ROWS and col <= L.EXCEL_COLUMNS:
            return int(digits) - 1, col - 1
    return cell_address(text, where, need_column)  # raises with the reason


def _get(attrs: list[str], key: str) -> str | None:
    """An attribute from expat's ordered list [name, value, name, value …] (cheaper than a dict)."""
    for i in range(0, len(attrs), 2):
        if attrs[i] == key:
            return attrs[i + 1]
    return None


@dataclass(frozen=True)
class _Edge:
    """What the callbacks count in the bytes before a plain sheetData (a head) or after it (a tail), for parts
    that begin or end with the same bytes; ``depth``: the nesting where it ends (a head) or starts (a tail),
    ``limit``: the depth limit it passed under."""

    elements: int
    rows: int
    cell_elements: int
    merges: int
    merged: int
    links: int
    linked: int
    styles: tuple[tuple[str, int], ...]
    depth: int
    limit: int
    root_styles: bool = False  # a head: the root is a styleSheet (its style records count)


# Returns made from one template begin and end their sheets with the same bytes (columns, panes, the
# validations, merged cells and page setup); only the cells differ. The key is the bytes themselves.
_EDGE_MAX_BYTES = 64 * 1024
_EDGE_MAX_PARTS = 64
_HEADS: dict[bytes, _Edge] = {}
_TAILS: dict[bytes, _Edge] = {}


def _remember(known: dict[bytes, _Edge], key: bytes, counts: _Edge) -> None:
    if len(key) <= _EDGE_MAX_BYTES and len(known) < _EDGE_MAX_PARTS:
        known[key] = counts


class _NotPlain(Exception):
    """The split scan of ``scan_sheet`` met its events elsewhere than the bytes said: scan it whole."""


def scan_sheet(data: bytes, totals: Totals, where: str, shared: list[int]) -> frozenset[int]:
    """``scan_part([data], totals, where, shared)`` for a worksheet taken whole from one chunk: its sheetData,
    when in the plain shape every writer uses, counted from the bytes (``guard_sheet``) while expat parses it
    without callbacks; the same counts, hidden rows, refusals and messages."""
    inner = guard_sheet.count_sheet_data(data, shared)
    if inner is not None:
        try:
            return scan_part([data], totals, where, shared, inner)
        except _NotPlain:
            pass
    return scan_part([data], totals, where, shared)


def scan_part(chunks: Iterable[bytes], totals: Totals, where: str, shared: list[int] | None = None,
              inner: guard_sheet.SheetDataCounts | None = None) -> frozenset[int]:
    """One part through expat with the common counts; with ``shared`` (the shared strings' lengths), also
    as calamine's ``XlsxCellReader`` reads a worksheet:

    cells count only between the first ``sheetData`` start and the first ``sheetData`` end; ``</row>``
    moves to the next row and column 0, ``<row r>`` jumps; a cell without ``r`` takes the current
    position; after every cell the column moves on. A cell holds a value when it has a child element
    (an upper bound: an empty ``<v/>`` holds none). A cell's text is at most the bytes of its element,
    plus the shared string it names (``t="s"``); a number, boolean or error holds none; a ``<v>`` spelled
    with references, CDATA or comments,
    or a second ``<v>`` (calamine keeps the last), counts as the longest shared string.

    Written as closures over local counters: this runs for every element of every part. An address is
    parsed only when its cell holds a value, or when a cell without an address needs the column.
    Returns the 1-based numbers of the rows written ``hidden="1"`` (a worksheet: the locator prefers what
    the clerk sees).

    ``inner`` (from ``scan_sheet``: ``chunks`` is then the whole part as one chunk): what sheetData holds,
    counted from the bytes; the callbacks are off between ``<sheetData>`` and ``</sheetData>`` and those
    counts are added instead. ``_NotPlain`` (nothing added to ``totals``) when expat's events do not meet
    the bytes where ``inner`` says.
    """
    sheet = shared is not None
    lengths = shared or []
    longest = max(lengths, default=0)
    parser = expat.ParserCreate("UTF-8")  # what the readers assume, whatever the declaration says
    parser.buffer_text = True
    parser.ordered_attributes = True
    kinds: dict[str, int] = {}
    style_names: dict[str, str] = {}
    elements = depth = rows = cell_elements = merges = merged = links = linked = 0
    styles = False
    style_counts: dict[str, int] = {}
    state = 0  # 0 before sheetData, 1 inside, 2 after
    row = col = 0
    last_r: str | None = None  # the address of the last cell, not parsed yet (it sets the column)
    in_cell = has_value = cell_shared = cell_text = False
    cell_start = cell_row = 0
    f_start, f_bytes = -1, 0
    cell_r: str | None = None
    pieces: list[str] | None = None
    max_row = max_col = -1
    cells = text = 0
    hidden: set[int] = set()
    opened_at = -1  # where the sheetData start was met

    def refuse_dtd(*_args) -> None:
        raise Refused(_DTD.format(where=where))

    def classify(name: str) -> int:
        nonlocal styles
        local = name.rpartition(":")[2]
        kind = _KINDS.get(local, _OTHER)
        if kind == _OTHER and local in _STYLE_ITEMS:
            kind = _STYLE
            style_names[name] = local
        if depth == 1:
            styles = local == "styleSheet"
        kinds[name] = kind
        return kind

    def start(name: str, attrs: list[str]) -> None:
        nonlocal elements, depth, rows, cell_elements, merges, merged, links, linked, row, col, last_r
        nonlocal in_cell, has_value, cell_shared, cell_text, cell_start, cell_row, cell_r, pieces, state, f_start
        nonlocal f_bytes, opened_at
        elements += 1
        depth += 1
        if depth > L.MAX_DEPTH:
            raise Refused(f"{where}的 XML 嵌套超过 {L.MAX_DEPTH} 层，不是 Excel 写出的内容，可能是恶意构造的文件，不予读取")
        kind = kinds.get(name)
        if kind is None:
            kind = classify(name)
        if kind == _OTHER:
            if in_cell:
                has_value = True
            return
        if in_cell:
            # calamine reads a value from every child of <c>; the first child makes it a value cell.
            has_value = True
            if kind == _F and f_start < 0:
                f_start = parser.CurrentByteIndex  # a formula is skipped by the reader: not text it keeps
            elif kind == _V and cell_shared:
                if pieces is None:
                    # Unbuffered: a reference, CDATA or comment splits the text; calamine reads the index
                    # from the first piece only, so anything but one plain piece counts as the longest.
                    pieces = []
                    parser.buffer_text = False
                    parser.CharacterDataHandler = pieces.append
                else:
                    pieces = ["", ""]
            elif kind == _CELL:
                cell_elements += 1
            elif kind == _ROW:
                rows += 1
            return
        if kind == _CELL:
            cell_elements += 1
            if state == 1:
                # attributes in expat's order: Excel and every writer put r first, then s and t
                cell_r = attrs[1] if attrs and attrs[0] == "r" else _get(attrs, "r")
                if cell_r is None:
                    if last_r is not None:
                        col = _address(last_r, where, True)[1] + 1
                        last_r = None
                    cell_row = row
                in_cell = True
                has_value = False
                n_attrs = len(attrs)
                cell_type: str | None
                if n_attrs > 4 and attrs[4] == "t":
                    cell_type = attrs[5]
                elif n_attrs > 2 and attrs[2] == "t":
                    cell_type = attrs[3]
                else:
                    cell_type = _get(attrs, "t")
                cell_shared = cell_type == "s"
                # A number, a bool or an error holds no text; a shared string holds the string (added below).
                cell_text = cell_type not in _NUMERIC_TYPES and not cell_shared
                pieces = None
                f_start, f_bytes = -1, 0
                cell_start = parser.CurrentByteIndex
        elif kind == _ROW:
            rows += 1
            if state == 1:
                r = attrs[1] if attrs and attrs[0] == "r" else _get(attrs, "r")
                if r is not None:
                    row = _address(r, where, False)[0]
                if _get(attrs, "hidden") in ("1", "true") and len(hidden) < L.MAX_ROWS:
                    hidden.add(row + 1)
        elif kind == _SHEET_DATA:
            if sheet and state == 0:
                state = 1
                opened_at = parser.CurrentByteIndex
        elif kind == _MERGE:
            merges += 1
            merged += range_cells(_get(attrs, "ref") or "")
        elif kind == _LINK:
            links += 1
            ref = _get(attrs, "ref") or ""
            if ":" in ref:
                linked += range_cells(ref)
        elif kind == _STYLE and styles:
            local = style_names[name]
            style_counts[local] = style_counts.get(local, 0) + 1

    def end(name: str) -> None:
        nonlocal depth, in_cell, col, row, cells, text, max_row, max_col, state, last_r, f_start, f_bytes
        depth -= 1
        if state != 1:
            return
        kind = kinds[name]
        if in_cell:
            if kind == _F and f_start >= 0:
                f_bytes += parser.CurrentByteIndex - f_start
                f_start = -1
            elif kind == _V:
                if parser.CharacterDataHandler is not None:
                    parser.CharacterDataHandler = None
                    parser.buffer_text = True
            elif kind == _CELL:
                in_cell = False
                if cell_r is not None:
                    last_r = cell_r  # the column after it, when an unaddressed cell follows
                else:
                    col += 1
                if has_value:
                    if cell_r is not None:
                        r_row, r_col = _address(cell_r, where, True)
                    else:
                        r_row, r_col = cell_row, col - 1
                    cells += 1
                    if r_row > max_row:
                        max_row = r_row
                    if r_col > max_col:
                        max_col = r_col
                    if cell_text:
                        text += parser.CurrentByteIndex - cell_start - f_bytes
                    if cell_shared:
                        if pieces is not None and len(pieces) == 1 and pieces[0].isascii() and pieces[0].isdigit():
                            index = int(pieces[0])
                            text += lengths[index] if index < len(lengths) else 0
                        else:
                            text += longest
                elif cell_r is not None:
                    _address(cell_r, where, True)  # an address calamine would refuse is refused here too
            return
        if kind == _ROW:
            row += 1
            col = 0
            last_r = None
        elif kind == _SHEET_DATA:
            state = 2

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    done = [0] * 9
    styles_done: dict[str, int] = {}

    def flush() -> None:
        now = (elements, rows, cell_elements, merges, merged, links, linked, cells, text)
        d = [a - b for a, b in zip(now, done)]
        done[:] = now
        totals.elements += d[0]
        totals.rows += d[1]
        totals.cell_elements += d[2]
        totals.merges += d[3]
        totals.merged_cells += d[4]
        totals.hyperlinks += d[5]
        totals.linked_cells += d[6]
        totals.cells += d[7]
        totals.text_bytes += d[8]
        for local, count in style_counts.items():
            totals.styles[local] = totals.styles.get(local, 0) + count - styles_done.get(local, 0)
            styles_done[local] = count
        check_totals(totals, where)

    def parse(chunk: bytes, final: bool = False) -> None:
        try:
            parser.Parse(chunk, final)
        except expat.ExpatError as exc:
            raise Refused(_XML_ERROR.format(where=where, line=exc.lineno, col=exc.offset + 1)) from None

    def feed(chunk: bytes, final: bool) -> None:
        parse(chunk, final)
        flush()

    def not_plain(*_args) -> None:
        raise _NotPlain

    def counters() -> tuple[int, ...]:
        return elements, rows, cell_elements, merges, merged, links, linked

    def add(counts: _Edge) -> None:
        nonlocal elements, rows, cell_elements, merges, merged, links, linked
        elements += counts.elements
        rows += counts.rows
        cell_elements += counts.cell_elements
        merges += counts.merges
        merged += counts.merged
        links += counts.links
        linked += counts.linked
        for local, count in counts.styles:
            style_counts[local] = style_counts.get(local, 0) + count

    def edge(before: tuple[int, ...], styles_before: dict[str, int], depth_at: int) -> _Edge:
        now = counters()
        added = tuple((k, v - styles_before.get(k, 0)) for k, v in style_counts.items() if v != styles_before.get(k, 0))
        e, r, c, m, mc, h, hc = (a - b for a, b in zip(now, before))
        return _Edge(e, r, c, m, mc, h, hc, styles=added, depth=depth_at, limit=L.MAX_DEPTH)

    def sheet_data_end(name: str) -> None:
        # The first event after sheetData's content, with the callbacks back on: its end, where the bytes say.
        assert inner is not None
        if name != "sheetData" or parser.CurrentByteIndex != inner.end:
            raise _NotPlain
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        kinds[name] = _SHEET_DATA  # its start may have come with the callbacks off (a remembered head)
        end(name)

    def add_inner() -> None:
        nonlocal cells, text, max_row, max_col, elements, rows, cell_elements
        assert inner is not None
        elements += inner.elements
        rows += inner.rows
        cell_elements += inner.cell_elements
        cells += inner.cells
        text += inner.text
        max_row = max(max_row, inner.max_row)
        max_col = max(max_col, inner.max_col)
        hidden.update(inner.hidden)

    def split(whole: bytes) -> None:
        # Before sheetData, its content, after it: the callbacks on for the first and the last, or their
        # counts remembered from a part that began (ended) with the same bytes; off for the content.
        nonlocal depth, state, styles, cells, text, max_row, max_col, elements, rows, cell_elements
        assert inner is not None
        head, body, tail = whole[: inner.start], whole[inner.start : inner.end], whole[inner.end :]
        known_head = _HEADS.get(head)
        if known_head is not None and known_head.limit > L.MAX_DEPTH:
            known_head = None
        known_tail = None if known_head is None or known_head.root_styles else _TAILS.get(tail)
        if (known_head is not None and known_tail is not None and known_head.depth + guard_sheet.DEPTH <= L.MAX_DEPTH
                and known_head.depth + known_tail.limit - known_tail.depth <= L.MAX_DEPTH):
            # Both ends are bytes expat accepted around another sheetData: what it would check now is that
            # this content is well-formed, which it is as the content of any element (no DTD, no namespaces
            # here). Any error is left to the whole scan, for its line and column.
            check = expat.ParserCreate("UTF-8")
            try:
                check.Parse(b"<x>" + body + b"</x>", True)
            except expat.ExpatError:
                raise _NotPlain from None
            for counts in (known_head, known_tail):
                add(counts)
            add_inner()
            flush()
            return
        if known_head is not None:
            parser.StartElementHandler = parser.EndElementHandler = None
            parse(head)
            add(known_head)
            depth, state, styles = known_head.depth, 1, known_head.root_styles
        else:
            parse(head)
            if state != 1 or opened_at != inner.start - len(b"<sheetData>"):
                raise _NotPlain
            _remember(_HEADS, head, replace(edge((0,) * 7, {}, depth), root_styles=styles))
        if depth + guard_sheet.DEPTH > L.MAX_DEPTH:
            raise _NotPlain
        parser.StartElementHandler = parser.EndElementHandler = None
        parse(body)
        add_inner()
        known = None if styles else _TAILS.get(tail)
        if known is not None and depth + known.limit - known.depth <= L.MAX_DEPTH:
            parse(tail)
            add(known)
            state = 2
            flush()
            feed(b"", True)
            return
        before, styles_before, depth_before = counters(), dict(style_counts), depth
        parser.StartElementHandler = not_plain
        parser.EndElementHandler = sheet_data_end
        parse(tail)
        if parser.EndElementHandler is not end:
            raise _NotPlain
        flush()
        feed(b"", True)
        if not styles:
            _remember(_TAILS, tail, edge(before, styles_before, depth_before))

    if inner is None:
        for chunk in chunks:
            feed(chunk, False)
        feed(b"", True)
    else:
        split(chunks[0])  # type: ignore[index]
    if cells:
        totals.area += (max_row + 1) * (max_col + 1)
        check_area(totals, where, f"{column_letters(max_col + 1)}{max_row + 1}")
    return frozenset(hidden)


# --- parts seen before, byte for byte -------------------------------------------------------------------------
#
# Returns made from one template carry the same theme, styles and document properties, byte for byte, and a
# worker reads hundreds of them. What ``scan_part`` adds for such a part (no worksheet role: it places no
# cell) depends on its bytes alone, so a part that passed once is not tokenized again: its counts are added
# and the workbook-wide limits checked on the new totals. The key is the part's whole content (a dict
# compares the bytes, not only a hash or a CRC a file could forge); a part that would now break a limit is
# scanned for real, so the refusal and its message are the reference's.

KNOWN_MAX_BYTES = 64 * 1024  # a theme is ~10 KB, styles ~6-30 KB
_KNOWN_MAX_PARTS = 64
_KNOWN: dict[bytes, Totals] = {}
_COUNTED = ("elements", "rows", "cell_elements", "cells", "area", "text_bytes", "merges", "merged_cells",
            "hyperlinks", "linked_cells", "sheets", "names", "formula_bytes")


def _copy(t: Totals) -> Totals:
    return replace(t, styles=dict(t.styles))


def scan_known(data: bytes, totals: Totals, where: Callable[[], str]) -> None:
    """``scan_part([data], totals, where())`` for a part with no worksheet role, taken whole from one chunk;
    ``where`` is asked only when the part is scanned."""
    added = _KNOWN.get(data)
    if added is not None:
        before = _copy(totals)
        for name in _COUNTED:
            setattr(totals, name, getattr(totals, name) + getattr(added, name))
        for local, count in added.styles.items():
            totals.styles[local] = totals.styles.get(local, 0) + count
        try:
            check_totals(totals, "")
            return
        except Refused:
            totals.__dict__.update(before.__dict__)
    before = _copy(totals)
    scan_part([data], totals, where())
    if len(data) <= KNOWN_MAX_BYTES and len(_KNOWN) < _KNOWN_MAX_PARTS:
        added = Totals(**{name: getattr(totals, name) - getattr(before, name) for name in _COUNTED})
        added.styles = {k: v - before.styles.get(k, 0) for k, v in totals.styles.items() if v != before.styles.get(k, 0)}
        _KNOWN[data] = added


# --- sharedStrings.xml ---------------------------------------------------------------------------------------


def scan_shared_strings(data: bytes, totals: Totals, where: str, part: str) -> list[int]:
    """``SharedStringsScanner(totals, where, part).run([data])``'s lengths for a part taken whole from one
    chunk: counted from the bytes (``guard_sheet``) when in the plain shape and nothing in it is refused
    (expat still checks it, callbacks off); any doubt, any refusal, and the scanner runs."""
    plain = guard_sheet.count_shared_strings(data)
    if plain is not None and _plain_strings_pass(plain):
        check = expat.ParserCreate("UTF-8")
        try:
            check.Parse(data, True)
        except expat.ExpatError:
            plain = None
        if plain is not None:
            totals.elements += plain.elements
            check_totals(totals, where)
            return plain.lengths
    scanner = SharedStringsScanner(totals, where, part)
    scanner.run([data])
    return scanner.lengths


def _plain_strings_pass(plain: guard_sheet.SharedStringsCounts) -> bool:
    """What the scanner refuses inside its callbacks does not happen: declared counts, the number of
    strings, the nesting (sst, si, r, rPr and its items)."""
    if len(plain.lengths) > L.MAX_SHARED_STRINGS or L.MAX_DEPTH < 5:
        return False
    for key in ("count", "uniqueCount"):
        value = plain.declared.get(key)
        if value is not None and not (value.isascii() and value.isdigit() and int(value) <= L.MAX_SHARED_STRINGS):
            return False
    return True


class SharedStringsScanner(Scanner):
    """The strings as calamine indexes them: ``<si>`` elements after the first ``<sst>`` start, each closed
    by the first end tag of the same name. Each length is the bytes of its element (>= its text)."""

    def __init__(self, totals: Totals, where: str, part: str):
        super().__init__(totals, where, part)
        self.lengths: list[int] = []
        self.state = 0  # 0 before <sst>, 1 inside, 2 after
        self.si_name: str | None = None
        self.si_start = 0

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        super()._start(name, attrs)
        if self.si_name is not None:
            return
        local = _local(name)
        if self.state == 0 and local == "sst":
            self.state = 1
            for key in ("count", "uniqueCount"):
                value = attrs.get(key)
                if value is not None and not (value.isascii() and value.isdigit() and int(value) <= L.MAX_SHARED_STRINGS):
                    raise Refused(
                        f"{self.where}声明了 {value[:24]} 个共享字符串（正常只有几百个），读取时会预留相应的内存，"
                        "可能是恶意构造的文件，不予读取"
                    )
        elif self.state == 1 and local == "si":
            self.si_name = name
            self.si_start = self.parser.CurrentByteIndex
            if len(self.lengths) >= L.MAX_SHARED_STRINGS:
                raise Refused(f"{self.where}有超过 {L.MAX_SHARED_STRINGS:,} 个共享字符串，远超一份统计表，不予读取")

    def _end(self, name: str) -> None:
        self.depth -= 1
        if self.si_name is not None:
            if name == self.si_name:
                self.lengths.append(self.parser.CurrentByteIndex - self.si_start)
                self.si_name = None
            return
        if self.state == 1 and _local(name) == "sst":
            self.state = 2


# --- the small parts that decide what is read (parsed whole, raw bytes at hand) -----------------------------


_RAW_ATTR = re.compile(rb"""([^\s=<>/]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def raw_attributes(data: bytes, at: int) -> dict[str, bytes]:
    """The raw (unescaped) attribute values of the start tag at ``data[at]``, as calamine sees them."""
    end = at
    quote = 0
    n = len(data)
    while end < n:
        ch = data[end]
        if quote:
            if ch == quote:
                quote = 0
        elif ch in (0x22, 0x27):
            quote = ch
        elif ch == 0x3E:  # '>'
            break
        end += 1
    return {k.decode("utf-8", "replace"): v1 or v2 for k, v1, v2 in _RAW_ATTR.findall(data, at, end)}


class IndexScanner(Scanner):
    """A whole small part: relationships, content types, workbook.xml, an .ods manifest.

    Returns from one template carry the same relationships, content types and workbook.xml byte for byte: a
    part scanned before without a refusal (same class, same ``strict``) gives its remembered results and
    adds its remembered counts, when the limits it could break inside the scan (depth, sheet entries,
    defined names) still hold with them; otherwise it is scanned, so a refusal is always a real scan's."""

    RESULTS: tuple[str, ...] = ()  # the attributes a scan leaves for the caller
    strict = False

    def __init__(self, totals: Totals, where: str, part: str, data: bytes):
        super().__init__(totals, where, part)
        self.data = data
        self.parser.ordered_attributes = False

    def scan(self) -> None:
        if len(self.data) > L.MAX_INDEX_PART_BYTES:
            raise Refused(f"{self.where}过大（{len(self.data) / L.MB:.0f} MB），不像一份统计表，不予读取")
        key = (type(self), self.strict, self.data)
        known = _INDEXED.get(key)
        t = self.totals
        if known is not None:
            added, results, limit = known
            if (limit <= L.MAX_DEPTH and t.sheets + added.sheets <= L.MAX_SHEETS
                    and t.names + added.names <= L.MAX_DEFINED_NAMES):
                for name in _COUNTED:
                    setattr(t, name, getattr(t, name) + getattr(added, name))
                for local, count in added.styles.items():
                    t.styles[local] = t.styles.get(local, 0) + count
                for name, value in results.items():
                    setattr(self, name, _fresh(value))
                check_totals(t, self.where)
                return
        before = _copy(t)
        self.feed(self.data, True)
        self.finish()
        if len(self.data) <= KNOWN_MAX_BYTES and len(_INDEXED) < _KNOWN_MAX_PARTS:
            added = Totals(**{name: getattr(t, name) - getattr(before, name) for name in _COUNTED})
            added.styles = {k: v - before.styles.get(k, 0) for k, v in t.styles.items() if v != before.styles.get(k, 0)}
            _INDEXED[key] = (added, {name: _fresh(getattr(self, name)) for name in self.RESULTS}, L.MAX_DEPTH)

    def raw(self) -> dict[str, bytes]:
        return raw_attributes(self.data, self.parser.CurrentByteIndex)


_INDEXED: dict[tuple[type, bool, bytes], tuple[Totals, dict[str, object], int]] = {}


def _fresh(value):
    """A copy of a scan's result a caller may change (lists and dicts of frozen entries)."""
    return type(value)(value) if isinstance(value, (list, dict)) else value


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str
    external: bool


class RelsScanner(IndexScanner):
    """``<Relationship Id Type Target>`` (calamine reads the attributes by these exact names). ``strict``:
    a part calamine resolves paths from: an ``&`` in a raw tag is refused, because calamine compares the
    raw bytes and expat the unescaped text, and the two could name different parts."""

    RESULTS = ("relationships",)

    def __init__(self, totals: Totals, where: str, part: str, data: bytes, strict: bool):
        super().__init__(totals, where, part, data)
        self.strict = strict
        self.relationships: list[Relationship] = []

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        super()._start(name, attrs)
        if _local(name) != "Relationship":
            return
        if self.strict and b"&" in b"".join(self.raw().values()):
            raise Refused(_ODD.format(f"{self.part} 中的关系含有转义字符，读取程序与检查程序会理解成不同的部件"))
        self.relationships.append(Relationship(
            attrs.get("Id", ""), attrs.get("Type", ""), attrs.get("Target", ""),
            attrs.get("TargetMode", "") == "External",
        ))


class ContentTypesScanner(IndexScanner):
    RESULTS = ("defaults", "overrides")

    def __init__(self, totals: Totals, where: str, part: str, data: bytes):
        super().__init__(totals, where, part, data)
        self.defaults: dict[str, str] = {}
        self.overrides: list[tuple[str, str]] = []

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        super()._start(name, attrs)
        local = _local(name)
        if local == "Default":
            self.defaults.setdefault(attrs.get("Extension", "").lower(), attrs.get("ContentType", ""))
        elif local == "Override":
            self.overrides.append((attrs.get("PartName", ""), attrs.get("ContentType", "")))


@dataclass(frozen=True)
class SheetEntry:
    name: str
    rel_id: str
    state: str


class WorkbookScanner(IndexScanner):
    """``<sheet>`` entries (name, state, the last attribute whose local name is ``id``, raw as calamine
    compares it) and ``<definedName>`` texts."""

    RESULTS = ("sheets", "names")

    def __init__(self, totals: Totals, where: str, part: str, data: bytes):
        super().__init__(totals, where, part, data)
        self.parser.ordered_attributes = True
        self.sheets: list[SheetEntry] = []
        self.names: list[tuple] = []
        self._name: str | None = None
        self._text: list[str] = []

    def _start(self, name: str, attrs) -> None:  # ordered attributes: [k1, v1, k2, v2 ...]
        pairs = dict(zip(attrs[::2], attrs[1::2]))
        super()._start(name, pairs)
        local = _local(name)
        if local == "sheet":
            rel_id = ""
            raw_id = b""
            raw = self.raw()
            for key in attrs[::2]:
                if _local(key) == "id":
                    rel_id, raw_id = pairs[key], raw.get(key, b"")
            if b"&" in raw_id:
                raise Refused(_ODD.format("workbook.xml 中工作表的关系编号含有转义字符"))
            self.sheets.append(SheetEntry(pairs.get("name", ""), rel_id, pairs.get("state", "visible")))
            self.totals.sheets += 1
            if self.totals.sheets > L.MAX_SHEETS:
                raise Refused(f"工作簿列出了超过 {L.MAX_SHEETS} 个工作表（正常只有 1-5 个），不予读取")
        elif local == "definedName" and self._name is None and "name" in pairs:
            self._name = name
            self._key = pairs["name"]
            self._scoped = "localSheetId" in pairs  # a sheet-level name (core.workbook.name_table's precedence)
            self._text = []
            self.parser.CharacterDataHandler = self._text.append

    def _end(self, name: str) -> None:
        super()._end(name)
        if name == self._name:
            self.parser.CharacterDataHandler = None
            self._name = None
            self.names.append((self._key, "".join(self._text), self._scoped))
            self.totals.names += 1
            if self.totals.names > L.MAX_DEFINED_NAMES:
                raise Refused(L.TOO_MANY_NAMES)


class ManifestScanner(IndexScanner):
    """An .ods manifest: ``encryption-data`` means the content is encrypted (calamine: PasswordError)."""

    RESULTS = ("encrypted",)
    encrypted = False

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        super()._start(name, attrs)
        if _local(name) == "encryption-data":
            self.encrypted = True


# --- an .ods content.xml, as calamine's ods reader expands it --------------------------------------------------

_VALUE_ATTRS = ("office:value", "office:string-value", "office:date-value", "office:time-value",
                "office:boolean-value", "table:formula")
_TEXT_ATTRS = ("office:string-value", "office:date-value", "office:time-value")


class OdsContentScanner(Scanner):
    """Rows and cells of every ``table:table`` after their repeats are expanded.

    calamine pushes a non-empty cell once per repeated column (at most 16,384 columns in a row), and the
    empty cells before it; a trailing run of empty cells is dropped. Rows between the first and the last
    non-empty row are then expanded by their repeat counts (at most 1,048,576 rows), each non-empty row's
    cells copied as many times, text included; the reader's grid runs from A1 to the last non-empty row
    and column. An .ods keeps a formula grid beside the value grid for every sheet during the whole read,
    so its grid counts twice against the area limit.
    """

    AREA_WEIGHT = 2

    def __init__(self, totals: Totals, where: str, part: str):
        super().__init__(totals, where, part)
        self.tables: list[str] = []
        self.names: list[tuple] = []
        self.in_table = False
        self.in_row = False
        self.in_cell = 0  # depth of the open cell element (nested content is the cell's)
        self.cell_start = 0
        self.cell_nonempty = False
        self.cell_repeat = 1
        self.cell_text = 0
        self.cell_texty = False
        self.cell_formula = 0

    # table state
    def _new_table(self) -> None:
        self.total_rows = 0
        self.last_rows_end = 0  # rows up to and including the last non-empty row (expanded)
        self.col_max = -1
        self.table_cells = 0

    def _start(self, name: str, attrs: dict[str, str]) -> None:
        super()._start(name, attrs)
        local = _local(name)
        if self.in_cell:
            if local == "s":
                self.cell_text += self._count(attrs.get("text:c", "1"), "text:c")
            elif local == "p":
                self.cell_text += 1
            return
        if local == "table":
            if not self.in_table:
                self.in_table = True
                self.tables.append(attrs.get("table:name", ""))
                self._new_table()
                self.totals.sheets += 1
                if self.totals.sheets > L.MAX_SHEETS:
                    raise Refused(f"工作簿有超过 {L.MAX_SHEETS} 个工作表（正常只有 1-5 个），不予读取")
        elif local == "table-row" and self.in_table:
            self.in_row = True
            self.row_repeat = min(self._count(attrs.get("table:number-rows-repeated", "1"), "number-rows-repeated"),
                                  L.EXCEL_ROWS - self.total_rows)
            self.total_rows += self.row_repeat
            self.row_pushed = 0
            self.row_pending = 0
            self.row_last = 0  # end of the last non-empty cell
            self.row_text = 0
            self.row_formulas = 0
            self.row_values = 0
        elif local in ("table-cell", "covered-table-cell") and self.in_row:
            self.in_cell = self.depth
            self.cell_start = self.parser.CurrentByteIndex
            self.cell_repeat = self._count(attrs.get("table:number-columns-repeated", "1"), "number-columns-repeated")
            kind = attrs.get("office:value-type")
            self.cell_nonempty = kind == "string" or any(a in attrs for a in _VALUE_ATTRS)
            # A float, percentage, currency or boolean holds no text; a string, date or time does: its text
            # is the character data of the cell (and its string/date/time value attribute), counted as it
            # comes. A formula (kept in calamine's formula grid, never handed to the locator) counts against
            # the formula limit instead.
            self.cell_texty = kind not in ("float", "percentage", "currency", "boolean")
            self.cell_formula = len(attrs.get("table:formula", "").encode("utf-8", "replace"))
            self.cell_text = sum(len(attrs.get(a, "").encode("utf-8", "replace")) for a in _TEXT_ATTRS)
            if self.cell_texty:
                self.parser.CharacterDataHandler = self._text
        elif local in ("named-range", "named-expression"):
            address = attrs.get("table:cell-range-address") or attrs.get("table:expression", "")
            self.names.append((attrs.get("table:name", ""), address))
            self.totals.names += 1
            if self.totals.names > L.MAX_DEFINED_NAMES:
                raise Refused(L.TOO_MANY_NAMES)

    def _count(self, text: str, what: str) -> int:
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            raise Refused(f"{self.where}中的重复次数“{text[:20]}”（{what}）无效，文件已损坏或是恶意构造的，不予读取")
        return int(text)

    def _end(self, name: str) -> None:
        depth = self.depth
        super()._end(name)
        if self.in_cell:
            if depth == self.in_cell:
                self.in_cell = 0
                self._close_cell()
            return
        local = _local(name)
        if local == "table-row" and self.in_row:
            self.in_row = False
            self._close_row()
        elif local == "table" and self.in_table and not self.in_row:
            self.in_table = False
            self._close_table()

    def _text(self, data: str) -> None:
        self.cell_text += len(data.encode("utf-8", "replace"))

    def _close_cell(self) -> None:
        self.parser.CharacterDataHandler = None
        text = self.cell_text if self.cell_texty else 0
        room = L.EXCEL_COLUMNS - self.row_pushed
        self.row_pushed += min(self.row_pending, room)  # empties before this cell are pushed now
        self.row_pending = 0
        room = L.EXCEL_COLUMNS - self.row_pushed
        repeat = min(self.cell_repeat, room)
        if self.cell_nonempty or self.cell_formula:
            self.row_pushed += repeat
            self.row_last = self.row_pushed
            self.row_text += text * repeat
            self.row_formulas += self.cell_formula * repeat
            self.row_values += repeat
        else:
            self.row_pending = repeat

    def _close_row(self) -> None:
        t = self.totals
        t.area += self.AREA_WEIGHT * self.row_pushed  # cells pushed before the rows are expanded
        if self.row_last:
            self.last_rows_end = self.total_rows
            self.col_max = max(self.col_max, self.row_last - 1)
            copies = 1 + self.row_repeat
            t.text_bytes += self.row_text * copies
            t.formula_bytes += self.row_formulas * copies
            t.cells += self.row_values * self.row_repeat
            check_totals(t, self.where)

    def _close_table(self) -> None:
        if self.col_max >= 0:
            self.totals.area += self.AREA_WEIGHT * self.last_rows_end * (self.col_max + 1)
            check_area(self.totals, f"工作表“{self.tables[-1][:60]}”",
                       f"{column_letters(self.col_max + 1)}{self.last_rows_end}")
