"""The attack cases: one return each, laid out as a clerk could plausibly have sent it, aimed at one
assumption of the locator. ``person`` says what a careful person reads in it, and why.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, replace

from wennuan_xl.core.forms import Campaign

from .notice import (
    A1_HEAD,
    A1_LINES,
    A2_HEAD,
    A2_LINES,
    HELP_KINDS,
    SLOT,
    UNITS,
    VEHICLES,
    render_line,
    traditional,
)
from .sheets import (
    Cover,
    Ctx,
    Row,
    base_ctx,
    cover_two_lines,
    field_rows,
    new_book,
    number_text,
    put_rows,
    simple_form,
    std_table,
    title,
)
from .writer import Book, Sheet

Change = Callable[[dict[str, object]], dict[str, object]]


@dataclass(frozen=True)
class Case:
    name: str  # file name without extension
    layout: str
    unit: str  # the roster unit the return is from
    annexes: tuple[str, ...]
    build: Callable[[Ctx], Book]
    notes: str  # what makes it hard (one line of the README)
    person: str  # what a careful person reads, and why
    typed_unit: str = ""  # 填报单位 as typed, when not the roster name (and what a person reads)
    cover_unit: str = ""  # 填报单位 as typed when a person reads less of it (the unit's name without （盖章）)
    faults: tuple[tuple[str, Change], ...] = ()  # (rule that must fire, the values the unit typed)
    blanks: tuple[str, ...] = ()  # items the unit left blank
    refuse: tuple[str, ...] | str = ()  # fields a reader cannot know: must be F-LOCATE'd
    typing: Callable[[Ctx], None] | None = None  # text typed instead of numbers (sets typed and values)
    xls: bool = False  # also saved by LibreOffice as .xls
    keep_xlsx: bool = True
    hidden: str = ""
    phone: str = ""
    date: dt.date | None = None
    date_text: str = ""


def make_ctx(case: Case, campaign: Campaign) -> Ctx:
    def changes(values: dict[str, object]) -> dict[str, object]:
        out: dict[str, object] = {}
        for _rule, change in case.faults:
            out.update(change({**values, **out}))
        return out

    ctx = base_ctx(case.name, case.annexes, campaign, blanks=case.blanks, changes=changes,
                   unit=case.typed_unit or case.unit, phone=case.phone, date=case.date, date_text=case.date_text)
    if case.cover_unit:
        ctx.cover = replace(ctx.cover, unit=case.cover_unit, expect_unit=ctx.cover.unit)
    for code in case.refuse if case.refuse != "file" else ():
        ctx.values[code] = None
    if case.typing is not None:
        case.typing(ctx)
    return ctx


def num(v: dict[str, object], code: str) -> float:
    x = v[code]
    assert isinstance(x, (int, float)), (code, x)
    return x


A1, A2, BOTH = ("A1",), ("A2",), ("A1", "A2")


# --- 01/02 the notice pasted into column A, the figures typed in the next column -----------------------


def paste_fill_right(ctx: Ctx) -> Book:
    annex = ctx.annexes[0]
    head, lines = (A1_HEAD, A1_LINES) if annex == "A1" else (A2_HEAD, A2_LINES)
    sheet = Sheet("Sheet1", widths={1: 92, 2: 12, 3: 12, 4: 12})
    c = ctx.cover
    r = 1
    for line in head:
        if line.startswith("填报单位"):
            line = f"填报单位：{c.unit}                     {c.typed_date} "
        elif line.startswith("填 报 人"):
            line = f"填 报 人：{c.person}          　     联系电话：{c.phone}"
        sheet.put(r, 1, line)
        r += 1
    for line in lines:
        sheet.put(r, 1, render_line(line, None))
        for k, m in enumerate(SLOT.finditer(line)):
            sheet.put(r, 2 + k, ctx.typed[m.group(1)], "0.00" if isinstance(ctx.typed[m.group(1)], float) else "")
        r += 1
    return new_book(sheet)


# --- 03-05 the blank form and the filled one on the same sheet -------------------------------------------


def blank_prose_above(ctx: Ctx) -> Book:
    annex = ctx.annexes[0]
    head, lines = (A1_HEAD, A1_LINES) if annex == "A1" else (A2_HEAD, A2_LINES)
    sheet = Sheet("附件1" if annex == "A1" else "附件2", widths={1: 10, 2: 60, 3: 10, 4: 14})
    r = 1
    for line in (*head, *lines):
        sheet.put(r, 1, render_line(line, None))
        r += 1
    r += 2
    r = cover_two_lines(sheet, r, ctx.cover)
    put_rows(sheet, r, field_rows(ctx, annex), std_table())
    return new_book(sheet)


def blank_table_above(ctx: Ctx) -> Book:
    annex = ctx.annexes[0]
    name = "2017年工会送温暖活动统计表" if annex == "A1" else "2016年度困难职工帮扶中心工作统计表"
    sheet = Sheet("附件1" if annex == "A1" else "附件2", widths={1: 8, 2: 48, 3: 10, 4: 14})
    t = std_table()
    title(sheet, 1, name, 4)
    sheet.merge(2, 1, 2, 4, "填报单位：                      年    月    日")
    sheet.merge(3, 1, 3, 4, "填 报 人：              联系电话：")
    blank = [replace(row, value=None) for row in field_rows(ctx, annex)]
    r = put_rows(sheet, 4, blank, t) + 2
    title(sheet, r, name, 4)
    r = cover_two_lines(sheet, r + 1, ctx.cover)
    put_rows(sheet, r, field_rows(ctx, annex), t)
    return new_book(sheet)


def blank_left(ctx: Ctx) -> Book:
    annex = ctx.annexes[0]
    sheet = Sheet("附件1" if annex == "A1" else "附件2", widths={1: 6, 2: 40, 3: 8, 4: 12, 6: 6, 7: 40, 8: 8, 9: 12})
    title(sheet, 1, "2017年工会送温暖活动统计表" if annex == "A1" else "2016年度困难职工帮扶中心工作统计表", 9)
    r = cover_two_lines(sheet, 2, ctx.cover, width=9)
    rows = field_rows(ctx, annex)
    put_rows(sheet, r, [replace(row, value=None) for row in rows], std_table())
    put_rows(sheet, r, rows, std_table(first_col=6))
    return new_book(sheet)


# --- 06/07 letters a clerk "corrected" ---------------------------------------------------------------------


def letters_shifted_a2(ctx: Ctx) -> Book:
    """Item 05 of annex 2 prints its sub-items (B)..(F) (the total is the national form's (A)): the clerk
    lettered them (A)..(E)."""
    shift = {f"A2.05{x}": y for x, y in zip("BCDEF", "ABCDE")}
    rows = [replace(r, letter=shift.get(r.code or "", r.letter)) for r in field_rows(ctx, "A2")]
    return new_book(simple_form(ctx, "A2", "附件2", rows))


def letters_shifted_totals(ctx: Ctx) -> Book:
    """The totals of items 05, 06 and 09 lettered (A), as annex 2 letters its totals; the sub-items one
    letter on."""
    nxt = {x: chr(ord(x) + 1) for x in "ABCDEFGH"}
    rows = []
    for r in field_rows(ctx, "A1"):
        code = r.code or ""
        if code in ("A1.05", "A1.06", "A1.09"):
            r = replace(r, letter="A")
        elif code[:5] in ("A1.05", "A1.06", "A1.09") and r.letter:
            r = replace(r, letter=nxt[r.letter])
        rows.append(r)
    return new_book(simple_form(ctx, "A1", "附件1", rows))


# --- 08-11 item numbers and sub-items numbered other ways -----------------------------------------------

CN = "一二三四五六七八九十"


def cn(item: str) -> str:
    n = int(item)
    return CN[n - 1] if n <= 10 else "十" + CN[n - 11]


HEADINGS_A1 = {"01": "职工情况", "02": "困难职工情况", "03": "困难职工建档情况", "04": "走访慰问情况",
               "07": "帮扶救助情况", "08": "维权服务情况"}


def cn_items_num_subs(ctx: Ctx) -> Book:
    """Items 一、二、… and sub-items 1. 2. 3. in the label; an item with a total prints it on the item's row,
    an item without one gets a heading row of the clerk's words."""
    rows: list[Row] = []
    sub = 0
    for r in field_rows(ctx, "A1", intros=False):
        code = r.code or ""
        item = code[3:5]
        if r.item:
            sub = 0
            if not r.letter:  # the item's total
                rows.append(replace(r, label=f"{cn(item)}、{r.label}", item=""))
                continue
            rows.append(Row(None, label=f"{cn(item)}、{HEADINGS_A1[item]}"))
        sub += 1
        rows.append(replace(r, label=f"{sub}.{r.label}", item=""))
    t = std_table(("label", "unit", "value"), ("指标", "单位", "数值"), fuse_letter=False)
    return new_book(simple_form(ctx, "A1", "附件1", rows, t))


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def circled_subs(ctx: Ctx) -> Book:
    """Items 01…14 in their own column; sub-items ①②③ instead of letters (the totals unmarked)."""
    rows: list[Row] = []
    sub = 0
    for r in field_rows(ctx, "A2", intros=False):
        if r.item:
            sub = 0
        if r.letter and not ((r.code or "")[3:5] in ("09", "10") and r.letter in "AB"):
            sub += 1
            lead = "其中：" if sub == 1 and (r.code or "")[3:5] in ("01", "02", "05") else ""
            label = f"{lead}{CIRCLED[sub - 1]}{r.label}"
        else:
            label = r.label
        rows.append(replace(r, label=label))
    t = std_table(fuse_letter=False)
    return new_book(simple_form(ctx, "A2", "附件2", rows, t))


def sub_number_column(ctx: Ctx) -> Book:
    """项目 (一、二 … merged down its rows) | 序号 (1, 2, 3 as text, restarting in each item) | 指标名称 |
    计量单位 | 本期数."""
    sheet = Sheet("附件1", widths={1: 6, 2: 6, 3: 48, 4: 10, 5: 14})
    sheet.put(1, 1, "附件1")
    title(sheet, 2, "2017年工会送温暖活动统计表", 5)
    r = cover_two_lines(sheet, 3, ctx.cover, width=5)
    for k, h in enumerate(("项目", "序号", "指标名称", "计量单位", "本期数"), start=1):
        sheet.put(r, k, h)
    r += 1
    first = r
    rows = field_rows(ctx, "A1", intros=False)
    starts: dict[str, int] = {}
    sub = 0
    for row in rows:
        item = (row.code or "")[3:5]
        if row.item:
            starts[item] = r
            sub = 0
            sheet.put(r, 1, cn(item))
        if row.letter:
            sub += 1
            sheet.put(r, 2, str(sub))
        sheet.put(r, 3, row.label)
        sheet.put(r, 4, row.unit)
        sheet.put(r, 5, row.value, "0.00" if isinstance(row.value, float) else "")
        r += 1
    ends = sorted(starts.values()) + [r]
    for a, b in itertools.pairwise(ends):
        if b - 1 > a:
            sheet.merge(a, 1, b - 1, 1)
    sheet.border_from, sheet.border_to = first - 1, r - 1
    return new_book(sheet)


def lower_letters(ctx: Ctx) -> Book:
    """Items 1, 2, 3 as numbers in column A; letters typed lower-case, in three styles: a. b、 (c)."""
    styles = (lambda x: f"{x.lower()}.", lambda x: f"{x.lower()}、", lambda x: f"({x.lower()})")
    rows = []
    for k, r in enumerate(field_rows(ctx, "A1")):
        label = (styles[k % 3](r.letter) + r.label) if r.letter else r.label
        rows.append(replace(r, label=label, item=str(int(r.item)) if r.item else ""))
    t = std_table(item=lambda i: int(i), fuse_letter=False)
    return new_book(simple_form(ctx, "A1", "附件1", rows, t))


# --- 12/13 labels as a clerk's keyboard leaves them ---------------------------------------------------------


def traditional_labels(ctx: Ctx) -> Book:
    """WPS's 简转繁 run over the table: labels and headers in traditional characters; items and letters
    printed as usual."""
    rows = [replace(r, label=traditional(r.label)) for r in field_rows(ctx, "A1")]
    t = std_table(headers=tuple(traditional(h) for h in ("项目", "指标名称", "计量单位", "数值")))
    return new_book(simple_form(ctx, "A1", "附件1", rows, t))


TYPOS_A2 = {
    "A2.01": "目前，你地区县级以上困难职工帮服中心",
    "A2.03": "目前，你地区帮扶中心有工会志原者",
    "A2.04A": "乡镇（街道）工会帮扶工做站",
    "A2.04C": "社区（村）工会帮扶战点",
    "A2.05": "2016年度帮扶中心资金来原总额",
    "A2.06B": "资金是否纳入财政预算（是/否）",
    "A2.09M": "政策资询",
    "A2.10M": "政策资询",
    "A2.11B": "开展心里咨询、疏导",
    "A2.12A": "2016年各地帮扶中心共协调解决跨地区维权和帮扶按件",
    "A2.13B": "2016年度帮扶中心工作经费投人",
    "A2.14A": "工会共有自建或连建爱心医院",
    "A2.14F": "工会共有职业技能培训机购",
}


def typo_labels(ctx: Ctx) -> Book:
    """Pinyin-input typos (帮服, 志原者, 心里咨询, 按件 …); 06(B)'s label keeps the notice's （是/否）."""
    rows = [replace(r, label=TYPOS_A2.get(r.code or "", r.label)) for r in field_rows(ctx, "A2")]
    return new_book(simple_form(ctx, "A2", "附件2", rows))


# --- 14-18 rows added, moved, left out, merged ------------------------------------------------------------


def notes_between(ctx: Ctx) -> Book:
    """Explanatory rows the clerk added between the form's rows."""
    v = ctx.typed
    women = int(num(v, "A1.01A") * 0.43)
    share = round(num(v, "A1.01B") / num(v, "A1.01A"), 3)
    province = round(num(v, "A1.05A") * 0.6, 2)
    extra = {
        "A1.01A": [Row(None, label="注：含劳务派遣工")],
        "A1.01B": [Row(None, label="其中：女职工", extra={"unit": "人", "value": women}),
                   Row(None, label="农民工占职工总数比例", extra={"unit": "%", "value": share})],
        "A1.03A": [Row(None, label="注：困难职工家庭以建档为准")],
        "A1.05A": [Row(None, label="其中：省总工会下拨", extra={"unit": "万元", "value": province})],
    }
    rows: list[Row] = []
    for r in field_rows(ctx, "A1"):
        if r.code is None and r.item == "04":
            rows.append(Row(None, label="（以下各项均为2017年元旦、春节期间数据）"))
        rows.append(r)
        rows.extend(extra.get(r.code or "", []))
    sheet = simple_form(ctx, "A1", "附件1", rows)
    for (rr, cc), value in list(sheet.cells.items()):
        if value == share and cc == 4:
            sheet.formats[(rr, cc)] = "0.0%"
    return new_book(sheet)


def reordered(ctx: Ctx) -> Book:
    """02's rows before 01's; 09's sub-items before its total; 10(K)(L) before the vehicles."""
    rows = field_rows(ctx, "A1")
    by = {r.code: r for r in rows if r.code}

    def codes(*cs: str) -> list[Row]:
        return [by[c] for c in cs]

    out: list[Row] = []
    for r in rows:
        code = r.code or ""
        if code == "A1.01A":
            out += [replace(by["A1.02A"], item="02"), by["A1.02B"], replace(by["A1.01A"], item="01"), by["A1.01B"]]
        elif code in ("A1.01B", "A1.02A", "A1.02B"):
            continue
        elif code == "A1.09":
            out += [replace(by["A1.09A"], item="09"), *codes("A1.09B", "A1.09C", "A1.09D"), replace(by["A1.09"], item="")]
        elif code[:5] == "A1.09":
            continue
        elif code == "A1.10":
            out += [by["A1.10"], *codes("A1.10K", "A1.10L")]
        elif code in ("A1.10K", "A1.10L"):
            continue
        else:
            out.append(r)
    return new_book(simple_form(ctx, "A1", "附件1", out))


def total_at_bottom(ctx: Ctx) -> Book:
    """Items 05, 06 and 09 as a heading row with no figure, the sub-items, then a 合计 row with the total."""
    out: list[Row] = []
    pending: Row | None = None
    for r in field_rows(ctx, "A1"):
        code = r.code or ""
        if pending is not None and code[:5] != (pending.code or "")[:5]:
            out.append(Row(None, label="合计", extra={"unit": pending.unit, "value": pending.value}))
            pending = None
        if code in ("A1.05", "A1.06", "A1.09"):
            pending = r
            out.append(Row(None, item=r.item, label=r.label + "，其中："))
            continue
        out.append(r)
    return new_book(simple_form(ctx, "A1", "附件1", out))


def missing_rows(ctx: Ctx) -> Book:
    """04(G) and the vehicle rows 10(A)-(J) deleted (the unit had none to report); 02(B) typed twice."""
    out: list[Row] = []
    for r in field_rows(ctx, "A1"):
        code = r.code or ""
        if code == "A1.04G" or (code[:5] == "A1.10" and code[5:] in tuple("ABCDEFGHIJ")):
            continue
        out.append(r)
        if code == "A1.02B":
            out.append(r)
    return new_book(simple_form(ctx, "A1", "附件1", out))


TALL = ("A1.03C", "A1.03D", "A1.03E", "A1.07B", "A1.08B")
MERGED_VALUE = ("A1.01A", "A1.01B", "A1.02A", "A1.02B")


def merged_two_rows(ctx: Ctx) -> Book:
    """Long labels merged over two rows (item, letter, label and unit cells), the figure typed into the
    lower of the two value cells; 01-02's value cells merged over two rows with the figure on top."""
    sheet = Sheet("附件1", widths={1: 6, 2: 6, 3: 30, 4: 8, 5: 14})
    sheet.put(1, 1, "附件1")
    title(sheet, 2, "2017年工会送温暖活动统计表", 5)
    r = cover_two_lines(sheet, 3, ctx.cover, width=5)
    for k, h in enumerate(("项目", "子项", "指标名称", "单位", "数值"), start=1):
        sheet.put(r, k, h)
    first = r
    r += 1
    for row in field_rows(ctx, "A1"):
        tall = row.code in TALL or row.code in MERGED_VALUE
        sheet.put(r, 1, row.item)
        sheet.put(r, 2, f"（{row.letter}）" if row.letter else None)
        sheet.put(r, 3, row.label)
        sheet.put(r, 4, row.unit if row.code else None)
        fmt = "0.00" if isinstance(row.value, float) else ""
        if row.code in TALL:
            for c in (1, 2, 3, 4):
                sheet.merge(r, c, r + 1, c)
            sheet.put(r + 1, 5, row.value, fmt)
        elif row.code in MERGED_VALUE:
            for c in (1, 2, 3, 4, 5):
                sheet.merge(r, c, r + 1, c)
            sheet.put(r, 5, row.value, fmt)
        elif row.code:
            sheet.put(r, 5, row.value, fmt)
        r += 2 if tall else 1
    sheet.border_from, sheet.border_to = first, r - 1
    return new_book(sheet)


# --- 19-21 what is typed in the value cells -----------------------------------------------------------------


def value_forms_typing(ctx: Ctx) -> None:
    t, v = ctx.typed, ctx.values
    t["A1.01A"] = f"{num(v, 'A1.01A'):,.2f}"
    t["A1.01B"] = f"{number_text(v['A1.01B'])}（人）"
    t["A1.02A"] = f"人 {number_text(v['A1.02A'])}"
    t["A1.04C"] = f"{int(num(v, 'A1.04C')):,}".replace(",", " ")
    t["A1.05A"] = f"{number_text(v['A1.05A'])}万"
    t["A1.10G"] = t["A1.10H"] = "零"
    t["A1.08D"] = f"{num(v, 'A1.08D'):,.2f}"
    for code in ("A1.08A", "A1.08C"):  # left unfilled: only the unit the clerk's sheet prints in the cell
        v[code] = None
        t[code] = "　　人次"


def yuan_typing(codes_of_money: tuple[str, ...]) -> Callable[[Ctx], None]:
    def typing(ctx: Ctx) -> None:
        for code in codes_of_money:
            x = ctx.values.get(code)
            if isinstance(x, (int, float)):
                ctx.typed[code] = round(x * 10000)

    return typing


A1_MONEY = ("A1.05", "A1.05A", "A1.05B", "A1.05C", "A1.05D", "A1.05E", "A1.06", "A1.06A", "A1.06B", "A1.07J",
            "A1.08D", "A1.11")
A2_MONEY = ("A2.05", "A2.05B", "A2.05C", "A2.05D", "A2.05E", "A2.05F", "A2.06A", "A2.07B", "A2.08B",
            *(f"A2.{i}{x}" for i in ("09", "10") for x in "BDFHJLNPRT"), "A2.12C", "A2.13A", "A2.13B")


def yuan_unit_column(ctx: Ctx) -> Book:
    """The unit column prints 元 on every money row, and the figures are in 元."""
    rows = [replace(r, unit="元") if r.unit == "万元" else r for r in field_rows(ctx, "A1")]
    return new_book(simple_form(ctx, "A1", "附件1", rows))


def yuan_legend(ctx: Ctx) -> Book:
    """No unit column; a legend under the title says 金额单位：元, and the money figures are in 元."""
    t = std_table(("item", "label", "value"), ("项目", "指标名称", "数值"))
    sheet = Sheet("附件2", widths={1: 8, 2: 56, 3: 14})
    sheet.put(1, 1, "附件2")
    title(sheet, 2, "2016年度困难职工帮扶中心工作统计表", 3)
    r = cover_two_lines(sheet, 3, ctx.cover, width=3)
    sheet.put(r, 3, "金额单位：元")
    put_rows(sheet, r + 1, field_rows(ctx, "A2"), t)
    return new_book(sheet)


# --- 22-25 columns other than this year's figures ---------------------------------------------------------


def scaled(v: object, k: float) -> object:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return v
    return int(v * k) + 1 if isinstance(v, int) else round(v * k + 0.5, 2)


def plan_done(ctx: Ctx) -> Book:
    """计划数 | 完成数: the unit's targets beside its results."""
    rows = [replace(r, extra={"plan": scaled(r.value, 0.9) if r.code else None}) for r in field_rows(ctx, "A1")]
    t = std_table(("item", "label", "unit", "plan", "value"), ("项目", "指标名称", "计量单位", "计划数", "完成数"))
    return new_book(simple_form(ctx, "A1", "附件1", rows, t))


def split_value(v: object, share: float) -> tuple[object, object]:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return (None, None)
    if isinstance(v, int):
        a = int(v * share)
        return a, v - a
    a = round(v * share, 2)
    return a, round(v - a, 2)


def total_column(ctx: Ctx) -> Book:
    """A 市级系统工会's return: 系统本级 | 所属基层单位 | 合计 for every row."""
    rows = []
    for r in field_rows(ctx, "A2"):
        a, b = split_value(r.value, 0.3)
        rows.append(replace(r, extra={"own": a, "below": b}))
    t = std_table(("item", "label", "unit", "own", "below", "value"),
                  ("项目", "指标名称", "计量单位", "系统本级", "所属基层单位", "合计"))
    return new_book(simple_form(ctx, "A2", "附件2", rows, t))


def completion(ctx: Ctx) -> Book:
    """2016年同期 (left) | 2017年1-12月 | 完成情况 (完成 / 超额完成 / a percentage)."""
    rows = []
    for k, r in enumerate(field_rows(ctx, "A1")):
        status: object = None
        if r.code:
            status = ("完成", "超额完成", f"{100 + k % 17}%")[k % 3]
        rows.append(replace(r, extra={"status": status}))
    t = std_table(("item", "label", "unit", "last", "value", "status"),
                  ("项目", "指标名称", "计量单位", "2016年同期", "2017年1-12月", "完成情况"))
    return new_book(simple_form(ctx, "A1", "附件1", rows, t))


def last_year_table_left(ctx: Ctx) -> Book:
    """Last year's return (titled 2015年度) kept in A:D, this year's table beside it in F:I, one row lower."""
    sheet = Sheet("附件2", widths={1: 6, 2: 40, 3: 8, 4: 12, 6: 6, 7: 40, 8: 8, 9: 12})
    old = [replace(r, value=r.last) for r in field_rows(ctx, "A2")]
    title(sheet, 1, "2015年度困难职工帮扶中心工作统计表", 4)
    c = ctx.cover
    sheet.merge(2, 1, 2, 4, f"填报单位：{c.unit}　　2016年1月8日")
    sheet.merge(3, 1, 3, 4, f"填 报 人：{c.person}　　联系电话：{c.phone}")
    put_rows(sheet, 4, old, std_table())
    title(sheet, 2, "2016年度困难职工帮扶中心工作统计表", 4, col=6)
    r = cover_two_lines(sheet, 3, c, col=6)
    put_rows(sheet, r, field_rows(ctx, "A2"), std_table(first_col=6))
    return new_book(sheet)


# --- 26-29 tables of pairs laid out other ways --------------------------------------------------------------


def rows_without(ctx: Ctx, annex: str, drop: Callable[[str], bool]) -> list[Row]:
    return [r for r in field_rows(ctx, annex) if not (r.code and drop(r.code))]


def matrix_transposed(ctx: Ctx) -> Book:
    """Items 09 and 10 as one matrix with the kinds of help as columns (合计 first) and 人次 / 帮扶款物
    as rows, for 困难职工 and then 农民工."""
    sheet = simple_form(ctx, "A2", "附件2", [r for r in field_rows(ctx, "A2") if (r.code or "")[3:5] < "09"])
    sheet.widths.update({c: 11 for c in range(5, 14)})
    r = sheet.last_row + 2
    v = ctx.typed
    sheet.put(r, 1, "09、10")
    sheet.put(r, 2, "2016年帮扶中心帮扶困难职工和农民工情况")
    r += 1
    heads = ("项目", "合计", *(k for k, _p, _m in HELP_KINDS))
    for k, h in enumerate(heads, start=2):
        sheet.put(r, k, h)
    r += 1
    for item, who in (("09", "帮扶困难职工"), ("10", "帮扶农民工")):
        for measure, letters, total in (("（人次）", [p for _k, p, _m in HELP_KINDS], "A"),
                                        ("帮扶款物（万元）", [m for _k, _p, m in HELP_KINDS], "B")):
            sheet.put(r, 2, f"{who}{measure}" if total == "A" else measure)
            for k, code in enumerate([f"A2.{item}{total}"] + [f"A2.{item}{x}" for x in letters], start=3):
                sheet.put(r, k, v[code], "0.00" if total == "B" else "")
            r += 1
    sheet.border_to = r - 1
    rest = [x for x in field_rows(ctx, "A2") if (x.code or "") == "A2.09U" or (x.code or "")[3:5] > "10"]
    rest[0] = replace(rest[0], item="09")
    put_rows(sheet, r, rest, std_table(headers=("", "", "", "")))
    return new_book(sheet)


def matrix_last_year(ctx: Ctx) -> Book:
    """Items 09 and 10 as kinds × (人次 | 帮扶款物) tables, each with 本年 and 上年同期 column groups."""
    sheet = simple_form(ctx, "A2", "附件2", [r for r in field_rows(ctx, "A2") if (r.code or "")[3:5] < "09"])
    r = sheet.last_row + 1
    v, last = ctx.typed, ctx.last
    for item, who in (("09", "2016年帮扶中心帮扶困难职工"), ("10", "2016年帮扶中心帮扶农民工")):
        sheet.put(r, 1, item)
        sheet.put(r, 2, who)
        r += 1
        sheet.put(r, 2, "帮扶项目")
        sheet.merge(r, 3, r, 4, "本年")
        sheet.merge(r, 5, r, 6, "上年同期")
        sheet.merge(r, 1, r + 1, 1)
        r += 1
        for k, h in enumerate(("人次", "帮扶款物（万元）", "人次", "帮扶款物（万元）"), start=3):
            sheet.put(r, k, h)
        r += 1
        for kind, people, money in (("合计", "A", "B"), *HELP_KINDS):
            sheet.put(r, 2, kind)
            for k, (src, x) in enumerate(((v, people), (v, money), (last, people), (last, money)), start=3):
                code = f"A2.{item}{x}"
                sheet.put(r, k, src[code], "0.00" if x == money else "")
            r += 1
        if item == "09":
            sheet.put(r, 2, "（U）经工会帮扶，本年度脱困的困难职工家庭")
            sheet.put(r, 3, "户")
            sheet.put(r, 4, v["A2.09U"])
            r += 1
    sheet.border_to = r - 1
    put_rows(sheet, r - 1, [x for x in field_rows(ctx, "A2") if (x.code or "")[3:5] > "10"],
             std_table(headers=("", "", "", "")))
    return new_book(sheet)


def vehicles_transposed(ctx: Ctx) -> Book:
    """Item 10's vehicles as columns (专列 … 飞机, then 合计), 包车数 and 运送人次 as rows."""
    v = ctx.typed
    sheet = simple_form(ctx, "A1", "附件1", [r for r in field_rows(ctx, "A1") if (r.code or "") <= "A1.10"])
    r = sheet.last_row + 1
    for k, h in enumerate(("交通工具", *(name for name, *_ in VEHICLES), "合计"), start=2):
        sheet.put(r, k, h)
    r += 1
    sheet.put(r, 2, "包车（列、节、辆、艘、架）数")
    sheet.put(r + 1, 2, "运送人次")
    total = 0
    for k, (_name, count, people, _unit) in enumerate(VEHICLES, start=3):
        sheet.put(r, k, v[f"A1.10{count}"])
        sheet.put(r + 1, k, v[f"A1.10{people}"])
        total += int(num(v, f"A1.10{people}"))
    sheet.put(r + 1, 3 + len(VEHICLES), total)
    sheet.widths.update({c: 10 for c in range(5, 9)})
    sheet.border_to = r + 1
    put_rows(sheet, r + 1, [x for x in field_rows(ctx, "A1") if (x.code or "") in ("A1.10K", "A1.10L", "A1.11")],
             std_table(headers=("", "", "", "")))
    return new_book(sheet)


def vehicles_last_year(ctx: Ctx) -> Book:
    """Item 10's vehicles as rows, 本年 | 上年 column groups of 包车数 | 乘客人次, and a 合计 row."""
    v, last = ctx.typed, ctx.last
    sheet = simple_form(ctx, "A1", "附件1", [r for r in field_rows(ctx, "A1") if (r.code or "") <= "A1.10"])
    r = sheet.last_row + 1
    sheet.put(r, 2, "其中：交通工具")
    sheet.merge(r, 3, r, 4, "本年")
    sheet.merge(r, 5, r, 6, "上年")
    r += 1
    for k, h in enumerate(("包车数", "乘客人次", "包车数", "乘客人次"), start=3):
        sheet.put(r, k, h)
    r += 1
    sums = [0, 0, 0, 0]
    for name, count, people, _unit in VEHICLES:
        sheet.put(r, 2, name)
        for k, (src, x) in enumerate(((v, count), (v, people), (last, count), (last, people))):
            sheet.put(r, 3 + k, src[f"A1.10{x}"])
            sums[k] += int(num(src, f"A1.10{x}"))
        r += 1
    sheet.put(r, 2, "合计")
    for k, total in enumerate(sums):
        sheet.put(r, 3 + k, total)
    sheet.border_to = r
    put_rows(sheet, r, [x for x in field_rows(ctx, "A1") if (x.code or "") in ("A1.10K", "A1.10L", "A1.11")],
             std_table(headers=("", "", "", "")))
    return new_book(sheet)


# --- 30-33 items without letters, titles and covers elsewhere -----------------------------------------------


def checkbox_typing(ctx: Ctx) -> None:
    ctx.typed["A2.06B"] = "☑是　□否" if ctx.values["A2.06B"] == "是" else "□是　☑否"


def items_no_letters(ctx: Ctx) -> Book:
    """Item numbers in column A, no letters anywhere, the clerk's short labels; 06(B) ticked ☑是 □否."""
    rows = [replace(r, label="是否纳入财政预算") if r.code == "A2.06B" else r for r in field_rows(ctx, "A2", words=1)]
    t = std_table(headers=("序号", "项目", "单位", "数量"), fuse_letter=False)
    return new_book(simple_form(ctx, "A2", "附件2", rows, t))


def signature_row(sheet: Sheet, r: int, c: Cover) -> None:
    sheet.put(r, 1, "填报单位（盖章）：")
    sheet.put(r, 2, c.unit)
    sheet.put(r, 3, "填报人：")
    sheet.put(r, 4, c.person)
    sheet.put(r + 1, 1, "联系电话：")
    sheet.put(r + 1, 2, c.phone)
    sheet.put(r + 1, 3, "填报日期：")
    sheet.put(r + 1, 4, c.typed_date)


def title_in_sheetname(ctx: Ctx) -> Book:
    """No title row and no 附件 line: the sheets are called 送温暖活动统计表 / 帮扶中心工作统计表; the table
    starts in row 1; the cover is a signature block under each table."""
    out = []
    for annex, name in (("A1", "送温暖活动统计表"), ("A2", "帮扶中心工作统计表")):
        sheet = Sheet(name, widths={1: 18, 2: 48, 3: 10, 4: 14})
        r = put_rows(sheet, 1, field_rows(ctx, annex), std_table())
        signature_row(sheet, r + 1, ctx.cover)
        out.append(sheet)
    return new_book(*out)


def cover_bottom(ctx: Ctx) -> Book:
    """The notice's blank cover lines left on top as pasted; the filled cover as a signature block under the
    table, after two 说明 lines."""
    sheet = Sheet("附件2", widths={1: 18, 2: 48, 3: 10, 4: 14})
    for k, line in enumerate(A2_HEAD, start=1):
        sheet.put(k, 1, line)
    r = put_rows(sheet, len(A2_HEAD) + 1, field_rows(ctx, "A2"), std_table())
    sheet.put(r, 1, "说明：金额单位为万元。")
    sheet.put(r + 1, 1, "本表数据截至2016年12月31日。")
    c = ctx.cover
    for k, (label, value) in enumerate((("填报单位（盖章）：", c.unit), ("填报人：", c.person), ("联系电话：", c.phone),
                                        ("填报日期：", c.typed_date)), start=r + 3):
        sheet.put(k, 1, label)
        sheet.put(k, 2, value)
    return new_book(sheet)


def unit_in_title(ctx: Ctx) -> Book:
    """The unit's name in the title (井研县总工会2017年工会送温暖活动统计表); no 填报单位 line."""
    c = ctx.cover
    sheet = Sheet("附件1", widths={1: 8, 2: 48, 3: 10, 4: 14})
    title(sheet, 1, f"{c.unit}2017年工会送温暖活动统计表", 4)
    sheet.merge(2, 1, 2, 4, f"填 报 人：{c.person}　　联系电话：{c.phone}　　填报日期：{c.typed_date}")
    put_rows(sheet, 3, field_rows(ctx, "A1"), std_table())
    return new_book(sheet)


# --- 34/35 what a person does not see --------------------------------------------------------------------


def hidden_old_table(ctx: Ctx) -> Book:
    """Last year's whole return (title 2016年…, cover, table) kept in hidden rows above this year's."""
    sheet = Sheet("附件1", widths={1: 8, 2: 48, 3: 10, 4: 14})
    c = ctx.cover
    title(sheet, 1, "2016年工会送温暖活动统计表", 4)
    sheet.merge(2, 1, 2, 4, f"填报单位：{c.unit}　　　　2016年1月12日")
    sheet.merge(3, 1, 3, 4, f"填 报 人：{c.person}　　　联系电话：{c.phone}")
    end = put_rows(sheet, 4, [replace(r, value=r.last) for r in field_rows(ctx, "A1")], std_table())
    sheet.hidden_rows.update(range(1, end))
    sheet.put(end, 1, "附件1")
    title(sheet, end + 1, "2017年工会送温暖活动统计表", 4)
    r = cover_two_lines(sheet, end + 2, c)
    put_rows(sheet, r, field_rows(ctx, "A1"), std_table())
    sheet.border_from = end
    return new_book(sheet)


def hidden_column(ctx: Ctx) -> Book:
    """Last year's file reused: its 本年数 column (last year's figures) hidden, this year's typed into a new
    column headed 数量 beside it."""
    rows = field_rows(ctx, "A1")
    t = std_table(("item", "label", "unit", "last", "value"), ("项目", "指标名称", "计量单位", "本年数", "数量"))
    sheet = simple_form(ctx, "A1", "附件1", rows, t)
    sheet.hidden_cols.add(4)
    return new_book(sheet)


# --- 36/37 the form cut in two --------------------------------------------------------------------------------


def halves(ctx: Ctx) -> Book:
    """A landscape page: items 01-07 in A:D, items 08-14 beside them in F:I, from the same header row."""
    sheet = Sheet("附件2", widths={1: 6, 2: 40, 3: 8, 4: 12, 6: 6, 7: 40, 8: 8, 9: 12})
    sheet.put(1, 1, "附件2")
    title(sheet, 2, "2016年度困难职工帮扶中心工作统计表", 9)
    r = cover_two_lines(sheet, 3, ctx.cover, width=9)
    rows = field_rows(ctx, "A2")
    left = [x for x in rows if (x.code or "")[3:5] <= "07"]
    right = [x for x in rows if (x.code or "")[3:5] > "07"]
    put_rows(sheet, r, left, std_table())
    put_rows(sheet, r, right, std_table(first_col=6))
    return new_book(sheet)


def continued_sheet(ctx: Ctx) -> Book:
    """Items 01-06 on sheet 附件1, items 07-11 on a second sheet 附件1（续）under the heading 续表."""
    rows = field_rows(ctx, "A1")

    def item(x: Row) -> str:
        return x.code[3:5] if x.code else x.item

    first = simple_form(ctx, "A1", "附件1", [x for x in rows if item(x) < "07"])
    second = Sheet("附件1（续）", widths={1: 8, 2: 48, 3: 10, 4: 14})
    second.put(1, 1, "附件1（续表）")
    put_rows(second, 2, [x for x in rows if item(x) >= "07"], std_table())
    return new_book(first, second)


# --- 38/39 digits in the words --------------------------------------------------------------------------------

DIGIT_LABELS = {
    "A1.04C": "慰问一线职工（含春节24小时值守人员）",
    "A1.07K": "与困难职工结对帮扶（1对1）",
    "A1.10E": "共包汽车（45座大巴）",
    "A1.10L": "开设购票窗口的帮扶中心（含2个流动窗口）",
}


def label_digits(ctx: Ctx) -> Book:
    """Labels the clerk annotated with digits: （1对1）, （45座大巴）, （含2个流动窗口）, （含春节24小时值守人员）."""
    rows = [replace(r, label=DIGIT_LABELS.get(r.code or "", r.label)) for r in field_rows(ctx, "A1")]
    return new_book(simple_form(ctx, "A1", "附件1", rows))


def prose_annotated(ctx: Ctx) -> Book:
    """The notice's lines, figures typed into the blanks, and notes in brackets, some with a number of
    their own before the figure: （含劳务派遣工 3000人） 12277人."""
    v = ctx.typed
    dispatch = int(num(v, "A1.01B") * 0.2)
    sanitation = int(num(v, "A1.04C") * 0.3)
    big = int(num(v, "A1.10E") * 0.6)
    notes = {
        "A1.01B": f"（含劳务派遣工{dispatch}人）",
        "A1.04C": f"（其中环卫工人{sanitation}人）",
        "A1.10E": f"（其中大巴{big}辆）",
    }
    sheet = Sheet("附件1", widths={1: 110})
    c = ctx.cover
    r = 1
    for line in A1_HEAD:
        if line.startswith("填报单位"):
            line = f"填报单位：{c.unit}                     {c.typed_date} "
        elif line.startswith("填 报 人"):
            line = f"填 报 人：{c.person}          　     联系电话：{c.phone}"
        sheet.put(r, 1, line)
        r += 1
    fill = {code: number_text(x) for code, x in v.items() if x is not None}
    for line in A1_LINES:
        for code, note in notes.items():
            line = line.replace("{" + code + ":", note + "{" + code + ":")
        sheet.put(r, 1, render_line(line, fill))
        r += 1
    return new_book(sheet)


def annexes_side_by_side(ctx: Ctx) -> Book:
    """Both annexes on one landscape sheet: 附件1 in A:D, 附件2 beside it in F:I, each with its title and
    cover from row 1."""
    sheet = Sheet("送温暖两表", widths={1: 6, 2: 40, 3: 8, 4: 12, 6: 6, 7: 40, 8: 8, 9: 12})
    for annex, col in (("A1", 1), ("A2", 6)):
        sheet.put(1, col, "附件1" if annex == "A1" else "附件2")
        title(sheet, 2, "2017年工会送温暖活动统计表" if annex == "A1" else "2016年度困难职工帮扶中心工作统计表", 4, col=col)
        r = cover_two_lines(sheet, 3, ctx.cover, col=col)
        put_rows(sheet, r, field_rows(ctx, annex), std_table(first_col=col))
    return new_book(sheet)


def prose_last_year_bracket(ctx: Ctx) -> Book:
    """The notice's lines with the figures typed into the blanks, each followed by last year's figure in
    brackets: 当地职工总数 29825 人（上年 27310 人）."""
    v, last = ctx.typed, ctx.last
    sheet = Sheet("附件1", widths={1: 110})
    c = ctx.cover
    r = 1
    for line in A1_HEAD:
        if line.startswith("填报单位"):
            line = f"填报单位：{c.unit}                     {c.typed_date} "
        elif line.startswith("填 报 人"):
            line = f"填 报 人：{c.person}          　     联系电话：{c.phone}"
        sheet.put(r, 1, line)
        r += 1
    fill = {}
    for code, x in v.items():
        if x is None:
            continue
        unit = UNITS[code]
        old = last.get(code)
        fill[code] = f"{number_text(x)}" + (f" {unit}（上年 {number_text(old)} {unit}）" if old is not None else "")
    for line in A1_LINES:
        text = render_line(line, fill)
        for code in fill:  # the unit printed after the blank is now inside the bracket's sentence
            text = text.replace(f"{fill[code]} {UNITS[code]}", fill[code], 1)
        sheet.put(r, 1, text)
        r += 1
    return new_book(sheet)


def sheets_swapped(ctx: Ctx) -> Book:
    """Both annexes in one workbook with the sheet names swapped: sheet 附件1 holds annex 2's table (titled
    2016年度…), sheet 附件2 holds annex 1's."""
    return new_book(simple_form(ctx, "A2", "附件1"), simple_form(ctx, "A1", "附件2"))


# --- the corpus ------------------------------------------------------------------------------------------


CASES: tuple[Case, ...] = (
    Case("01-沐川县-附件1（粘贴右填）", "paste-fill-right", "沐川县总工会", A1, paste_fill_right,
         "the notice's 附件1 lines pasted into column A with their blanks as printed; each figure typed in "
         "column B (C for a line's second field) on the line that holds its blank",
         "every figure stands beside the line that asks for it, in the order of the blanks; the wrapped "
         "(C)(D)(E) carry theirs on the second line, where the blank is",
         faults=(("A1-02", lambda v: {"A1.02B": num(v, "A1.02A") + 37}),), xls=True),
    Case("02-沐川县-附件2（粘贴右填）", "paste-fill-right", "沐川县总工会", A2, paste_fill_right,
         "annex 2 pasted the same way; 06(B) answered 是/否 in column B; 12's three blanks in B, C, D",
         "each figure beside its line, in the order of the blanks on that line"),
    Case("03-峨边县-附件1（空表在上）", "blank-prose-above", "峨边彝族自治县总工会", A1, blank_prose_above,
         "the notice's blank 附件1 pasted at the top of the sheet for reference, the clerk's filled table "
         "(项目/指标名称/计量单位/数值) with its own cover lines below it",
         "the blank text is the notice; the figures are the table's, and so is the cover"),
    Case("04-峨边县-附件2（空表在上）", "blank-table-above", "峨边彝族自治县总工会", A2, blank_table_above,
         "the same retyped table twice: the empty copy as received on top, the filled copy (title and cover "
         "repeated) below it",
         "the empty copy holds nothing: the filled copy is the return"),
    Case("05-金口河区-附件1（空表在左）", "blank-left", "金口河区总工会", A1, blank_left,
         "the received empty table in A:D, the clerk's filled copy beside it in F:I, one title over both",
         "the left table is empty: the figures are the right one's"),
    Case("06-夹江县-附件2（字母改过）", "letters-shifted", "夹江县总工会", A2, letters_shifted_a2,
         "item 05's sub-items lettered (A)..(E) by the clerk (the form prints (B)..(F)): 中央财政拨款 is (A)",
         "the letters are off by one and the labels are not: 中央财政拨款 is 05(B) whatever letter it got"),
    Case("07-夹江县-附件1（合计编字母）", "letters-shifted", "夹江县总工会", A1, letters_shifted_totals,
         "the totals of 05, 06 and 09 lettered (A) as annex 2 letters its totals, sub-items shifted: "
         "(B)中央财政 … (F)其他收入, (B)向困难劳模发放, (C)向困难农民工发放, (B)心理咨询 … (E)其他生活服务",
         "the labels say which field each row is; the letters are one off throughout these three items"),
    Case("08-犍为县-附件1（一二三）", "cn-items-num-subs", "犍为县总工会", A1, cn_items_num_subs,
         "items 一、二、… and sub-items 1. 2. 3. in the label instead of letters; items without a total get a "
         "heading row in the clerk's words (二、困难职工情况) that holds no figure",
         "1. 2. are the sub-items of the item above, not items 01, 02; a heading row is not a field",
         xls=True),
    Case("09-犍为县-附件2（圈码）", "circled-subs", "犍为县总工会", A2, circled_subs,
         "items 01…14 in their own column; sub-items ①②③ instead of letters; 其中：①省级 …",
         "①②③ number the sub-items of the item above (①省级 of 02 is 02(A), not item 01)"),
    Case("10-井研县-附件1（序号列）", "sub-number-column", "井研县总工会", A1, sub_number_column,
         "项目 一、二 … merged down each item, a 序号 column 1, 2, 3 (text) restarting in each item, no letters",
         "序号 numbers the rows inside an item; the item is the merged 项目 cell"),
    Case("11-井研县-附件1（小写字母）", "lower-letters", "井研县总工会", A1, lower_letters,
         "items 1, 2 … as numbers in column A; letters lower-case in three styles: a. b、 (c)",
         "a lower-case letter is the letter"),
    Case("12-马边县-附件1（繁体）", "traditional", "马边彝族自治县总工会", A1, traditional_labels,
         "labels and headers in traditional characters (當地職工總數, 項目/指標名稱/計量單位/數值) after WPS's "
         "简转繁; items and letters printed",
         "當地職工總數 is 当地职工总数: the table reads as any other"),
    Case("13-马边县-附件2（错别字）", "typos", "马边彝族自治县总工会", A2, typo_labels,
         "pinyin-input typos in labels (帮服中心, 志原者, 心里咨询, 按件, 投人); 06(B)'s label keeps （是/否） and "
         "the answer is in the 数值 column",
         "the typos change no field; （是/否） in the label is the notice's hint, the answer is in the value cell"),
    Case("14-五通桥区-附件1（加注释行）", "notes-between", "五通桥区总工会", A1, notes_between,
         "rows the clerk added: 注：含劳务派遣工, 其中：女职工 | 人 | n, 农民工占职工总数比例 | % | 26.7%, "
         "（以下各项均为…数据）, 其中：省总工会下拨 | 万元 | x; 07(C) typed 约300",
         "the added rows are not fields of the form; every field row reads as printed; 约300 is no figure",
         faults=(("F-NUMBER", lambda v: {"A1.07C": "约300"}),)),
    Case("15-五通桥区-附件1（顺序调换）", "reordered", "五通桥区总工会", A1, reordered,
         "02's rows typed before 01's; 09's sub-items before its total; 10(K)(L) before the vehicles",
         "every row carries its item and letter: the order changes nothing"),
    Case("16-沙湾区-附件1（合计在下）", "total-at-bottom", "沙湾区总工会", A1, total_at_bottom,
         "items 05, 06 and 09 as a heading row with no figure (…筹集款物总额，其中：), the sub-items, then a "
         "合计 row the clerk added with the item's total",
         "the item's total is the 合计 under its sub-items; the heading row holds none", xls=True),
    Case("17-沙湾区-附件1（删行）", "missing-rows", "沙湾区总工会", A1, missing_rows,
         "04(G) and the vehicle rows 10(A)-(J) deleted (nothing to report); 02(B) typed twice, same figure",
         "the deleted fields cannot be known (a person would ask): each must be refused, not read as blank; "
         "02(B) twice with the same figure is that figure",
         refuse=("A1.04G", *(f"A1.10{x}" for x in "ABCDEFGHIJ"))),
    Case("18-市中区-附件1（合并两行）", "merged-two-rows", "市中区总工会", A1, merged_two_rows,
         "long labels merged over two rows with the figure typed into the lower value cell; 01-02's value "
         "cells merged over two rows",
         "the figure beside a two-row label belongs to it, whichever of its two rows it sits in"),
    Case("19-市中区-附件1（数字写法）", "value-forms", "市中区总工会", A1, lambda ctx: new_book(
         simple_form(ctx, "A1", "附件1")),
         "values typed 29,825.00 · 12277（人） · 人 286 · 3 229 · 6.95万 (in 万元) · 零 · 1,234.50; 08(A)(C) left "
         "unfilled with only 　　人次 in the cell",
         "each is the number a person reads (6.95万 in a 万元 column is 6.95 万元, 零 is 0); a cell holding only "
         "its unit is not filled",
         typing=value_forms_typing, faults=(("", lambda v: {"A1.10G": 0, "A1.10H": 0}),)),
    Case("20-乐山高新区-附件1（元）", "yuan-unit-column", "乐山高新区工会", A1, yuan_unit_column,
         "the unit column prints 元 on every money row and the figures are in 元 (1,210,600)",
         "a person converts to 万元 (121.06) or sends it back; reading 1,210,600 万元 is wrong. Expected: the 万元 "
         "figures; an F-LOCATE refusal of the money fields is acceptable",
         typing=yuan_typing(A1_MONEY)),
    Case("21-乐山高新区-附件2（金额单位元）", "yuan-legend", "乐山高新区工会", A2, yuan_legend,
         "no unit column; a legend 金额单位：元 over the table; money figures in 元",
         "as in 20: the 万元 figures, or a refusal of the money fields", typing=yuan_typing(A2_MONEY)),
    Case("22-峨眉山市-附件1（计划完成）", "plan-done", "峨眉山市总工会", A1, plan_done,
         "计划数 | 完成数: the unit's targets beside its results; 填报单位 typed 峨眉山市总工会（盖章）",
         "the return reports what was done: 完成数; the unit is 峨眉山市总工会 (（盖章） marks where the seal goes)",
         cover_unit="峨眉山市总工会（盖章）"),
    Case("23-市级系统工会-附件2（合计列）", "total-column", "市级系统工会", A2, total_column,
         "系统本级 | 所属基层单位 | 合计 for every row",
         "the system union's figure is the 合计 column"),
    Case("24-市级系统工会-附件1（完成情况）", "completion", "市级系统工会", A1, completion,
         "2016年同期 left of 2017年1-12月, then 完成情况 (完成 / 超额完成 / 105%)",
         "2017年1-12月 is this year's column; 同期 and 完成情况 are not figures of the form"),
    Case("25-大佛景区-附件2（去年表在左）", "last-year-table-left", "乐山大佛景区管委会工会", A2, last_year_table_left,
         "last year's return (titled 2015年度, dated 2016) kept in A:D, this year's (2016年度) in F:I one row lower",
         "the 2016年度 table on the right is the return; the left one is last year's"),
    Case("26-峨眉山景区-附件2（矩阵转置）", "matrix-transposed", "峨眉山景区管委会工会", A2, matrix_transposed,
         "09/10 as one matrix with the kinds of help as columns (合计 first) and 人次 / 帮扶款物（万元） as rows, for "
         "困难职工 then 农民工",
         "each cell is the kind of its column and the measure of its row; 合计 is 09(A)/(B), 10(A)/(B)",
         faults=(("A2-09-COUNT", lambda v: {"A2.09C": num(v, "A2.09C") + 12}),), xls=True),
    Case("27-峨眉山景区-附件2（矩阵上年）", "matrix-last-year", "峨眉山景区管委会工会", A2, matrix_last_year,
         "09 and 10 each as kinds × (人次 | 帮扶款物) under 本年 and 上年同期 column groups",
         "本年's two columns only"),
    Case("28-大佛景区-附件1（返乡转置）", "vehicles-transposed", "乐山大佛景区管委会工会", A1, vehicles_transposed,
         "item 10's vehicles as columns 专列 … 飞机 and a 合计 column; rows 包车数 and 运送人次",
         "each vehicle's column gives its 包车数 and 运送人次; 合计 is not a field (10 has its own row)"),
    Case("29-峨眉山景区-附件1（返乡上年）", "vehicles-last-year", "峨眉山景区管委会工会", A1, vehicles_last_year,
         "item 10's vehicles as rows under 本年 | 上年 groups of 包车数 | 乘客人次, and a 合计 row",
         "本年's 包车数 and 乘客人次; not 上年, not 合计"),
    Case("30-市属基层工会-附件2（只有项目号）", "items-no-letters", "市属基层工会", A2, items_no_letters,
         "item numbers in column A, no letters anywhere, the clerk's short labels (中央/地方/工会/捐助, 款物 ×19); "
         "06(B) ticked ☑是 □否",
         "item numbers and order tell the sub-items apart; the ticked box is the answer",
         typing=checkbox_typing),
    Case("31-市属基层工会-两表（表名在标签）", "title-in-sheetname", "市属基层工会", BOTH, title_in_sheetname,
         "no title and no 附件 line: sheets 送温暖活动统计表 / 帮扶中心工作统计表, table from row 1, cover as a "
         "signature block under each table",
         "the sheet names say which annex each is; the cover is under the table"),
    Case("32-五通桥区-附件2（封面在下）", "cover-bottom", "五通桥区总工会", A2, cover_bottom,
         "the notice's blank cover lines kept on top; the filled cover in rows of their own under the table "
         "after two 说明 lines; phone 0833-2133419转8012; date 2017.1.5",
         "the cover is the filled block at the bottom",
         phone="0833-2133419转8012", date=dt.date(2017, 1, 5), date_text="2017.1.5"),
    Case("33-井研县-附件1（单位在标题）", "unit-in-title", "井研县总工会", A1, unit_in_title,
         "the unit's name in the title (井研县总工会2017年工会送温暖活动统计表), no 填报单位 line; date 2017年元月5日",
         "the title says who reports",
         date=dt.date(2017, 1, 5), date_text="2017年元月5日"),
    Case("34-沐川县-附件1（隐藏旧表）", "hidden-old-xls", "沐川县总工会", A1, hidden_old_table,
         "last year's whole return in hidden rows above this year's, saved as .xls (hidden rows are kept in the "
         "file)",
         "only this year's table is visible", xls=True, keep_xlsx=False,
         hidden="rows of the 2016 return above the 2017 table are hidden junk: not read"),
    Case("35-沙湾区-附件1（隐藏列）", "hidden-column", "沙湾区总工会", A1, hidden_column,
         "last year's file reused: its 本年数 column (last year's figures) hidden, this year's in a new column 数量",
         "the visible 数量 column", hidden="column D (本年数, last year's figures) is hidden: not read"),
    Case("36-乐山高新区-附件2（左右两半）", "halves", "乐山高新区工会", A2, halves,
         "a landscape page: items 01-07 in A:D and 08-14 in F:I, side by side from the same header row",
         "two halves of one table; each row's figure is beside its label"),
    Case("37-峨边县-附件1（续表）", "continued-sheet", "峨边彝族自治县总工会", A1, continued_sheet,
         "items 01-06 on sheet 附件1, items 07-11 on a second sheet 附件1（续）headed 附件1（续表）",
         "the continuation sheet holds the rest of the same return"),
    Case("38-马边县-附件1（名称带数字）", "label-digits", "马边彝族自治县总工会", A1, label_digits,
         "labels annotated with digits in a table with a 数值 column: （1对1）, （45座大巴）, （含2个流动窗口）, "
         "（含春节24小时值守人员）",
         "the figure is in the 数值 column; the digits in brackets are words of the label"),
    Case("39-夹江县-附件1（括注数字）", "prose-annotated", "夹江县总工会", A1, prose_annotated,
         "the notice's lines with the figures typed into the blanks and bracketed notes carrying numbers of their "
         "own before the figure: 其中农民工总数（含劳务派遣工 2455人） 12277 人",
         "the field's figure is the one in its blank; the bracket is a note"),
    Case("40-犍为县-两表（左右并排）", "annexes-side-by-side", "犍为县总工会", BOTH, annexes_side_by_side,
         "both annexes on one landscape sheet: 附件1 in A:D, 附件2 beside it in F:I, titles and covers on the "
         "same rows",
         "two forms side by side; each row's figure is beside its own label"),
    Case("41-井研县-附件1（括注上年）", "prose-last-year-bracket", "井研县总工会", A1, prose_last_year_bracket,
         "the notice's lines with the figures typed into the blanks, each followed by last year's in brackets: "
         "当地职工总数 29825 人（上年 27310 人）",
         "the figure in the blank is this year's; the bracket is last year's"),
    Case("42-峨边县-两表（表名互换）", "sheets-swapped", "峨边彝族自治县总工会", BOTH, sheets_swapped,
         "both annexes in one workbook with the sheet names swapped: sheet 附件1 holds annex 2 (titled 2016年度"
         "困难职工帮扶中心工作统计表), sheet 附件2 holds annex 1",
         "the titles say which form each sheet is, whatever its tab says"),
)
