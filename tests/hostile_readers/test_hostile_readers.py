"""Hostile files against the reader's newest code get an answer, never a crash, a kill or a lost run.

Each file passes the guard and aims at one piece of the code that reads comments, formats, fonts, rich text and
formulas (see README.md). ``wennuan check --json`` runs every file in an isolated worker that is stopped after 20
seconds: what the clerk would see is asserted — the file read, or refused with a Chinese reason — and neither the
worker's timeout nor the “意外错误” apology, which name nothing wrong with the file.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from wennuan_xl.cli.main import main

HERE = Path(__file__).resolve().parent
FILES = sorted((HERE / "returns").iterdir())


@pytest.fixture(scope="module")
def answers() -> dict[str, dict]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        main(["check", *map(str, FILES), "--json"])
    return {Path(obj["file"]).name: obj for obj in json.loads(out.getvalue())}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_hostile_file_is_read_or_refused_with_a_reason(answers, path):
    obj = answers[path.name]
    error = obj.get("error") or ""
    assert "超过 20 秒" not in error and "意外错误" not in error, error
    if error:
        assert re.search(r"[\u4e00-\u9fff]", error)
    elif obj.get("kind") == "namelist":
        assert obj["people"], "a list read with nobody in it"
    else:
        assert obj["values"] or [f for f in obj["findings"] if f["rule"].startswith("F-LOCATE")], "neither read nor refused"


@pytest.mark.parametrize("name", ["A01-公式二叉链22层.xlsx", "A02-公式扇出百乘百乘百.xlsx", "C08-工作簿XML注释中三万个假工作表.xlsx",
                                  "X02-NOTE记录截断在流末.xls", "X03-ROW记录截断在流末.xls", "X04b-TXO记录截断在流末.xls"])
def test_the_sample_under_the_attack_reads_whole(answers, name):
    """Formulas that would take a naive evaluator forever, sheets named only inside an XML comment, .xls records
    cut short: the sample return under them reads all 60 fields of 附件1."""
    assert len(answers[name]["values"]) == 60 and "error" not in answers[name]


def test_too_many_or_too_big_merges_in_an_xls_are_refused_as_an_xlsx_is(answers):
    for name in ("X07-千个64乘60合并区.xls", "X07b-四千个64乘60合并区.xls"):
        assert "合并单元格过多或范围过大" in answers[name]["error"]
