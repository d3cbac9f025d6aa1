"""The compiled campaign's disk cache: what it returns is what the loaders return; any change of the
campaign's files, a corrupt or foreign cache file, or no cache folder at all only costs a reload."""

from __future__ import annotations

import os
import pickle
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from wennuan_xl.core.check import check_return
from wennuan_xl.files import campaign_cache
from wennuan_xl.files.campaign_files import DEFAULT_CAMPAIGN_DIR, load_campaign, load_rules
from wennuan_xl.samples import return_from_values


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(campaign_cache.ENV_DIR, str(folder))
    return folder


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """Each real load of the YAML files, recorded."""
    calls: list[str] = []
    real = campaign_cache.load_campaign

    def counting(folder=None, roster=None):
        calls.append(str(folder))
        return real(folder, roster)

    monkeypatch.setattr(campaign_cache, "load_campaign", counting)
    return calls


@pytest.fixture
def folder(tmp_path) -> Path:
    """A copy of the shipped campaign, free to edit."""
    target = tmp_path / "campaign"
    shutil.copytree(DEFAULT_CAMPAIGN_DIR, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def _findings(campaign, rules):
    values = {"A1.02A": 1200, "A1.02B": 1250, "A1.05": 10, "A1.05A": 3, "A1.05B": 3}
    report = check_return(return_from_values(campaign, values, forms=("A1",)), campaign, rules)
    return [(f.rule, f.severity, f.codes, f.message) for f in report.findings]


def test_a_second_load_comes_from_the_cache_and_equals_the_loaders(cache, loads):
    first = campaign_cache.compiled_campaign()
    second = campaign_cache.compiled_campaign()
    assert len(loads) == 1, "the second call read no YAML"
    assert len(list(cache.glob("campaign-*.pickle"))) == 1
    campaign = load_campaign()
    rules = load_rules(campaign)
    for got in (first, second):
        assert got[0] == campaign and got[1] == rules
        assert all(r.test is not None for r in got[1].rules)  # compiled again on load
    # The rules from the cache check a return as freshly loaded rules do.
    assert _findings(*second) == _findings(campaign, rules)
    assert any(rule == "A1-02" for rule, *_ in _findings(*second))


def test_an_edited_rules_file_is_a_new_campaign(cache, loads, folder):
    before = campaign_cache.compiled_campaign(folder)[1]
    path = folder / "rules_annex1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("{id: A1-02,", "{id: A1-02X,", 1), encoding="utf-8")
    after = campaign_cache.compiled_campaign(folder)[1]
    assert len(loads) == 2
    assert "A1-02" in before.ids and "A1-02X" in after.ids and "A1-02" not in after.ids


def test_an_edited_roster_is_a_new_campaign(cache, loads, folder):
    campaign_cache.compiled_campaign(folder)
    with open(folder / "roster.csv", "a", encoding="utf-8") as fh:
        fh.write("新成立的工会,是\n")
    campaign, _ = campaign_cache.compiled_campaign(folder)
    assert len(loads) == 2 and campaign.roster[-1].name == "新成立的工会"


def test_another_package_version_does_not_reuse_the_file(cache, loads, monkeypatch):
    campaign_cache.compiled_campaign()
    monkeypatch.setattr(campaign_cache, "__version__", "99.0")
    campaign_cache.compiled_campaign()
    assert len(loads) == 2 and len(list(cache.glob("campaign-*.pickle"))) == 2


@pytest.mark.parametrize("content", [
    b"",  # truncated to nothing
    b"\x80\x05garbage",  # a broken pickle
    pickle.dumps(["somebody", "else's", "file"]),  # a pickle of something else
    pickle.dumps({"format": "another tool 1", "key": "x"}),
])
def test_a_corrupt_or_foreign_cache_file_is_ignored_and_rebuilt(cache, loads, content):
    campaign_cache.compiled_campaign()
    (path,) = cache.glob("campaign-*.pickle")
    path.write_bytes(content)
    campaign, rules = campaign_cache.compiled_campaign()
    assert len(loads) == 2
    assert campaign == load_campaign() and rules == load_rules(campaign)
    with open(path, "rb") as fh:
        assert pickle.load(fh)["format"] == campaign_cache.FORMAT  # rewritten whole
    campaign_cache.compiled_campaign()
    assert len(loads) == 2


def test_a_cache_file_whose_key_does_not_match_is_not_used(cache, loads, folder):
    campaign_cache.compiled_campaign(folder)
    (path,) = cache.glob("campaign-*.pickle")
    with open(path, "rb") as fh:
        data = pickle.load(fh)
    data["key"] = "0" * 64  # say, a copy of another machine's cache under this name
    path.write_bytes(pickle.dumps(data))
    campaign_cache.compiled_campaign(folder)
    assert len(loads) == 2


def test_no_writable_cache_folder_still_loads(tmp_path, monkeypatch, loads):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(campaign_cache.ENV_DIR, str(blocker / "cache"))
    campaign, rules = campaign_cache.compiled_campaign()
    assert campaign == load_campaign() and rules == load_rules(campaign)
    assert not list(tmp_path.glob("**/.campaign-*.tmp"))


def test_a_broken_campaign_is_reported_as_the_loader_reports_it(cache, folder):
    (folder / "rules_cross.yaml").write_text("rules: [\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"rules_cross\.yaml"):
        campaign_cache.compiled_campaign(folder)
    assert not list(cache.glob("campaign-*.pickle"))


def test_a_rules_file_outside_the_folder_is_checked_on_every_load(cache, loads, folder, tmp_path):
    outside = tmp_path / "extra_rules.yaml"
    outside.write_text("rules:\n  - {id: X-1, severity: 提示, rule: A1_01A>=0, message: \"{A1_01A} 小于 0\"}\n", encoding="utf-8")
    main = folder / "campaign.yaml"
    main.write_text(main.read_text(encoding="utf-8").replace("rules_previous.yaml]", "rules_previous.yaml, ../extra_rules.yaml]"), encoding="utf-8")
    assert "X-1" in campaign_cache.compiled_campaign(folder)[1].ids
    outside.write_text(outside.read_text(encoding="utf-8").replace("X-1", "X-2"), encoding="utf-8")
    assert "X-2" in campaign_cache.compiled_campaign(folder)[1].ids
    assert len(loads) == 2


def test_with_tolerance_equals_loading_the_rules_for_that_tolerance(campaign, rules):
    got_campaign, got_rules = campaign_cache.with_tolerance(campaign, rules, 0.5)
    assert got_campaign == replace(campaign, tolerance=0.5)
    assert got_rules == load_rules(replace(campaign, tolerance=0.5))
    assert campaign_cache.with_tolerance(campaign, rules, None) == (campaign, rules)


def test_cache_folder_per_platform(monkeypatch, tmp_path):
    monkeypatch.delenv(campaign_cache.ENV_DIR, raising=False)
    monkeypatch.setattr(campaign_cache.sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\clerk\AppData\Local")
    assert campaign_cache.cache_dir() == Path(r"C:\Users\clerk\AppData\Local") / "wennuan-xl" / "cache"
    monkeypatch.setattr(campaign_cache.sys, "platform", "linux")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert campaign_cache.cache_dir() == tmp_path / "wennuan-xl"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert campaign_cache.cache_dir() == Path.home() / ".cache" / "wennuan-xl"


def test_a_campaign_pickled_by_an_older_class_is_rebuilt_not_used(cache, loads):
    # The same package version changed in place (a new field on Campaign): the old pickle lacks the field, and
    # using it would fail later with an AttributeError in the middle of a run.
    campaign, _ = campaign_cache.compiled_campaign()
    (path,) = cache.glob("campaign-*.pickle")
    data = pickle.loads(path.read_bytes())
    del data["campaign"].__dict__["contact"]
    path.write_bytes(pickle.dumps(data))
    again, _ = campaign_cache.compiled_campaign()
    assert again.contact == campaign.contact and len(loads) == 2


def test_the_key_covers_the_code_that_builds_the_campaign(cache, folder):
    before = campaign_cache._key(folder, None)[0]
    core = Path(campaign_cache.__file__).resolve().parent.parent / "core" / "forms.py"
    info = core.stat()
    os.utime(core, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000))
    try:
        assert campaign_cache._key(folder, None)[0] != before
    finally:
        os.utime(core, ns=(info.st_atime_ns, info.st_mtime_ns))
