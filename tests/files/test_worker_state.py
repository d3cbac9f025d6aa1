"""The caller's campaign and rules are the ones every return is checked with, whether the workers are forked
(Linux) or spawned (Windows, or a parent with threads): ``wennuan check`` checks in the workers (campaign and
rules pickled once per worker, never reloaded from the campaign folder); a consolidation locates in the
workers and checks the located data in the parent."""

from __future__ import annotations

import multiprocessing
import pickle
import shutil
from pathlib import Path

import pytest

from wennuan_xl.core.findings import Severity
from wennuan_xl.files import isolated
from wennuan_xl.files.bulk import read_folder
from wennuan_xl.files.campaign_cache import with_tolerance
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.files.isolated import check_files

SAMPLES = Path(__file__).resolve().parents[2] / "workbooks" / "samples" / "returns"
# A rule of the caller's own: it fires on every return with 01(A) filled, and only when the tolerance is large.
EXTRA = """
rules:
  - {id: T-WORKER, severity: 提示, rule: "OR(TOLERANCE<100,A1_01A<0)", message: "{A1_01A}，误差 {=TOLERANCE}"}
"""


@pytest.fixture(params=["fork", "spawn"])
def start_method(request, monkeypatch):
    monkeypatch.setattr(isolated, "_context", lambda: multiprocessing.get_context(request.param))
    return request.param


@pytest.fixture
def folder(tmp_path) -> Path:
    out = tmp_path / "returns"
    out.mkdir()
    for path in sorted(SAMPLES.glob("*附件1*.xlsx"))[:4]:
        shutil.copyfile(path, out / path.name)
    return out


@pytest.fixture(params=["consolidate", "check"])
def worker_findings(request):
    def run(folder: Path, campaign, rules) -> dict[str, list[str]]:
        if request.param == "consolidate":
            returns = read_folder(folder, campaign, rules, workers=2)
            assert all(not r.error for r in returns), [r.error for r in returns]
            return {r.file: [f.message for f in r.findings if f.rule == "T-WORKER"] for r in returns}
        files = sorted(folder.iterdir())
        reports = check_files([(str(p), p.name) for p in files], campaign, rules, workers=2)
        return {r.file: [f.message for f in r.findings if f.rule == "T-WORKER"] for r in reports}

    return run


def test_the_callers_rules_and_tolerance_reach_every_check(tmp_path, folder, start_method, worker_findings):
    campaign = load_campaign()
    extra = tmp_path / "rules_extra.yaml"
    extra.write_text(EXTRA, encoding="utf-8")
    rules = load_rules(campaign, list(campaign.rule_files) + [extra])
    assert all(m == [] for m in worker_findings(folder, campaign, rules).values())  # tolerance 0.01: holds
    campaign, rules = with_tolerance(campaign, rules, 100.0)
    found = worker_findings(folder, campaign, rules)
    assert len(found) == 4
    for file, messages in found.items():
        assert len(messages) == 1 and messages[0].endswith("，误差 100"), (file, messages)


def test_a_rule_pickles_as_its_formula_and_compiles_itself_again():
    campaign = load_campaign()
    rules = load_rules(campaign)
    back = pickle.loads(pickle.dumps(rules))
    assert back == rules
    for before, after in zip(rules.rules, back.rules):
        assert after.test is not None and (after.precondition is None) == (before.when is None)
    rule = next(r for r in back.rules if r.id == "A1-02")
    values = {"A1_02A": 1200.0, "A1_02B": 1250.0}
    assert rule.test is not None and rule.test(values.__getitem__) is False
    assert Severity.ERROR is rule.severity


def test_objects_set_aside_from_the_collector_for_a_run_are_handed_back_after_it(folder):
    """A pool's run freezes the heap (gc.freeze) for speed; the Excel add-in's Python may live on between clicks,
    so after a run, finished or abandoned halfway, nothing may stay frozen (frozen garbage is never freed)."""
    import gc

    from wennuan_xl.files.bulk import read_files

    campaign = load_campaign()
    rules = load_rules(campaign)
    assert gc.get_freeze_count() == 0
    assert len(read_folder(folder, campaign, rules, workers=2)) == 4
    assert gc.get_freeze_count() == 0
    jobs = [(str(p), p.name) for p in sorted(folder.iterdir())]
    running = read_files(jobs, campaign, rules, workers=2)
    next(running)
    assert gc.get_freeze_count() > 0  # frozen while the run goes on
    running.close()  # the caller stops reading (a clerk's Ctrl-C, an error in the caller)
    assert gc.get_freeze_count() == 0
    check_files(jobs, campaign, rules, workers=2)
    assert gc.get_freeze_count() == 0
