"""Tables of pairs: the kinds of help as rows, 人次 and 帮扶款物（万元） as columns (附件2 items 09 and 10), or
the vehicles as rows with 数量 and 运送人次 (附件1 item 10) — how units often retype the paired fields.

Each row of such a table becomes one segment per column, with the column header's words added to the
row's (``生活救助`` + ``帮扶款物（万元）``), so the alignment tells 09(D) from 09(C) as a reader does. When
the table repeats the columns for 困难职工 and 农民工, each group's heading says which item it is.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import columns, printed
from .forms import Form
from .segments import TOTAL_WORDS, UNIT_CELL, Layout, Segment
from .workbook import SheetData

_FIRST = ("人次", "数量", "个数", "列数", "节数", "辆数", "艘数", "架数", "次数", "车次", "车数", "包车数", "数目", "包租")
_SECOND = ("万元", "金额", "款物", "资金", "运送", "人数", "乘客")
_TOTAL = TOTAL_WORDS


def _measure(header: str) -> str:
    h = printed.words(header)
    if any(w in h for w in _SECOND):
        return "second"
    if any(w in h for w in _FIRST):
        return "first"
    return ""


def expand_pairs(sheet: SheetData, form: Form, segs: list[Segment], layout: Layout) -> list[Segment]:
    out = list(segs)
    for h in sorted(layout.header_rows, reverse=True):
        block = [h]
        if h - 1 in layout.header_rows or _heads_groups(sheet, h):
            block.insert(0, h - 1)
        headers = columns.header_texts(sheet, block)
        kinds = {c: _measure(_own(t)) for c, t in headers.items()}
        firsts = sorted(c for c, k in kinds.items() if k == "first")
        seconds = sorted(c for c, k in kinds.items() if k == "second")
        groups = []
        for fc in firsts:
            sc = next((c for c in seconds if c > fc and not any(fc < f2 < c for f2 in firsts)), None)
            if sc is not None:
                groups.append((fc, sc))
        if not groups:
            continue
        measure_cols = [c for g in groups for c in g]
        rows = _table_rows(sheet, out, h, groups[0][0], measure_cols, form)
        if not rows:
            continue
        items = _group_items(form, headers, groups)
        heading = next((s for s in out if s.row == block[0] - 1 and s.kind == "row"), None)
        if heading is not None and (heading.item_printed and not heading.letter) and all(
            _blank_cell(sheet, heading.row, c) for c in measure_cols
        ):
            # ``09 | 2016年帮扶中心帮扶困难职工`` printed above the table names its item, and holds no value.
            block.insert(0, heading.row)
            if len(groups) == 1 and items[0] is None:
                items = [heading.item]
        partner = {a: b for item in form.items for a, b in item.pairs}
        total_pair = {int(item.number): item.pairs[0] for item in form.items
                      if item.pairs and item.fields and item.fields[0].letter == item.pairs[0][0]}
        totals_first = sorted(rows, key=lambda s: 0 if printed.words(s.text) in _TOTAL else 1)
        new: list[Segment] = []
        # Rows printed after the table that belong to one group's item ((U) 脱困家庭 is 09's): after that group.
        last_row = max(s.row for s in rows)
        trailing = _trailing(out, last_row, form, items)
        for g, (fc, sc) in enumerate(groups):
            item = items[g]
            head_a, head_b = _own(headers.get(fc, "")), _own(headers.get(sc, ""))
            for s in totals_first:
                row_item = item if item is not None else s.item
                letter_a = s.letter if s.letter in partner else ""
                if not letter_a and printed.words(s.text) in _TOTAL and row_item is not None and row_item in total_pair:
                    letter_a = total_pair[row_item][0]
                letter_b = partner.get(letter_a, "")
                sure_item = item is not None or s.item_printed
                new.append(_pair_segment(s, fc, letter_a, head_a, row_item, sure_item))
                new.append(_pair_segment(s, sc, letter_b, head_b, row_item, sure_item))
            if item is not None:
                new.extend(replace(s, item=item) for s in trailing.get(item, ()))
        moved = {id(s) for group in trailing.values() for s in group}
        gone = {id(s) for s in rows} | {id(s) for s in out if s.row in block} | moved
        first_index = min(i for i, s in enumerate(out) if id(s) in gone)
        kept = [s for s in out if id(s) not in gone]
        # After the table the item is no longer known: its own heading may have named two ("09、10").
        after: list[Segment] = []
        for s in kept[first_index:]:
            if s.row > last_row and not s.item_printed and s.item is not None and s.kind != "pair":
                s = replace(s, item=None)
            elif s.row > last_row and s.item_printed:
                after.extend(kept[first_index + len(after):])
                break
            after.append(s)
        out = kept[:first_index] + new + after
        layout.header_rows = [r for r in layout.header_rows if r not in block]
    return out


def _trailing(segs: list[Segment], last_row: int, form: Form, items: list[int | None]) -> dict[int, list[Segment]]:
    """Lettered rows right after the table, up to the next printed item, whose letter only one of the
    table's items has."""
    known = [i for i in items if i is not None]
    if len(known) < 2:
        return {}
    letters = {int(item.number): {f.letter for f in item.fields} for item in form.items if int(item.number) in known}
    out: dict[int, list[Segment]] = {}
    for s in segs:
        if s.row <= last_row:
            continue
        if s.item_printed or not s.letter:
            break
        owners = [i for i in known if s.letter in letters[i]]
        if len(owners) != 1:
            break
        out.setdefault(owners[0], []).append(s)
    return out


def _blank_cell(sheet: SheetData, r: int, c: int) -> bool:
    row = sheet.rows[r - 1] if r <= len(sheet.rows) else ()
    v = row[c - 1] if c <= len(row) else None
    return v is None or (isinstance(v, str) and not v.strip())


def _pair_segment(s: Segment, col: int, letter: str, head: str, item: int | None, item_printed: bool) -> Segment:
    """One column of a pair-table row: the row's words with the column's header (生活救助 + 帮扶款物（万元）)."""
    return replace(
        s, kind="pair", col=col, cell=(s.row, col), letter=letter, item=item, item_printed=item_printed,
        code="", numbers=(), number_cells=(), slot=False, unit=_unit(head),
        words=printed.label_words(s.text + head), text=f"{s.text} {head}".strip(),
    )


def _own(text: str) -> str:
    """A column's own header, without the group heading above it (帮扶困难职工（09） / 人次)."""
    return text.split(" ")[-1]


def _heads_groups(sheet: SheetData, h: int) -> bool:
    """The row above a header of 人次 / 万元 columns names the groups (帮扶困难职工 | 帮扶农民工)."""
    if h < 2:
        return False
    above, here = sheet.rows[h - 2], sheet.rows[h - 1]
    if any(columns.is_number_like(v) for v in above):
        return False  # a field row with its value, not a heading
    over = [c for c, v in enumerate(above, start=1) if isinstance(v, str) and v.strip() and c <= len(here)
            and _measure(str(here[c - 1] or "")) and not UNIT_CELL.match(printed.squeeze(v))]
    return bool(over)


def _table_rows(sheet: SheetData, segs: list[Segment], h: int, first_col: int, measure_cols: list[int], form: Form) -> list[Segment]:
    """The rows of the pair table under header row ``h``: labelled rows whose cells under the measure
    columns are numbers or empty; it ends at a row that prints a unit there, a new item or another letter."""
    letters = {a for item in form.items for pair in item.pairs for a in pair}
    out: list[Segment] = []
    for s in segs:
        if s.row <= h or s.kind != "row" or not s.col or s.col >= first_col:
            continue
        if out and s.row > out[-1].row + 1:
            break
        row = sheet.rows[s.row - 1]
        cells = [row[c - 1] if c <= len(row) else None for c in measure_cols]
        if any(isinstance(v, str) and v.strip() and not columns.is_number_like(v) for v in cells):
            break
        if (s.letter and s.letter not in letters) or (out and s.item_printed):
            break
        out.append(s)
    return out


def _unit(header: str) -> str:
    h = printed.words(header)
    return "万元" if "万元" in h else ("人次" if "人次" in h else "")


def _group_items(form: Form, headers: dict[int, str], groups) -> list[int | None]:
    """Which item each column group is: the group heading against the items' first labels."""
    paired = [item for item in form.items if item.pairs]
    if len(groups) == 1:
        return [None]
    out: list[int | None] = []
    for fc, _sc in groups:
        text = headers.get(fc, "")
        heading = printed.words(text.split(" ")[0]) if " " in text else ""
        number = re.search(r"[(（]\s*(\d{1,2})\s*[)）]", text)
        if number and any(int(item.number) == int(number.group(1)) for item in paired):
            out.append(int(number.group(1)))
            continue
        best, best_sim = None, 0.0
        for item in paired:
            first = item.fields[0]
            sim = max(printed.similarity(heading, printed.label_words(t)) for t in first.labels)
            if heading and any(w in heading for w in ("农民工",)) and "农民工" in first.label:
                sim += 0.5
            if sim > best_sim:
                best, best_sim = int(item.number), sim
        out.append(best if best_sim >= 0.3 else None)
    return out


def expand_transposed(sheet: SheetData, form: Form, segs: list[Segment]) -> list[Segment]:
    """The same tables turned on their side: the kinds as columns (合计 | 生活救助 | 医疗救助 …, 专列 | 火车车厢 …),
    the measures as rows (帮扶困难职工（人次） | 帮扶款物（万元） | 帮扶农民工（人次） …, 包车数 | 运送人次).
    Each cell becomes a segment with its column's and its row's words, in the form's order."""
    firsts = {int(item.number): [printed.label_words(t) for a, _b in item.pairs
                                 for t in form.fields_by_letter(item, a).labels]
              for item in form.items if item.pairs}
    if not firsts:
        return segs
    out = list(segs)
    for r, row in enumerate(sheet.rows, start=1):
        heads = [(c, printed.label_words(v)) for c, v in enumerate(row, start=1) if isinstance(v, str) and v.strip()]
        kinds = [(c, w) for c, w in heads if w in _TOTAL or any(
            printed.similarity(w, a) >= 0.8 for names in firsts.values() for a in names)]
        if len(kinds) < 4:
            continue
        first_col = min(c for c, _ in kinds)
        measures = [s for s in out if s.row > r and s.kind == "row" and s.col and s.col < first_col
                    and _measure(s.text) and any(columns.is_number_like(sheet.value(s.row, c)) for c, _ in kinds)]
        measures = [s for s in measures if s.row <= r + 8]
        if len(measures) < 2:
            continue
        new = _transposed_segments(form, kinds, measures, firsts)
        if not new:
            continue
        gone = {id(s) for s in measures} | {id(s) for s in out if s.row == r}
        at = min(i for i, s in enumerate(out) if id(s) in gone or s.row > r)
        out = [s for s in out[:at] if id(s) not in gone] + new + [s for s in out[at:] if id(s) not in gone]
        break
    return out


def _transposed_segments(form: Form, kinds, measures: list[Segment], firsts) -> list[Segment]:
    # Rows come in (first measure, second measure) pairs; each pair is one item (困难职工 / 农民工, or the vehicles).
    groups: list[tuple[Segment, Segment, int | None]] = []
    k = 0
    while k + 1 < len(measures):
        a, b = measures[k], measures[k + 1]
        if _measure(a.text) == "first" and _measure(b.text) == "second":
            groups.append((a, b, _item_of(form, a, firsts)))
            k += 2
        else:
            k += 1
    if not groups:
        return []
    out: list[Segment] = []
    for a, b, item in groups:
        total_pair = next((it.pairs[0] for it in form.items if item is not None and int(it.number) == item
                           and it.pairs and it.fields and it.fields[0].letter == it.pairs[0][0]), None)
        for c, head in kinds:
            letter_a = letter_b = ""
            if head in _TOTAL:
                if total_pair is None:
                    continue  # a 合计 column that is no field (附件1 item 10 has its own total row)
                letter_a, letter_b = total_pair
            for seg, letter, measure in ((a, letter_a, a.text), (b, letter_b, b.text)):
                words = printed.label_words(head + measure)
                out.append(replace(
                    seg, kind="pair", col=c, cell=(seg.row, c), letter=letter, item=item, item_printed=item is not None,
                    code="", numbers=(), number_cells=(), slot=False, unit=_unit(measure), words=words,
                    text=f"{head} {measure}", filled=True,
                ))
    return out


def _item_of(form: Form, seg: Segment, firsts) -> int | None:
    """Which paired item a measure row belongs to: its words against each item's first field (帮扶困难职工 /
    帮扶农民工); for a table of vehicles, the one item that has them."""
    if len(firsts) == 1:
        return next(iter(firsts))
    best, best_sim = None, 0.0
    for item in form.items:
        if not item.pairs:
            continue
        sim = max(printed.similarity(printed.label_words(seg.text), printed.label_words(t)) for t in item.fields[0].labels)
        if sim > best_sim:
            best, best_sim = int(item.number), sim
    return best if best_sim >= 0.5 else None
