"""Where a clerk puts the two annexes on a sheet when not using the city's template.

Every block writes into a ``sheets.Sheet`` and returns the next free row; a table block also returns
where each field's number landed (for hidden rows, sum formulas and the names of the shifted layout).
Nothing here is taken from the project's template or layout code: the shapes are those of forms that
county unions retype in WPS, or paste from the Word notice.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from wennuan_xl.core.forms import Field, Form

from .sheets import Formula, Sheet, a1
from .wording import HELP_KINDS, INTRO, LABELS, NOTICE_NOTE, PROSE, VEHICLES

CN_NUMBERS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四"]
FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
SLOT = re.compile(r"\{(A\d\.\d{2}[A-Z]?)\}")


# --- the cover block -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    unit: str  # 填报单位 as typed
    person: str  # "" when blank
    phone: str  # "" when blank
    date: dt.date | None  # None when blank
    date_form: str = "cn"  # cell | cn | spaced | dot | slash | yuan | iso
    boss: str = ""  # 单位负责人, printed beside 填表人 in a footer

    def expected(self) -> dict[str, str]:
        return {
            "UNIT": self.unit,
            "PERSON": self.person,
            "PHONE": self.phone,
            "DATE": self.date.isoformat() if self.date else "",
        }

    def date_value(self) -> object:
        d = self.date
        if d is None:
            return ""
        forms = {
            "cell": d,
            "cn": f"{d.year}年{d.month}月{d.day}日",
            "spaced": f"{d.year} 年 {d.month} 月 {d.day} 日",
            "dot": f"{d.year}.{d.month}.{d.day}",
            "slash": f"{d.year}/{d.month}/{d.day}",
            "yuan": f"{d.year}年{'元' if d.month == 1 else d.month}月{d.day}日",
            "iso": d.isoformat(),
        }
        return forms[self.date_form]

    def date_text(self) -> str:
        value = self.date_value()
        if isinstance(value, dt.date):
            return f"{value.year}年{value.month}月{value.day}日"
        return str(value)


def cover_block(sheet: Sheet, row: int, cover: Cover, style: str, width: int) -> int:
    """The 填报单位 / 填报人 lines above the table, in one of the ways units type them."""
    last = max(width - 1, 3)
    if style == "notice":
        blank = "                    "
        date = cover.date_text() if cover.date else "      年      月     日"
        sheet.merge(row, 0, row, last, f"填报单位：{cover.unit}　　　　　　{date}")
        sheet.merge(
            row + 1,
            0,
            row + 1,
            last,
            f"填 报 人：{cover.person or blank}　　　　联系电话：{cover.phone or blank}",
        )
        return row + 2
    if style in ("cells", "legend"):
        sheet.put(row, 0, "填报单位：")
        sheet.merge(row, 1, row, max(1, last - 2), cover.unit)
        sheet.put(row, last - 1, "填报日期：")
        sheet.put(row, last, cover.date_value(), "date" if cover.date_form == "cell" else None)
        sheet.put(row + 1, 0, "填报人：")
        sheet.put(row + 1, 1, cover.person)
        sheet.put(row + 1, last - 1, "联系电话：")
        sheet.put(row + 1, last, cover.phone)
        if style == "legend":  # what sits right of the input cells: the unit legend, a note
            sheet.put(row, last + 1, "金额单位：万元")
            sheet.put(row + 1, last + 1, "（请填写固定电话或手机）")
        return row + 2
    if style == "inline":
        sheet.merge(row, 0, row, last, f"填报单位（盖章）：{cover.unit}")
        sheet.merge(
            row + 1,
            0,
            row + 1,
            last,
            f"填表人：{cover.person}　　电话：{cover.phone}　　填表日期：{cover.date_text()}",
        )
        return row + 2
    if style == "footer":
        sheet.merge(row, 0, row, last, f"填报单位：{cover.unit}")
        return row + 1
    if style == "split":  # the notice's “年 月 日” blanks kept as cells
        sheet.put(row, 0, "填报单位：")
        sheet.put(row, 1, cover.unit)
        if cover.date:
            for i, part in enumerate((cover.date.year, "年", cover.date.month, "月", cover.date.day, "日")):
                sheet.put(row, 3 + i, part)
        sheet.put(row + 1, 0, "填 报 人：")
        sheet.put(row + 1, 1, cover.person)
        sheet.put(row + 1, 3, "联系电话：")
        sheet.put(row + 1, 4, cover.phone)
        return row + 2
    raise ValueError(style)


def footer_block(sheet: Sheet, row: int, cover: Cover, width: int) -> int:
    """The signature line under a statistical table: 负责人, 填表人, 电话, 报出日期 in one cell."""
    sheet.merge(
        row,
        0,
        row,
        max(width - 1, 3),
        f"单位负责人：{cover.boss}　　填表人：{cover.person}　　"
        f"联系电话：{cover.phone}　　报出日期：{cover.date_text()}",
    )
    return row + 1


def title_block(sheet: Sheet, row: int, form_id: str, title: str, annex: str, width: int) -> int:
    """``annex``: "line" (附件1 on its own row, as printed), "fused" (one cell), "none"."""
    number = form_id[1]
    last = max(width - 1, 3)
    if annex == "line":
        sheet.put(row, 0, f"附件{number}")
        row += 1
    if annex == "fused":
        sheet.merge(row, 0, row, last, f"附件{number}   {title}", "title")
    else:
        sheet.merge(row, 0, row, last, title, "title")
    return row + 1


def notes_block(sheet: Sheet, row: int, form_id: str, width: int) -> int:
    for line in NOTICE_NOTE[form_id]:
        sheet.merge(row, 0, row, max(width - 1, 3), line)
        row += 1
    return row


# --- rows of a retyped table -----------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    item: str  # "01"
    letter: str  # "A", "" for an item total or an intro
    code: str | None  # None: an intro or 其中 row, no number
    text: str  # the label, without numbering
    unit: str
    first: bool  # first row of its item (where the item number is printed)


def label_of(f: Field, wording: str) -> str:
    if wording == "ours":
        return f.label
    notice, short = LABELS[f.code]
    return notice if wording == "notice" else short


def form_lines(form: Form, wording: str, intro_rows: bool) -> list[Line]:
    lines: list[Line] = []
    for item in form.items:
        first = True
        intro = INTRO.get((form.id, item.number))
        if intro and intro_rows:
            lines.append(Line(item.number, "", None, intro, "", True))
            first = False
        for f in item.fields:
            lines.append(Line(item.number, f.letter, f.code, label_of(f, wording), f.unit, first))
            first = False
            if not f.letter and intro_rows and form.id == "A1" and item.number in ("05", "06"):
                lines.append(Line(item.number, "", None, "其中：", "", False))
    return lines


@dataclass(frozen=True)
class TableStyle:
    columns: tuple[str, ...] = ("item", "label", "unit", "value")  # also code, last, remark, yoy, letter
    headers: tuple[str, ...] = ("项目", "指标名称", "计量单位", "数值")
    wording: str = "notice"  # notice | short | ours
    items: str = "01"  # 01 | 1 | int | cn | cn、 | paren | seq | none
    letters: str = "（A）"  # （A） | (A) | A. | A、 | none | fused
    intro_rows: bool = True
    label_span: int = 1  # the label merged over this many columns
    unit_in_label: bool = False  # “职工总数（人）”
    wrap_at: int = 0  # a newline inside long labels after this many characters, as the notice breaks them
    group_header: str = ""  # one header merged over the value and last-year columns (a two-row header)
    column_row: bool = False  # the 甲 乙 丙 1 2 row of statistical tables under the header
    matrix: str = ""  # annex 2 items 09/10: "side" (both groups side by side) | "stacked"
    vehicles: bool = False  # annex 1 item 10 as a small table of vehicles
    subtotal: bool = False  # a 小计 row the unit added under 05 (A)–(E)
    grand_total: bool = False  # a 合计 row the unit added at the bottom
    sum_formulas: bool = False  # totals typed as =SUM(...) (with the value WPS cached)


@dataclass
class Extras:
    """What else sits in the table's rows: last year's numbers, remarks, 同比, rows the clerk hid."""

    last: dict[str, object] = field(default_factory=dict)
    remarks: dict[str, object] = field(default_factory=dict)
    yoy: dict[str, object] = field(default_factory=dict)
    hide: frozenset[str] = frozenset()


@dataclass
class Placed:
    next_row: int
    cells: dict[str, tuple[int, int]]  # field code -> (row, col) of its number
    value_col: int


def _columns(style: TableStyle) -> dict[str, int]:
    out, col = {}, 0
    for kind in style.columns:
        out[kind] = col
        col += style.label_span if kind == "label" else 1
    return out


def table_width(style: TableStyle) -> int:
    return len(style.columns) + style.label_span - 1


def item_text(item: str, style: str) -> object:
    n = int(item)
    forms = {
        "01": item,
        "1": str(n),
        "int": n,
        "cn": CN_NUMBERS[n - 1],
        "cn、": CN_NUMBERS[n - 1] + "、",
        "paren": f"（{CN_NUMBERS[n - 1]}）",
        "none": "",
    }
    return forms[style]


def letter_prefix(letter: str, style: str) -> str:
    if not letter or style in ("none", "fused"):
        return ""
    return {"（A）": f"（{letter}）", "(A)": f"({letter})", "A.": f"{letter}.", "A、": f"{letter}、"}[style]


def wrapped(text: str, at: int) -> str:
    if at and len(text) > at + 2:
        return text[:at] + "\n" + text[at:]
    return text


def table_header(sheet: Sheet, row: int, style: TableStyle, cols: dict[str, int]) -> int:
    two_rows = bool(style.group_header)
    grouped = [k for k in style.columns if k in ("value", "last")] if two_rows else []
    for kind, text in zip(style.columns, style.headers):
        col = cols[kind]
        last_col = col + style.label_span - 1 if kind == "label" else col
        if kind in grouped:
            sheet.put(row + 1, col, text, "head")
        elif two_rows:
            sheet.merge(row, col, row + 1, last_col, text, "head")
        elif last_col > col:
            sheet.merge(row, col, row, last_col, text, "head")
        else:
            sheet.put(row, col, text, "head")
    if grouped:
        first, last = min(cols[k] for k in grouped), max(cols[k] for k in grouped)
        sheet.merge(row, first, row, last, style.group_header, "head")
    row += 2 if two_rows else 1
    if style.column_row:
        marks = iter("甲乙丙丁")
        numbers = iter(range(1, 10))
        for kind in style.columns:
            numeric = kind in ("value", "last", "yoy")
            sheet.put(row, cols[kind], next(numbers) if numeric else next(marks), "head")
        row += 1
    return row


class TableWriter:
    """One annex as a retyped table: header, one row a field, the clerk's additions."""

    def __init__(self, sheet: Sheet, form: Form, typed: dict[str, object], style: TableStyle, extras: Extras):
        self.sheet, self.form, self.typed, self.style, self.extras = sheet, form, typed, style, extras
        self.cols = _columns(style)
        self.cells: dict[str, tuple[int, int]] = {}
        self.serial = 0

    def write(self, row: int) -> Placed:
        widths = {
            "item": 7,
            "label": 52 / self.style.label_span,
            "code": 9,
            "unit": 8,
            "remark": 16,
            "letter": 5,
        }
        for kind, col in self.cols.items():
            for c in range(col, col + (self.style.label_span if kind == "label" else 1)):
                self.sheet.widths.setdefault(c, widths.get(kind, 12))
        row = table_header(self.sheet, row, self.style, self.cols)
        first_row = row
        lines = form_lines(self.form, self.style.wording, self.style.intro_rows)
        i = 0
        while i < len(lines):
            line = lines[i]
            if self.style.matrix and self.form.id == "A2" and line.item in ("09", "10"):
                row = self._matrix(row, [x for x in lines if x.item in ("09", "10")])
                i += sum(1 for x in lines if x.item in ("09", "10"))
                continue
            if self.style.vehicles and line.code == "A1.10A":
                row = self._vehicles(row)
                i += 10  # (A)～(J): five vehicles, each a count and a 运送
                continue
            row = self.line(row, line)
            if self.style.subtotal and line.code == "A1.05E":
                row = self._subtotal(row)
            i += 1
        if self.style.grand_total:
            row = self._grand_total(row, first_row)
        if self.style.sum_formulas:
            self._formulas()
        return Placed(row, self.cells, self.cols["value"])

    # -- one row ---------------------------------------------------------------------------------

    def line(self, row: int, line: Line) -> int:
        s, cols, style = self.sheet, self.cols, self.style
        text = letter_prefix(line.letter, style.letters) + line.text
        if style.unit_in_label and line.unit:
            text += f"（{line.unit}）"
        for kind, col in cols.items():
            value = self._cell(kind, line)
            if kind == "label":
                value = wrapped(text, style.wrap_at)
                if style.label_span > 1:
                    s.merge(row, col, row, col + style.label_span - 1, value, "wrap")
                    continue
            s.put(row, col, value, "wrap" if kind == "label" else "cell")
        if line.code:
            self.cells[line.code] = (row, cols["value"])
            if line.code in self.extras.hide:
                s.hidden_rows.add(row)
        return row + 1

    def _cell(self, kind: str, line: Line) -> object:
        code = line.code
        if kind == "item":
            return self._item(line)
        if kind == "unit":
            return line.unit
        if kind == "code":
            return code or ""
        if kind == "letter":
            return line.letter
        if code is None:
            return None
        if kind == "value":
            return self.typed.get(code)
        if kind == "last":
            return self.extras.last.get(code)
        if kind == "remark":
            return self.extras.remarks.get(code)
        if kind == "yoy":
            return self.extras.yoy.get(code)
        return None

    def _item(self, line: Line) -> object:
        style = self.style
        if style.items == "seq":
            if line.code is None:
                return None
            self.serial += 1
            return self.serial
        if style.letters == "fused":
            base = line.item if line.first or line.letter else ""
            if line.letter:
                return f"{line.item}（{line.letter}）"
            return base
        return item_text(line.item, style.items) if line.first else None

    # -- the clerk's additions -------------------------------------------------------------------

    def _subtotal(self, row: int) -> int:
        parts = [self.cells[f"A1.05{x}"] for x in "ABCDE"]
        numbers = [self.typed.get(f"A1.05{x}") for x in "ABCDE"]
        if all(isinstance(n, (int, float)) for n in numbers):
            cached = round(sum(numbers), 4)  # type: ignore[arg-type]
            value: object = Formula(f"=SUM({a1(*parts[0])}:{a1(*parts[-1])})", cached)
        else:
            value = None
        self.sheet.put(row, self.cols["label"], "（A）～（E）小计", "wrap")
        self.sheet.put(row, self.cols["value"], value, "cell")
        return row + 1

    def _grand_total(self, row: int, first_row: int) -> int:
        col = self.cols["value"]
        total = sum(
            v
            for (r, c), v in self.sheet.cells.items()
            if c == col and first_row <= r < row and isinstance(v, (int, float))
        )
        cached = round(total, 4)
        self.sheet.put(row, self.cols["label"], "合计", "head")
        self.sheet.put(row, col, Formula(f"=SUM({a1(first_row, col)}:{a1(row - 1, col)})", cached), "cell")
        return row + 1

    def _formulas(self) -> None:
        sums = {
            "A1.05": [f"A1.05{x}" for x in "ABCDE"],
            "A1.09": [f"A1.09{x}" for x in "ABCD"],
            "A2.01": [f"A2.01{x}" for x in "ABC"],
            "A2.02": [f"A2.02{x}" for x in "ABC"],
            "A2.05": [f"A2.05{x}" for x in "BCDEF"],
        }
        for total, parts in sums.items():
            if total not in self.cells or any(p not in self.cells for p in parts):
                continue
            numbers = [self.typed.get(p) for p in parts]
            want = self.typed.get(total)
            if not all(isinstance(n, (int, float)) for n in numbers) or not isinstance(want, (int, float)):
                continue
            if abs(sum(numbers) - want) > 1e-6:  # type: ignore[arg-type]
                continue  # a unit whose total does not add up typed it by hand
            refs = "+".join(a1(*self.cells[p]) for p in parts)
            self.sheet.put(*self.cells[total], Formula(f"={refs}", want))

    # -- annex 1 item 10 as a vehicles table -----------------------------------------------------

    def _vehicles(self, row: int) -> int:
        s, c = self.sheet, self.cols["label"]
        heads = ("其中：包车（船、机）方式", "数量", "单位", "运送人次")
        for i, text in enumerate(heads):
            s.put(row, c + i, text, "head")
        row += 1
        for name, _printed, vehicle, people, unit in VEHICLES:
            s.put(row, c, name, "cell")
            s.put(row, c + 1, self.typed.get(f"A1.10{vehicle}"), "cell")
            s.put(row, c + 2, unit, "cell")
            s.put(row, c + 3, self.typed.get(f"A1.10{people}"), "cell")
            self.cells[f"A1.10{vehicle}"] = (row, c + 1)
            self.cells[f"A1.10{people}"] = (row, c + 3)
            row += 1
        return row

    # -- annex 2 items 09/10 as a matrix ---------------------------------------------------------

    def _matrix(self, row: int, lines: list[Line]) -> int:
        u_line = next(x for x in lines if x.code == "A2.09U")
        if self.style.matrix == "side":
            row = self._matrix_side(row)
            return self.line(row, u_line)
        row = self._matrix_one(row, "09", "2016年帮扶中心帮扶困难职工", total_first=True)
        row = self.line(row, u_line)
        return self._matrix_one(row, "10", "2016年帮扶中心帮扶农民工", total_first=False)

    def _matrix_side(self, row: int) -> int:
        s, c = self.sheet, self.cols["label"]
        item_col = self.cols.get("item")
        if item_col is not None and item_col != c:
            s.merge(row, item_col, row + 1, item_col, "09、10", "head")
        s.merge(row, c, row + 1, c, "帮扶项目", "head")
        s.merge(row, c + 1, row, c + 2, "帮扶困难职工（09）", "head")
        s.merge(row, c + 3, row, c + 4, "其中：帮扶农民工（10）", "head")
        for i, text in enumerate(("人次", "帮扶款物（万元）", "人次", "帮扶款物（万元）")):
            s.put(row + 1, c + 1 + i, text, "head")
        row += 2
        for kind, people, money in HELP_KINDS:
            row = self._matrix_row(
                row, c, kind, [f"A2.09{people}", f"A2.09{money}", f"A2.10{people}", f"A2.10{money}"]
            )
        return self._matrix_row(row, c, "合计", ["A2.09A", "A2.09B", "A2.10A", "A2.10B"])

    def _matrix_one(self, row: int, item: str, title: str, total_first: bool) -> int:
        s, c = self.sheet, self.cols["label"]
        item_col = self.cols.get("item")
        if item_col is not None and item_col != c:
            s.put(
                row,
                item_col,
                item_text(item, self.style.items if self.style.items != "seq" else "01"),
                "cell",
            )
        s.merge(row, c, row, c + 2, title, "head")
        row += 1
        for i, text in enumerate(("帮扶项目", "人次", "帮扶款物（万元）")):
            s.put(row, c + i, text, "head")
        row += 1
        total = ("合计", [f"A2.{item}A", f"A2.{item}B"])
        kinds = [(kind, [f"A2.{item}{p}", f"A2.{item}{m}"]) for kind, p, m in HELP_KINDS]
        for name, codes in ([total] + kinds) if total_first else (kinds + [total]):
            row = self._matrix_row(row, c, name, codes)
        return row

    def _matrix_row(self, row: int, col: int, name: str, codes: list[str]) -> int:
        self.sheet.put(row, col, name, "head" if name == "合计" else "cell")
        for i, code in enumerate(codes, start=1):
            self.sheet.put(row, col + i, self.typed.get(code), "cell")
            self.cells[code] = (row, col + i)
        return row + 1


# --- the notice pasted from Word -------------------------------------------------------------------


def number_text(value: object, grouped: bool = False) -> str:
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return f"{value:,}" if grouped and value >= 10_000 else str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def prose_block(
    sheet: Sheet, row: int, form_id: str, typed: dict[str, object], rng: random.Random, grouped: bool = False
) -> int:
    """The notice's lines, one a cell in column A, the numbers written into the sentences."""
    for template in PROSE[form_id]:

        def fill(m: re.Match[str]) -> str:
            value = typed.get(m.group(1))
            if value is None or value == "":
                return rng.choice(("        ", "　　　　", "      "))
            return rng.choice((" {} ", "　{}", "{}", "  {}  ", " {}")).format(number_text(value, grouped))

        text = SLOT.sub(fill, template)
        sheet.put(row, 0, text if text.strip() else None)
        row += 1
    return row


def prose_split_block(sheet: Sheet, row: int, form_id: str, typed: dict[str, object]) -> int:
    """The same lines typed into Excel to look like the Word form: text cells with number cells between."""
    for template in PROSE[form_id]:
        col = 0
        pos = 0
        for m in SLOT.finditer(template):
            before = template[pos : m.start()]
            if before.strip() or col == 0:
                sheet.put(row, col, before.strip() or None)
                col += 1
            sheet.put(row, col, typed.get(m.group(1)))
            col += 1
            pos = m.end()
        rest = template[pos:]
        if rest.strip():
            sheet.put(row, col, rest.strip())
        row += 1
    return row


# --- codes only --------------------------------------------------------------------------------------


def codes_block(sheet: Sheet, row: int, form: Form, typed: dict[str, object], with_unit: bool) -> Placed:
    heads = ("指标代码", "计量单位", "本期数") if with_unit else ("代码", "数值")
    sheet.widths.update({0: 12, 1: 10, 2: 12})
    for i, text in enumerate(heads):
        sheet.put(row, i, text, "head")
    row += 1
    cells = {}
    for f in form.fields:
        sheet.put(row, 0, f.code, "cell")
        if with_unit:
            sheet.put(row, 1, f.unit, "cell")
        col = len(heads) - 1
        sheet.put(row, col, typed.get(f.code), "cell")
        cells[f.code] = (row, col)
        row += 1
    return Placed(row, cells, len(heads) - 1)
