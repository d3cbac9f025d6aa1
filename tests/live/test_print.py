"""Every output printed as a clerk prints it: LibreOffice renders each workbook to PDF, and the pages are read.

The outputs are the consolidated workbook of the bundled sample returns, a feedback copy, a flagged copy
and the two blank templates. Each page tells its sheet by its footer (the sheet's name, “第 n 页，共 N 页”);
the page counts below are what a clerk gets. Text clipped at a cell's edge or overflowing a row too low
for it is drawn over its neighbour: no two words on any page may overlap.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.core.remind import REMIND_SHEET
from wennuan_xl.core.tables import CHART_SHEET, DETAIL_SHEET, FINDINGS_SHEET, SOURCE_SHEET, STATUS_SHEET
from wennuan_xl.files.feedback import OPINION_SHEET
from wennuan_xl.files.flagged import RESULT_SHEET
from wennuan_xl.files.live_checks import CHECK_SHEET

from .conftest import needs_soffice
from .lo import convert_batch
from .pdf_pages import Page, overlaps, pages, sheet_pages

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples" / "returns"
FLAGGED_UNIT = "犍为县-附件1.xlsx"  # a sample return with a 错误

# What each printed sheet takes, as LibreOffice prints it on A4.
CONSOLIDATED_PAGES = {
    "汇总-附件1": 1,  # the whole form on one page, item 11 with the rest
    "汇总-附件2": 2,
    STATUS_SHEET: 1,
    REMIND_SHEET: 1,  # the units to chase, their messages wrapped in full
    FINDINGS_SHEET: 1,
    DETAIL_SHEET: 15,  # 15 units x 145 fields at 70 %, landscape; the unit column and its three header rows (code, label, cell) on each
    SOURCE_SHEET: 1,  # the long cell of moved fields wrapped, not one microscopic line
    CHART_SHEET: 3,  # 上报进度, 附件1 05 and 附件2 05: each chart whole on a page of its own
}
CHART_TITLES = ("上报进度（应报16个单位）", "各单位送温暖筹集款物（万元）", "各单位帮扶中心资金来源（万元）")
TEMPLATE_PAGES = {"附件1": 3, "附件2": 4}
FEEDBACK_PAGES = {OPINION_SHEET: 1, RESULT_SHEET: 1}


@pytest.fixture(scope="module")
def printed(campaign, rules, templates, tmp_path_factory) -> dict[str, list[Page]]:
    from wennuan_xl.files.flagged import write_flagged_copy
    from wennuan_xl.files.isolated import check_files
    from wennuan_xl.jobs import Settings, consolidate_folder, write_feedback

    folder = tmp_path_factory.mktemp("print")
    returns = folder / "returns"
    shutil.copytree(SAMPLES, returns)
    job = Settings(campaign, rules, workers=1, feedback_dir=folder / "fb", feedback_day=dt.date(2017, 1, 20))
    result, consolidated = consolidate_folder(returns, folder / "汇总.xlsx", job)
    feedback = write_feedback(result, job, returns)
    letter = next(p for p in feedback.written if p.name.startswith("犍为县总工会"))
    (report,) = check_files([(str(returns / FLAGGED_UNIT), FLAGGED_UNIT)], campaign, rules)
    flagged = write_flagged_copy(returns / FLAGGED_UNIT, report, folder / "标记副本.xlsx", campaign)
    books = {"consolidated": consolidated, "feedback": letter, "flagged": flagged,
             "A1": templates["A1"], "A2": templates["A2"]}
    pdfs = convert_batch(list(books.values()), folder / "pdf", "pdf", 600)
    return {key: pages(pdfs[path]) for key, path in books.items()} | {"_books": books}  # type: ignore[dict-item]


def _counts(book_pages: list[Page]) -> Counter:
    return sheet_pages(book_pages)


@needs_soffice
def test_every_page_says_its_sheet_and_number(printed) -> None:
    for key in ("consolidated", "feedback", "flagged", "A1", "A2"):
        unnamed = [p.number for p in printed[key] if not p.sheet]
        assert not unnamed, f"{key}: pages {unnamed} have no footer with the sheet's name"


@needs_soffice
def test_consolidated_workbook_page_counts(printed, campaign) -> None:
    assert dict(_counts(printed["consolidated"])) == CONSOLIDATED_PAGES
    first = next(p for p in printed["consolidated"] if p.sheet == "汇总-附件1")
    label = "".join(campaign.field("A1.11").label.split())
    assert label[:12] in first.text, "item 11 is on the first page of 汇总-附件1"


@needs_soffice
def test_each_chart_prints_whole_on_its_own_page(printed) -> None:
    charts = [p for p in printed["consolidated"] if p.sheet == CHART_SHEET]
    for page, title in zip(charts, CHART_TITLES):
        assert title in page.text, (page.number, page.text[:80])
        assert sum(t in page.text for t in CHART_TITLES) == 1, "one chart a page"
    progress = charts[0].text
    # Its table and the units behind the red and grey parts print with it (the samples: 金口河区 sent nothing).
    assert "已报，无错误" in progress and "未报（1个）：金口河区总工会" in progress
    legends = {"附件1": ("中央财政", "其他收入"), "附件2": ("中央财政拨款", "其他收入")}
    for page, (first, last) in zip(charts[1:], legends.values()):
        assert first in page.text and last in page.text, "the legend is on the chart's page"


@needs_soffice
def test_the_reminder_list_prints_each_message_whole(printed) -> None:
    (page,) = [p for p in printed["consolidated"] if p.sheet == REMIND_SHEET]
    assert "需催报3个单位（未报1个，有错误2个）" in page.text
    for unit in ("金口河区总工会", "犍为县总工会", "沐川县总工会"):
        assert f"{unit}：" in page.text  # the start of each message
    assert page.text.count("lsszghbzb@126.com") == 3, "each message printed to its end"


@needs_soffice
def test_templates_print_the_form_without_the_checklist(printed) -> None:
    for form_id, sheet in (("A1", "附件1"), ("A2", "附件2")):
        counts = _counts(printed[form_id])
        assert counts[sheet] == TEMPLATE_PAGES[sheet]
        # Excel and WPS print no hidden sheet; LibreOffice's PDF export does, so the file is asked.
        book = openpyxl.load_workbook(printed["_books"][form_id])
        assert book[CHECK_SHEET].sheet_state == "hidden" and book[sheet].sheet_state == "visible"


@needs_soffice
def test_feedback_and_flagged_copies_page_counts(printed) -> None:
    counts = _counts(printed["feedback"])
    assert {k: counts[k] for k in FEEDBACK_PAGES} == FEEDBACK_PAGES
    assert _counts(printed["flagged"])[RESULT_SHEET] == 1
    letter = next(p for p in printed["feedback"] if p.sheet == OPINION_SHEET)
    assert "请于2017年1月25日前" in letter.text and "联系人：曾心怡" in letter.text and "（盖章）" in letter.text
    # The signature ends at the table's right edge (the page's right margin), not under the 问题 column.
    words = letter.words
    seal = next(w for w in words if "盖章" in w.text)
    header = next(w for w in words if w.text == "处理要求")
    assert seal.x1 > header.x1, "the issuer's name is right-aligned in the last column"


@needs_soffice
def test_no_text_overprints_its_neighbour(printed) -> None:
    for key in ("consolidated", "feedback", "flagged", "A1", "A2"):
        for page in printed[key]:
            assert not overlaps(page), f"{key}, page {page.number} ({page.sheet}): {overlaps(page)[:3]}"
