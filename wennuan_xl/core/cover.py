"""The cover block: 填报单位, 填报人, 联系电话, 填报日期, wherever and however a unit printed them.

A label's value is the text after it in the same cell (``填报单位：五通桥区总工会　　2017 年 1 月 16 日``
holds two), else the first filled cell to its right — but only if that text could be such a value. A
blank cover cell reads blank, never the legend, live summary or label printed beside it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from .forms import CoverField
from .printed import nfkc, squeeze
from .segments import Region
from .workbook import CellRef, SheetData

# Other words units print for the same cover lines.
SYNONYMS = {
    "UNIT": ("填报单位", "报送单位", "填表单位", "单位名称"),
    "PERSON": ("填报人", "填表人", "制表人", "经办人"),
    "PHONE": ("联系电话", "电话号码", "联系方式", "电话", "手机"),
    "DATE": ("填报日期", "填表日期", "报送日期", "报出日期", "上报日期", "填报时间", "填表时间", "日期"),
}
_OTHER_LABELS = ("单位负责人", "负责人", "审核人", "统计负责人")
# ``峨眉山市总工会（盖章）``: where the seal goes, not a part of the name.
_ANNOTATION = re.compile(r"[(（]\s*(?:盖章|公章|章|签章|签字|签名)\s*[)）]")
_DATE = re.compile(r"(\d{4})\s*(?:年|[-/.])\s*(\d{1,2})\s*(?:月|[-/.])\s*(\d{1,2})\s*日?")
_EMPTY_DATE = re.compile(r"(?:\d{4}\s*)?年\s+月\s+日")
_NOT_A_VALUE = ("审核", "说明", "注：", "注:", "红色", "黄色", "绿色", "附件", "金额单位", "（请", "(请")


@dataclass(frozen=True)
class _Label:
    key: str
    start: int
    end: int


def _pattern(word: str) -> str:
    return r"\s*".join(re.escape(ch) for ch in word)


@functools.lru_cache(maxsize=8)
def _labels_regex(covers: tuple[CoverField, ...]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    names = []
    for c in covers:
        for w in (c.label, *SYNONYMS.get(c.key, ())):
            names.append((w, c.key))
    names += [(w, "") for w in _OTHER_LABELS]
    names.sort(key=lambda t: -len(t[0]))
    alts = "|".join(f"(?P<k{i}>{_pattern(w)})" for i, (w, _) in enumerate(names))
    # ``填报单位（盖章）：`` — an annotation in brackets between the label and its colon.
    return re.compile(rf"(?:{alts})\s*(?:[(（][^()（）]{{0,8}}[)）])?\s*[:：]?"), tuple(k for _, k in names)


def _find_labels(text: str, labels: tuple[re.Pattern[str], tuple[str, ...]]) -> list[_Label]:
    out = []
    regex, keys = labels
    for m in regex.finditer(text):
        i = next(int(g[1:]) for g, v in m.groupdict().items() if v is not None)
        # 单位 inside a unit's name (市中区总工会) is no label; the regex only has whole label words.
        out.append(_Label(keys[i], m.start(), m.end()))
    return out


def plausible(key: str, value: object) -> bool:
    """Could this be what a clerk typed for ``key``? The template's legend or live summary cannot."""
    if value is None:
        return False
    if isinstance(value, (dt.date, dt.datetime)):
        return key == "DATE"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return key in ("PHONE", "DATE")
    text = nfkc(value).strip()
    if not text or text.startswith(_NOT_A_VALUE) or len(text) > 60:
        return False
    if ("：" in text or ":" in text) and key != "PHONE":
        return False
    digits = sum(ch.isdigit() for ch in text)
    if key == "PHONE":
        return digits >= 5 and len(text) <= 40
    if key == "DATE":
        return digits >= 4 or bool(re.search(r"[年月日]", text))
    if key == "PERSON":
        return len(text) <= 20 and digits < 5
    return True


def find_cover(
    sheet: SheetData, first: int, last: int, covers: tuple[CoverField, ...], wanted: set[str] | None = None,
    region: Region | None = None,
) -> dict[str, tuple[CellRef | None, object]]:
    """key -> (cell, raw value) for the cover lines printed in rows first..last."""
    wanted = {c.key for c in covers} if wanted is None else wanted
    rows = [r for r in range(first, min(last, len(sheet.rows)) + 1)]
    visible = [r for r in rows if r not in sheet.hidden_rows]
    out = _scan(sheet, visible, covers, wanted, first, region)
    missing = wanted - set(out)
    if missing and len(visible) < len(rows):
        # Only where nothing visible says it: a hidden row's cover line may be last year's.
        out.update(_scan(sheet, [r for r in rows if r in sheet.hidden_rows], covers, missing, first, region))
    return out


def _scan(sheet: SheetData, rows: list[int], covers: tuple[CoverField, ...], wanted: set[str],
          first: int, region: Region | None = None) -> dict[str, tuple[CellRef | None, object]]:
    regex = _labels_regex(covers)
    out: dict[str, tuple[CellRef | None, object]] = {}
    bare_date: tuple[CellRef, object] | None = None
    for r in rows:
        row = sheet.rows[r - 1]
        if "DATE" in wanted and bare_date is None and any(v == "年" for v in row):
            # ``2017 | 年 | 1 | 月 | 15 | 日`` typed into cells of their own
            joined = "".join(_date_part(v) for v in row)
            m = _DATE.search(joined)
            if m and not any(isinstance(v, str) and _DATE.search(nfkc(v)) for v in row):
                first_cell = next((c for c, v in enumerate(row, start=1) if _date_part(v)[:4].isdigit()), 1)
                bare_date = (CellRef(sheet.name, r, first_cell), m.group(0))
        for c, cell in enumerate(row, start=1):
            if not isinstance(cell, str) or not cell.strip() or (region is not None and not region.holds(c)):
                continue
            text = nfkc(cell)
            labels = _find_labels(text, regex)
            if not labels:
                if bare_date is None and _DATE.search(text) and len(squeeze(text)) <= 16 and r < first + 12:
                    bare_date = (CellRef(sheet.name, r, c), _DATE.search(text).group(0))  # type: ignore[union-attr]
                continue
            for k, lab in enumerate(labels):
                # A line found blank (the notice's empty cover kept on top) gives way to a filled one below.
                if not lab.key or lab.key not in wanted or (lab.key in out and out[lab.key][1] is not None):
                    continue
                end = labels[k + 1].start if k + 1 < len(labels) else len(text)
                value = _ANNOTATION.sub("", text[lab.end:end]).strip(" \u3000:：")
                if lab.key != "DATE":
                    value, date = _split_date(value)
                    if date and "DATE" in wanted and out.get("DATE", (None, None))[1] is None:
                        out["DATE"] = (CellRef(sheet.name, r, c), date)
                found: tuple[CellRef | None, object]
                if value:
                    found = (CellRef(sheet.name, r, c), value if plausible(lab.key, value) else None)
                elif k + 1 < len(labels):
                    found = (CellRef(sheet.name, r, c + 1), None)
                else:
                    found = _right_of(sheet, r, c, lab.key, regex)
                if lab.key not in out or found[1] is not None:
                    out[lab.key] = found
    if "DATE" in wanted and out.get("DATE", (None, None))[1] is None and bare_date is not None:
        out["DATE"] = bare_date
    return out


def _date_part(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int) and not isinstance(v, bool):
        return str(v)
    return nfkc(v).strip() if isinstance(v, str) else ""


def _split_date(value: str) -> tuple[str, str]:
    """``五通桥区总工会　　2017 年 1 月 16 日`` -> (五通桥区总工会, 2017 年 1 月 16 日); an empty
    ``年 月 日`` as printed on the blank form is dropped."""
    m = _DATE.search(value)
    if m:
        return value[: m.start()].strip(" \u3000"), m.group(0)
    m = _EMPTY_DATE.search(value)
    if m:
        return value[: m.start()].strip(" \u3000"), ""
    return value, ""


def _right_of(sheet: SheetData, r: int, c: int, key: str, regex) -> tuple[CellRef | None, object]:
    """The first filled cell right of a label, if it is this label's value; else the label's blank slot."""
    row = sheet.rows[r - 1]
    for c2 in range(c + 1, min(c + 5, len(row) + 1)):
        v = row[c2 - 1]
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if isinstance(v, str) and _find_labels(nfkc(v), regex):
            break
        if plausible(key, v):
            return CellRef(sheet.name, r, c2), v
        break
    return CellRef(sheet.name, r, c + 1), None
