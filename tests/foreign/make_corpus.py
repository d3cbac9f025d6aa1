"""Writes the foreign corpus: returns as units make them when they do not use the city's template.

    python -m tests.foreign.make_corpus               # tests/foreign/returns, folder, expected.json
    python -m tests.foreign.make_corpus --out DIR     # somewhere else
    python -m tests.foreign.make_corpus --no-convert  # no LibreOffice .xls/.ods copies (expected.json
                                                      # lists them all the same: it does not depend on them)

Every figure comes from ``wennuan_xl.samples.consistent_values`` with a fixed seed per file; every layout
is built here (``layouts.py``, ``books.py``) from the notice's printed wording, never through the project's
template or layout code. The project's in-memory engine (``samples.return_from_values`` + ``locate`` + ``check``) serves
only as an oracle for which 错误 rules a set of values fires, so that each planted fault is recorded with
every rule it trips and a file without a planted fault is known to trip none.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from wennuan_xl.core.check import check_return
from wennuan_xl.core.forms import Campaign, Field, Kind
from wennuan_xl.core.locate import locate
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.samples import consistent_values, workbook_from_values

from . import books
from .books import Data, Frame
from .layouts import FULL_WIDTH, Cover, TableStyle, number_text
from .sheets import Book, convert, write_xlsx
from .wording import HELP_KINDS

HERE = Path(__file__).resolve().parent
FORMATS = ("xlsx", "xls", "ods")

# --- what clerks type --------------------------------------------------------------------------------


def text_forms(value: float, f: Field) -> list[str]:
    """The ways a number reaches a cell as text, each read by a person as ``value``."""
    plain = number_text(value)
    out = [plain, f" {plain} ", plain.translate(FULL_WIDTH), f"{plain}{f.unit}"]
    if isinstance(value, int) and value >= 1000:
        out += [f"{value:,}", f"{value:,}".replace(",", "，")]
    return out


PLACEHOLDERS = ("—", "/", "无", "－")


def type_value(value: object, f: Field, rng: random.Random, mode: str) -> object:
    """``plain``: numbers; ``some``: one in ten typed as text; ``text``: half of them; ``dash``: zeros
    as —."""
    if value is None or isinstance(value, str) or f.kind is Kind.YESNO:
        return value
    assert isinstance(value, (int, float))
    if mode == "dash" and value == 0:
        return rng.choice(PLACEHOLDERS)
    share = {"plain": 0.0, "dash": 0.0, "some": 0.1, "text": 0.5}[mode]
    if rng.random() < share:
        return "—" if value == 0 and rng.random() < 0.5 else rng.choice(text_forms(value, f))
    return value


# --- planted faults: each breaks one relation the notice implies --------------------------------------


@dataclass(frozen=True)
class Fault:
    rule: str  # the rule that must fire
    change: Callable[[dict[str, object]], dict[str, object]]  # code -> the value (or text) the unit typed


def num(v: dict[str, object], code: str) -> float:
    value = v[code]
    assert isinstance(value, (int, float)), (code, value)
    return value


def _more_money(v: dict[str, object], item: str, extra: float) -> dict[str, object]:
    """帮扶款物 of one kind of help raised, its total not: the item's money no longer adds up."""
    for _kind, people, money in HELP_KINDS:
        if num(v, f"A2.{item}{people}") > 0:  # with nobody helped, A2-NOBODY would fire as well
            return {f"A2.{item}{money}": round(num(v, f"A2.{item}{money}") + extra, 2)}
    raise ValueError(f"no kind of help with people in item {item}")


FAULTS: dict[str, Fault] = {
    "A1-01": Fault("A1-01", lambda v: {"A1.01B": num(v, "A1.01A") + 120}),
    "A1-02": Fault("A1-02", lambda v: {"A1.02B": num(v, "A1.02A") + 37}),
    "A1-03-C": Fault("A1-03-C", lambda v: {"A1.03C": num(v, "A1.03A") + 5}),
    "A1-04-E": Fault("A1-04-E", lambda v: {"A1.04E": num(v, "A1.04D") + 9}),
    "A1-05-SUM": Fault("A1-05-SUM", lambda v: {"A1.05": round(num(v, "A1.05") + 1.5, 2)}),
    "A1-07-IJ": Fault("A1-07-IJ", lambda v: {"A1.07J": None}),
    "A1-09-PARTS": Fault("A1-09-PARTS", lambda v: {"A1.09": max(0, num(v, "A1.09") - 150)}),
    "A1-10-PAIR-C": Fault("A1-10-PAIR-C", lambda v: {"A1.10C": 2, "A1.10D": 0}),
    "A2-01-SUM": Fault("A2-01-SUM", lambda v: {"A2.01": num(v, "A2.01") + 1}),
    "A2-02-NOCENTRE-A": Fault("A2-02-NOCENTRE-A", lambda v: {"A2.02A": 3, "A2.02": num(v, "A2.02") + 3}),
    "A2-05-SUM": Fault("A2-05-SUM", lambda v: {"A2.05": round(num(v, "A2.05") - 3, 2)}),
    "A2-07-C": Fault("A2-07-C", lambda v: {"A2.07A": 1, "A2.07B": num(v, "A2.07B") or 120.5, "A2.07C": 2}),
    "A2-09-COUNT": Fault("A2-09-COUNT", lambda v: {"A2.09C": num(v, "A2.09C") + 12}),
    "A2-10-MONEY": Fault("A2-10-MONEY", lambda v: _more_money(v, "10", 0.5)),
    "F-NUMBER": Fault("F-NUMBER", lambda v: {"A1.07C": "约30"}),
    "F-UNIT-WAN": Fault("F-UNIT", lambda v: {"A1.04C": "2000万"}),
    "F-UNIT-YUAN": Fault("F-UNIT", lambda v: {"A2.13B": "12.5元"}),
    "F-NEGATIVE": Fault("F-NEGATIVE", lambda v: {"A2.14A": -3}),
    "F-INTEGER": Fault("F-INTEGER", lambda v: {"A1.04C": 12.5}),
    "F-YESNO": Fault("F-YESNO", lambda v: {"A2.06B": "已纳入"}),
}


# --- one return -------------------------------------------------------------------------------------


SURNAMES = "张王李刘陈杨赵黄周吴徐孙胡朱高林何郭罗宋"
GIVEN = ("伟", "静", "丽", "强", "敏", "芳", "军", "霞", "勇", "艳") + (
    "建华",
    "晓燕",
    "志强",
    "玉兰",
    "红梅",
    "德明",
)


@dataclass(frozen=True)
class Spec:
    name: str  # file name without extension
    layout: str  # short id, shared by the layouts' variants
    unit: str  # the roster unit this return is from
    annexes: tuple[str, ...]
    build: Callable[[Data], Book]
    notes: str  # one line: what makes this layout hard
    typed_unit: str = ""  # 填报单位 as typed, when not the roster name
    faults: tuple[str, ...] = ()
    blanks: tuple[str, ...] = ()  # items left blank by the unit: "A1.10"
    typing: str = "plain"  # plain | some | text | dash
    blank_cover: tuple[str, ...] = ()  # cover entries left blank: PHONE, DATE, PERSON
    date_form: str = "cn"
    date: dt.date | None = None
    convert: tuple[str, ...] = ()  # also saved by LibreOffice as .xls / .ods
    keep_xlsx: bool = True
    refuse: str = ""  # "" | "fields" (every field: F-LOCATE, not a guess) | "file"
    hidden: str = ""  # what is hidden and what a reader must do with it

    @property
    def seed(self) -> int:
        return zlib.crc32(self.name.encode("utf-8"))


def make_cover(spec: Spec, rng: random.Random) -> Cover:
    person = rng.choice(SURNAMES) + rng.choice(GIVEN)
    phone = (
        f"0833-{rng.randint(2100000, 5999999)}"
        if rng.random() < 0.5
        else f"139{rng.randint(0, 99999999):08d}"
    )
    date = spec.date or dt.date(2017, 1, rng.randint(5, 19))
    return Cover(
        unit=spec.typed_unit or spec.unit,
        person="" if "PERSON" in spec.blank_cover else person,
        phone="" if "PHONE" in spec.blank_cover else phone,
        date=None if "DATE" in spec.blank_cover else date,
        date_form=spec.date_form,
        boss=rng.choice(SURNAMES) + rng.choice(GIVEN),
    )


def make_data(spec: Spec, campaign: Campaign) -> Data:
    rng = random.Random(spec.seed ^ 0x5EED)
    size = rng.choice((0.3, 0.6, 1.0, 1.6))
    codes = [f.code for a in spec.annexes for f in campaign.form(a).fields]
    base = consistent_values(random.Random(spec.seed), size)
    values: dict[str, object] = {c: base[c] for c in codes}
    for item in spec.blanks:
        for c in codes:
            if c == item or (c.startswith(item) and c[len(item) :].isalpha()):
                values[c] = None
    for name in spec.faults:
        values.update(FAULTS[name].change(values))
    typed = {c: type_value(values[c], campaign.field(c), rng, spec.typing) for c in codes}
    return Data(
        campaign,
        spec.annexes,
        values,
        typed,
        last=earlier(base, codes, random.Random(spec.seed + 500), 0.8, 1.15),
        cover=make_cover(spec, rng),
        rng=rng,
        old=earlier(base, codes, random.Random(spec.seed + 900), 0.7, 1.05),
    )


def earlier(
    values: dict[str, object], codes: list[str], rng: random.Random, low: float, high: float
) -> dict[str, object]:
    """A year-earlier return of the same unit: each figure this year's within a plausible change."""
    out: dict[str, object] = {}
    for c in codes:
        v = values[c]
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            out[c] = v
        elif isinstance(v, int):
            out[c] = int(v * rng.uniform(low, high))
        else:
            out[c] = round(v * rng.uniform(low, high), 2)
    return out


def oracle_errors(data: Data, campaign: Campaign, rules: RuleSet) -> list[dict[str, object]]:
    """The 错误 the project's engine reports on these values when it finds every field by name."""
    c = data.cover
    cover = {"UNIT": c.unit, "PERSON": c.person, "PHONE": c.phone, "DATE": c.date}
    book = workbook_from_values(campaign, data.values, cover=cover, forms=data.annexes)
    report = check_return(locate(book, campaign), campaign, rules)
    return [{"rule": f.rule, "codes": list(f.codes)} for f in report.errors]


def expected_entry(spec: Spec, data: Data, campaign: Campaign, rules: RuleSet) -> dict[str, object]:
    errors = oracle_errors(data, campaign, rules)
    fired = {e["rule"] for e in errors}
    assert not any(str(r).startswith("F-LOCATE") for r in fired), (spec.name, errors)
    planted = {FAULTS[name].rule for name in spec.faults}
    if spec.refuse:
        errors = []
    elif planted - fired or (not planted and errors):
        raise AssertionError(f"{spec.name}: planted {sorted(planted)}, the engine fires {errors}")
    codes = [f.code for a in spec.annexes for f in campaign.form(a).fields]
    refuse: object = {"": [], "fields": codes, "file": "file"}[spec.refuse]
    return {
        "layout": spec.layout,
        "unit": spec.unit,
        "annexes": list(spec.annexes),
        "values": {c: data.values[c] for c in codes},
        "cover": {a: data.cover.expected() for a in spec.annexes},
        "faults": errors,
        "refuse": refuse,
        "hidden": spec.hidden or None,
        "notes": spec.notes,
    }


# --- the corpus ----------------------------------------------------------------------------------------

SEQ = TableStyle(headers=("序号", "指标名称", "计量单位", "本期数"), items="seq")
REMARK = TableStyle(
    columns=("item", "label", "value", "unit", "remark"),
    headers=("项目", "指标", "数量", "单位", "备注"),
    letters="(A)",
)
SHORT = TableStyle(
    headers=("序号", "项目", "单位", "数值"), wording="short", items="cn、", letters="A.", intro_rows=False
)
LAST_A1 = TableStyle(
    columns=("item", "label", "unit", "value", "last"),
    headers=("序号", "指标", "单位", "本年", "上年同期"),
    group_header="数值",
    items="1",
)
LAST_A2 = TableStyle(
    columns=("item", "label", "unit", "value", "last"),
    headers=("序号", "指标", "单位", "2016年", "2015年"),
    group_header="数值",
    items="1",
)
YEARS_A1 = TableStyle(
    columns=("item", "label", "unit", "last", "value", "yoy"),
    headers=("项目", "指标名称", "计量单位", "2016年", "2017年", "同比增减%"),
)
YEARS_A2 = TableStyle(
    columns=("item", "label", "unit", "value", "last", "yoy"),
    headers=("项目", "指标名称", "计量单位", "2016年", "2015年", "同比（%）"),
    items="cn",
)
MERGED = TableStyle(
    columns=("item", "label", "value", "unit"),
    headers=("序号", "指标", "数量", "单位"),
    label_span=3,
    items="int",
)
VALUE_LEFT = TableStyle(
    columns=("value", "unit", "item", "label", "code"),
    headers=("数值", "计量单位", "项目", "指标名称", "代码"),
    wording="ours",
)
LABELS_ONLY = TableStyle(
    columns=("label", "unit", "value"),
    headers=("指标名称", "单位", "本期数"),
    items="none",
    letters="none",
    intro_rows=False,
)
FUSED = TableStyle(headers=("编号", "指标", "单位", "数值"), letters="fused")
PAREN = TableStyle(headers=("项目", "内容", "单位", "数量"), wording="ours", items="paren", letters="A、")
STANDARD = TableStyle(wording="ours")
NOTICE = TableStyle(headers=("项目", "指标名称", "单位", "数值"))
TEXTUAL = TableStyle(headers=("序号", "指标名称", "计量单位", "填报数"), items="1", letters="(A)")
TOTALS = TableStyle(subtotal=True, grand_total=True, sum_formulas=True)
MATRIX_SIDE = TableStyle(matrix="side")
MATRIX_STACKED = TableStyle(
    headers=("序号", "项目", "单位", "数值"), matrix="stacked", wording="short", items="1", letters="A."
)
VEHICLES = TableStyle(headers=("项目", "指标名称", "单位", "数值"), vehicles=True)
WRAPPED = TableStyle(
    columns=("item", "letter", "label", "unit", "value"),
    headers=("项目", "子项", "指标名称", "单位", "数值"),
    letters="none",
    wrap_at=24,
)
SHIFTED = TableStyle(column_row=True)

A1, A2, BOTH = ("A1",), ("A2",), ("A1", "A2")
HIDE_VEHICLES = frozenset(f"A1.10{x}" for x in "ABCDEFGHIJ")
HIDE_A2_07_08 = frozenset(f"A2.0{n}{x}" for n in "78" for x in "ABC")


def _table(style: TableStyle, **frame: object) -> Callable[[Data], Book]:
    return partial(books.table_book, style=style, frame=Frame(**frame))  # type: ignore[arg-type]


SPECS: tuple[Spec, ...] = (
    Spec(
        "01-五通桥区-附件1",
        "seq-notice",
        "五通桥区总工会",
        A1,
        _table(SEQ, cover="notice"),
        "序号 runs 1..60 (not item numbers); labels in the notice's wording; 本期数; "
        "cover lines in one cell each",
        typing="some",
        date_form="spaced",
    ),
    Spec(
        "02-五通桥区-附件2",
        "seq-notice",
        "五通桥区总工会",
        A2,
        _table(SEQ, cover="notice", title=1),
        "序号 runs 1..85; repeated labels 省级/地市级/县级, 帮扶款物 x10; item 14 left blank",
        blanks=("A2.14",),
        convert=("xls",),
        date_form="spaced",
    ),
    Spec(
        "03-沙湾区-送温暖活动统计表",
        "item-remark",
        "沙湾区总工会",
        A1,
        partial(books.table_book, style=REMARK, frame=Frame(title=1), extras="remarks"),
        "项目/指标/数量/单位/备注: value before unit; "
        "备注 holds numbers (2017, 12.5, 0.35) that are not values",
        typed_unit="乐山市沙湾区总工会",
        faults=("F-NUMBER",),
        convert=("ods",),
    ),
    Spec(
        "04-沙湾区-帮扶中心统计表",
        "item-remark",
        "沙湾区总工会",
        A2,
        partial(books.table_book, style=REMARK, frame=Frame(title=3), extras="remarks"),
        "项目/指标/数量/单位/备注 with numeric remarks; title in quotes “困难职工帮扶中心”",
        date_form="dot",
    ),
    Spec(
        "05-金口河区-附件1",
        "short-labels",
        "金口河区总工会",
        A1,
        _table(SHORT, title=2),
        "clerk's short labels (职工总数, 农民工, 困难职工…), items 一、二、, letters A.; "
        "title with extra spaces",
        faults=("A1-02",),
        convert=("xls",),
    ),
    Spec(
        "06-金口河区-附件2",
        "short-labels",
        "金口河区总工会",
        A2,
        _table(SHORT, title=2, cover="inline"),
        "short labels (中央/地方/工会/捐助 for 05); 填表人/电话/填表日期 in one cell",
        faults=("A2-05-SUM",),
        date_form="slash",
    ),
    Spec(
        "07-犍为县-附件1",
        "last-year-merged",
        "犍为县总工会",
        A1,
        partial(books.table_book, style=LAST_A1, frame=Frame(), extras="last"),
        "two-row header: 数值 merged over 本年 | 上年同期; last year's numbers beside this year's",
        faults=("A1-04-E",),
        convert=("ods",),
        date_form="cell",
    ),
    Spec(
        "08-犍为县-附件2",
        "last-year-merged",
        "犍为县总工会",
        A2,
        partial(books.table_book, style=LAST_A2, frame=Frame(title=1), extras="last"),
        "数值 merged over 2016年 | 2015年 (annex 2 is the 2016 return); items 07 and 08 blank",
        blanks=("A2.07", "A2.08"),
        date_form="cell",
    ),
    Spec(
        "09-井研县-附件1",
        "year-columns",
        "井研县总工会",
        A1,
        partial(books.table_book, style=YEARS_A1, frame=Frame(cover="legend"), extras="yoy"),
        "2016年 | 2017年 with last year LEFT of this year, then 同比增减%; "
        "联系电话/填报日期 blank beside a legend",
        blank_cover=("PHONE", "DATE"),
        convert=("xls",),
    ),
    Spec(
        "10-井研县-附件2",
        "year-columns",
        "井研县总工会",
        A2,
        partial(books.table_book, style=YEARS_A2, frame=Frame(title=1), extras="yoy"),
        "2016年 | 2015年 | 同比（%）: three numeric columns; item 13 blank",
        blanks=("A2.13",),
    ),
    Spec(
        "11-夹江县-附件1",
        "merged-labels",
        "夹江县总工会",
        A1,
        _table(MERGED, annex="fused"),
        "labels merged over B:D, header 序号/指标/数量/单位, value left of unit; "
        "item numbers are number cells",
        faults=("A1-09-PARTS",),
        convert=("xls",),
        date_form="cell",
    ),
    Spec(
        "12-夹江县-附件2",
        "merged-labels",
        "夹江县总工会",
        A2,
        _table(MERGED, annex="fused", cover="inline"),
        "labels merged over B:D; 附件2 and the title in one cell",
        typed_unit="夹江县工会",
    ),
    Spec(
        "13-沐川县-附件1（word）",
        "prose",
        "沐川县总工会",
        A1,
        partial(books.prose_book),
        "the notice pasted from Word: a line a cell, several fields a line, numbers inside sentences, "
        "(C)-(E) wrapped",
        faults=("A1-03-C",),
        convert=("xls",),
        date_form="spaced",
    ),
    Spec(
        "14-沐川县-附件2（word）",
        "prose",
        "沐川县总工会",
        A2,
        partial(books.prose_book, grouped=True),
        "Word paste of annex 2: (A) alone on a line above 省级; 12(C) 万 / 元 split over two lines; "
        "1,234 grouped",
        faults=("A2-01-SUM",),
        date_form="spaced",
    ),
    Spec(
        "15-峨边县-附件1",
        "prose-split",
        "峨边彝族自治县总工会",
        A1,
        partial(books.prose_book, split=True),
        "the notice's sentences retyped in cells, numbers in cells between text; 年/月/日 as separate cells",
        faults=("A1-07-IJ",),
    ),
    Spec(
        "16-峨边县-附件2",
        "prose-split",
        "峨边彝族自治县总工会",
        A2,
        partial(books.prose_book, split=True),
        "annex 2 sentences in cells; item 12 blank; 是/否 between text cells",
        blanks=("A2.12",),
        typed_unit="峨边县总工会",
    ),
    Spec(
        "17-高新区-送温暖两表",
        "shifted-names",
        "乐山高新区工会",
        BOTH,
        partial(books.shifted_names_book, style=SHIFTED, frame=Frame()),
        "defined names A1_01A… all two rows too high "
        "(A1_01A at the header 数值, A1_01B at the 甲乙丙 row's 1)",
        faults=("A1-01",),
    ),
    Spec(
        "18-高新区-附件1（修改）",
        "shifted-names",
        "乐山高新区工会",
        A1,
        partial(books.shifted_names_book, style=SHIFTED, frame=Frame(title=1)),
        "defined names two rows too high; the printed table is the truth",
        convert=("xls",),
    ),
    Spec(
        "19-马边县-附件1",
        "value-left",
        "马边彝族自治县总工会",
        A1,
        _table(VALUE_LEFT, cover="legend"),
        "数值 | 计量单位 | 项目 | 指标名称 | 代码: value column first, code column last; item 10 blank",
        blanks=("A1.10",),
        blank_cover=("PHONE",),
    ),
    Spec(
        "20-马边县-附件2",
        "value-left",
        "马边彝族自治县总工会",
        A2,
        _table(VALUE_LEFT, cover="inline"),
        "value column left of the labels, codes last",
        faults=("A2-07-C",),
        typed_unit="马边县总工会",
    ),
    Spec(
        "21-峨眉山市-附件1（代码）",
        "codes-only",
        "峨眉山市总工会",
        A1,
        partial(books.codes_book, with_unit=False),
        "代码 | 数值 only: no labels, no item numbers; item 09 blank",
        blanks=("A1.09",),
    ),
    Spec(
        "22-峨眉山市-附件2（代码）",
        "codes-only",
        "峨眉山市总工会",
        A2,
        partial(books.codes_book, with_unit=True),
        "指标代码 | 计量单位 | 本期数",
        faults=("F-NEGATIVE",),
    ),
    Spec(
        "23-大佛景区-附件1",
        "labels-only",
        "乐山大佛景区管委会工会",
        A1,
        _table(LABELS_ONLY, cover="notice"),
        "labels only: no item numbers, no letters, no codes; 其中困难农民工 twice (人, 户), 运送 five times",
        faults=("F-INTEGER",),
    ),
    Spec(
        "24-大佛景区-附件2",
        "labels-only",
        "乐山大佛景区管委会工会",
        A2,
        _table(LABELS_ONLY, cover="legend"),
        "labels only: 省级/地市级/县级 twice, 帮扶款物 nineteen times, told apart only by order",
        blank_cover=("DATE",),
    ),
    Spec(
        "25-峨眉山景区-附件1",
        "fused-numbering",
        "峨眉山景区管委会工会",
        A1,
        _table(FUSED),
        "item and letter fused in one cell: 01（A）, 05 for the total; item 08 blank",
        blanks=("A1.08",),
        date_form="yuan",
    ),
    Spec(
        "26-峨眉山景区-附件2",
        "fused-numbering",
        "峨眉山景区管委会工会",
        A2,
        _table(PAREN, title=3),
        "items （一）（二）…, letters A、B、; zeros typed as — / 无",
        typing="dash",
    ),
    Spec(
        "27-市级系统工会-送温暖统计表",
        "two-annexes-one-sheet",
        "市级系统工会",
        BOTH,
        partial(books.one_sheet_book, style=NOTICE, frame=Frame()),
        "annex 2 under annex 1 on one sheet named Sheet1",
        faults=("F-YESNO",),
        convert=("xls",),
    ),
    Spec(
        "28-市属基层工会-统计表",
        "odd-sheets",
        "市属基层工会",
        BOTH,
        partial(
            books.table_book,
            style=NOTICE,
            frame=Frame(title=1),
            names={"A1": "送温暖", "A2": "Sheet2"},
            empty_sheets=("Sheet3",),
        ),
        "annexes on sheets 送温暖 / Sheet2 (plus an empty Sheet3); title with “送温暖” in quotes",
        faults=("A2-02-NOCENTRE-A",),
    ),
    Spec(
        "29-市中区-两表",
        "odd-sheets",
        "市中区总工会",
        BOTH,
        partial(
            books.table_book,
            style=STANDARD,
            frame=Frame(title=3, annex="none"),
            names={"A1": "附件１", "A2": "附件２（帮扶中心）"},
        ),
        "full-width sheet names 附件１ / 附件２（帮扶中心）; no 附件 line; zeros as —",
        typing="dash",
        typed_unit="乐山市市中区总工会",
    ),
    Spec(
        "30-沙湾区-附件1（文本）",
        "text-values",
        "沙湾区总工会",
        A1,
        _table(TEXTUAL),
        "half the numbers typed as text: 1,234 / １２３ / 219977人 / 12.5万元 / —",
        typing="text",
        faults=("F-UNIT-WAN",),
        convert=("ods",),
    ),
    Spec(
        "31-犍为县-附件2（文本）",
        "text-values",
        "犍为县总工会",
        A2,
        _table(TEXTUAL, title=1),
        "numbers typed as text in annex 2; 12.5元 in a 万元 field",
        typing="text",
        faults=("F-UNIT-YUAN",),
    ),
    Spec(
        "32-井研县-附件1（合计）",
        "totals-rows",
        "井研县总工会",
        A1,
        _table(TOTALS),
        "a （A）～（E）小计 row and a 合计 row the unit added; totals typed as =SUM formulas",
        faults=("A1-05-SUM",),
    ),
    Spec(
        "33-夹江县-附件2（合计）",
        "totals-rows",
        "夹江县总工会",
        A2,
        _table(TOTALS, cover="legend"),
        "a 合计 row at the bottom; 01/02/05 as formulas; phone and date blank beside legends",
        blank_cover=("PHONE", "DATE"),
    ),
    Spec(
        "34-沐川县-附件1（隐藏行）",
        "hidden-rows",
        "沐川县总工会",
        A1,
        partial(books.hidden_old_table_book, style=NOTICE, frame=Frame(), hide=HIDE_VEHICLES),
        "last year's table in hidden rows above this year's; this year's 10(A)-(J) rows hidden",
        hidden="rows of a 2016 table above the current one are hidden junk (not read); the current table's "
        "10(A)-(J) rows are hidden but are those fields (read them)",
    ),
    Spec(
        "35-峨边县-附件2（隐藏表）",
        "hidden-rows",
        "峨边彝族自治县总工会",
        A2,
        partial(books.hidden_old_sheet_book, style=NOTICE, frame=Frame(), hide=HIDE_A2_07_08),
        "a hidden sheet 附件2(2015年) with last year's figures comes first; "
        "07/08 rows hidden on the real sheet",
        hidden="sheet 附件2(2015年) is hidden junk (not read); "
        "hidden rows 07-08 on 附件2 are those fields (read them)",
    ),
    Spec(
        "36-马边县-附件2（矩阵）",
        "matrix",
        "马边彝族自治县总工会",
        A2,
        _table(MATRIX_SIDE),
        "09/10 as one matrix: help kinds x (人次 | 帮扶款物) for 困难职工 and 农民工, "
        "合计 row = 09A/09B/10A/10B",
        faults=("A2-09-COUNT",),
    ),
    Spec(
        "37-高新区-附件2（矩阵）",
        "matrix",
        "乐山高新区工会",
        A2,
        _table(MATRIX_STACKED),
        "09 and 10 as two matrices one under the other, 合计 first in 09 and last in 10; short labels",
        faults=("A2-10-MONEY",),
        convert=("xls",),
    ),
    Spec(
        "38-市中区-附件1（返乡）",
        "vehicles",
        "市中区总工会",
        A1,
        _table(VEHICLES),
        "item 10 as a vehicles table: 专列/火车车厢/汽车/船/飞机 x 数量 | 单位 | 运送人次",
        faults=("A1-10-PAIR-C",),
        convert=("ods",),
    ),
    Spec(
        "39-五通桥区-标准表",
        "standard",
        "五通桥区总工会",
        BOTH,
        _table(STANDARD),
        "a standard-looking retyped table: 项目/指标名称/计量单位/数值, our wording, no names",
        convert=("ods",),
        date_form="iso",
    ),
    Spec(
        "40-金口河区-附件1（换行）",
        "wrapped-labels",
        "金口河区总工会",
        A1,
        _table(WRAPPED, cover="footer", footer=True),
        "letters in their own 子项 column; long labels broken by a newline as the notice breaks them; "
        "填表人/电话/报出日期 in a signature line under the table beside 单位负责人",
    ),
    Spec(
        "41-沙湾区-附件2（换行）",
        "wrapped-labels",
        "沙湾区总工会",
        A2,
        _table(WRAPPED, cover="footer", footer=True, title=1),
        "子项 column, wrapped labels, signature line with 单位负责人 before 填表人",
        date_form="dot",
    ),
    Spec(
        "42-峨眉山市-附件1（两列）",
        "refuse-two-columns",
        "峨眉山市总工会",
        A1,
        partial(books.two_columns_book, this_year_left=True),
        "two numeric columns under one 数值 header and nothing says which year: every field must be refused",
        refuse="fields",
    ),
    Spec(
        "43-大佛景区-附件2（两列）",
        "refuse-two-columns",
        "乐山大佛景区管委会工会",
        A2,
        partial(books.two_columns_book, this_year_left=False),
        "two unlabelled numeric columns (saved as .xls): refuse, never guess",
        refuse="fields",
        convert=("xls",),
        keep_xlsx=False,
    ),
    Spec(
        "44-市级系统工会-附件1（截图）",
        "refuse-picture",
        "市级系统工会",
        A1,
        books.picture_book,
        "title and cover in cells, the table pasted as a picture: nothing readable, the file must not pass",
        refuse="file",
    ),
    Spec(
        "45-市属基层工会-附件2（文本框）",
        "refuse-textbox",
        "市属基层工会",
        A2,
        books.textbox_book,
        "the form typed into a text box: no value in any cell, the file must not pass",
        refuse="file",
    ),
)

# The folder of eight units' returns for consolidation: variants of the corpus layouts, other figures.
FOLDER: tuple[Spec, ...] = (
    Spec(
        "市中区总工会-送温暖统计表",
        "seq-notice",
        "市中区总工会",
        BOTH,
        _table(SEQ, cover="notice"),
        "both annexes, 序号 layout",
        date_form="spaced",
    ),
    Spec("沙湾区-附件1", "prose", "沙湾区总工会", A1, partial(books.prose_book), "Word paste"),
    Spec(
        "沙湾区-附件2",
        "item-remark",
        "沙湾区总工会",
        A2,
        partial(books.table_book, style=REMARK, frame=Frame(), extras="remarks"),
        "备注 numbers, saved as .xls",
        convert=("xls",),
        keep_xlsx=False,
    ),
    Spec(
        "犍为县送温暖两表",
        "last-year-merged",
        "犍为县总工会",
        BOTH,
        partial(books.table_book, style=LAST_A1, frame=Frame(), extras="last"),
        "上年同期 beside 本年",
    ),
    Spec(
        "夹江县-附件1", "text-values", "夹江县总工会", A1, _table(TEXTUAL), "numbers as text", typing="text"
    ),
    Spec(
        "夹江县-附件2",
        "matrix",
        "夹江县总工会",
        A2,
        _table(MATRIX_SIDE),
        "matrix, saved as .ods",
        convert=("ods",),
        keep_xlsx=False,
    ),
    Spec(
        "马边县-统计表",
        "two-annexes-one-sheet",
        "马边彝族自治县总工会",
        BOTH,
        partial(books.one_sheet_book, style=SHORT, frame=Frame()),
        "both annexes on one sheet, short labels",
        typed_unit="马边彝族自治县总工会",
    ),
    Spec(
        "峨眉山市总工会-附件1",
        "merged-labels",
        "峨眉山市总工会",
        A1,
        _table(MERGED),
        "the real 峨眉山市 return",
        date=dt.date(2017, 1, 12),
    ),
    Spec(
        "峨眉山市总工会-附件2",
        "merged-labels",
        "峨眉山市总工会",
        A2,
        _table(MERGED),
        "the real 峨眉山市 return",
        date=dt.date(2017, 1, 12),
    ),
    Spec(
        "峨眉山景区管委会-附件1",
        "vehicles",
        "峨眉山景区管委会工会",
        A1,
        _table(VEHICLES),
        "填报单位 reads only “峨眉山”, dated after 峨眉山市's return: the file name says whose it is",
        typed_unit="峨眉山",
        date=dt.date(2017, 1, 18),
    ),
    Spec(
        "乐山高新区-送温暖统计表",
        "shifted-names",
        "乐山高新区工会",
        BOTH,
        partial(books.shifted_names_book, style=SHIFTED, frame=Frame()),
        "names two rows too high",
    ),
)


# --- writing ---------------------------------------------------------------------------------------------


def totals(entries: list[dict[str, object]], campaign: Campaign) -> dict[str, object]:
    """What the consolidated return must show: sums of every unit's figures (None where nobody filled the
    field), and for 是/否 the count of each answer."""
    out: dict[str, object] = {}
    for f in campaign.fields():
        found = [e["values"][f.code] for e in entries if f.code in e["values"]]  # type: ignore[index,operator]
        if f.kind is Kind.YESNO:
            out[f.code] = {"是": found.count("是"), "否": found.count("否")}
            continue
        numbers = [v for v in found if isinstance(v, (int, float))]
        if not numbers:
            out[f.code] = None
            continue
        total = round(sum(numbers), 6)
        out[f.code] = int(total) if float(total).is_integer() else total
    return out


def write_specs(
    specs: tuple[Spec, ...],
    target: Path,
    staging: Path,
    campaign: Campaign,
    rules: RuleSet,
    pending: dict[tuple[str, Path], list[Path]],
) -> dict[str, dict[str, object]]:
    entries: dict[str, dict[str, object]] = {}
    for spec in specs:
        data = make_data(spec, campaign)
        entry = expected_entry(spec, data, campaign, rules)
        source = staging / f"{spec.name}.xlsx"
        write_xlsx(spec.build(data), source)
        if spec.keep_xlsx:
            shutil.copyfile(source, target / source.name)
            entries[source.name] = {**entry, "format": "xlsx"}
        for fmt in spec.convert:
            pending.setdefault((fmt, target), []).append(source)
            entries[f"{spec.name}.{fmt}"] = {**entry, "format": fmt, "saved_by": "LibreOffice"}
    return dict(sorted(entries.items()))


def _fresh(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.suffix in tuple(f".{x}" for x in FORMATS):
            old.unlink()
    return folder


def generate(out: Path, with_conversions: bool = True) -> dict[str, object]:
    campaign = load_campaign()
    rules = load_rules(campaign)
    returns, folder = _fresh(out / "returns"), _fresh(out / "folder")
    pending: dict[tuple[str, Path], list[Path]] = {}
    with tempfile.TemporaryDirectory(prefix="wennuan-corpus-") as tmp:
        staging = Path(tmp)
        files = write_specs(SPECS, returns, staging, campaign, rules, pending)
        folder_files = write_specs(FOLDER, folder, staging, campaign, rules, pending)
        if with_conversions:
            for (fmt, target), sources in sorted(pending.items()):
                convert(sources, fmt, target)
    units: dict[str, list[str]] = {}
    for name, entry in folder_files.items():
        units.setdefault(str(entry["unit"]), []).append(name)
    expected = {
        "about": "tests/foreign: returns made the way units make them (README.md); written by make_corpus.py",
        "files": files,
        "folder_files": folder_files,
        "folder_units": units,
        "folder_totals": totals(list(folder_files.values()), campaign),
    }
    text = json.dumps(expected, ensure_ascii=False, indent=1) + "\n"
    (out / "expected.json").write_text(text, encoding="utf-8")
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for returns/, folder/, expected.json")
    parser.add_argument("--no-convert", action="store_true", help="skip the LibreOffice .xls/.ods copies")
    args = parser.parse_args(argv)
    expected = generate(args.out, with_conversions=not args.no_convert)
    files = expected["files"]
    assert isinstance(files, dict)
    print(f"{len(files)} returns, {len(expected['folder_files'])} folder files -> {args.out}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
