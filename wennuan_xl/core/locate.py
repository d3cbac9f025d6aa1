"""Finding the annexes and their fields in a returned workbook, from what the sheet prints.

A field is identified by what a person reading the sheet would go by: our code (``A1.01A``), the item
number and letter however printed, and the label's words (the notice's wording, our template's, the
short forms clerks use). Defined names (the templates carry ``A1_02B``) are used when the row they point
at agrees with the field, and set aside, with a note, when it prints something else. The value of a
table row is in the column the headers and the data show to be this year's; a prose line carries its
number inside. Where the sheet cannot say for sure, the locator says so (a ``Problem``, which the engine
turns into a 错误 naming the cells), and never hands on a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import columns, printed
from .align import FieldWords, Match, align
from .cover import find_cover
from .forms import Campaign, Field, Form
from .layout import note_name
from .segments import UNIT_CELL, Layout, Region, Segment, is_header_row, segment_region
from .workbook import CellRef, SheetData, WorkbookData, column_letter


@dataclass(frozen=True)
class Problem:
    """Something the locator could not settle, for the engine to report (its ``check`` names the
    form check in rules_fields.yaml that words it)."""

    check: str  # ambiguous_column | stray_number | no_values | duplicate | column_kind
    codes: tuple[str, ...]
    cells: tuple[str, ...]
    words: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LocatedForm:
    form_id: str
    sheet: str
    method: str  # "names" or "labels": how most fields were found
    cells: dict[str, CellRef | None]  # field code -> input cell, None when not found
    raw: dict[str, object]  # field code -> value as read, for found fields
    cover_cells: dict[str, CellRef | None]
    cover_raw: dict[str, object]
    explanations: dict[str, str] = field(default_factory=dict)  # field code -> 说明 typed on its row
    how: dict[str, str] = field(default_factory=dict)  # field code -> name | code | letter | label | prose | pair
    problems: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReturnData:
    source: str
    forms: tuple[LocatedForm, ...]

    def form(self, form_id: str) -> LocatedForm | None:
        for f in self.forms:
            if f.form_id == form_id:
                return f
        return None

    @property
    def explanations(self) -> dict[str, str]:
        """Field code -> the unit's 说明 on that field's row, for every annex found."""
        return {code: text for f in self.forms for code, text in f.explanations.items()}


STALE_NAMES_NOTE = "{annex}：单元格名称与表上项目不符（{count} 项，如 {example}），已按表上印的项目读取"


def norm(text: object) -> str:
    """Compare labels as people retype them: width, spaces and punctuation do not matter."""
    return printed.words(str(text or ""))


def locate(book: WorkbookData, campaign: Campaign) -> ReturnData:
    found = []
    placed = _place_forms(book, campaign)
    for form in campaign.forms:
        where = placed.get(form.id)
        if where is None:
            continue
        located = _locate_form(book, campaign, form, where)
        if located is not None:
            found.append(located)
    return ReturnData(book.source, tuple(found))


# --- where each form is -----------------------------------------------------------------------------


_AS_SENT = 1000  # evidence of a form found as our template carries it: every name on a row with its code


@dataclass(frozen=True)
class _Place:
    region: Region
    names: dict[str, CellRef]  # code -> named cell on that sheet
    evidence: int


def _place_forms(book: WorkbookData, campaign: Campaign) -> dict[str, _Place]:
    """Each form's sheet and rows: by its defined names, else by its title, codes and labels; two forms
    on one sheet each get the rows from their own title down."""
    out: dict[str, _Place] = {}
    pending: list[tuple[Form, dict[str, CellRef]]] = []
    for form in campaign.forms:
        named: dict[str, CellRef] = {}
        for f in form.fields:
            ref = book.names.get(f.name.upper())
            if ref is not None and book.sheet(ref.sheet) is not None:
                named[f.code] = ref
        sheets = {r.sheet for r in named.values()}
        if len(named) == len(form.fields) and len(sheets) == 1:
            sheet = book.sheet(next(iter(sheets)))
            assert sheet is not None
            if all(_prints_own_code(sheet, ref, code) for code, ref in named.items()):
                # The template as we sent it: nothing to search for.
                out[form.id] = _Place(Region(sheet, 1, len(sheet.rows)), named, _AS_SENT)
                continue
        pending.append((form, named))
    if not pending:
        return out
    # A sheet that holds a form as we sent it holds no other form; the templates' checklist sheet none.
    taken = {p.region.sheet.name for p in out.values()} | {s.name for s in book.sheets if _is_checklist(s)}
    titles: dict[str, dict[str, int]] = {}  # sheet -> form -> title row
    for sheet in book.sheets:
        if sheet.name in taken:
            continue
        for form in campaign.forms:
            row = _title_row(sheet, form)
            if row:
                titles.setdefault(sheet.name, {})[form.id] = row
    labels_of = _label_index(campaign)
    tokens: dict[str, list[tuple[str, str]]] = {}
    for form, named in pending:
        best: tuple[int, int, SheetData] | None = None
        for order, sheet in enumerate(book.sheets):
            if sheet.name in taken:
                continue
            if sheet.name not in tokens:
                tokens[sheet.name] = _sheet_tokens(sheet)
            score = _sheet_score(sheet, form, titles.get(sheet.name, {}), named, labels_of, tokens[sheet.name])
            if score >= 5 and (best is None or score > best[0]):
                best = (score, -order, sheet)
        if best is None:
            continue
        sheet = best[2]
        first, last = _rows_of(sheet, form.id, titles.get(sheet.name, {}))
        on_sheet = {c: r for c, r in named.items() if r.sheet == sheet.name}
        out[form.id] = _Place(Region(sheet, first, last), on_sheet, best[0])
    return out


def _is_checklist(sheet: SheetData) -> bool:
    """The templates' own 审核 sheet (a list of 规则编号 and their live results), not a form."""
    return any(cell == "规则编号" for row in sheet.rows[:6] for cell in row)


def _title_row(sheet: SheetData, form: Form) -> int:
    """The row of the form's title; a visible one before a hidden one (last year's table kept above)."""
    detect = [printed.title_words(d) for d in form.detect]
    hidden = 0
    for r, row in enumerate(sheet.rows[:400], start=1):
        for cell in row:
            if isinstance(cell, str) and len(cell) < 200:
                t = printed.title_words(cell)
                if any(d in t for d in detect):
                    if r not in sheet.hidden_rows:
                        return r
                    hidden = hidden or r
    return hidden


def _label_index(campaign: Campaign) -> dict[str, set[str]]:
    cached = campaign.__dict__.get("_label_index")
    if cached is None:
        cached = {}
        for form in campaign.forms:
            for f in form.fields:
                for t in f.labels:
                    cached.setdefault(printed.label_words(t), set()).add(form.id)
        object.__setattr__(campaign, "_label_index", cached)
    return cached


def _sheet_tokens(sheet: SheetData) -> list[tuple[str, str]]:
    """(our code, label words) of every text cell near the top of a sheet, computed once per sheet."""
    out = []
    for row in sheet.rows[:400]:
        for cell in row:
            if isinstance(cell, str) and cell.strip() and len(cell) < 100:  # a label, not a message
                code = printed.code_of(cell)
                out.append((code, "" if code else printed.label_words(printed.marks(cell).rest)))
    return out


def _sheet_score(sheet, form: Form, titles: dict[str, int], named, labels_of, tokens: list[tuple[str, str]]) -> int:
    score = 0
    if form.id in titles:
        score += 10
    if printed.title_words(sheet.name) == printed.title_words(form.sheet):
        score += 5
    on_sheet = sum(1 for r in named.values() if r.sheet == sheet.name)
    if on_sheet:
        score += 10 + min(on_sheet, 20)
    codes = labels = 0
    prefix = form.id + "."
    for code, w in tokens:
        if code:
            codes += code.startswith(prefix)
            continue
        owners = labels_of.get(w)
        if owners is not None and owners == {form.id}:
            labels += 1
    score += min(codes, 10) + min(labels, 10)
    if score and sheet.visible:
        score += 1
    return score


def _rows_of(sheet: SheetData, form_id: str, titles: dict[str, int]) -> tuple[int, int]:
    last = len(sheet.rows)
    mine = titles.get(form_id)
    others = sorted(r for f, r in titles.items() if f != form_id)
    if mine is None:
        if not others:
            return 1, last
        # Not titled here: the rows above the first other form's title (or below the last one).
        return (1, others[0] - 1) if others[0] > 1 else (others[-1], last)
    after = [r for r in others if r > mine]
    start = max([r for r in others if r < mine] + [0]) + 1
    # The annex line and the cover above a title belong to it; rows above an earlier form's end do not.
    return max(start, mine - 3 if start <= mine - 3 else start), (after[0] - 1 if after else last)


# --- one form ----------------------------------------------------------------------------------------


def _locate_form(book: WorkbookData, campaign: Campaign, form: Form, place: _Place) -> LocatedForm | None:
    sheet = place.region.sheet
    fw = _field_words(campaign, form)
    cells: dict[str, CellRef | None] = {}
    raw: dict[str, object] = {}
    how: dict[str, str] = {}
    problems: list[Problem] = []
    notes: list[str] = []
    stale: list[str] = []
    names = place.names
    layout = Layout()
    if place.evidence == _AS_SENT or (
        len(names) == len(form.fields) and all(_prints_own_code(sheet, ref, code) for code, ref in names.items())
    ):
        # The template as we sent it: every named cell's row prints that field's code.
        for code, ref in names.items():
            cells[code], raw[code], how[code] = ref, sheet.value(ref.row, ref.col), "name"
    else:
        # What the sheet prints decides; a name is used where it agrees, or where nothing printed says.
        segs, layout = segment_region(place.region, form, frozenset(campaign.units))
        _read_printed(sheet, form, fw, segs, layout, {f.code for f in form.fields}, set(), cells, raw, how, problems)
        refused = {c for p in problems if p.check in ("ambiguous_column", "no_values") for c in p.codes}
        for code, ref in names.items():
            at = cells.get(code)
            if at is not None:
                if (at.row, at.col) == (ref.row, ref.col):
                    how[code] = "name"
                else:
                    stale.append(code)
            elif code not in refused and _verify(sheet, ref, campaign.field(code), fw) is not False and not stale:
                cells[code], raw[code], how[code] = ref, sheet.value(ref.row, ref.col), "name"
            elif code not in refused:
                stale.append(code)
    if stale:
        example = campaign.field(stale[0])
        notes.append(STALE_NAMES_NOTE.format(annex=form.annex, count=len(stale), example=f"{place.names[stale[0]].a1}（{example.caption}）"))
    ordered = {f.code: cells.get(f.code) for f in form.fields}
    if not any(ordered.values()) and not problems:
        if place.evidence < 10 and not place.names:
            return None  # a sheet that merely mentions a few labels is not this form
        problems.append(Problem("no_values", tuple(f.code for f in form.fields), (sheet.name,),
                                {"reason": _why_nothing(form)}))
    cover_cells, cover_raw = _cover(book, sheet, form, place, ordered)
    explanations = _explanations(sheet, form, ordered, book.names, layout)
    method = "names" if any(v == "name" for v in how.values()) else "labels"
    return LocatedForm(
        form.id, sheet.name, method, ordered, {c: raw[c] for c, r in ordered.items() if r is not None},
        cover_cells, cover_raw, explanations, how, tuple(problems), tuple(notes),
    )


def _why_nothing(form: Form) -> str:
    return (f"表中既没有单元格名称，也认不出{form.annex}的项目号、字母和指标名称，或者认出的项目旁边没有可以读取的数值列；"
            "请按通知所附表样填写后重新报送")


def _field_words(campaign: Campaign, form: Form) -> FieldWords:
    cache = campaign.__dict__.setdefault("_field_words", {})
    fw = cache.get(form.id)
    if fw is None:
        fw = cache[form.id] = FieldWords(form)
    return fw


# --- defined names, verified ------------------------------------------------------------------------


def _prints_own_code(sheet: SheetData, ref: CellRef, code: str) -> bool:
    if not (1 <= ref.row <= len(sheet.rows)):
        return False
    return any(isinstance(v, str) and v.strip() == code for v in sheet.rows[ref.row - 1])


def _verify(sheet: SheetData, ref: CellRef, f: Field, fw: FieldWords) -> bool | None:
    """Does the row a name points at print this field? True yes, False another field or a header,
    None when the row prints nothing to tell."""
    if not (1 <= ref.row <= len(sheet.rows)):
        return False
    row = sheet.rows[ref.row - 1]
    target = row[ref.col - 1] if 0 < ref.col <= len(row) else None
    if isinstance(target, str) and target.strip() and not columns.is_number_like(target):
        w = printed.words(target)
        if is_header_row([(1, target), (2, target)]) or len(w) >= 4 or printed.code_of(target):
            return False  # the named cell holds a header, a label or a code: it is not an input cell
    texts = [(c, v) for c, v in enumerate(row, start=1) if c != ref.col and isinstance(v, str) and v.strip()]
    if not texts:
        return None
    other_code = False
    for _c, v in texts:
        code = printed.code_of(v)
        if code == f.code:
            return True
        if code:
            other_code = True
    if other_code:
        return False
    if is_header_row([(c, v) for c, v in texts]):
        return False
    j = fw.index[f.code]
    best_self = 0.0
    best_other = 0.0
    for _c, v in texts:
        m = printed.marks(v)
        if m.letter and f.letter and m.letter != f.letter:
            continue
        w = printed.label_words(m.rest)
        if not w:
            continue
        best_self = max(best_self, fw.similarity(w, j))
        for jj, g in enumerate(fw.fields):
            if g.item != f.item and jj != j:
                best_other = max(best_other, fw.similarity(w, jj))
    if best_self >= 0.5:
        return True
    if best_other >= 0.8:
        return False
    return None


# --- the printed layout -----------------------------------------------------------------------------


def _read_printed(
    sheet: SheetData, form: Form, fw: FieldWords, segs: list[Segment], layout: Layout, wanted: set[str],
    claimed: set[tuple[int, int]], cells, raw, how, problems: list[Problem],
) -> None:
    segs = _pair_tables(sheet, form, segs, layout)
    matches = align(segs, fw)
    matches = [m for m in matches if m.field.code in wanted and (m.segment.row, m.segment.col) not in claimed]
    by_row: dict[int, list[Match]] = {}
    for m in matches:
        if m.segment.kind in ("row", "code"):
            by_row.setdefault(m.segment.row, []).append(m)
    table: list[Match] = []
    for m in matches:
        seg = m.segment
        if seg.kind == "pair":
            assert seg.cell is not None
            r, c = seg.cell
            cells[m.field.code], raw[m.field.code], how[m.field.code] = CellRef(sheet.name, r, c), sheet.value(r, c), "pair"
        elif seg.kind == "prose" and (seg.numbers or seg.slot):
            _read_inline(sheet, m, cells, raw, how)
        elif len(by_row.get(seg.row, ())) > 1 and seg.kind == "row":
            _read_beside(sheet, m, by_row[seg.row], cells, raw, how, problems)
        else:
            table.append(m)
    if table:
        _read_table(sheet, form, table, layout, cells, raw, how, problems)


def _read_inline(sheet: SheetData, m: Match, cells, raw, how) -> None:
    """A prose line: the number printed inside it (``219977人``), or its empty place."""
    seg, f = m.segment, m.field
    pick = None
    fitting = [k for k, n in enumerate(seg.numbers) if n.unit == f.unit or (n.unit in ("万", "万元") and f.unit == "万元")]
    if fitting:
        pick = fitting[0]
    elif len(seg.numbers) == 1:
        pick = 0
    if pick is None:
        cells[f.code], raw[f.code] = CellRef(sheet.name, seg.row, seg.col), None
    else:
        n = seg.numbers[pick]
        r, c = seg.number_cells[pick]
        cells[f.code], raw[f.code] = CellRef(sheet.name, r, c), n.number + (n.unit if n.unit != "是/否" else "")
    how[f.code] = "prose"


def _read_beside(sheet: SheetData, m: Match, row_matches: list[Match], cells, raw, how, problems) -> None:
    """Several fields on one row of cells (``（A）走访企业 | 120 | （B）其中困难企业 | 30``): each takes the
    cell after its label, before the next label."""
    seg = m.segment
    nxt = min((x.segment.col for x in row_matches if x.segment.col > seg.col), default=10**6)
    row = sheet.rows[seg.row - 1]
    filled = [c for c in range(seg.col + 1, min(nxt, len(row) + 1)) if row[c - 1] not in (None, "")]
    if len(filled) > 1:
        problems.append(Problem("ambiguous_column", (m.field.code,), tuple(str(CellRef(sheet.name, seg.row, c)) for c in filled),
                                {"columns": "、".join(column_letter(c) for c in filled)}))
        return
    c = filled[0] if filled else seg.col + 1
    cells[m.field.code], raw[m.field.code] = CellRef(sheet.name, seg.row, c), sheet.value(seg.row, c)
    how[m.field.code] = "letter" if seg.letter else "label"


def _read_table(sheet: SheetData, form: Form, table: list[Match], layout: Layout, cells, raw, how, problems) -> None:
    """Table rows: one value column for all of them, from the headers and the data."""
    skip = layout.unit_cols | layout.code_cols | layout.item_cols | layout.serial_cols
    label_cols = {m.segment.col for m in table if m.segment.col}
    rows = [(m.segment.row, m.segment.col or min(label_cols, default=0)) for m in table]
    choice = columns.choose(sheet, rows, layout.header_rows, form.year, skip)
    if choice.col is None and not choice.ambiguous and not choice.kinds:
        table = _read_next_cell(sheet, table, cells, raw, how)
        if not table:
            return
        choice = columns.choose(sheet, [(m.segment.row, m.segment.col) for m in table], layout.header_rows, form.year, skip)
    if choice.col is None:
        codes = tuple(m.field.code for m in table)
        if choice.ambiguous:
            problems.append(Problem(
                "ambiguous_column", codes, tuple(f"{sheet.name}!{column_letter(c)}" for c in choice.ambiguous),
                {"columns": "、".join(column_letter(c) for c in choice.ambiguous)},
            ))
        else:
            problems.append(Problem("no_values", codes, (sheet.name,), {"reason": "认出了各项的名称，但旁边没有数值列"}))
        return
    col = choice.col
    for m in table:
        r = m.segment.row
        value = sheet.value(r, col)
        if value in (None, "") and m.segment.numbers:
            _read_inline(sheet, m, cells, raw, how)  # a table row that prints its figure inside the label
            continue
        cells[m.field.code], raw[m.field.code] = CellRef(sheet.name, r, col), value
        how[m.field.code] = "code" if m.segment.code else m.how
    stray = []
    for m in table:
        r = m.segment.row
        row = sheet.rows[r - 1]
        for c, v in enumerate(row, start=1):
            if c == col or c == m.segment.col or c in layout.serial_cols or c in layout.item_cols:
                continue
            if choice.kinds.get(c) in (columns.COMPARE, columns.REMARK, columns.NOTE, columns.CHECK):
                continue
            if (isinstance(v, (int, float)) and not isinstance(v, bool)) or (
                isinstance(v, str) and c in layout.unit_cols and columns.is_number_like(v)
            ):
                stray.append((m.field, CellRef(sheet.name, r, c)))
    if stray:
        problems.append(Problem(
            "stray_number", tuple(f.code for f, _ in stray), tuple(str(ref) for _, ref in stray),
            {"column": column_letter(col), "cells": "、".join(ref.a1 for _, ref in stray)},
        ))
    _column_kind(sheet, table, col, problems)


def _read_next_cell(sheet: SheetData, table: list[Match], cells, raw, how) -> list[Match]:
    """No table header and no column of numbers (the notice's sentences retyped, a 是/否 between words):
    a row's value is the one thing printed right of its label, and a row with nothing there is blank.
    Rows with more than one thing there are returned, unread."""
    left = []
    for m in table:
        seg = m.segment
        row = sheet.rows[seg.row - 1]
        after = [c for c in range(seg.col + 1, len(row) + 1) if row[c - 1] not in (None, "")
                 and not (isinstance(row[c - 1], str) and UNIT_CELL.match(printed.squeeze(row[c - 1])))]
        if len(after) > 1 or not seg.col:
            left.append(m)
            continue
        c = after[0] if after else seg.col + 1
        cells[m.field.code], raw[m.field.code] = CellRef(sheet.name, seg.row, c), sheet.value(seg.row, c)
        how[m.field.code] = "letter" if seg.letter else "label"
    return left


def _column_kind(sheet: SheetData, table: list[Match], col: int, problems: list[Problem]) -> None:
    """A count column full of decimals, or 万元 figures in the millions: probably another column."""
    decimals = [m for m in table if m.field.kind.value == "count" and isinstance(sheet.value(m.segment.row, col), float)
                and not float(sheet.value(m.segment.row, col)).is_integer()]  # type: ignore[arg-type]
    counts = [m for m in table if m.field.kind.value == "count" and isinstance(sheet.value(m.segment.row, col), (int, float))]
    if len(decimals) >= 3 and len(decimals) >= 0.5 * len(counts):
        problems.append(Problem(
            "column_kind", tuple(m.field.code for m in decimals), tuple(str(CellRef(sheet.name, m.segment.row, col)) for m in decimals),
            {"column": column_letter(col), "reason": f"人数、户数等计数项中有 {len(decimals)} 项是小数"},
        ))


def _pair_tables(sheet: SheetData, form: Form, segs: list[Segment], layout: Layout) -> list[Segment]:
    """Rows of a two-column table of pairs (生活救助 | 人次 | 万元; 专列 | 数量 | 运送人次) become two
    segments each, one per column, each with its own cell; the header tells which column is which."""
    if not any(item.pairs for item in form.items):
        return segs
    from .pairs import expand_pairs

    return expand_pairs(sheet, form, segs, layout)


# --- cover -------------------------------------------------------------------------------------------


def _cover(book: WorkbookData, sheet: SheetData, form: Form, place: _Place, cells) -> tuple[dict, dict]:
    cover_cells: dict[str, CellRef | None] = {}
    cover_raw: dict[str, object] = {}
    for c in form.cover:
        ref = book.names.get(c.name(form.id).upper())
        cover_cells[c.key] = ref if ref is not None and ref.sheet == sheet.name else None
        if ref is not None and cover_cells[c.key] is not None:
            cover_raw[c.key] = sheet.value(ref.row, ref.col)  # the clerk typed into the named cell: as typed
    # A named cover cell left empty: the clerk may have typed "填报单位：…" over the label instead.
    todo = {c.key for c in form.cover if cover_cells[c.key] is None or _blank(cover_raw.get(c.key))}
    if todo:
        # The cover lines are printed above the table, or as signature lines under it.
        rows = [r.row for r in cells.values() if r is not None]
        top, bottom = (min(rows), max(rows)) if rows else (place.region.last + 1, place.region.last)
        found = find_cover(sheet, place.region.first, top - 1, form.cover, todo)
        if todo - set(found) and bottom < place.region.last:
            found.update(find_cover(sheet, bottom + 1, min(bottom + 8, place.region.last), form.cover, todo - set(found)))
        for key, (ref, value) in found.items():
            if cover_cells.get(key) is None or not _blank(value):
                cover_cells[key], cover_raw[key] = ref, value
    for c in form.cover:
        cover_cells.setdefault(c.key, None)
    return cover_cells, {k: v for k, v in cover_raw.items() if cover_cells.get(k) is not None}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- 说明 -------------------------------------------------------------------------------------------


def _explanations(sheet: SheetData, form: Form, cells: dict[str, CellRef | None], names: dict[str, CellRef],
                  layout: Layout) -> dict[str, str]:
    """The unit's 说明 for each located field: the cell named ``A1_10I_NOTE`` (the templates), else the
    cell of the field's row in the column headed 说明 (a retyped form)."""
    column: int | None = -1  # found on first need: the templates name every 说明 cell
    out: dict[str, str] = {}
    for f in form.fields:
        ref = cells.get(f.code)
        if ref is None:
            continue
        named = names.get(note_name(f).upper())
        if named is not None and named.sheet == sheet.name:
            value = sheet.value(named.row, named.col)
            text = _note_text(value)
            if text:
                out[f.code] = text
            continue
        if column == -1:
            column = _note_column(sheet, layout)
        if column is not None and column != ref.col:
            value = sheet.value(ref.row, column)
        else:
            continue
        text = _note_text(value)
        if text:
            out[f.code] = text
    return out


def _note_column(sheet: SheetData, layout: Layout) -> int | None:
    rows = layout.header_rows or next(
        ([r] for r, row in enumerate(sheet.rows[:40], start=1)
         if is_header_row([(c, v) for c, v in enumerate(row, start=1) if v not in (None, "")])), [])
    for r in rows:
        for c, v in enumerate(sheet.rows[r - 1], start=1):
            if isinstance(v, str) and columns.classify(v, None) == columns.NOTE:
                return c
    return None


def _note_text(value: object) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
