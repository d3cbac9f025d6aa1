"""``wennuan consolidate`` and ``wennuan demo`` from the command line: JSON, exit codes, the demo output."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from wennuan_xl.cli.main import main

from .conftest import REPO, load, status_table, unit_values, write_return


@pytest.fixture
def clean_folder(folder, campaign):
    write_return(campaign, folder, "市中区-送温暖统计表.xlsx", "市中区总工会", unit_values(90))
    write_return(campaign, folder, "沙湾区-附件1.xlsx", "沙湾区总工会", unit_values(91), forms=("A1",))
    write_return(campaign, folder, "沙湾区-附件2.xlsx", "沙湾区总工会", unit_values(91), forms=("A2",))
    return folder


@pytest.fixture
def folder_with_errors(clean_folder, campaign):
    bad = unit_values(92)
    bad["A1.02B"] = bad["A1.02A"] + 37
    write_return(campaign, clean_folder, "犍为县-送温暖统计表.xlsx", "犍为县总工会", bad)
    return clean_folder


def run_json(capsys, *argv: str) -> tuple[int, dict, str]:
    code = main(["consolidate", *argv, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err  # stdout is JSON only: the summary goes to stderr


def test_json_output_and_exit_code_when_errors_exist(folder_with_errors, out_dir, capsys):
    out = out_dir / "汇总.xlsx"
    code, data, err = run_json(capsys, str(folder_with_errors), "-o", str(out))
    assert code == 1
    assert {"units", "totals", "findings"} <= set(data)
    assert out.exists() and "汇总完成" in err
    statuses = {u["unit"]: u["status"] for u in data["units"]}
    assert statuses["市中区总工会"] == statuses["沙湾区总工会"] == statuses["犍为县总工会"] == "已报"
    assert statuses["金口河区总工会"] == "未报"
    assert {u["unit"]: u["errors"] for u in data["units"]}["犍为县总工会"] == 1
    assert data["findings"] and all({"unit", "file", "rule", "severity", "message", "cells"} <= set(f) for f in data["findings"])
    errors = [(f["unit"], f["file"], f["rule"]) for f in data["findings"] if f["severity"] == "error"]
    assert ("犍为县总工会", "犍为县-送温暖统计表.xlsx", "A1-02") in errors
    assert {u for u, _, _ in errors} <= {"犍为县总工会", "汇总"}
    assert data["unit_counts"] == {"A1": 3, "A2": 3}
    assert isinstance(data["totals"]["A2.06B"], dict) and sum(data["totals"]["A2.06B"].values()) == 3


def test_exit_code_is_zero_without_errors(clean_folder, out_dir, capsys):
    code, data, _ = run_json(capsys, str(clean_folder), "-o", str(out_dir / "汇总.xlsx"))
    assert code == 0
    assert not [f for f in data["findings"] if f["severity"] == "error"]
    # Without --json the summary is on stdout, and the exit code is the same.
    assert main(["consolidate", str(clean_folder), "-o", str(out_dir / "汇总2.xlsx")]) == 0
    assert "汇总完成：附件1 2 个单位、附件2 2 个单位" in capsys.readouterr().out


def test_missing_folder_is_reported(tmp_path, capsys):
    assert main(["consolidate", str(tmp_path / "没有"), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "文件夹不存在" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_console_script_in_a_fresh_process(folder_with_errors, out_dir):
    out = out_dir / "汇总.xlsx"
    proc = subprocess.run(
        [sys.executable, "-m", "wennuan_xl", "consolidate", str(folder_with_errors), "-o", str(out), "--json"],
        check=False, capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert [f["rule"] for f in data["findings"] if f["unit"] == "犍为县总工会"] == ["A1-02"]
    assert out.exists()


def test_demo_writes_the_sample_consolidation(tmp_path):
    out = tmp_path / "x.xlsx"
    script = shutil.which("wennuan")  # the installed console script; the module when not on PATH
    proc = subprocess.run(
        ([script] if script else [sys.executable, "-m", "wennuan_xl"]) + ["demo", "-o", str(out)],
        cwd=REPO, check=False, capture_output=True, text=True, encoding="utf-8", timeout=120,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert proc.returncode == 0, proc.stderr
    assert out.exists() and "汇总完成" in proc.stdout
    rows = status_table(load(out))
    assert sum(1 for r in rows if r["上报情况"] == "已报") == 15
