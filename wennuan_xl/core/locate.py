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

import itertools
import re
from dataclasses import dataclass, field, replace

from . import columns, printed
from .align import FieldWords, Match, align, score, sure
from .cell_formulas import not_as_saved
from .cover import find_cover
from .findings import Finding, Severity
from .forms import Campaign, Field, Form
from .layout import note_name
from .segments import (
    TOTAL_WORDS,
    UNIT_CELL,
    Layout,
    Region,
    Segment,
    empty_column_between,
    is_header_row,
    segment_region,
)
from .values import raw_text
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
    notes: tuple[Finding, ...] = ()  # 注意: how the sheet was read where it differs from the template
    # cover key -> why its cell reads empty though it is not (“B3 的公式 =TODAY()”: no saved result, or an error)
    cover_unread: dict[str, str] = field(default_factory=dict)


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


# Label rows a form's region may hold: a return prints < 200; far more is not a form to be read field by
# field (and aligning it would cost seconds, where a return must be answered in well under one).
MAX_SEGMENTS = 1500
STALE_NAMES_NOTE = "{annex}：单元格名称与表上项目不符（{count} 项，如 {example}），已按表上印的项目读取"
HIDDEN_NAMES_NOTE = "{annex}：单元格名称指向隐藏的行或列（{count} 项，如 {example}），已按表上看得见的数值读取"
STALE_NAMES = "F-NAMES"  # the 注意 finding of that note


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
        if named and _hidden_behind_a_copy(book, form, sheets):
            named = {}
            sheets = set()
        if len(named) == len(form.fields) and len(sheets) == 1:
            sheet = book.sheet(next(iter(sheets)))
            assert sheet is not None
            if (all(_prints_own_code(sheet, ref, code) for code, ref in named.items()) and _all_seen(sheet, named)
                    and _one_value_column(sheet, named)):
                # The template as we sent it: nothing to search for.
                out[form.id] = _Place(Region(sheet, 1, len(sheet.rows)), named, _AS_SENT)
                continue
        pending.append((form, named))
    if not pending:
        return out
    # A sheet that holds a form as we sent it holds no other form; the templates' checklist sheet none.
    taken = {p.region.sheet.name for p in out.values()} | {s.name for s in book.sheets if is_checklist(s)}
    titles: dict[str, dict[str, int]] = {}  # sheet -> form -> title row
    title_cells: dict[str, dict[str, list[tuple[int, int, bool]]]] = {}  # sheet -> form -> (row, col, this year)
    for sheet in book.sheets:
        if sheet.name in taken:
            continue
        for form in campaign.forms:
            cells_found = _title_cells(sheet, form)
            if cells_found:
                title_cells.setdefault(sheet.name, {})[form.id] = cells_found
                titles.setdefault(sheet.name, {})[form.id] = _title_row(sheet, form, cells_found)
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
            # A visible sheet that carries the form beats any hidden one: a person reads the copy they see, not
            # the original the unit hid (named 附件1 as ours is, and holding our names, it would score higher).
            if score >= 5 and (best is None or (sheet.visible, score) > (best[2].visible, best[0])):
                best = (score, -order, sheet)
        if best is None:
            continue
        sheet = best[2]
        mine, cols = _columns_of(sheet, form, title_cells.get(sheet.name, {}))
        rows_titles = {f: r for f, r in titles.get(sheet.name, {}).items()
                       if f == form.id or mine is None or abs(r - mine) > 2}  # side by side: no row boundary
        first, last = _rows_of(sheet, form.id, rows_titles)
        on_sheet = {c: r for c, r in named.items() if r.sheet == sheet.name}
        out[form.id] = _Place(Region(sheet, first, last, *cols), on_sheet, best[0])
    return out


def _columns_of(sheet: SheetData, form: Form, title_cells: dict[str, list[tuple[int, int, bool]]]) -> tuple[int | None, tuple[int, int]]:
    """The form's title row, and the columns it spans when another title stands beside it on the same
    rows (the other annex, or last year's return kept to the left): from its title to the next one."""
    mine = title_cells.get(form.id)
    if not mine:
        return None, (1, 10**6)
    row, col, _ = _primary_title(sheet, mine)
    beside = sorted({c for cells in title_cells.values() for r, c, _ in cells if abs(r - row) <= 2 and c != col})
    if not beside:
        return row, (1, 10**6)
    left = [c for c in beside if c < col]
    right = [c for c in beside if c > col]
    return row, (col if left else 1, right[0] - 1 if right else 10**6)


def is_checklist(sheet: SheetData) -> bool:
    """The templates' own 审核 sheet (a list of 规则编号 and their live results), not a form."""
    return any(cell == "规则编号" for row in sheet.rows[:6] for cell in row)


def _title_cells(sheet: SheetData, form: Form) -> list[tuple[int, int, bool]]:
    """(row, col, names this year) of every cell printing the form's title."""
    detect = [printed.title_words(d) for d in form.detect]
    year = str(form.year) if form.year else ""
    out = []
    for r, row in enumerate(sheet.rows[:400], start=1):
        for c, cell in enumerate(row, start=1):
            if isinstance(cell, str) and len(cell) < 200:
                t = printed.title_words(cell)
                if any(d in t for d in detect):
                    years = re.findall(r"(?:19|20)\d\d", t)
                    out.append((r, c, not years or year in years))
    return out


def _primary_title(sheet: SheetData, cells: list[tuple[int, int, bool]]) -> tuple[int, int, bool]:
    """The title of this year's return: visible before hidden (last year's table kept above), naming
    the form's own year before another (a 2015年度 table kept beside the 2016年度 one)."""
    return min(cells, key=lambda t: (t[0] in sheet.hidden_rows, not t[2], t[0], t[1]))


def _title_row(sheet: SheetData, form: Form, cells: list[tuple[int, int, bool]] | None = None) -> int:
    """The row of the form's title (see ``_primary_title``); 0 when it prints none."""
    cells = _title_cells(sheet, form) if cells is None else cells
    return _primary_title(sheet, cells)[0] if cells else 0


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
    if place.region.first_col > 1 or place.region.last_col < 10**6:
        place = replace(place, region=replace(place.region, sheet=_crop(place.region)))
    sheet = place.region.sheet
    fw = _field_words(campaign, form)
    cells: dict[str, CellRef | None] = {}
    raw: dict[str, object] = {}
    how: dict[str, str] = {}
    problems: list[Problem] = []
    notes: list[Finding] = []
    stale: list[str] = []
    names = place.names
    layout = Layout()
    if place.evidence == _AS_SENT or (
        len(names) == len(form.fields) and all(_prints_own_code(sheet, ref, code) for code, ref in names.items())
        and _all_seen(sheet, names) and _one_value_column(sheet, names)
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
        hidden = all(place.names[c].row in sheet.hidden_rows or place.names[c].col in sheet.hidden_cols for c in stale)
        message = (HIDDEN_NAMES_NOTE if hidden else STALE_NAMES_NOTE).format(
            annex=form.annex, count=len(stale), example=f"{place.names[stale[0]].a1}（{example.caption}）")
        read_at = tuple(str(cells[c]) if cells.get(c) is not None else "" for c in stale)
        notes.append(Finding(STALE_NAMES, Severity.NOTE, tuple(stale), read_at, {}, message))
    ordered = {f.code: cells.get(f.code) for f in form.fields}
    if sheet.merged:
        _refuse_under_merges(sheet, ordered, problems)
    if sheet.uncached:
        _refuse_unreadable(sheet.uncached, "uncached_formula", "的公式", ordered, problems)
    if sheet.errors:
        _refuse_unreadable(sheet.errors, "error_value", "显示", ordered, problems)
    if sheet.shown:
        filled = tuple((r, c, f"{why}，存的是“{raw_text(sheet.value(r, c))}”") for r, c, why in sheet.shown
                       if sheet.value(r, c) not in (None, ""))
        _refuse_unreadable(filled, "shown_otherwise", "的", ordered, problems)
    if sheet.recalc:
        own = book.sheet(sheet.name) or sheet  # the whole sheet: a side's crop hides the other side's cells
        recomputed = not_as_saved(book, own, [(ref.row, ref.col) for ref in ordered.values() if ref is not None])
        _refuse_unreadable(recomputed, "stale_formula", "的公式", ordered, problems)
    if sheet.comments:
        empty = tuple((r, c, f"批注“{text}”") for r, c, text in sheet.comments if sheet.value(r, c) in (None, ""))
        _refuse_unreadable(empty, "comment_figure", "的", ordered, problems)
    if not any(ordered.values()) and not problems:
        if place.evidence < 10 and not place.names:
            return None  # a sheet that merely mentions a few labels is not this form
        problems.append(Problem("no_values", tuple(f.code for f in form.fields), (sheet.name,),
                                {"reason": _why_nothing(form)}))
    cover_cells, cover_raw = _cover(book, sheet, form, place, ordered)
    unread = _cover_unread(sheet, cover_cells, cover_raw)
    explanations = _explanations(sheet, form, ordered, book.names, layout)
    method = "names" if any(v == "name" for v in how.values()) else "labels"
    return LocatedForm(
        form.id, sheet.name, method, ordered, {c: raw[c] for c, r in ordered.items() if r is not None},
        cover_cells, cover_raw, explanations, how, tuple(problems), tuple(notes), unread,
    )


class _Under(dict):
    """(row, col) of each cell under a merge but its top-left -> the merge; merges of more than ``_MERGE_CELLS``
    cells kept aside in ``big`` (a sheet merged whole would not be spelled out cell by cell)."""

    big: tuple[tuple[int, int, int, int], ...] = ()


_MERGE_CELLS = 4096


def _under_merges(sheet: SheetData) -> _Under:
    cached = sheet.__dict__.get("_under")
    if cached is None:
        cached = _Under()
        big = []
        for m in sheet.merged:
            r1, c1, r2, c2 = m
            if (r2 - r1 + 1) * (c2 - c1 + 1) > _MERGE_CELLS:
                big.append(m)
                continue
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        cached.setdefault((r, c), m)
        cached.big = tuple(big)
        object.__setattr__(sheet, "_under", cached)
    return cached


def _refuse_under_merges(sheet: SheetData, ordered: dict[str, CellRef | None], problems: list[Problem]) -> None:
    """Fields whose figure sits in a merged cell other than the merge's top-left one: Excel shows only the
    top-left cell's content over the whole merge, so nobody sees that figure (a workbook written by a program
    keeps it; Excel itself drops it when cells are merged). Not read; F-LOCATE-MERGED names them."""
    under = _under_merges(sheet)
    hidden: list[tuple[str, CellRef, tuple[int, int, int, int]]] = []
    for code, ref in ordered.items():
        if ref is None:
            continue
        m = under.get((ref.row, ref.col))
        if m is None and under.big:
            m = next((b for b in under.big if b[0] <= ref.row <= b[2] and b[1] <= ref.col <= b[3]
                      and (ref.row, ref.col) != (b[0], b[1])), None)
        if m is not None and sheet.value(ref.row, ref.col) not in (None, ""):
            hidden.append((code, ref, m))
    if not hidden:
        return
    _code, first, (r1, c1, r2, c2) = hidden[0]
    shown = sheet.value(r1, c1)
    what = f"显示的是 {column_letter(c1)}{r1} 的“{raw_text(shown)}”" if shown not in (None, "") else "显示为空白"
    problems.append(Problem("merged_hidden", tuple(code for code, _, _ in hidden), tuple(str(ref) for _, ref, _ in hidden),
                            {"formula": f"{first.a1} 在合并单元格 {column_letter(c1)}{r1}:{column_letter(c2)}{r2} 中，"
                                        f"{what}，{first.a1} 里的“{raw_text(sheet.value(first.row, first.col))}”看不见"}))
    for code, _, _ in hidden:
        ordered[code] = None


def _refuse_unreadable(cells: tuple[tuple[int, int, str], ...], check: str, verb: str,
                       ordered: dict[str, CellRef | None], problems: list[Problem]) -> None:
    """Fields whose cell does not read as a person sees it (``cells``: (row, col, what is there) of one kind — a
    formula without its result, an error value, a figure shown otherwise, a saved result not the formula's, a
    figure in a comment): not read; the check's F-LOCATE-… finding names them, their cells and the first."""
    shown = {(r, c): text for r, c, text in cells}
    refused = [(code, ref) for code, ref in ordered.items() if ref is not None and (ref.row, ref.col) in shown]
    if not refused:
        return
    first = refused[0][1]
    problems.append(Problem(check, tuple(code for code, _ in refused), tuple(str(ref) for _, ref in refused),
                            {"formula": f"{first.a1} {verb} {shown[(first.row, first.col)]}"}))
    for code, _ in refused:
        ordered[code] = None


def _crop(region: Region) -> SheetData:
    """The sheet as this form's reader sees it: only the columns of its side, when two stand side by side
    (coordinates unchanged, the other side's cells empty)."""
    lo, hi = region.first_col, region.last_col
    rows = tuple(tuple(v if lo <= c <= hi else None for c, v in enumerate(row, start=1)) for row in region.sheet.rows)
    merged = tuple(m for m in region.sheet.merged if lo <= m[1] and m[3] <= hi)
    return replace(region.sheet, rows=rows, merged=merged)


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


def _hidden_behind_a_copy(book: WorkbookData, form: Form, sheets: set[str]) -> bool:
    """The names point into hidden sheets only, and a visible sheet carries this form's title: the unit copied
    our sheet, filled the copy and hid the original (its names stay with it). A person reads the copy."""
    named_sheets = [book.sheet(name) for name in sheets]
    if any(s is None or s.visible for s in named_sheets):
        return False
    return any(s.visible and s.name not in sheets and not is_checklist(s) and _title_cells(s, form) for s in book.sheets)


def _all_seen(sheet: SheetData, named: dict[str, CellRef]) -> bool:
    """No named cell in a row or column the unit hid: a template reused with last year's value column hidden
    and this year's figures typed beside it is read by what the sheet shows, not by its names."""
    if not sheet.hidden_rows and not sheet.hidden_cols:
        return True
    return not any(ref.row in sheet.hidden_rows or ref.col in sheet.hidden_cols for ref in named.values())


_FIGURES = (int, float)  # by type: a bool is no figure
_SAMPLED_ROWS = 12


def _one_value_column(sheet: SheetData, named: dict[str, CellRef]) -> bool:
    """No visible column but the named ones holds figures on most named rows: a template reused with last
    year's figures left in the named column and this year's typed in a column beside it (or a 上年数 column)
    is read by what the sheet prints (its headers say which column is this year's, or nobody can know)."""
    named_cols = {ref.col for ref in named.values()}
    rows = sorted({ref.row for ref in named.values()})
    rows = rows[:: max(1, len(rows) // _SAMPLED_ROWS)]  # such a column fills most rows: a dozen of them tell
    figures: dict[int, int] = {}
    for row in rows:
        if 1 <= row <= len(sheet.rows):
            for col, v in enumerate(sheet.rows[row - 1], start=1):
                if type(v) in _FIGURES and col not in named_cols and col not in sheet.hidden_cols:
                    figures[col] = figures.get(col, 0) + 1
    return not any(n >= max(3, len(rows) // 2) for n in figures.values())


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
    if len(segs) > MAX_SEGMENTS or layout.too_many:
        what = f"{layout.too_many} 行内容" if layout.too_many else f"{len(segs)} 处文字"
        problems.append(Problem("no_values", tuple(sorted(wanted)), (sheet.name,), {
            "reason": f"工作表“{sheet.name}”有 {what}，远多于{form.annex}的 {len(form.fields)} 项，"
                      "无法确定哪些是本表的项目；请只保留本表后重新报送"}))
        return
    segs = _pair_tables(sheet, form, segs, layout)
    matches = align(segs, fw)
    matches = [m for m in matches if m.field.code in wanted and (m.segment.row, m.segment.col) not in claimed]
    by_row: dict[int, list[Match]] = {}
    for m in matches:
        if m.segment.kind in ("row", "code"):
            by_row.setdefault(m.segment.row, []).append(m)
    table: list[Match] = []
    beside = _figures_beside_slots(sheet, segs)
    label_cols_of: dict[int, set[int]] = {}
    for s in segs:
        if s.kind in ("row", "prose") and s.col:
            label_cols_of.setdefault(s.row, set()).add(s.col)
    for m in matches:
        seg = m.segment
        if id(seg) in beside:
            at = beside[id(seg)]
            if isinstance(at, tuple):
                problems.append(Problem("ambiguous_column", (m.field.code,), tuple(str(a) for a in at),
                                        {"columns": "、".join(column_letter(a.col) for a in at)}))
            else:
                cells[m.field.code], raw[m.field.code], how[m.field.code] = at, sheet.value(at.row, at.col), "prose"
            continue
        if seg.kind == "pair":
            assert seg.cell is not None
            r, c = seg.cell
            cells[m.field.code], raw[m.field.code], how[m.field.code] = CellRef(sheet.name, r, c), sheet.value(r, c), "pair"
        elif seg.kind == "prose" and (seg.numbers or seg.slot):
            _read_inline(sheet, m, cells, raw, how)
        elif seg.kind == "prose" and _shares_cell(seg, segs):
            continue  # one of several fields of a sentence, with neither its figure nor its empty place found
        elif len(by_row.get(seg.row, ())) > 1 and seg.kind == "row":
            _read_beside(sheet, m, label_cols_of.get(seg.row, set()), cells, raw, how, problems)
        else:
            table.append(m)
    if table:
        _read_table(sheet, form, table, layout, cells, raw, how, problems)
        _totals_below(sheet, segs, matches, cells, raw)
    _second_copies(sheet, fw, segs, matches, cells, raw, problems)
    _filled_rivals(sheet, fw, segs, matches, cells, raw, problems)


def _totals_below(sheet: SheetData, segs: list[Segment], matches: list[Match], cells, raw) -> None:
    """An item's total left empty on its heading row (``05 …筹集款物总额，其中：``) and given in a 合计 row
    the unit added under the sub-items: that 合计 is the total."""
    used = {id(m.segment) for m in matches}
    totals = [s for s in segs if id(s) not in used and s.words in TOTAL_WORDS and not s.hidden]
    if not totals:
        return
    for m in matches:
        f = m.field
        ref = cells.get(f.code)
        if f.letter or ref is None or raw.get(f.code) not in (None, ""):
            continue
        rows = [x.segment.row for x in matches if x.field.item == f.item and x.field.letter and cells.get(x.field.code)]
        if not rows or min(rows) < m.segment.row:
            continue
        under = [s for s in totals if max(rows) < s.row <= max(rows) + 2]
        if len(under) == 1:
            value = sheet.value(under[0].row, ref.col)
            if value not in (None, ""):
                cells[f.code], raw[f.code] = CellRef(sheet.name, under[0].row, ref.col), value


def _filled_rivals(sheet: SheetData, fw: FieldWords, segs: list[Segment], matches: list[Match], cells, raw,
                   problems: list[Problem]) -> None:
    """A field read blank from a row with no figure, while another row the alignment left out names the
    field at least as well and holds figures (a heading above a table laid out otherwise): that blank
    cannot be trusted, so the field is not read."""
    used = {id(m.segment) for m in matches}
    others = [s for s in segs if id(s) not in used and s.filled and not s.hidden]
    doubtful = []
    for m in matches:
        code = m.field.code
        if cells.get(code) is None or raw.get(code) not in (None, "") or m.segment.filled:
            continue
        j = fw.index[code]
        mine = fw.similarity(m.segment.words, j)
        rival = next((s for s in others if score(s, j, fw) is not None and fw.similarity(s.words, j) >= mine), None)
        if rival is not None:
            doubtful.append((code, CellRef(sheet.name, rival.row, rival.col)))
    if doubtful:
        for code, _ in doubtful:
            cells[code] = None
            raw.pop(code, None)
        problems.append(Problem("doubtful", tuple(c for c, _ in doubtful), tuple(str(r) for _, r in doubtful)))


def _second_copies(sheet: SheetData, fw: FieldWords, segs: list[Segment], matches: list[Match], cells, raw,
                   problems: list[Problem]) -> None:
    """The same field printed twice, visible both times, with another figure (last year's table pasted
    below this year's, not hidden): which one counts cannot be known, so neither is read."""
    used = {id(m.segment) for m in matches}
    read = {m.field.code: m for m in matches if cells.get(m.field.code) is not None}
    twice: list[tuple[str, CellRef, CellRef]] = []
    for seg in segs:
        if id(seg) in used or seg.hidden or seg.kind not in ("row", "code") or not (seg.code or seg.letter or seg.item_printed):
            continue
        for j, f in enumerate(fw.fields):
            m = read.get(f.code)
            if m is None or not sure(seg, j, fw) or score(seg, j, fw) is None:
                continue
            ref = cells[f.code]
            if ref.col < 1 or seg.row == ref.row:
                break
            other = sheet.value(seg.row, ref.col)
            mine = raw.get(f.code)
            if other not in (None, "") and mine not in (None, "") and not _same_figure(other, mine):
                twice.append((f.code, ref, CellRef(sheet.name, seg.row, ref.col)))
            break
    if twice:
        for code, _a, _b in twice:
            cells[code] = None
            raw.pop(code, None)
        problems.append(Problem("duplicate", tuple(c for c, _, _ in twice),
                                tuple(f"{a.a1} 与 {b.a1}" for _, a, b in twice)))


def _same_figure(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return printed.squeeze(a) == printed.squeeze(b)


def _shares_cell(seg: Segment, segs: list[Segment]) -> bool:
    return any(s is not seg and s.row == seg.row and s.col == seg.col for s in segs)


def _figures_beside_slots(sheet: SheetData, segs: list[Segment]) -> dict[int, CellRef | tuple[CellRef, ...]]:
    """The notice's sentences pasted with their blanks, each figure typed in a cell right of its line
    (``01 （A） 当地职工总数　　人,（B）其中农民工总数　　人。 | 29825 | 12277``): the figures, in order, go to
    the empty places of that line. A line with as many figures as places: each its own; with none: blank;
    with another number of figures: cannot be told (all the figures' cells, for the message)."""
    by_line: dict[tuple[int, int], list[Segment]] = {}
    taken = {cell for s in segs for cell in s.number_cells}  # figures already inside a line's own text
    for s in segs:
        if s.slot and not s.numbers and s.slot_row and s.kind == "prose":
            by_line.setdefault((s.slot_row, s.col), []).append(s)
    out: dict[int, CellRef | tuple[CellRef, ...]] = {}
    for (r, c), slots in by_line.items():
        row = sheet.rows[r - 1] if r <= len(sheet.rows) else ()
        if any((r, k) in taken for k in range(c + 1, len(row) + 1)):
            continue  # a line typed across cells: its figures are in its own words
        figures = [k for k in range(c + 1, len(row) + 1) if (r, k) not in taken and _value_like(row[k - 1])]
        if not figures:
            continue
        if len(figures) != len(slots):
            for s in slots:
                out[id(s)] = tuple(CellRef(sheet.name, r, k) for k in figures)
            continue
        for s, k in zip(slots, figures):
            out[id(s)] = CellRef(sheet.name, r, k)
    return out


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


def _read_beside(sheet: SheetData, m: Match, label_cols: set[int], cells, raw, how, problems) -> None:
    """Several fields on one row of cells (``（A）走访企业 | 120 | （B）其中困难企业 | 30``): each takes the
    cell after its label, before the next label. Labels side by side with no cell between them are a row
    of column titles (专列 | 火车车厢 | 汽车 …), not fields with values: nothing is read from them."""
    seg = m.segment
    nxt = min((c for c in label_cols if c > seg.col), default=10**6)
    row = sheet.rows[seg.row - 1]
    if nxt == seg.col + 1:
        return
    filled = [c for c in range(seg.col + 1, min(nxt, len(row) + 1)) if row[c - 1] not in (None, "")
              and not (isinstance(row[c - 1], str) and UNIT_CELL.match(printed.squeeze(row[c - 1])))]
    if any(not _value_like(row[c - 1]) for c in filled):
        return  # words between two labels (专列 | 火车车厢 | 汽车 | 船 …): titles of columns, not a figure
    if len(filled) > 1:
        problems.append(Problem("ambiguous_column", (m.field.code,), tuple(str(CellRef(sheet.name, seg.row, c)) for c in filled),
                                {"columns": "、".join(column_letter(c) for c in filled)}))
        return
    c = filled[0] if filled else seg.col + 1
    cells[m.field.code], raw[m.field.code] = CellRef(sheet.name, seg.row, c), sheet.value(seg.row, c)
    how[m.field.code] = "letter" if seg.letter else "label"


def _merged_below(sheet: SheetData) -> dict[tuple[int, int], int]:
    """(row, col) of a merged cell's top-left -> the merge's last row, for merges over several rows."""
    return {(r1, c1): r2 for r1, c1, r2, _c2 in sheet.merged if r2 > r1}


def _value_like(v: object) -> bool:
    """A figure as clerks type them, or a 是/否, or a placeholder: what a value cell holds."""
    if columns.is_number_like(v):
        return True
    return isinstance(v, str) and printed.squeeze(v) in ("是", "否", "—", "-", "－", "/", "／", "无", "——", "零")


def _read_table(sheet: SheetData, form: Form, table: list[Match], layout: Layout, cells, raw, how, problems) -> None:
    """Table rows: one value column for all of them; a table printed in two halves side by side (items
    01-07 left, 08-14 right, an empty column between), one for each half."""
    by_col: dict[int, list[Match]] = {}
    for m in table:
        by_col.setdefault(m.segment.col, []).append(m)
    halves = sorted(c for c, ms in by_col.items() if c and len(ms) >= 3)
    splits = [empty_column_between(sheet, a, b) for a, b in itertools.pairwise(halves)]
    if len(halves) < 2 or any(s is None for s in splits):
        _read_table_part(sheet, form, table, layout, cells, raw, how, problems)
        return
    bounds = [1, *[s for s in splits if s is not None], 10**6]
    for lo, hi in itertools.pairwise(bounds):
        part = [m for m in table if lo <= m.segment.col < hi]
        if part:
            view = _crop(Region(sheet, 1, len(sheet.rows), lo, hi - 1))
            _read_table_part(view, form, part, layout, cells, raw, how, problems)


def _read_table_part(sheet: SheetData, form: Form, table: list[Match], layout: Layout, cells, raw, how, problems) -> None:
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
    table = _money_in_yuan(sheet, table, layout, problems)
    below = _merged_below(sheet)
    for m in table:
        r = m.segment.row
        value = sheet.value(r, col)
        if value in (None, "") and (m.segment.row, m.segment.col) in below:
            # A label merged over two rows, its figure typed on the lower one.
            lower = [rr for rr in range(r + 1, below[(m.segment.row, m.segment.col)] + 1)
                     if sheet.value(rr, col) not in (None, "") and (rr, col) not in below]
            if len(lower) == 1:
                r, value = lower[0], sheet.value(lower[0], col)
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
            if c == col or c == m.segment.col or c in layout.serial_cols or c in layout.item_cols or c in sheet.hidden_cols:
                continue
            if choice.kinds.get(c) in columns.NOT_STRAY:
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


_YUAN_LEGEND = re.compile(r"(?:金额|资金|款物)?单位[:：]\s*元\b|单位[:：]\s*元$")


def _money_in_yuan(sheet: SheetData, table: list[Match], layout: Layout, problems: list[Problem]) -> list[Match]:
    """Money rows whose table says its figures are in 元 (the row's unit cell, or a legend 金额单位：元),
    where the form asks for 万元: not read (a figure in 元 read as 万元 would be 10,000 times too big)."""
    legend = any(
        isinstance(v, str) and _YUAN_LEGEND.search(printed.squeeze(v))
        for r in range(max(1, min(m.segment.row for m in table) - 8), min(m.segment.row for m in table))
        for v in (sheet.rows[r - 1] if r <= len(sheet.rows) else ())
    ) if table else False
    yuan, kept = [], []
    for m in table:
        unit = printed.squeeze(m.segment.unit).strip("()（）")
        if m.field.unit == "万元" and (unit == "元" or (legend and unit != "万元")):
            yuan.append(m)
        else:
            kept.append(m)
    if yuan:
        problems.append(Problem("yuan", tuple(m.field.code for m in yuan),
                                tuple(str(CellRef(sheet.name, m.segment.row, m.segment.col)) for m in yuan),
                                {"reason": "表内注明金额单位是“元”" if legend else "计量单位一栏写的是“元”"}))
    return kept


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
    from .pairs import expand_pairs, expand_transposed

    return expand_transposed(sheet, form, expand_pairs(sheet, form, segs, layout))


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
        found = find_cover(sheet, place.region.first, top - 1, form.cover, todo, place.region)
        unfilled = {k for k in todo if _blank(found.get(k, (None, None))[1])}
        if unfilled and bottom < place.region.last:
            under = find_cover(sheet, bottom + 1, min(bottom + 12, place.region.last), form.cover, unfilled, place.region)
            found.update({k: v for k, v in under.items() if not _blank(v[1]) or k not in found})
        for key, (ref, value) in found.items():
            if cover_cells.get(key) is None or not _blank(value):
                cover_cells[key], cover_raw[key] = ref, value
    if _blank(cover_raw.get("UNIT")) and any(c.key == "UNIT" for c in form.cover):
        named_in_title = _unit_in_title(sheet, form, place.region)
        if named_in_title is not None:
            cover_cells["UNIT"], cover_raw["UNIT"] = named_in_title
    for c in form.cover:
        cover_cells.setdefault(c.key, None)
    return cover_cells, {k: v for k, v in cover_raw.items() if cover_cells.get(k) is not None}


def _cover_unread(sheet: SheetData, cells: dict[str, CellRef | None], raw: dict[str, object]) -> dict[str, str]:
    """Cover cells that read empty because they hold a formula without a saved result, or an error value."""
    if not sheet.uncached and not sheet.errors:
        return {}
    at = {(r, c): f"{column_letter(c)}{r} 的公式 {t}" for r, c, t in sheet.uncached}
    at.update({(r, c): f"{column_letter(c)}{r} 显示 {t}" for r, c, t in sheet.errors})
    return {key: at[(ref.row, ref.col)] for key, ref in cells.items()
            if ref is not None and (ref.row, ref.col) in at and _blank(raw.get(key))}


_UNIT_BEFORE_TITLE = re.compile(r"^\s*(.{2,30}?(?:总工会|工会|委员会|工会联合会))\s*(?:(?:19|20)\d\d\s*年|关于)")


def _unit_in_title(sheet: SheetData, form: Form, region: Region) -> tuple[CellRef, str] | None:
    """No 填报单位 line, but the title names the unit: ``井研县总工会2017年工会送温暖活动统计表``."""
    detect = [printed.title_words(d) for d in form.detect]
    for r in range(region.first, min(region.first + 6, region.last) + 1):
        for c, v in enumerate(sheet.rows[r - 1] if r <= len(sheet.rows) else (), start=1):
            if isinstance(v, str) and any(d in printed.title_words(v) for d in detect):
                m = _UNIT_BEFORE_TITLE.match(printed.nfkc(v))
                if m:
                    return CellRef(sheet.name, r, c), m.group(1).strip()
    return None


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
