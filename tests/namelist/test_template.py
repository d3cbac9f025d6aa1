"""The blank 实名制 template: committed and reproducible, read back by our reader, and its live 审核 column
computed by LibreOffice (the independent engine) agreeing with the engine's checks."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import tempfile
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from system_tools import require_tool

from wennuan_xl.core.namelist.check import check_book
from wennuan_xl.files.namelist_template import (
    CHECK_HEADER,
    header_row,
    list_template_filename,
    write_list_template,
)
from wennuan_xl.files.read import read_workbook

from .lists import person

REPO = Path(__file__).resolve().parents[2]


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        out = {i.filename: zf.read(i) for i in zf.infolist()}
    out.pop("docProps/core.xml", None)  # timestamps
    return out


def test_the_committed_template_is_what_the_campaign_builds(campaign, spec, tmp_path):
    fresh = write_list_template(campaign, tmp_path)
    assert fresh is not None
    committed = REPO / "workbooks" / list_template_filename(spec)
    assert committed.exists(), "run `wennuan template` and commit workbooks/"
    assert members(fresh) == members(committed), "regenerate with `wennuan template` and commit"


def fill(path: Path, spec, rows: list[dict]) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[spec.sheet]
    head = header_row(spec)
    cols = {ws.cell(head, c).value: c for c in range(1, ws.max_column + 1)}
    ws.cell(2, 2, "市中区总工会")
    for i, row in enumerate(rows, start=head + 1):
        ws.cell(i, cols["序号"], i - head)
        for c in spec.columns:
            if c.key in row:
                ws.cell(i, cols[c.label], row[c.key])
    book.save(path)


CASES = {
    "good": lambda p: p,
    "checksum": lambda p: {**p, "ID": p["ID"][:17] + ("1" if p["ID"][17] != "1" else "2")},
    "sex": lambda p: {**p, "SEX": "女" if p["SEX"] == "男" else "男"},
    "goods": lambda p: {**p, "GOODS": 900},
    "short": lambda p: {**p, "ID": p["ID"][:16]},
}
ENGINE = {"good": set(), "checksum": {"L-ID-CHECK"}, "sex": {"L-ID-SEX"}, "goods": {"L-GOODS-OVER"}, "short": {"L-ID-LENGTH"}}
LIVE = {"good": "", "checksum": "校验码不对", "sex": "性别与号码不符", "goods": "物资折款大于金额", "short": "应为18位"}


@pytest.fixture(scope="module")
def filled(campaign, spec, tmp_path_factory):
    out = tmp_path_factory.mktemp("list_template")
    path = write_list_template(campaign, out)
    assert path is not None
    rng = random.Random(5)
    rows = [make(person(rng)) for make in CASES.values()]
    rows.append(dict(rows[0]))  # the good row's person again: both rows are duplicates
    fill(path, spec, rows)
    return path, rows


def test_a_filled_template_reads_back(filled, campaign, spec):
    path, rows = filled
    report = check_book(read_workbook(path), spec, campaign)
    assert report is not None and report.unit == "市中区总工会"
    assert len(report.people) == len(rows)
    found = {}
    for f in report.findings:
        found.setdefault(int(f.codes[1][3:]), set()).add(f.rule)
    first = header_row(spec) + 1
    for i, case in enumerate(CASES):
        expected = ENGINE[case] | ({"L-DUP-ID"} if case == "good" else set())
        assert found.get(first + i, set()) == expected, case


def test_libreoffice_computes_the_live_checks_as_the_engine_does(filled, spec, tmp_path):
    exe = require_tool("soffice")
    path, _ = filled
    profile = Path(tempfile.gettempdir()) / f"lo_profile_{os.getpid()}_{uuid.uuid4().hex}"
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xlsx", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ws = openpyxl.load_workbook(tmp_path / path.name, data_only=True)[spec.sheet]
    head = header_row(spec)
    check_col = next(c for c in range(1, ws.max_column + 1) if ws.cell(head, c).value == CHECK_HEADER)
    live = [ws.cell(head + 1 + i, check_col).value or "" for i in range(len(CASES) + 2)]
    for i, case in enumerate(CASES):
        text = live[i]
        if case == "good":
            assert text == "号码重复；"  # it is in the list twice
        else:
            assert LIVE[case] in text, (case, text)
    assert live[len(CASES)] == "号码重复；"
    assert live[len(CASES) + 1] == ""  # a blank row says nothing
