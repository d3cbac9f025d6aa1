"""Next year's form is this year's with a few edits: campaign.yaml's ``previous_year.fields`` says which
of this year's fields were renamed, merged or added, and last year's figures follow — a data edit only.
A mistake in the mapping stops loading with a message naming campaign.yaml and the entry."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.cli.main import main
from wennuan_xl.core.forms import CampaignError
from wennuan_xl.files.campaign_files import DEFAULT_CAMPAIGN_DIR, load_campaign, load_rules
from wennuan_xl.files.previous import load_previous
from wennuan_xl.samples import consistent_values, write_plain_return

from .conftest import cover

MAPPING = """
previous_year:
  fields:
    A1.01A: A1.01Z          # renamed: last year it was A1.01Z
    A1_05: [A1.05Y, A1.05Z] # last year two items, this year one
    A1.02A: 新增            # new this year: no comparable figure
"""


def next_campaign(tmp_path: Path, mapping: str = MAPPING) -> Path:
    folder = tmp_path / "campaign-2018"
    shutil.copytree(DEFAULT_CAMPAIGN_DIR, folder)
    main_file = folder / "campaign.yaml"
    text = main_file.read_text(encoding="utf-8")
    assert "previous_year:\n  fields: {}\n" in text
    main_file.write_text(text.replace("previous_year:\n  fields: {}\n", mapping.lstrip()), encoding="utf-8")
    return folder


def last_years_detail(path: Path) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "明细"
    ws.append(["单位", "上报情况", "附件1计入汇总", "附件2计入汇总", "A1.01Z", "A1.01B", "A1.05Y", "A1.05Z", "A1.02A"])
    ws.append(["市中区总工会", "已报", "是", "", 121500, 3000, 10.25, 2.25, 900])
    ws.append(["沙湾区总工会", "已报", "是", "", 20000, 800, 3, None, 400])
    book.save(path)
    return path


def test_renamed_merged_and_new_fields_compare_as_the_mapping_says(tmp_path):
    campaign = load_campaign(next_campaign(tmp_path))
    assert campaign.previous_fields == {"A1.01A": ("A1.01Z",), "A1.05": ("A1.05Y", "A1.05Z"), "A1.02A": ()}
    previous = load_previous(last_years_detail(tmp_path / "2017汇总.xlsx"), campaign, load_rules(campaign))
    assert previous.values("市中区总工会") == {"A1.01A": 121500, "A1.01B": 3000, "A1.05": 12.5}
    assert previous.values("沙湾区总工会") == {"A1.01A": 20000, "A1.01B": 800}  # 05(Z) blank: no sum
    assert previous.totals["A1.01A"] == 141500 and previous.totals["A1.05"] == 15.5
    assert "A1.02A" not in previous.totals


def test_the_mapping_reaches_the_findings(tmp_path, capsys):
    folder = next_campaign(tmp_path)
    campaign = load_campaign(folder)
    values = consistent_values(random.Random(4), 0.3) | {"A1.01A": 182_000}
    for code in ("A1.05", "A1.05A", "A1.05B", "A1.05C", "A1.05D", "A1.05E"):
        values[code] = round(float(values[code]) * 10_000, 2)
    values["A1.02A"], values["A1.02B"], values["A1.03A"] = 0, 0, 0
    for code in ("A1.03B", "A1.03C", "A1.03D", "A1.03E", "A1.03F"):
        values[code] = 0
    path = write_plain_return(tmp_path / "市中区.xlsx", campaign, values, cover("市中区总工会", 2018), ("A1",))
    detail = last_years_detail(tmp_path / "2017汇总.xlsx")
    main(["--campaign", str(folder), "check", str(path), "--previous", str(detail), "--json"])
    findings = {f["rule"]: f for f in json.loads(capsys.readouterr().out)["findings"]}
    assert findings["PY-A1-01A-UP"]["previous"] == {"A1.01A": 121500}
    assert findings["PY-A1-05-X10"]["previous"] == {"A1.05": 12.5}
    assert "PY-A1-02A-GONE" not in findings  # new this year: last year's A1.02A is another field


def test_a_folder_of_last_years_returns_leaves_out_what_the_mapping_moved(tmp_path, rules):
    from wennuan_xl.core.previous import same_meaning

    campaign = load_campaign(next_campaign(tmp_path))
    assert {"A1.01A", "A1.05", "A1.02A"}.isdisjoint(same_meaning(campaign)) and "A1.01B" in same_meaning(campaign)
    last = tmp_path / "2017"
    last.mkdir()
    write_plain_return(last / "市中区.xlsx", campaign, consistent_values(random.Random(2), 0.3), cover("市中区总工会", 2017))
    previous = load_previous(last, campaign, load_rules(campaign), workers=1)
    assert previous.folder and {"A1.01A", "A1.05", "A1.02A"}.isdisjoint(previous.values("市中区总工会"))
    assert "A1.01B" in previous.values("市中区总工会") and "A1.01A" not in previous.totals
    assert any("今年改了代码、合并或新增的指标不作上年同期比较：A1.01A、A1.02A、A1.05" in n for n in previous.notes)


BAD = {
    "unknown this year's code": ("fields: {A1.99Z: A1.01A}", "A1.99Z 不是今年表样中的指标代码"),
    "bad last year's code": ("fields: {A1.01A: 职工总数}", "A1.01A 的上年代码“职工总数”格式不对"),
    "merged 是/否": ("fields: {A2.06B: [A2.06B, A2.06C]}", "A2.06B 是“是/否”项，不能由上年的几项相加得出"),
    "not a table": ("fields: [A1.01A]", "应为“fields: {今年代码: 上年代码}”的表"),
    "written twice": ("fields: {A1.01A: A1.01Z, A1_01A: A1.01Y}", "A1_01A 写了两次"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_mistake_in_the_mapping_names_campaign_yaml(tmp_path, case, capsys):
    mapping, said = BAD[case]
    folder = next_campaign(tmp_path, f"previous_year:\n  {mapping}\n")
    with pytest.raises(CampaignError) as exc:
        load_campaign(folder)
    assert "campaign.yaml" in str(exc.value) and said in str(exc.value)
    assert main(["--campaign", str(folder), "template", "--out", str(tmp_path / "out")]) == 3
    assert said in capsys.readouterr().err
