"""The bundled sample returns (workbooks/samples/returns), as ``wennuan demo`` consolidates them; and the
same folder read in parallel, which must give the very same result as reading one file after another."""

from __future__ import annotations

import datetime as dt
import os
import typing

import pytest

from wennuan_xl.core.consolidate import MISSING, REPORTED, SUPERSEDED, TOTAL_UNIT, consolidate
from wennuan_xl.core.findings import Severity
from wennuan_xl.files import isolated
from wennuan_xl.files.bulk import read_folder

from .conftest import (
    SAMPLES,
    all_cell_values,
    consolidate_dir,
    load,
    one_row,
    sha256_tree,
    sources_table,
    status_table,
)


@pytest.fixture(scope="module")
def samples(tmp_path_factory, campaign, rules):
    before = sha256_tree(SAMPLES)
    out = tmp_path_factory.mktemp("samples") / "汇总.xlsx"
    result, written = consolidate_dir(SAMPLES, out, campaign, rules, workers=1)
    assert sha256_tree(SAMPLES) == before
    return result, load(written), written


def test_fifteen_units_per_annex(samples, campaign):
    result, book, _ = samples
    assert result.unit_counts == {"A1": 15, "A2": 15}
    rows = status_table(book)
    assert [r["单位"] for r in rows if r["上报情况"] == MISSING] == ["金口河区总工会"]
    reported = [r["单位"] for r in rows if r["上报情况"] == REPORTED]
    assert sorted(reported) == sorted(u.name for u in campaign.roster if u.name != "金口河区总工会")
    assert all(r["附件"] == "附件1、附件2" and r["计入汇总"] == "是" for r in rows if r["上报情况"] == REPORTED)


def test_exactly_one_superseded_file(samples):
    result, book, _ = samples
    [old] = [r for r in status_table(book) if r["上报情况"] == SUPERSEDED]
    assert (old["单位"], old["文件"], old["附件"]) == ("夹江县总工会", "夹江县-附件1（1月10日）.xlsx", "附件1")
    [used] = [u for u in result.used if u.unit == "夹江县总工会" and u.form == "A1"]
    assert used.returned.file == "夹江县-附件1.xlsx"


def test_errors_only_where_the_samples_put_them(samples):
    result, _, _ = samples
    with_errors = {u for u, _, f in result.findings() if f.severity is Severity.ERROR}
    assert with_errors == {"犍为县总工会", "沐川县总工会", TOTAL_UNIT}
    def rules_of(unit):
        return sorted(f.rule for u, _, f in result.findings() if u == unit and f.severity is Severity.ERROR)
    assert rules_of("犍为县总工会") == ["A1-02"]
    assert rules_of("沐川县总工会") == ["A1-05-SUM", "A2-09-COUNT"]


def test_retyped_return_is_located_by_labels(samples):
    _, book, _ = samples
    rows = sources_table(book)
    a1 = one_row(rows, 单位="峨眉山市总工会", 附件="附件1")
    assert a1["读取方式"] == "按表内文字定位" and a1["工作表"] == "Sheet1" and a1["与模板位置不同的单元格"]
    assert one_row(rows, 单位="峨眉山市总工会", 附件="附件2")["读取方式"] == "单元格名称"
    assert {r["读取方式"] for r in rows if r["单位"] != "峨眉山市总工会"} == {"单元格名称"}


def test_numbers_typed_as_text_are_read_without_errors(samples):
    result, book, _ = samples
    assert not [f for u, _, f in result.findings() if u == "井研县总工会" and f.severity is Severity.ERROR]
    row = one_row(status_table(book), 单位="井研县总工会")
    assert (row["上报情况"], row["错误"], row["计入汇总"]) == (REPORTED, 0, "是")


def test_unit_written_differently_is_matched(samples):
    result, book, _ = samples
    row = one_row(status_table(book), 单位="五通桥区总工会")
    assert row["表内填报单位"] == "五通桥区工会" and row["上报情况"] == REPORTED and row["备注"] == ""
    assert next(r.match for r in result.rows if r.unit == "五通桥区总工会") == "normalised"


class CountingWorker(isolated._Worker):
    started: typing.ClassVar[list[int]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        type(self).started.append(self.process.pid)


def test_parallel_reading_gives_the_same_result(samples, campaign, rules, tmp_path, monkeypatch):
    serial, _, written = samples
    monkeypatch.setattr(isolated, "_Worker", CountingWorker)
    returns = read_folder(SAMPLES, campaign, rules, workers=2)
    assert len(set(CountingWorker.started)) == 2  # the files were read by two worker processes
    assert os.getpid() not in CountingWorker.started
    parallel = consolidate(returns, campaign, rules)
    assert parallel.rows == serial.rows
    assert parallel.totals == serial.totals
    assert parallel.unit_counts == serial.unit_counts
    assert [(u, f_, f.rule, f.cells) for u, f_, f in parallel.findings()] == \
        [(u, f_, f.rule, f.cells) for u, f_, f in serial.findings()]
    _, again = consolidate_dir(SAMPLES, tmp_path / "并行.xlsx", campaign, rules, workers=2)
    assert all_cell_values(again) == all_cell_values(written)


def test_what_was_read_generously_is_listed_as_注意(samples):
    from .conftest import findings_table

    result, book, _ = samples
    notes = [r for r in findings_table(book) if r["级别"] == "注意"]
    assert notes and {r["单位"] for r in notes} == {"井研县总工会"}
    assert all("按 0 计" in r["问题说明"] and r["规则"] == "F-PLACEHOLDER" for r in notes)
    assert all(r["处理要求"] == "无需处理；如与本意不符，请改正后重新报送" for r in notes)
    assert all(isinstance(r["填写值"], str) and r["单元格"].startswith("附件") for r in notes)
    noted = [(u, f.message) for u, _, f in result.findings() if f.severity is Severity.NOTE]
    assert noted == [(r["单位"], r["问题说明"]) for r in notes]
    # Counted apart: never a 错误 or 提示 of the unit (上报情况), named in the heading as 注意.
    status = {r.unit: r for r in result.rows}
    assert (status["井研县总工会"].errors, status["井研县总工会"].warnings) == (0, 0)
    assert book["审核结果"]["A1"].value.endswith(f"；注意 {len(notes)} 条")


def test_the_totals_errors_caused_by_units_are_counted_apart(samples):
    result, book, _ = samples
    caused = {f.rule: f.caused_by for u, _, f in result.findings() if u == TOTAL_UNIT and f.severity is Severity.ERROR}
    assert caused == {"A1-05-SUM": ("沐川县总工会",), "A2-09-COUNT": ("沐川县总工会",)}
    assert book["审核结果"]["A1"].value == "审核结果：单位错误 3 个；由此引起的汇总数错误 2 个；提示 0 个；注意 1 条"


def test_the_totals_sheets_are_filled_in_and_frozen(samples, campaign):
    from wennuan_xl.core.layout import layout_for

    _, book, _ = samples
    for form in campaign.forms:
        layout = layout_for(form)
        ws = book[f"汇总-{form.annex}"]
        assert ws.freeze_panes == f"A{layout.header_row + 1}"
        shown = {key: ws.cell(*layout.cover_cells[key]).value for key in ("UNIT", "PERSON", "PHONE", "DATE")}
        assert shown["UNIT"] == campaign.issuer
        assert (shown["PERSON"], shown["PHONE"]) == ("曾心怡", "2133419")  # the notice's contact
        assert shown["DATE"].endswith("日") and shown["DATE"].startswith(str(dt.date.today().year))
