"""The consolidated workbook's 实名制 sheets, as rows for every writer (xlsxwriter file, live Excel).

实名制汇总 is the clerk's own list of everyone paid, with the unit in front: the one place where IDs are shown
in full. 实名制重复 (people in two units' lists) and 实名制核对 (each unit's list against its 附件1) show them
masked, like every other output.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..forms import Campaign
from ..idnumber import mask
from ..tables import Cell, Row, Table
from .consolidate import ListConsolidation
from .spec import ListSpec

LIST_SHEET, DUPLICATES_SHEET, RECON_SHEET = "实名制汇总", "实名制重复", "实名制核对"
LIST_HEADERS = ("序号", "单位", "姓名", "性别", "公民身份号码", "工作单位或住址", "困难类别", "慰问形式", "金额（元）",
                "其中物资折款（元）", "发放日期", "联系电话", "备注", "文件", "位置")
ID_COL = 4


def namelist_tables(lists: ListConsolidation, campaign: Campaign, spec: ListSpec) -> list[Table]:
    return [list_table(lists, campaign), duplicates_table(lists), recon_table(lists, campaign, spec)]


def list_table(lists: ListConsolidation, campaign: Campaign) -> Table:
    count = lists.people
    rows = _list_rows(lists, campaign)
    widths = tuple((i, i, float(w)) for i, w in enumerate((7, 22, 10, 6, 21, 28, 12, 12, 12, 12, 12, 14, 16, 30, 14)))
    return Table(LIST_SHEET, rows, widths, freeze=(3, 3), autofilter=(2, 0, 2 + count, len(LIST_HEADERS) - 1), header_row=2)


def _list_rows(lists: ListConsolidation, campaign: Campaign) -> Iterator[Row]:
    amount = sum(p.amount or 0.0 for u in lists.lists for p in u.report.people)
    yield 0, {0: Cell(f"{campaign.name}“送温暖”资金发放实名制汇总（{len(lists.lists)} 个单位，{lists.people} 人，"
                      f"金额合计 {amount:,.2f} 元）", "heading")}
    yield 2, {c: Cell(t, "header") for c, t in enumerate(LIST_HEADERS)}
    r = 3
    for u in lists.lists:
        for p in u.report.people:
            yield r, {
                0: Cell(r - 2, "center"), 1: Cell(u.unit), 2: Cell(p.name), 3: Cell(p.sex, "center"),
                ID_COL: Cell(p.id or p.id_typed, "code" if not p.id else "cell"), 5: Cell(p.address),
                6: Cell(p.category), 7: Cell(p.form), 8: Cell(p.amount, "money") if p.amount is not None else Cell(None),
                9: Cell(p.goods, "money") if p.goods is not None else Cell(None), 10: Cell(p.date), 11: Cell(p.phone),
                12: Cell(p.remark), 13: Cell(u.file), 14: Cell(f"{p.sheet}!{p.row}"),
            }
            r += 1
    yield r, {0: Cell("合计", "total_text"), **{c: Cell("", "total_text") for c in range(1, 8)},
              8: Cell(round(amount, 2), "total_money"),
              9: Cell(round(sum(p.goods or 0.0 for u in lists.lists for p in u.report.people), 2), "total_money"),
              **{c: Cell("", "total_text") for c in range(10, len(LIST_HEADERS))}}


DUPLICATE_HEADERS = ("序号", "姓名", "公民身份号码", "单位", "文件", "位置", "金额（元）", "发放日期", "在实名制汇总中")


def duplicates_table(lists: ListConsolidation) -> Table:
    row_of = {}
    r = 3
    for u in lists.lists:
        for p in u.report.people:
            row_of[(u.file, p.sheet, p.row)] = r + 1  # 1-based row on 实名制汇总
            r += 1
    out: list[Row] = [
        (0, {0: Cell(f"同一人在两个及以上单位名单中：{len(lists.duplicates)} 人（号码已遮盖，完整号码见“{LIST_SHEET}”）", "heading")}),
        (2, {c: Cell(t, "header") for c, t in enumerate(DUPLICATE_HEADERS)}),
    ]
    line = 3
    for i, d in enumerate(lists.duplicates, start=1):
        for place in d.places:
            p = place.person
            target = row_of.get((place.file, p.sheet, p.row))
            out.append((line, {
                0: Cell(i, "center"), 1: Cell(p.name), 2: Cell(mask(d.id), "error"), 3: Cell(place.unit),
                4: Cell(place.file), 5: Cell(p.id_cell), 6: Cell(p.amount, "money") if p.amount is not None else Cell(None),
                7: Cell(p.date),
                8: Cell(f"第 {target} 行", "link", link=f"'{LIST_SHEET}'!E{target}") if target else Cell(""),
            }))
            line += 1
    widths = tuple((i, i, float(w)) for i, w in enumerate((6, 10, 21, 22, 30, 16, 12, 12, 14)))
    return Table(DUPLICATES_SHEET, out, widths, freeze=(3, 0), header_row=2)


RECON_HEADERS = ("序号", "单位", "名单", "文件", "人数", "金额合计（元）", "折合万元", "附件1 06 发放款物（万元）", "差额（万元）",
                 "困难职工（含农民工）人数", "附件1 04(E) 户", "困难农民工人数", "附件1 04(F) 户", "困难劳模人数", "附件1 04(G) 户",
                 "一线职工人数", "附件1 04(C) 人", "错误", "提示", "备注")


def recon_table(lists: ListConsolidation, campaign: Campaign, spec: ListSpec) -> Table:
    out: list[Row] = [
        (0, {0: Cell("实名制名单与附件1 核对：名单金额（元）对 06 发放款物（万元），各类人数对 04 慰问户数", "heading")}),
        (2, {c: Cell(t, "header") for c, t in enumerate(RECON_HEADERS)}),
    ]
    tolerance = spec.tolerance
    for i, row in enumerate(lists.recon, start=1):
        t = row.totals or {}
        a = row.annex or {}
        cells: dict[int, Cell] = {0: Cell(i, "center"), 1: Cell(row.unit),
                                  2: Cell(row.status, {"未报": "missing", "已被替代": "grey", "名单外": "warning"}.get(row.status, "cell")),
                                  3: Cell(row.file)}
        if row.totals is not None:
            amount = t.get("L_AMOUNT", 0.0)
            paid = a.get("A1.06") if row.annex is not None else None
            diff = round(amount / 10000 - paid, 4) if isinstance(paid, (int, float)) else None
            off = diff is not None and abs(diff) > tolerance
            cells.update({
                4: Cell(int(t.get("L_PEOPLE", 0)), "count"), 5: Cell(amount, "money"), 6: Cell(round(amount / 10000, 4), "money"),
                7: Cell(paid, "money") if isinstance(paid, (int, float)) else Cell(None),
                8: Cell(diff, ("error" if diff > 0 else "warning") if off and diff is not None else "money") if diff is not None else Cell(None),
            })
            for col, (total, code) in enumerate((("L_WORKERS", "A1.04E"), ("L_MIGRANTS", "A1.04F"), ("L_MODELS", "A1.04G"),
                                                ("L_FRONTLINE", "A1.04C")), start=9):
                have = int(t.get(total, 0))
                want = a.get(code)
                fewer = isinstance(want, (int, float)) and have < want
                cells[2 * col - 9] = Cell(have, "warning" if fewer else "count")
                cells[2 * col - 8] = Cell(want, "count") if isinstance(want, (int, float)) else Cell(None)
            cells[17] = Cell(row.errors, "error" if row.errors else "center")
            cells[18] = Cell(row.warnings, "warning" if row.warnings else "center")
        cells[19] = Cell(row.remark, "cell_wrap")
        out.append((2 + i, cells))
    widths = tuple((i, i, float(w)) for i, w in enumerate((6, 22, 8, 30, 8, 14, 10, 12, 10, 10, 9, 10, 9, 10, 9, 10, 9, 6, 6, 36)))
    return Table(RECON_SHEET, out, widths, freeze=(3, 2), header_row=2)
