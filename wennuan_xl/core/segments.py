"""A form's region of a sheet as segments: each piece of printed text that may name one field.

A segment is a label cell of a table row, a part of a prose line between two letters (``（A）… （B）…``),
a row of a two-column table of pairs (kinds × 人次 / 万元), or a code printed alone. Each carries the
marks it prints (item, letter, code), its words, and where its value can be: the row (for the value
column to be chosen later), a number inside the text, or a cell of its own.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

from . import printed
from .forms import Form
from .printed import Inline, inline_numbers, item_number, letter_marks, marks, nfkc, squeeze, words
from .workbook import SheetData

# Words of header rows (a retyped table's column titles), compared in ``words`` form.
HEADER_WORDS = frozenset(words(w) for w in (
    "项目", "序号", "编号", "行次", "指标", "指标名称", "项目名称", "名称", "内容", "项目及指标", "统计指标",
    "代码", "指标代码", "编码", "计量单位", "单位", "数值", "数量", "本期数", "本年数", "填报数", "数据", "合计",
    "本年", "本期", "本年度", "今年", "上年", "上年同期", "去年", "同期", "同比", "增减", "增减%", "增长",
    "备注", "说明", "审核", "金额", "人次", "帮扶款物", "帮扶款物（万元）", "运送人次", "指标值", "统计数",
    "计划数", "计划", "完成数", "完成", "实际数", "实际完成", "完成情况", "系统本级", "本级", "所属基层单位",
))
# Header words that also name fields when they stand in a row's label cell (帮扶款物, 运送人次).
MEASURE_WORDS = frozenset(words(w) for w in ("人次", "帮扶款物", "帮扶款物（万元）", "运送人次", "金额", "数量"))
TOTAL_WORDS = frozenset(("合计", "小计", "总计", "共计", "总数", "合计数"))
_TERMINATORS = ("。", "；", ";", "，", ",")
UNIT_CELL = re.compile(r"^[(（]?(万元|人次|万人|元|万|人|户|家|个|列|节|辆|艘|架|张|对|件|是/否|是否)[)）]?[。；;，,]?$")
_SLOT = re.compile(r"[\s\u3000]+(万元|人次|人|户|家|个|列|节|辆|艘|架|张|对|件|万)\s*[。；;，,、]?\s*$")
# An empty place inside a sentence, as the notice prints it: ``为   户困难职工家庭…``, ``…服务       人次；其中：``.
_SLOT_INSIDE = re.compile(r"(?:[\s\u3000]{2,}|[\u3000])(万元|人次|人|户|家|个|列|节|辆|艘|架|张|对|件)(?=[\u4e00-\u9fff。；;，,、]|$)")
_BARE_UNIT = re.compile(r"^(万元|人次|人|户|家|个|列|节|辆|艘|架|张|对|件|万)\s*[。；;，,、]?\s*(?:其中\s*[:：]?)?\s*$")
_NOTE = re.compile(r"[(（][^()（）]*\d[^()（）]*[)）]")
_YESNO_VALUE = re.compile(r"(?<!是)(是|否)\s*[(（]\s*是\s*/\s*否\s*[)）]")
_SLOT_YESNO = re.compile(r"[(（]\s*是\s*/\s*否\s*[)）]")
_TRAILING_UNIT = re.compile(r"(?:[(（]?(?:万元|人次|人|户|家|个|列|节|辆|艘|架|张|对|件)[)）]?)$")
_COVER = ("填报单位", "填报人", "联系电话", "填报日期", "单位负责人", "负责人", "审核人", "制表人")


# Rows with content a form's region may hold before it is not read row by row: a return prints < 200.
MAX_ROWS = 1500


@dataclass(frozen=True)
class Segment:
    row: int
    col: int  # the cell that prints the label (or the code)
    words: str  # label words as compared (``printed.label_words``), "" when the label is implicit
    text: str  # as printed, for messages
    label: str = ""  # the label as printed, without marks, numbers and units (words are made from it)
    item: int | None = None  # printed or carried from the rows above
    item_printed: bool = False
    letter: str = ""
    code: str = ""
    unit: str = ""  # the unit printed with it (unit column, the unit after a slot or a number)
    numbers: tuple[Inline, ...] = ()  # numbers inside the text, with their units
    number_cells: tuple[tuple[int, int], ...] = ()  # cell of each of ``numbers``
    slot: bool = False  # prints an empty place for the value (``当地职工总数　　人，``)
    slot_row: int = 0  # the row that prints the empty place (a wrapped label's next line)
    kind: str = "row"  # row | prose | pair | code
    cell: tuple[int, int] | None = None  # pair segments: the value's own cell
    context: str = ""  # pair segments: the heading of their table (困难职工 / 农民工)
    hidden: bool = False  # on a row the unit hid: a visible copy of the same field is preferred
    filled: bool = False  # its row (or its text) holds a figure: a filled copy beats an empty one
    arabic: bool = False  # its item was printed ``1.``: in a form numbered 一、二 that numbers sub-items
    extra: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Region:
    sheet: SheetData
    first: int  # rows first..last, 1-based, inclusive
    last: int
    first_col: int = 1  # columns, when forms (or last year's table) stand side by side on one sheet
    last_col: int = 10**6

    def holds(self, col: int) -> bool:
        return self.first_col <= col <= self.last_col


@dataclass
class Layout:
    """What the region prints around the segments: header rows, and which columns hold which words."""

    header_rows: list[int] = field(default_factory=list)
    unit_cols: set[int] = field(default_factory=set)
    code_cols: set[int] = field(default_factory=set)
    item_cols: set[int] = field(default_factory=set)
    serial_cols: set[int] = field(default_factory=set)
    too_many: int = 0  # rows with content, when far more than any form has: not read row by row


def is_header_row(cells: list[tuple[int, object]]) -> bool:
    if any(isinstance(v, (int, float)) and not isinstance(v, bool) and not (1990 <= v <= 2100) for _, v in cells):
        return False  # a row with a figure (``合计 | 人次 | 5464``) is no row of column titles
    texts = [words(v) for _, v in cells if isinstance(v, str) and v.strip()]
    if len(texts) < 2:
        return False
    hits = sum(1 for t in texts if t in HEADER_WORDS or _header_like(t))
    return hits >= 2 and hits >= len(texts) - 1


def _header_like(t: str) -> bool:
    return (len(t) <= 8 and any(w in t for w in ("数值", "本年", "上年", "本期", "同期", "备注", "单位", "名称", "代码", "序号")))\
        or bool(re.match(r"(?:19|20)\d\d年", t) and len(t) <= 14)


def segment_region(region: Region, form: Form, unit_words: frozenset[str]) -> tuple[list[Segment], Layout]:
    sheet = region.sheet
    layout = Layout()
    rows: list[tuple[int, list[tuple[int, object]]]] = []
    for r in range(region.first, region.last + 1):
        cells = [(c, v) for c, v in enumerate(sheet.rows[r - 1] if r <= len(sheet.rows) else (), start=1)
                 if v is not None and v != "" and not (isinstance(v, str) and not v.strip()) and region.holds(c)]
        if cells:
            rows.append((r, cells))
    if len(rows) > MAX_ROWS:
        layout.too_many = len(rows)
        return [], layout
    _classify_columns(rows, layout, unit_words)
    segments: list[Segment] = []
    item: int | None = None
    detect = [printed.title_words(d) for d in form.detect]
    in_notes = False
    for r, cells in rows:
        if is_header_row(cells):
            layout.header_rows.append(r)
            in_notes = False
            continue
        texts = [(c, v) for c, v in cells if isinstance(v, str)]
        if _is_furniture(texts, detect):
            in_notes = bool(texts) and words(texts[0][1]).startswith(("说明", "注"))
            continue
        if in_notes and len(cells) == 1 and texts and re.match(r"^\s*\d+\s*[.、．]", nfkc(texts[0][1])):
            continue  # ``2.职工包括农民工…``: the next numbered line of the notes
        in_notes = False
        if len(cells) == 1 and texts and segments and re.fullmatch(r"元\s*[。；;，,]?", squeeze(texts[0][1])):
            prev = segments[-1]
            if prev.numbers and prev.numbers[-1].unit == "万":
                # ``涉及金额 24.17万`` / ``元。``: the unit wrapped onto the next line.
                segments[-1] = replace(prev, numbers=prev.numbers[:-1] + (replace(prev.numbers[-1], unit="万元"),))
            continue
        joined = split_prose(r, cells, in_table=bool(layout.header_rows))
        if joined is not None:
            line, spans = joined
            first_col = cells[0][0]
            pieces = []
            for s in _split_cell(r, first_col, line, form, spans):
                if s.item_printed:
                    item = s.item
                if s.words or s.letter or s.numbers or s.slot:
                    pieces.append(replace(s, kind="prose", item=item if s.item is None else s.item))
            if r in sheet.hidden_rows:
                pieces = [replace(s, hidden=True) for s in pieces]
            segments.extend(_continue_prose(segments, pieces, cells, prose_line=True))
            continue
        label_cells = [(c, v) for k, (c, v) in enumerate(texts) if _is_label(c, v, layout, first=k == 0)]
        first_label = min((c for c, _ in label_cells), default=10**6)
        row_item: int | None = None
        row_code = ""
        row_unit = ""
        for c, v in cells:
            if c in layout.serial_cols or any(c == lc for lc, _ in label_cells):
                continue
            code = printed.code_of(v)
            if code:
                row_code = row_code or code
            elif isinstance(v, str) and (c in layout.unit_cols or UNIT_CELL.match(squeeze(v))):
                row_unit = row_unit or squeeze(v).strip("()（）")
            elif c < first_label and (c in layout.item_cols or _is_item_cell(v)):
                n = item_number(v)
                if n is not None:
                    row_item = n
        if row_item is not None:
            item = row_item
        if not label_cells and len(texts) == 1 and segments and UNIT_CELL.match(squeeze(texts[0][1])):
            # ``　　　户；`` on the line under a wrapped label: that label's empty place.
            c0, v0 = texts[0]
            orphan = Segment(r, c0, "", nfkc(v0).strip(), slot=True, slot_row=r, kind="prose",
                             unit=squeeze(v0).strip("()（）。；;，,"))
            segments.extend(_continue_prose(segments, [orphan], cells, prose_line=True))
            continue
        if not label_cells:
            if row_code:
                segments.append(Segment(r, 0, "", row_code, code=row_code, unit=row_unit, kind="code",
                                        item=int(row_code.split(".")[1][:2]), item_printed=True,
                                        hidden=r in sheet.hidden_rows))
            continue
        row_segments: list[Segment] = []
        for c, text in label_cells:
            for seg in _split_cell(r, c, text, form):
                if seg.item is not None:
                    item = seg.item
                if seg.words or seg.letter or seg.numbers or seg.slot:
                    row_segments.append(replace(seg, item=item) if seg.item is None else seg)
        row_segments = _marks_onto_labels(row_segments)
        if len(row_segments) == 1 and row_segments[0].numbers and any(
            columns_number(v) for c, v in cells if c != row_segments[0].col
        ):
            # ``慰问一线职工 24小时值守 | 人 | 3710``: the figure is in its cell; the label's digits are words.
            only = row_segments[0]
            row_segments = [replace(only, numbers=(), number_cells=(), kind="row" if not only.slot else only.kind)]
        if row_item is not None and row_segments:
            row_segments[0] = replace(row_segments[0], item=row_item, item_printed=True)
        if row_code and len(row_segments) == 1:
            row_segments[0] = replace(row_segments[0], code=row_code)
        if row_unit and len(row_segments) == 1 and not row_segments[0].unit:
            row_segments[0] = replace(row_segments[0], unit=row_unit)
        if r in sheet.hidden_rows:
            row_segments = [replace(s, hidden=True) for s in row_segments]
        prose_line = len(cells) == 1 or any(s.kind == "prose" for s in row_segments)
        if any(columns_number(v) for c, v in cells if not any(c == s.col for s in row_segments)
               and c not in layout.serial_cols and c not in layout.item_cols and not (c < first_label and _is_item_cell(v))):
            row_segments = [replace(s, filled=True) for s in row_segments]
        segments.extend(_continue_prose(segments, row_segments, cells, prose_line=prose_line))
    segments = [replace(s, filled=True) if s.numbers and not s.filled else s for s in segments]
    segments = _halves_in_order(sheet, segments)
    if any(_CN_ITEM.match(nfkc(v)) for _, cells in rows for _, v in cells if isinstance(v, str)):
        # Items 一、二、三: a ``1.`` in front of a label numbers the item's sub-items, not items 01, 02.
        segments = _demote_arabic(segments)
    return segments, layout


def _halves_in_order(sheet: SheetData, segments: list[Segment]) -> list[Segment]:
    """A table printed in halves side by side (items 01-07 left, 08-14 right, an empty column between) is
    read as the form runs: the left half, then the right."""
    counts: dict[int, int] = {}
    for s in segments:
        if s.kind == "row" and s.col:
            counts[s.col] = counts.get(s.col, 0) + 1
    cols = sorted(c for c, n in counts.items() if n >= 3)
    splits = [empty_column_between(sheet, a, b) for a, b in itertools.pairwise(cols)]
    if len(cols) < 2 or any(c is None for c in splits):
        return segments
    bounds = [c for c in splits if c is not None]
    return sorted(segments, key=lambda s: sum(1 for b in bounds if s.col > b))


def empty_column_between(sheet: SheetData, a: int, b: int) -> int | None:
    """A column between ``a`` and ``b`` that is empty on every row, if there is one."""
    for c in range(a + 1, b):
        if all(c > len(row) or row[c - 1] in (None, "") for row in sheet.rows):
            return c
    return None


_CN_ITEM = re.compile(r"^\s*[(（]?[一二三四五六七八九十]{1,3}[)）]?\s*[、.．]")


def _demote_arabic(segments: list[Segment]) -> list[Segment]:
    out: list[Segment] = []
    item: int | None = None
    for s in segments:
        if s.item_printed and not s.arabic:
            item = s.item
        if s.arabic:
            s = replace(s, item=item, item_printed=False, arabic=False)
        elif not s.item_printed and item is not None and s.item != item:
            s = replace(s, item=item)
        out.append(s)
    return out


def _marks_onto_labels(row_segments: list[Segment]) -> list[Segment]:
    """``01（A）`` or ``（A）`` in a cell of its own, the label in the next: one segment, with the marks."""
    out: list[Segment] = []
    for seg in row_segments:
        prev = out[-1] if out else None
        if (prev is not None and not prev.words and not prev.numbers and not prev.slot and (prev.letter or prev.item_printed)
                and seg.words and not seg.letter and not seg.item_printed and not seg.code):
            out[-1] = replace(seg, letter=prev.letter, item=prev.item if prev.item_printed else seg.item,
                              item_printed=prev.item_printed or seg.item_printed)
            continue
        out.append(seg)
    return out


def _is_furniture(texts: list[tuple[int, str]], detect: list[str]) -> bool:
    """Title, annex line, notes and cover rows: printed around the table, never a field."""
    if not texts:
        return False
    joined = "".join(squeeze(v) for _, v in texts)
    if any(d and d in printed.title_words(joined) for d in detect):
        return True
    first = words(texts[0][1])
    if len(texts) == 1 and first.startswith(("附件", "说明", "注")) and not letter_marks(nfkc(texts[0][1])):
        return True
    return any(squeeze(v).startswith(_COVER) for _, v in texts)


def _is_label(c: int, v: object, layout: Layout, first: bool = False) -> bool:
    if not isinstance(v, str) or c in layout.serial_cols:
        return False
    if printed.code_of(v) or _numeric_text(v) or UNIT_CELL.match(squeeze(v)):
        return False
    w = words(v)
    if (w in HEADER_WORDS and w not in TOTAL_WORDS and w not in MEASURE_WORDS) or (len(squeeze(v)) <= 5 and item_number(v) is not None):
        return False
    # One character names a field only as a row's first text (船 in a vehicles table); elsewhere 无 is a value.
    if re.fullmatch(r"[(（]?[A-Z][)）]?[.、．]?", squeeze(v)):
        return True  # a letter in a column of its own (子项): it marks the label beside it
    return len(w) >= 2 or bool(letter_marks(nfkc(v))) or (first and len(w) == 1 and w not in ("无", "否", "是"))


def _split_cell(r: int, c: int, text: str, form: Form,
                spans: list[tuple[int, int, tuple[int, int]]] | None = None) -> list[Segment]:
    """One cell of text as segments: split at each printed letter (prose lines hold several). ``spans``:
    where a line joined from several cells came from, so each number keeps its own cell."""
    s = text if spans is not None else nfkc(text)

    def cell_at(offset: int) -> tuple[int, int]:
        for a, b, where in spans or ():
            if a <= offset < b:
                return where
        return (r, c)

    cuts = [0] + [i for i, _ in letter_marks(s) if i > 0] + [len(s)]
    pieces = [s[a:b] for a, b in itertools.pairwise(cuts) if s[a:b].strip()]
    out = []
    many = len(pieces) > 1
    starts = [a for a, b in itertools.pairwise(cuts) if s[a:b].strip()]
    for n, piece in enumerate(pieces):
        m = marks(piece)
        body = m.rest
        base = starts[n] + (piece.rfind(body) if body else 0)
        # A note in brackets (（45座大巴）, （含劳务派遣工 2455人）, （上年 27310 人）) is words, never the figure.
        notes = [(a.start(), a.end()) for a in _NOTE.finditer(body)]
        numbers = tuple(x for x in inline_numbers(body) if not any(a <= x.start < b for a, b in notes))
        yesno = _YESNO_VALUE.search(body)
        if yesno:
            # ``资金是否纳入财政预算否（是/否）``: the answer written before the printed (是/否).
            numbers = numbers + (printed.Inline(yesno.start(1), yesno.end(1), yesno.group(1), "是/否"),)
            body = body[: yesno.start(1)] + body[yesno.end(1):]
        slot = (bool(_SLOT.search(body)) or bool(_SLOT_YESNO.search(body)) or bool(_BARE_UNIT.match(body))
                or (not numbers and bool(_SLOT_INSIDE.search(body))))
        unit = ""
        for num in numbers:
            unit = unit or num.unit
        if not unit and slot:
            sm = _SLOT.search(body) or _BARE_UNIT.match(body) or _SLOT_INSIDE.search(body)
            unit = sm.group(1) if sm else "是/否"
        label = body
        for num in reversed(numbers):
            label = label[: num.start] + label[num.start + len(num.number) :]
        label = _NOTE.sub("", label)
        label = _clean_label(label)
        kind = "prose" if many or numbers or slot else "row"
        out.append(Segment(
            row=r, col=c, words=printed.label_words(label), text=piece.strip(), label=label,
            item=m.item if n == 0 else None, item_printed=m.item is not None and n == 0, arabic=m.arabic and n == 0,
            letter=m.letter, code=m.code, unit=unit, numbers=numbers,
            number_cells=tuple(cell_at(base + num.start) for num in numbers), slot=slot, kind=kind,
            slot_row=r if slot else 0,
        ))
    return out


_UNIT_LEAD = re.compile(r"^\s*(万元|人次|万人|元|人|户|家|个|列|节|辆|艘|架|张|对|件)")


def split_prose(r: int, cells: list[tuple[int, object]], in_table: bool) -> tuple[str, list[tuple[int, int, tuple[int, int]]]] | None:
    """A prose line retyped across cells, the numbers in cells of their own between the words
    (``01 （A） 当地职工总数 | 6859 | 人,（B）其中农民工总数 | 2802 | 人。``): the line joined, with spans.
    Under a table header, only a line whose words go on after the unit is one (``人,（B）…``)."""

    def words_before(k: int) -> bool:
        v = cells[k - 1][1] if k else None
        return isinstance(v, str) and len(words(v)) >= 1 and not printed.code_of(v) and not UNIT_CELL.match(squeeze(v))

    def unit_after(k: int) -> bool:
        if k + 1 >= len(cells) or not isinstance(cells[k + 1][1], str):
            return False
        text = nfkc(cells[k + 1][1]).strip()
        m = _UNIT_LEAD.match(text)
        return m is not None and (not in_table or len(words(text[m.end():])) >= 2)

    # A line that only carries the number of the label above (``| 26 | 户；``) is one too, outside a table.
    if not any(columns_number(v) and (words_before(k) or (k == 0 and not in_table)) and unit_after(k)
               for k, (_c, v) in enumerate(cells)):
        return None
    parts: list[str] = []
    spans: list[tuple[int, int, tuple[int, int]]] = []
    pos = 0
    for c, v in cells:
        piece = nfkc(v) if isinstance(v, str) else _number_text(v)
        if parts:
            parts.append(" ")
            pos += 1
        spans.append((pos, pos + len(piece), (r, c)))
        parts.append(piece)
        pos += len(piece)
    return "".join(parts), spans


def columns_number(v: object) -> bool:
    if isinstance(v, bool):
        return False
    return isinstance(v, (int, float)) or (isinstance(v, str) and _numeric_text(v))


def _number_text(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _clean_label(label: str) -> str:
    """Without what a sentence adds after the label: ``，其中：``, the unit, the punctuation."""
    prev = None
    while prev != label:
        prev = label
        label = re.sub(r"[\s\u3000。；;，,、:：]+$", "", label)
        label = re.sub(r"其中$", "", label)
        label = _TRAILING_UNIT.sub("", label).strip()
    return label


def _continue_prose(before: list[Segment], row_segments: list[Segment], cells, prose_line: bool) -> list[Segment]:
    """Prose wrapped onto the next cell or line continues the segment before it: ``（C） 其中…困难职工家庭`` /
    ``　　　户；`` (the empty place on the next line), ``12 （A）…帮扶案`` / ``件，（B）涉及农民工`` (the unit that
    starts the next cell). The number or empty place belongs to the segment that names the field."""
    if not prose_line:
        return row_segments
    out: list[Segment] = []
    for k, seg in enumerate(row_segments):
        prev = out[-1] if out else (before[-1] if before else None)
        if prev is None or not _continues(prev, seg, orphan=not (seg.words or seg.letter or seg.item_printed or seg.code),
                                          first=k == 0):
            out.append(seg)
            continue
        merged = replace(
            prev,
            label=prev.label + seg.label,
            words=printed.label_words(prev.label + seg.label) if seg.words else prev.words,
            text=prev.text + seg.text,
            numbers=prev.numbers + seg.numbers,
            number_cells=prev.number_cells + seg.number_cells,
            slot=prev.slot or seg.slot,
            slot_row=prev.slot_row or seg.slot_row,
            unit=prev.unit or seg.unit,
            kind="prose",
        )
        if out:
            out[-1] = merged
        else:
            before[-1] = merged
    return out


def _continues(prev: Segment, seg: Segment, orphan: bool, first: bool) -> bool:
    if prev.numbers or prev.slot or prev.kind == "code" or seg.code:
        return False
    if prev.row not in (seg.row, seg.row - 1):
        return False
    if orphan:
        return bool(seg.numbers or seg.slot)  # only a number or an empty place: the field before it
    if not first or seg.letter or seg.item_printed:
        return False
    if prev.text.rstrip().endswith(_TERMINATORS) or prev.row != seg.row - 1:
        return False
    if prev.col != seg.col:
        return False
    return bool(seg.numbers or seg.slot) or len(seg.words) <= 12


def _is_item_cell(v: object) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return False  # a bare number may be a value: only a column of them is an item column
    return isinstance(v, str) and len(squeeze(v)) <= 5 and item_number(v) is not None


def _numeric_text(v: str) -> bool:
    s = squeeze(v).replace(",", "").replace("，", "")
    return bool(re.fullmatch(r"[+-]?\d+(?:\.\d+)?(?:万元|人次|元|人|户|家|个|列|节|辆|艘|架|张|对|件|万|%)?", s))


def _classify_columns(rows, layout: Layout, unit_words: frozenset[str]) -> None:
    """Columns whose cells are unit words, codes, item numbers or serial numbers (1, 2, 3 … a row)."""
    by_col: dict[int, list[tuple[int, object]]] = {}
    for r, cells in rows:
        for c, v in cells:
            by_col.setdefault(c, []).append((r, v))
    for c, values in by_col.items():
        texts = [squeeze(v) for _, v in values if isinstance(v, str)]
        if len(texts) >= 3 and sum(1 for t in texts if UNIT_CELL.match(t)) >= 0.6 * len(values):
            layout.unit_cols.add(c)
            continue
        if len(texts) >= 3 and sum(1 for t in texts if printed.code_of(t)) >= 0.6 * len(values):
            layout.code_cols.add(c)
            continue
        numbers = [(r, n) for r, v in values if (n := item_number(v)) is not None]
        if len(numbers) >= 3 and len(numbers) >= 0.6 * len(values):
            seq = [n for _, n in numbers]
            if seq == list(range(seq[0], seq[0] + len(seq))) and len(seq) > 3 and _dense(numbers, rows):
                layout.serial_cols.add(c)  # 1, 2, 3 … on consecutive rows: a serial number, not an item
            elif _restarts(seq) and _dense(numbers, rows):
                layout.serial_cols.add(c)  # 1, 2 / 1, 2, 3 / 1 …: rows counted within each item, not items
            elif seq == sorted(seq) and len(set(seq)) == len(seq) and (
                all(isinstance(v, str) for _, v in values if v) or (max(seq) <= 20 and _gappy(numbers))
            ):
                layout.item_cols.add(c)


def _restarts(seq: list[int]) -> bool:
    """Runs of 1, 2, 3 … each starting again at 1, at least twice."""
    runs = 0
    expected = 1
    for n in seq:
        if n == 1:
            runs += 1
            expected = 2
        elif n == expected:
            expected += 1
        else:
            return False
    return runs >= 2 and len(seq) > runs


def _dense(numbers: list[tuple[int, int]], rows) -> bool:
    """Numbers on (nearly) every row from the first to the last: a serial number, which item numbers —
    printed on an item's first row only — are not."""
    first, last = numbers[0][0], numbers[-1][0]
    spanned = sum(1 for r, cells in rows if first <= r <= last and len(cells) > 1)
    return len(numbers) >= 0.8 * spanned


def _gappy(numbers: list[tuple[int, int]]) -> bool:
    rows = [r for r, _ in numbers]
    return any(b - a > 1 for a, b in itertools.pairwise(rows))
