"""Which column of a retyped table holds this year's figures: from its headers, then from the data.

Headers are read over several rows and through merged cells (``数值`` over ``本年 | 上年同期``). A
current-period header (本年, 本期, 2017年, 填报数) beats a plain one (数值, 数量); comparison columns
(上年, 同期, 增减, 备注) are never values. Without such a header, the value column is the one that holds
numbers on the field rows. Two such columns that nothing tells apart are refused, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .printed import squeeze, words
from .workbook import SheetData

CURRENT, VALUE, COMPARE, REMARK, UNIT, CODE, ITEM, LABEL, CHECK, NOTE, PART = (
    "current", "value", "compare", "remark", "unit", "code", "item", "label", "check", "note", "part",
)
NOT_VALUES = frozenset({COMPARE, REMARK, UNIT, CODE, ITEM, LABEL, CHECK, NOTE, PART})
# Columns whose numbers are legitimately not the figure: comparisons, notes, the parts of a 合计 column.
NOT_STRAY = frozenset({COMPARE, REMARK, NOTE, CHECK, PART})

_COMPARE = ("上年", "去年", "同期", "上期", "同比", "增减", "增长", "比上年", "比去年", "年初", "上一年", "环比", "变化",
            "计划", "目标", "任务")
_CURRENT = ("本年", "本期", "今年", "当年", "本年度", "填报数", "本年数", "本期数", "实际数", "完成数", "累计")
_VALUE = ("数值", "数量", "数据", "数字", "数目", "合计", "金额", "统计数", "指标值", "填报", "人数", "户数", "值")
_REMARK = ("备注", "附注", "注释", "批注", "完成情况", "完成率", "完成比例", "情况说明")
# The parts a 合计 column adds up (系统本级 | 所属基层单位 | 合计): the figure is the 合计.
_PART = ("本级", "所属", "下属", "基层单位", "直属")
_NOTE = ("说明", "情况说明", "原因")
_CHECK = ("审核", "校验", "检查")
_UNIT = ("计量单位", "单位")
_CODE = ("代码", "编码", "指标代码")
_ITEM = ("序号", "编号", "行次", "项目号")
_LABEL = ("指标名称", "项目名称", "名称", "指标", "内容", "项目及指标", "统计指标", "项目")


def classify(header: str, year: int | None) -> str:
    """The kind of a column from its header text (several header rows joined)."""
    h = words(header)
    if not h:
        return ""
    years = [int(y) for y in re.findall(r"(?:19|20)\d\d", h)]
    if any(w in h for w in _COMPARE):
        return COMPARE
    if year is not None and years:
        if any(y < year for y in years) and year not in years:
            return COMPARE
        if year in years:
            return CURRENT
    if any(h.endswith(w) or h == w for w in _REMARK):
        return REMARK
    if any(w in h for w in _PART) and "合计" not in h:
        return PART
    if any(w in h for w in _CURRENT):
        return CURRENT
    if h in _NOTE or (h.startswith("说明") and len(h) <= 6):
        return NOTE
    if h in _CHECK:
        return CHECK
    if any(h == w or h.startswith(w) for w in _UNIT) and len(h) <= 6:
        return UNIT
    if any(h == w for w in _CODE):
        return CODE
    if any(h == w for w in _ITEM):
        return ITEM
    if any(w in h for w in _VALUE):
        return VALUE
    if any(h == w or h.startswith(w) for w in _LABEL):
        return LABEL
    return ""


def header_texts(sheet: SheetData, header_rows: list[int]) -> dict[int, str]:
    """Column -> its header words, rows joined top to bottom; a merged header counts for every column it
    spans, and so does a header cell whose right neighbours are empty while the row below splits it."""
    out: dict[int, list[str]] = {}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r1, c1, r2, c2 in sheet.merged:
        for r in range(r1, r2 + 1):
            spans[(r, c1)] = (c1, c2)
    for k, r in enumerate(header_rows):
        row = sheet.rows[r - 1] if r <= len(sheet.rows) else ()
        below = sheet.rows[header_rows[k + 1] - 1] if k + 1 < len(header_rows) else ()
        for c0, v in enumerate(row, start=1):
            if not isinstance(v, str) or not v.strip():
                continue
            first, last = spans.get((r, c0), (c0, c0))
            if last == first and below:
                # No merge recorded (.xls, .ods): spread over empty cells the row below has headers for.
                c = c0 + 1
                while c <= len(row) and (row[c - 1] in (None, "")) and c <= len(below) and below[c - 1] not in (None, ""):
                    last = c
                    c += 1
            for c in range(first, last + 1):
                out.setdefault(c, []).append(v)
    return {c: " ".join(texts) for c, texts in out.items()}


def is_number_like(v: object) -> bool:
    if isinstance(v, bool) or v is None:
        return False
    if isinstance(v, (int, float)):
        return True
    if not isinstance(v, str):
        return False
    s = squeeze(v).replace(",", "").replace("，", "")
    return bool(re.fullmatch(r"[+-]?\d+(?:\.\d+)?[^\d]{0,3}", s)) and not re.fullmatch(r"\d{4}年.*", s)


@dataclass
class Choice:
    col: int | None = None
    how: str = ""  # "header" | "data"
    ambiguous: tuple[int, ...] = ()
    kinds: dict[int, str] = field(default_factory=dict)


def choose(
    sheet: SheetData, rows: list[tuple[int, int]], header_rows: list[int], year: int | None,
    skip: set[int],
) -> Choice:
    """The value column for field rows ``rows`` = [(row, label column)]; ``skip``: unit, code, item columns."""
    headers = header_texts(sheet, _headers_above(header_rows, min((r for r, _ in rows), default=0)))
    kinds = {c: classify(t, year) for c, t in headers.items()}
    labels = {c for _, c in rows}
    skip = skip | sheet.hidden_cols  # a column the unit hid is not read: a person does not see it
    numeric: dict[int, int] = {}
    item_like: dict[int, bool] = {}
    for r, label_col in rows:
        cells = sheet.rows[r - 1] if r <= len(sheet.rows) else ()
        for c, v in enumerate(cells, start=1):
            if c == label_col or c in skip:
                continue
            if is_number_like(v) or (isinstance(v, str) and v.strip() in ("—", "-", "/", "无", "－", "——")):
                numeric[c] = numeric.get(c, 0) + 1
                # "01", "02" left of the label: item numbers typed as text, not figures
                short = isinstance(v, str) and len(squeeze(v)) <= 2 and squeeze(v).isdigit() and c < label_col
                item_like[c] = item_like.get(c, True) and short
    numeric = {c: n for c, n in numeric.items() if not item_like.get(c)}
    choice = Choice(kinds=kinds)
    for wanted in (CURRENT, VALUE):
        cands = [c for c, k in kinds.items() if k == wanted and c not in labels and c not in skip]
        if not cands:
            continue
        filled = [c for c in cands if numeric.get(c)]
        if len(cands) == 1:
            choice.col, choice.how = cands[0], "header"
        elif len(filled) == 1:
            choice.col, choice.how = filled[0], "header"
        elif not filled:
            choice.col, choice.how = min(cands), "header"
        else:
            choice.ambiguous = tuple(sorted(filled))
        return choice
    cands = [c for c, n in numeric.items() if kinds.get(c, "") not in NOT_VALUES and c not in labels]
    if len(cands) == 1:
        choice.col, choice.how = cands[0], "data"
    elif len(cands) > 1:
        choice.ambiguous = tuple(sorted(cands))
    return choice


def _headers_above(header_rows: list[int], first_row: int) -> list[int]:
    """The block of consecutive header rows nearest above the first field row."""
    above = [r for r in header_rows if r < first_row]
    if not above:
        return []
    block = [above[-1]]
    for r in reversed(above[:-1]):
        if r == block[0] - 1:
            block.insert(0, r)
        else:
            break
    return block
