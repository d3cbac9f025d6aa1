"""The 实名制 list's files (namelist.yaml, rules_namelist.yaml, division_codes.csv) are read by the campaign
loader, not by the core: the core builds the list's form from the data the Campaign carries. A mistake in one
of them stops loading with the file named, in Chinese, as a mistake in the annexes' files does."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pytest

from wennuan_xl.core.forms import CampaignError
from wennuan_xl.core.namelist.spec import namelist_spec
from wennuan_xl.core.rules import RuleError
from wennuan_xl.files import campaign_cache
from wennuan_xl.files.campaign_files import DEFAULT_CAMPAIGN_DIR, load_campaign


@pytest.fixture
def folder(tmp_path) -> Path:
    target = tmp_path / "campaign"
    shutil.copytree(DEFAULT_CAMPAIGN_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def test_the_shipped_campaign_carries_its_list_and_the_division_codes():
    campaign = load_campaign()
    assert campaign.namelist is not None
    spec = namelist_spec(campaign)
    assert spec is not None
    assert spec.divisions["511102"].name == "市中区"
    assert len(spec.divisions) > 3000
    assert spec.source.endswith("namelist.yaml")


def test_a_campaign_folder_without_namelist_yaml_has_no_list(folder):
    (folder / "namelist.yaml").unlink()
    campaign = load_campaign(folder)
    assert campaign.namelist is None
    assert namelist_spec(campaign) is None


def test_the_list_travels_by_pickle_and_is_built_again_without_any_file(folder):
    campaign = load_campaign(folder)
    shipped = pickle.dumps(campaign)
    shutil.rmtree(folder)  # a worker process gets the campaign, not the folder
    copy = pickle.loads(shipped)
    spec = namelist_spec(copy)  # its sources are new objects: built from them, not from a cache
    assert spec is not None and "511102" in spec.divisions and spec.reconcile


def test_a_division_code_that_is_not_six_digits_stops_loading(folder):
    path = folder / "division_codes.csv"
    path.write_text(path.read_text(encoding="utf-8") + "51110,半个代码,,\n", encoding="utf-8")
    with pytest.raises(CampaignError, match=r"division_codes\.csv.*“51110”不是 6 位数字"):
        load_campaign(folder)


def test_a_missing_division_file_stops_loading(folder):
    (folder / "division_codes.csv").unlink()
    with pytest.raises(CampaignError, match=r"division_codes\.csv: 无法读取"):
        load_campaign(folder)


def test_a_division_file_not_in_utf8_is_said_so(folder):
    path = folder / "division_codes.csv"
    path.write_bytes("代码,名称\n511102,市中区\n".encode("gb18030"))
    with pytest.raises(CampaignError, match="不是 UTF-8"):
        load_campaign(folder)


def test_an_unknown_list_check_in_the_rules_stops_loading(folder):
    path = folder / "rules_namelist.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("check: id_checksum", "check: id_checksums", 1), encoding="utf-8")
    with pytest.raises(RuleError, match=r"rules_namelist\.yaml.*id_checksums"):
        load_campaign(folder)


def test_namelist_yaml_without_its_division_file_is_said_so(folder):
    path = folder / "namelist.yaml"
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("divisions:")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CampaignError, match="缺少 divisions"):
        load_campaign(folder)


def test_an_edited_division_file_is_a_new_cached_campaign(folder, tmp_path, monkeypatch):
    monkeypatch.setenv(campaign_cache.ENV_DIR, str(tmp_path / "cache"))
    first, _ = campaign_cache.compiled_campaign(folder)
    spec = namelist_spec(first)
    assert spec is not None and "519999" not in spec.divisions
    path = folder / "division_codes.csv"
    path.write_text(path.read_text(encoding="utf-8") + "519999,试验区,2016,\n", encoding="utf-8")
    second, _ = campaign_cache.compiled_campaign(folder)
    spec = namelist_spec(second)
    assert spec is not None and spec.divisions["519999"].name == "试验区"


def test_the_division_codes_are_parsed_when_a_list_first_needs_them():
    """A check of an annex without a list never parses the 7,185 division codes (the cached campaign was
    checked when it was built); the first ID looked up parses them."""
    from wennuan_xl.files.isolated import set_state
    from wennuan_xl.files.namelist_isolated import _check_any_task

    campaign, rules = campaign_cache.compiled_campaign()
    copy = pickle.loads(pickle.dumps(campaign))  # new sources: a spec of their own, as in a fresh process
    set_state(copy, rules)
    annex = DEFAULT_CAMPAIGN_DIR.parent.parent / "workbooks" / "samples" / "returns" / "犍为县-附件1.xlsx"
    status, report, namelist = _check_any_task(str(annex), annex.name, True)
    assert status == "ok" and report is not None and namelist is None
    spec = namelist_spec(copy)
    assert spec is not None and spec.divisions._table is None  # type: ignore[attr-defined]
    assert spec.divisions["511102"].name == "市中区"
    assert spec.divisions._table is not None  # type: ignore[attr-defined]
