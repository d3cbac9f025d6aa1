"""Many units' checked returns, generated in memory (no files, no workers): what a consolidation of
thousands of units looks like, for the 明细 benchmark (benchmarks/detail.py) and the tests of the
consolidated workbook at scale.

A few dozen distinct returns are built from ``consistent_values`` and checked by the engine, some with
the mistakes units make (a 其中 larger than its total, ``约30`` in a count, a return of 附件1 only), then
repeated under N unit names: the consolidation sees N different units, with the findings, texts and
blanks a real run has, at a cost that does not grow with the checks.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from dataclasses import replace

from .core.check import check_return
from .core.consolidate import Returned, compact
from .core.forms import Campaign, RosterUnit
from .core.rules import RuleSet
from .samples import consistent_values, cover_for, return_from_values

SHEETS = {"A1": "附件1", "A2": "附件2"}


def unit_names(campaign: Campaign, n: int) -> list[str]:
    """The roster's units first, then made-up ones."""
    roster = [u.name for u in campaign.roster]
    return roster[:n] + [f"测试单位{i:05d}工会" for i in range(len(roster), n)]


def checked_return(campaign: Campaign, rules: RuleSet, name: str, values: Mapping[str, object],
                   forms: tuple[str, ...], rng: random.Random) -> Returned:
    data = return_from_values(campaign, values, cover=cover_for(rng, name), forms=forms, source=f"{name}.xlsx")
    report = check_return(data, campaign, rules)
    return compact(report, campaign, 0.0, None, {f: SHEETS.get(f, f) for f in forms})


def many_returns(campaign: Campaign, rules: RuleSet, n: int, seed: int = 0, distinct: int = 48,
                 odd: Iterable[tuple[str, Mapping[str, object]]] = ()) -> tuple[Campaign, list[Returned]]:
    """``n`` units on a roster naming them all, each with one return (both annexes, or 附件1 alone for
    about one in eleven), plus one off-roster return per ``odd`` entry: (填报单位 as typed, values to put
    over consistent ones — texts a unit may type anywhere). Returns the campaign with that roster."""
    names = unit_names(campaign, n)
    campaign = replace(campaign, roster=tuple(RosterUnit(name) for name in names))
    both = tuple(f.id for f in campaign.forms)
    base: list[tuple[Returned, tuple[str, ...]]] = []
    for k in range(min(distinct, max(n, 1))):
        rng = random.Random(seed * 100_003 + k)
        values = consistent_values(rng, rng.uniform(0.2, 2))
        if k % 5 == 1:
            values["A1.02B"] = int(values["A1.02A"]) + 5  # type: ignore[call-overload]  # 错误 A1-02
        if k % 7 == 2:
            values["A1.03A"] = "约30"  # 错误 F-NUMBER: a text in a count
        forms = both[:1] if k % 11 == 3 else both
        base.append((checked_return(campaign, rules, names[k], values, forms, rng), forms))
    out = []
    for i, name in enumerate(names):
        returned, _ = base[i % len(base)]
        out.append(replace(returned, file=f"{i:05d}-{name}.xlsx", unit_typed=name))
    for j, (typed, changes) in enumerate(odd):
        rng = random.Random(seed * 100_003 + 50_000 + j)
        values = {**consistent_values(rng, 0.5), **changes}
        returned = checked_return(campaign, rules, typed, values, both, rng)
        out.append(replace(returned, file=f"odd-{j:03d}.xlsx", unit_typed=typed))
    return campaign, out
