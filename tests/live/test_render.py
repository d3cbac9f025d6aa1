"""What the clerk sees: a template filled with a broken relation, recalculated and printed by LibreOffice.

The recalculated cells carry the live messages and the count; the PDF shows the message text and the
red (错误), yellow (提示) and green (已说明) fills of the conditional formatting.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from system_tools import require_tool

from wennuan_xl.core.layout import CHECK_COL, NOTE_COL, layout_for

from .conftest import NOTE_ON, PLANE_NOTE, Filler, annex1_with_findings, cover, live_results, needs_soffice
from .lo import convert_batch

ERROR_RGB, WARNING_RGB, EXPLAINED_RGB = (0xFF, 0xC7, 0xCE), (0xFF, 0xEB, 0x9C), (0xE2, 0xEF, 0xDA)


@pytest.fixture(scope="module")
def rendered(campaign, templates, tmp_path_factory) -> dict[str, Path]:
    require_tool("soffice")
    folder = tmp_path_factory.mktemp("render")
    filled = Filler(campaign, "A1", templates["A1"]).save(folder / "市中区-附件1.xlsx", annex1_with_findings(), NOTE_ON, cover())
    xlsx = convert_batch([filled], folder / "xlsx", "xlsx", 300)[filled]
    pdf = convert_batch([filled], folder / "pdf", "pdf", 300)[filled]
    return {"xlsx": xlsx, "pdf": pdf}


def _row(campaign, code: str) -> int:
    return next(r.row for r in layout_for(campaign.form("A1")).rows if r.field and r.field.code == code)


@needs_soffice
def test_recalculated_template_shows_messages_and_count(campaign, rendered) -> None:
    import python_calamine as pc

    book = pc.CalamineWorkbook.from_path(str(rendered["xlsx"]))
    grid = book.get_sheet_by_name("附件1").to_python()
    cell = lambda row, col: grid[row - 1][col - 1]  # noqa: E731
    values = annex1_with_findings()
    error_line = cell(_row(campaign, "A1.02B"), CHECK_COL)
    assert error_line == (f"【错误】02(B) 其中困难农民工 {values['A1.02B']:,} 人 大于 "
                          f"02(A) 当地困难职工总数 {values['A1.02A']:,} 人")
    assert cell(_row(campaign, "A1.10J"), CHECK_COL) == "【已说明】10(J) 包机运送 2,000 人次 折合每架飞机 2,000 人次，超过 400 人次，请核实"
    assert cell(_row(campaign, "A1.10J"), NOTE_COL) == PLANE_NOTE
    assert cell(_row(campaign, "A1.03A"), CHECK_COL).startswith("【提示】03(A) 建档困难职工家庭")
    assert cell(_row(campaign, "A1.01A"), CHECK_COL) == ""
    counts = [v for row in grid[:6] for v in row if isinstance(v, str) and v.startswith("审核：")]
    assert counts == ["审核：错误 1 个（须修改），提示 1 个（请核实或说明），已说明 1 个"]
    results = {k: v[0] for k, v in live_results(rendered["xlsx"]).items() if v[0]}
    assert results == {"A1-02": "错误", "A1-03-SUM": "提示", "A1-10-PER-I": "已说明"}


@needs_soffice
def test_pdf_shows_the_red_cell_and_the_message(rendered, tmp_path: Path) -> None:
    text = subprocess.run(["pdftotext", "-layout", str(rendered["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = "".join(text.split())
    assert "审核：错误1个（须修改），提示1个（请核实或说明），已说明1个" in squeezed
    assert "【错误】02(B)其中困难农民工" in squeezed
    assert "【已说明】10(J)包机运送2,000人次" in squeezed and PLANE_NOTE in squeezed
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(rendered["pdf"]), str(tmp_path / "page")], check=True)
    from PIL import Image

    pages = sorted(tmp_path.glob("page*.png"))
    first, *_ = pages
    def near(paths, rgb) -> int:
        total = 0
        for path in paths:
            colours = Image.open(path).convert("RGB").getcolors(maxcolors=1 << 22) or []
            total += sum(n for n, c in colours if all(abs(a - b) <= 6 for a, b in zip(c, rgb)))
        return total

    # The red input cells and the red 审核 cell of 02(B), the yellow 03 rows on the first page;
    # the green of the explained 10(J) row further down.
    assert near([first], ERROR_RGB) > 300, "no red 错误 cell on the first page"
    assert near([first], WARNING_RGB) > 300, "no yellow 提示 cell on the first page"
    assert near(pages, EXPLAINED_RGB) > 100, "no green 已说明 cell"
