"""Write the bundled sample returns into workbooks/samples/returns/ (committed; rerun to regenerate).

What the folder shows a clerk trying `wennuan demo`:
- every roster unit but one (金口河区总工会 has not reported);
- most units send two files (附件1, 附件2), some one workbook holding both;
- 犍为县 and 沐川县 have 错误 (a 其中 above its total; a money total that is not the sum of its parts);
- 井研县 typed numbers as text (full-width digits, separators, units, "—");
- 夹江县 sent 附件1 twice: the corrected file of 1月18日 replaces the one of 1月10日;
- 峨眉山市 retyped the form in a new workbook (rows shifted, sheet renamed, no defined names);
- 五通桥区 wrote its name as "五通桥区工会" (matched to the roster after normalising).
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wennuan_xl.files.campaign_files import load_campaign
from wennuan_xl.samples import consistent_values, cover_for, write_template_return

OUT = ROOT / "workbooks" / "samples" / "returns"
MISSING = "金口河区总工会"
COMBINED = {"市中区总工会", "乐山高新区工会", "市级系统工会"}


def retyped_copy(source: Path, target: Path, sheet_title: str, shift: int) -> None:
    """What a unit does when it retypes the form: values only, rows moved, names gone."""
    from openpyxl import Workbook, load_workbook

    src = load_workbook(source)
    ws_src = src.worksheets[0]
    book = Workbook()
    ws = book.active
    ws.title = sheet_title
    ws.cell(1, 1, "（本表由本单位重新录入）")
    for row in ws_src.iter_rows():
        for cell in row:
            if cell.value is not None:
                ws.cell(cell.row + shift, cell.column, cell.value)
    ws.column_dimensions["B"].width = 50
    book.save(target)


def main() -> None:
    campaign = load_campaign()
    rng = random.Random(2017)
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True)
    for unit in campaign.roster:
        if unit.name == MISSING:
            continue
        size = rng.uniform(0.3, 1.5) if "县" in unit.name or "区" in unit.name or "市" in unit.name else rng.uniform(0.05, 0.3)
        values = consistent_values(rng, size)
        cover = cover_for(rng, unit.name)
        typed_name = {"五通桥区总工会": "五通桥区工会"}.get(unit.name, unit.name)
        cover["UNIT"] = typed_name
        if unit.name == "犍为县总工会":
            values["A1.02B"] = values["A1.02A"] + 37  # 其中困难农民工 above 困难职工总数
        if unit.name == "沐川县总工会":
            values["A1.05"] = round(values["A1.05"] + 3.2, 2)  # total not the sum of 05(A)~(E)
            values["A2.09C"] = values["A2.09C"] + 15  # 09(A) no longer the sum of the kinds of help
        if unit.name == "井研县总工会":
            values["A1.01A"] = "".join(chr(ord(ch) + 0xFEE0) for ch in str(values["A1.01A"]))  # full-width
            values["A1.04C"] = f"{values['A1.04C']:,}人"
            values["A1.05A"] = f"{values['A1.05A']}万元"
            values["A1.07K"] = "—"
            values["A2.03"] = f" {values['A2.03']} "
        prefix = unit.name.replace("总工会", "").replace("工会", "")
        if unit.name in COMBINED:
            write_template_return(OUT / f"{prefix}-送温暖统计表.xlsx", campaign, values, cover, ("A1", "A2"))
            continue
        a1 = OUT / f"{prefix}-附件1.xlsx"
        write_template_return(a1, campaign, values, cover, ("A1",))
        write_template_return(OUT / f"{prefix}-附件2.xlsx", campaign, values, cover, ("A2",))
        if unit.name == "夹江县总工会":
            old_values = dict(values, **{"A1.04A": values["A1.04A"] + 500})  # the mistake they corrected
            old_cover = dict(cover, DATE=dt.date(2017, 1, 10))
            write_template_return(OUT / f"{prefix}-附件1（1月10日）.xlsx", campaign, old_values, old_cover, ("A1",))
            cover["DATE"] = dt.date(2017, 1, 18)
            write_template_return(a1, campaign, values, cover, ("A1",))
        if unit.name == "峨眉山市总工会":
            retyped_copy(a1, a1, "Sheet1", shift=2)
    for path in sorted(OUT.iterdir()):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
