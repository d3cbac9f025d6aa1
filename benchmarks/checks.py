"""Benchmark: the checks of N located returns, one by one (``check_return``) and column-wise (``check_returns``).

    python benchmarks/checks.py            # N = 1,000
    python benchmarks/checks.py 10000 --perturbed 0.2 --rounds 3
    python benchmarks/checks.py 1000 --previous   # also with last year's figures for the 上年同期 rules

Generates N units (``samples.consistent_values``, a share of them perturbed as clerks type: text, blanks,
“—”, numbers out of range, a total off its parts), locates them in memory (not timed), then times in the
same process, CPU time (``time.process_time``, best of ``--rounds``): the scalar loop, ``check_returns``
in chunks of 64 and of 256 (as ``files/bulk.py`` hands them over) and over all N at once. Prints ms per unit and the ratios,
and checks that the three give identical reports. ``--previous``: the same, in the same run, with last year's figures
for every roster unit (this year's scaled by factors around the 上年同期 rules' edges), so that the rules reading PREV
are evaluated, and the cost they add.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dataclasses import replace

from wennuan_xl.core.check import check_return
from wennuan_xl.core.forms import RosterUnit
from wennuan_xl.core.previous import PreviousYear
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.frame.columnar import check_returns
from wennuan_xl.samples import consistent_values, cover_for, return_from_values

TYPED = ["约30", None, "—", "", "12.5元", "2000万", -5, 3.5, "是", 10**7]
CHUNKS = (64, 256)


def units(n: int, perturbed: float, seed: int = 1, campaign=None):
    campaign = campaign or load_campaign()
    rng = random.Random(seed)
    names = [u.name for u in campaign.roster]
    codes = [f.code for f in campaign.fields()]
    datas = []
    for i in range(n):
        values = consistent_values(rng)
        if rng.random() < perturbed:
            if rng.random() < 0.3:
                values["A1.05"] = float(values["A1.05"]) + 0.01  # on the tolerance's edge
            for code in rng.sample(codes, rng.randint(1, 3)):
                values[code] = rng.choice(TYPED)
        datas.append(return_from_values(campaign, values, cover=cover_for(rng, names[i % len(names)]),
                                        source=f"{i:05d}.xlsx"))
    return datas


def last_year(datas, campaign, rules, seed: int = 2) -> PreviousYear:
    """Last year's figures of each unit (one return each): this year's, one unit in ten scaled past a rule's edge."""
    rng = random.Random(seed)
    units: dict[str, dict] = {}
    for data in datas:
        report = check_return(data, campaign, rules)
        factor = 1.0 if rng.random() < 0.9 else rng.choice([0.7, 1.5, 0.08, 12.0])
        units[report.unit] = {code: v / factor for code in rules.previous_codes
                              if isinstance(v := report.values.get(code), (int, float)) and not isinstance(v, bool)}
    return PreviousYear("benchmark", units, {})


def best(fn, rounds: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(rounds):
        start = time.process_time()
        out = fn()
        times.append(time.process_time() - start)
    return min(times), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--perturbed", type=float, default=0.2, help="share of units with typing mistakes")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--previous", action="store_true", help="also time the checks with last year's figures")
    args = parser.parse_args(argv)
    campaign = load_campaign()
    rules = load_rules(campaign)
    datas = units(args.n, args.perturbed)
    check_returns(datas[:64], campaign, rules)  # compile the vector rules once, as a long-lived process does

    def chunked(size: int) -> list:
        return [r for i in range(0, len(datas), size) for r in check_returns(datas[i:i + size], campaign, rules)]

    scalar_s, scalar = best(lambda: [check_return(d, campaign, rules) for d in datas], args.rounds)
    chunk_runs = {size: best(lambda size=size: chunked(size), args.rounds) for size in CHUNKS}
    whole_s, whole = best(lambda: check_returns(datas, campaign, rules), args.rounds)
    for got in [whole] + [out for _, out in chunk_runs.values()]:
        assert got == scalar, "the columnar reports differ from the per-return ones"
        assert all(a.skipped == b.skipped for a, b in zip(scalar, got))  # type: ignore[call-overload]

    n = len(datas)
    findings = sum(len(r.findings) for r in scalar)  # type: ignore[attr-defined]
    print(f"N = {n:,} units ({args.perturbed:.0%} perturbed, {findings:,} findings), CPU ms per unit, best of {args.rounds}")
    print(f"  scalar   check_return one by one      {scalar_s / n * 1000:7.3f}")
    for size, (seconds, _) in chunk_runs.items():
        print(f"  columnar check_returns, chunks of {size:<4} {seconds / n * 1000:7.3f}   {scalar_s / seconds:5.1f}x")
    print(f"  columnar check_returns, all {n:<8,} {whole_s / n * 1000:7.3f}   {scalar_s / whole_s:5.1f}x")
    print("  target: <= 0.6 ms per unit; reports identical: yes")
    if args.previous:
        # One roster unit per return (generated names), each with its own last year.
        own = replace(campaign, roster=tuple(RosterUnit(f"第{i:05d}号单位工会") for i in range(args.n)))
        mine = units(args.n, args.perturbed, campaign=own)
        with_previous = replace(rules, previous=last_year(mine, own, rules))
        check_returns(mine[:64], own, with_previous)

        def runs(ruleset) -> tuple[tuple[float, object], tuple[float, object]]:
            return (best(lambda: [check_return(d, own, ruleset) for d in mine], args.rounds),
                    best(lambda: [r for i in range(0, n, 256) for r in check_returns(mine[i:i + 256], own, ruleset)],
                         args.rounds))

        (plain_s, _), (plain_c, _) = runs(rules)
        (prev_s, prev_scalar), (prev_c, prev_chunk) = runs(with_previous)
        assert prev_chunk == prev_scalar, "the columnar reports differ from the per-return ones (with last year)"
        compared = sum(1 for r in prev_scalar for f in r.findings if f.previous)  # type: ignore[attr-defined]
        print(f"one roster unit per return, each with last year's figures ({len(rules.previous_codes)} fields, "
              f"{sum(1 for r in rules.rules if r.previous)} rules reading PREV, {compared:,} 上年同期 findings):")
        print(f"  scalar   check_return one by one       without {plain_s / n * 1000:7.3f}   with {prev_s / n * 1000:7.3f}"
              f"   {prev_s / plain_s:5.2f}x")
        print(f"  columnar check_returns, chunks of 256  without {plain_c / n * 1000:7.3f}   with {prev_c / n * 1000:7.3f}"
              f"   {prev_c / plain_c:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
