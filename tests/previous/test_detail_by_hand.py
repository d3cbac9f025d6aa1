"""Last year's 明细 as a clerk may have kept it, written by hand with openpyxl (not by our writer): a title
row added above the header, the 模板单元格 row deleted, columns in another order with a 备注 column
between, a unit typed with 乐山市 in front, a number typed as text, a unit on two rows, a unit off this
year's roster, an annex not sent with a stray figure in its column, a 合计 row typed over with plain
numbers. Also the same file saved as .xls by LibreOffice."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import openpyxl
from system_tools import require_tool

from wennuan_xl.cli.main import main
from wennuan_xl.core.previous import previous_from_detail
from wennuan_xl.files.previous import load_previous
from wennuan_xl.files.read import read_workbook

from .conftest import cover

CODES = ["A1.01B", "A1.01A", "A1.05", "A1.02A", "A1.02B", "A2.01", "A2.02", "A2.06B"]
ROWS = [  # 单位, 上报情况, 附件1计入汇总, 附件2计入汇总, 备注, then the CODES
    ["乐山市市中区总工会", "已报", "是", "是", "", 3000, "121,500", 12.5, 900, 300, 2, 15, "是"],
    ["沙湾区总工会", "已报", "是", "否", "附件2 有错误，未计入", 800, 20000, 3.25, 400, 100, 1, 6, "否"],
    ["五通桥区总工会", "已报", "是", "是", "", 500, 9000, 1.0, 100, 20, 1, 3, "否"],
    ["五通桥区总工会", "已报", "是", "是", "（重复粘贴）", 510, 9100, 1.1, 110, 21, 1, 3, "否"],
    ["某某公司工会", "名单外", "否", "否", "", 50, 700, 0.2, 5, 1, 0, 0, "否"],
    ["犍为县总工会", "已报", "是", "", "只报了附件1", 1200, 31000, 6.0, 700, None, 4, None, None],
]


def clerk_detail(path: Path) -> Path:
    book = openpyxl.Workbook()
    status = book.active
    status.title = "上报情况"
    status["A1"] = "2016年元旦春节送温暖活动 上报情况"
    ws = book.create_sheet("明细")
    ws["A1"] = "2016年送温暖各单位明细（打印稿）"
    ws.merge_cells("A1:H1")
    ws.append(["单位", "上报情况", "附件1计入汇总", "附件2计入汇总", "备注", *CODES])
    ws.append(["", "", "", "", "", "01(B) 其中农民工总数（人）", "01(A) 当地职工总数（人）", "05 筹集款物总额（万元）"])
    for row in ROWS:
        ws.append(row)
    ws["F4"].number_format = "#,##0"
    ws.append(["合计（计入汇总的单位）", "", "", "", "", 99999, 99999, 99999])  # typed over: not what is summed
    book.save(path)
    return path


def test_the_clerks_detail_is_read_as_a_person_reads_it(tmp_path, campaign):
    previous = previous_from_detail(read_workbook(clerk_detail(tmp_path / "2016汇总.xlsx")), campaign)
    assert previous.title == "2016年元旦春节送温暖活动"
    assert sorted(previous.units) == ["市中区总工会", "沙湾区总工会", "犍为县总工会"]
    assert previous.values("市中区总工会") == {"A1.01A": 121500, "A1.01B": 3000, "A1.05": 12.5, "A1.02A": 900,
                                             "A1.02B": 300, "A2.01": 2, "A2.02": 15, "A2.06B": "是"}
    assert previous.values("沙湾区总工会")["A2.02"] == 6  # sent, though not counted in last year's totals
    assert previous.values("犍为县总工会") == {"A1.01A": 31000, "A1.01B": 1200, "A1.05": 6.0, "A1.02A": 700}
    # Last year's totals: the rows its 计入汇总 says were counted, as its SUMIFS row summed them
    assert previous.totals["A1.01A"] == 121500 + 20000 + 9000 + 9100 + 31000
    assert previous.totals["A1.05"] == 12.5 + 3.25 + 1.0 + 1.1 + 6.0
    assert previous.totals["A2.02"] == 15 + 3 + 3 and "A2.06B" not in previous.totals
    notes = "\n".join(previous.notes)
    assert "第 6 行“五通桥区总工会”、第 7 行“五通桥区总工会”都是今年名单中的“五通桥区总工会”" in notes
    assert "1 个单位不在今年的单位名单中" in notes and "“某某公司工会”" in notes
    assert "上年明细中没有以下指标，不作上年同期比较：A1.03A" in notes


def test_check_against_the_clerks_detail(tmp_path, campaign, capsys):
    from wennuan_xl.samples import consistent_values, write_plain_return

    detail = clerk_detail(tmp_path / "2016汇总.xlsx")
    import random

    values = consistent_values(random.Random(8), 0.3) | {"A1.01A": 182_000}
    path = write_plain_return(tmp_path / "市中区.xlsx", campaign, values, cover("市中区总工会", 2017))
    assert main(["check", str(path), "--previous", str(detail), "--json"]) == 0
    captured = capsys.readouterr()
    findings = {f["rule"]: f for f in json.loads(captured.out)["findings"]}
    assert findings["PY-A1-01A-UP"]["message"] == (
        "01(A) 当地职工总数 182,000 人，比上年 121,500 人增加 49.8 %，请核实或在“说明”栏写明原因")
    assert "注意：“明细”表中第 6 行" in captured.err  # what of last year's could not be used is said


def test_the_same_detail_saved_as_xls_by_libreoffice(tmp_path, campaign, rules):
    exe = require_tool("soffice")
    source = clerk_detail(tmp_path / "2016汇总.xlsx")
    profile = Path(tempfile.gettempdir()) / f"lo_profile_{os.getpid()}_{uuid.uuid4().hex}"
    out = tmp_path / "xls"
    try:
        subprocess.run([exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xls", "--outdir", str(out), str(source)], check=True, capture_output=True,
                       timeout=180)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    from_xls = load_previous(out / "2016汇总.xls", campaign, rules)
    from_xlsx = load_previous(source, campaign, rules)
    assert from_xls.units == from_xlsx.units and from_xls.totals == from_xlsx.totals
    assert from_xls.notes == from_xlsx.notes and from_xls.title == "2016年元旦春节送温暖活动"
