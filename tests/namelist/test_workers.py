"""A list is checked in the workers with the caller's list form, forked (Linux) or spawned (Windows): the
Campaign carries what the loader read of namelist.yaml, rules_namelist.yaml and the division codes, and a
worker builds the list's form from that, never from the campaign folder."""

from __future__ import annotations

import multiprocessing
import random
from dataclasses import replace

import pytest

from wennuan_xl.files import isolated
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.files.namelist_isolated import check_files_and_lists

from .lists import person, write_list


@pytest.fixture(params=["fork", "spawn"])
def start_method(request, monkeypatch):
    monkeypatch.setattr(isolated, "_context", lambda: multiprocessing.get_context(request.param))
    return request.param


def test_the_callers_amount_threshold_reaches_the_workers(tmp_path, start_method):
    campaign = load_campaign()
    rules = load_rules(campaign)
    sources = campaign.namelist
    assert sources is not None
    lowered = dict(sources.rules)
    lowered["row_checks"] = [dict(c, max=400) if c.get("check") == "amount_max" else c for c in sources.rules["row_checks"]]
    mine = replace(campaign, namelist=replace(sources, rules=lowered))
    rng = random.Random(3)
    paths = [write_list(tmp_path / f"{i}.xlsx", "市中区总工会", [person(rng, amount=500)]) for i in range(2)]
    jobs = [(str(p), p.name) for p in paths]
    for camp, fires in ((campaign, False), (mine, True)):
        _, lists = check_files_and_lists(jobs, camp, rules, workers=2)
        assert len(lists) == 2
        for lst in lists:
            high = [f for f in lst.findings if f.rule == "L-AMOUNT-HIGH"]
            assert bool(high) is fires, (start_method, [f.message for f in lst.findings])
            if fires:
                assert "400" in high[0].message
