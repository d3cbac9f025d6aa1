"""Inputs are never written; an input is never the output; a run is repeatable; output is atomic."""

from __future__ import annotations

import datetime as dt

import pytest

import wennuan_xl.files.consolidated as consolidated
from wennuan_xl.cli.main import main
from wennuan_xl.files.atomic import OutputError

from .conftest import (
    all_cell_values,
    consolidate_dir,
    encrypted,
    sha256_tree,
    unit_values,
    wps_et,
    write_return,
)


@pytest.fixture
def mixed_folder(folder, campaign):
    """Styled and plain returns, a duplicate, an encrypted file and a WPS file."""
    styled = write_return(campaign, folder, "市中区-送温暖统计表.xlsx", "市中区总工会", unit_values(100), styled=True)
    write_return(campaign, folder, "沙湾区-附件1.xlsx", "沙湾区总工会", unit_values(101), forms=("A1",))
    write_return(campaign, folder, "沙湾区-附件1（旧）.xlsx", "沙湾区总工会", unit_values(102), forms=("A1",),
                 date=dt.date(2017, 1, 5))
    bad = unit_values(103)
    bad["A1.02B"] = bad["A1.02A"] + 1
    write_return(campaign, folder, "犍为县-送温暖统计表.xlsx", "犍为县总工会", bad)
    encrypted(folder / "井研县-附件1.xlsx", styled)
    wps_et(folder / "夹江县-附件1.et", styled)
    return folder


def stats(folder):
    return {p.name: (p.stat().st_mtime_ns, p.stat().st_size) for p in folder.iterdir()}


def test_consolidate_and_check_never_change_an_input(mixed_folder, out_dir, capsys):
    before, before_stats = sha256_tree(mixed_folder), stats(mixed_folder)
    assert main(["consolidate", str(mixed_folder), "-o", str(out_dir / "汇总.xlsx")]) == 1
    files = sorted(str(p) for p in mixed_folder.iterdir())
    assert main(["check", *files]) == 2  # some files cannot be read
    assert main(["check", "--json", str(mixed_folder / "市中区-送温暖统计表.xlsx")]) == 0
    capsys.readouterr()
    assert sha256_tree(mixed_folder) == before
    assert stats(mixed_folder) == before_stats
    assert sorted(p.name for p in mixed_folder.iterdir()) == sorted(before)  # nothing added beside them


@pytest.mark.parametrize("spelling", ["same", "dotted", "relative", "symlink"])
def test_output_onto_an_input_is_refused(mixed_folder, capsys, monkeypatch, spelling):
    target = mixed_folder / "市中区-送温暖统计表.xlsx"
    before = sha256_tree(mixed_folder)
    if spelling == "dotted":
        (mixed_folder / "sub").mkdir()
        out = f"{mixed_folder}/sub/../{target.name}"
    elif spelling == "symlink":  # a link elsewhere that points at an input
        (mixed_folder.parent / "链接.xlsx").symlink_to(target)
        out = str(mixed_folder.parent / "链接.xlsx")
    elif spelling == "relative":
        monkeypatch.chdir(mixed_folder)
        out = target.name
    else:
        out = str(target)
    code = main(["consolidate", str(mixed_folder), "-o", out])
    err = capsys.readouterr().err
    assert code == 2
    assert "输入文件" in err and "输出" in err
    if spelling == "dotted":
        (mixed_folder / "sub").rmdir()
    assert sha256_tree(mixed_folder) == before
    assert not list(mixed_folder.glob(".~wennuan-*"))


def test_output_onto_an_input_is_refused_by_the_job(mixed_folder, campaign, rules):
    with pytest.raises(OutputError, match="输入文件"):
        consolidate_dir(mixed_folder, mixed_folder / "沙湾区-附件1.xlsx", campaign, rules)


def test_consolidating_twice_gives_the_same_workbook(mixed_folder, out_dir, campaign, rules):
    _, first = consolidate_dir(mixed_folder, out_dir / "一.xlsx", campaign, rules)
    _, second = consolidate_dir(mixed_folder, out_dir / "二.xlsx", campaign, rules)
    a, b = all_cell_values(first), all_cell_values(second)
    assert list(a) == ["汇总-附件1", "汇总-附件2", "上报情况", "催报清单", "审核结果", "明细", "来源", "图表"]
    assert a == b
    # Overwriting the first output with a third run: same content again.
    consolidate_dir(mixed_folder, out_dir / "一.xlsx", campaign, rules)
    assert all_cell_values(out_dir / "一.xlsx") == a


def test_output_is_written_atomically(mixed_folder, out_dir, campaign, rules, monkeypatch):
    out = out_dir / "汇总.xlsx"
    consolidate_dir(mixed_folder, out, campaign, rules)
    assert sorted(p.name for p in out_dir.iterdir()) == ["汇总.xlsx"]  # no .~wennuan-* left behind
    good = out.read_bytes()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(consolidated, "_write_charts", broken)
    with pytest.raises(RuntimeError):
        consolidate_dir(mixed_folder, out, campaign, rules)
    assert out.read_bytes() == good  # the previous output is intact
    assert sorted(p.name for p in out_dir.iterdir()) == ["汇总.xlsx"]


def test_output_folder_is_created(mixed_folder, tmp_path, campaign, rules):
    out = tmp_path / "新建" / "2017" / "汇总.xlsx"
    _, written = consolidate_dir(mixed_folder, out, campaign, rules)
    assert written == out and out.exists()
    assert sorted(p.name for p in out.parent.iterdir()) == ["汇总.xlsx"]


def test_output_saved_in_the_returns_folder_is_skipped_and_replaced_next_time(mixed_folder, campaign, rules):
    out = mixed_folder / "汇总结果.xlsx"
    first, _ = consolidate_dir(mixed_folder, out, campaign, rules)
    first_values = all_cell_values(out)
    second, _ = consolidate_dir(mixed_folder, out, campaign, rules)
    assert second.totals == first.totals
    assert "汇总结果.xlsx" not in {r.file for r in second.returns}
    assert all_cell_values(out) == first_values
