"""Benchmark: 层层汇总 — N base returns under K county unions, consolidated level by level and all at once.

    python benchmarks/rollup.py                 # N = 160 base returns, K = 16 counties
    python benchmarks/rollup.py --n 800 --k 16

Builds N plain base returns (both annexes, ``consistent_values``) split over K counties, then times, in this
run: each county's consolidation of its own returns (``jobs.consolidate_folder`` with ``--unit``), the city's
consolidation of the K roll-ups, and the city's consolidation of all N base returns at once; then 溯源's work
on the city workbook (its sheets read back and checked by ``core.rollup_read.read_record``, one total traced).
Wall and CPU seconds (this process and its worker processes) with the load average; asserts that both city
consolidations give the same totals and base counts, and prints each roll-up's size as the guard counts it
(value cells, against ``files.limits``), so the largest roll-up the guard admits can be read off.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wennuan_xl.core.provenance import trace
from wennuan_xl.core.rollup_read import read_record
from wennuan_xl.files import limits
from wennuan_xl.files.read import read_workbook
from wennuan_xl.jobs import consolidate_folder, settings
from wennuan_xl.samples import consistent_values, cover_for, write_plain_return


def cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(label: str, fn):
    wall, used = time.perf_counter(), cpu()
    out = fn()
    wall, used = time.perf_counter() - wall, cpu() - used
    print(f"{label:<58} {wall:8.2f} s wall {used:8.2f} s CPU")
    return out, wall, used


def value_cells(path: Path) -> int:
    return sum(1 for s in read_workbook(path).sheets for row in s.rows for v in row if v not in (None, ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=160, help="base returns in all")
    parser.add_argument("--k", type=int, default=16, help="county unions")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="wennuan-rollup-"))
    try:
        print(f"N = {args.n} base returns under K = {args.k} counties; load average {os.getloadavg()[0]:.1f}")
        campaign = settings().campaign
        rng = random.Random(7)
        city, everything = work / "city", work / "all"
        city.mkdir()
        everything.mkdir()
        counties = [f"县{i:02d}总工会" for i in range(args.k)]
        members: dict[str, list[str]] = {c: [] for c in counties}
        for i in range(args.n):
            county = counties[i % args.k]
            unit = f"{county[:3]}第{i:04d}基层工会"
            members[county].append(unit)
            folder = work / county
            folder.mkdir(exist_ok=True)
            path = write_plain_return(folder / f"{unit}.xlsx", campaign, consistent_values(rng, 0.3), cover_for(rng, unit))
            shutil.copyfile(path, everything / path.name)
        everyone = work / "全部名单.csv"
        everyone.write_text("单位名称,选择汇总\n" + "".join(f"{u},是\n" for us in members.values() for u in us), encoding="utf-8")
        county_seconds = county_cpu = 0.0
        for county, units in members.items():
            roster = work / f"{county}.csv"
            roster.write_text("单位名称,选择汇总\n" + "".join(f"{u},是\n" for u in units), encoding="utf-8")
            job = settings(roster=roster, unit=county, workers=args.workers)
            t0, c0 = time.perf_counter(), cpu()
            consolidate_folder(work / county, city / f"{county}-汇总.xlsx", job)
            county_seconds += time.perf_counter() - t0
            county_cpu += cpu() - c0
        print(f"{'each county consolidates its own (all K together)':<58} {county_seconds:8.2f} s wall {county_cpu:8.2f} s CPU")
        # A roll-up's size: fixed sheets plus rows for each base return; the marginal cells from a second
        # roll-up of the first county holding half its returns.
        first = counties[0]
        half = work / "half"
        half.mkdir()
        for unit in members[first][: len(members[first]) // 2]:
            shutil.copyfile(work / first / f"{unit}.xlsx", half / f"{unit}.xlsx")
        roster = work / f"{first}.csv"
        consolidate_folder(half, work / "half.xlsx", settings(roster=roster, unit=first, workers=args.workers))
        full_cells, half_cells = value_cells(city / f"{first}-汇总.xlsx"), value_cells(work / "half.xlsx")
        marginal = (full_cells - half_cells) / (len(members[first]) - len(members[first]) // 2)
        fixed = full_cells - marginal * len(members[first])
        print(f"a county roll-up of {len(members[first])} returns: {full_cells:,} value cells = {fixed:,.0f} fixed + "
              f"{marginal:.0f} per base return; the guard admits {limits.MAX_CELLS:,}: at most about "
              f"{(limits.MAX_CELLS - fixed) // marginal:,.0f} base returns in one roll-up")
        city_roster = work / "市名单.csv"
        city_roster.write_text("单位名称,选择汇总\n" + "".join(f"{c},是\n" for c in counties), encoding="utf-8")
        (stepped, out), wall_k, cpu_k = timed(f"the city consolidates the {args.k} roll-ups",
                                              lambda: consolidate_folder(city, work / "市-逐级.xlsx",
                                                                         settings(roster=city_roster, workers=args.workers)))
        (direct, _), wall_n, cpu_n = timed(f"the city consolidates all {args.n} base returns at once",
                                           lambda: consolidate_folder(everything, work / "市-直接.xlsx",
                                                                      settings(roster=everyone, workers=args.workers)))
        assert stepped.base_counts == direct.unit_counts, (stepped.base_counts, direct.unit_counts)
        for code, total in direct.totals.items():
            got = stepped.totals[code]
            assert got == total or math.isclose(float(got), float(total), abs_tol=1e-6), code  # type: ignore[arg-type]
        print(f"same totals and base counts; roll-ups / direct: {wall_k / wall_n:.2f} wall, {cpu_k / cpu_n:.2f} CPU")
        city_cells = value_cells(out)
        print(f"the city's workbook ({args.n} base returns below it): {city_cells:,} value cells, "
              f"{(city_cells - fixed) / args.n:.0f} per base return — what a province reading it would count")
        book, _, _ = timed("溯源: the city workbook read (calamine)", lambda: read_workbook(out))
        record, _, _ = timed("溯源: its sheets checked and the chain read (read_record)",
                             lambda: read_record(book, campaign, statuses=False))
        lines, _, _ = timed("溯源: one total traced", lambda: trace(record.origins, "A1.05", campaign))
        print(f"the trace of A1.05 has {len(lines)} lines ({sum(1 for x in lines if x.origin.level == 2)} base returns)")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
