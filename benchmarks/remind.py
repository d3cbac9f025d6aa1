"""Benchmark: what the 催报清单 and the 上报进度 chart cost a consolidation of N units.

    python benchmarks/remind.py 1000            # N units, 5 rounds each
    python benchmarks/remind.py 10000 --rounds 3

Builds one consolidation of N units in memory (wennuan_xl/generated.py: checked returns, some with 错误),
with one unit in ten sending nothing, then times, in this process, each step the 催报 work adds: the
reminders (core/remind.py), the 上报进度 counts, the 催报清单 as a sheet's rows, the --remind file as .xlsx
and as .csv, and the whole consolidated workbook they are part of. CPU seconds (``time.process_time``),
median of the rounds; the share of the workbook's time is measured in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wennuan_xl.core.consolidate import consolidate
from wennuan_xl.core.remind import progress, remind_dates, remind_table, reminders
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.files.consolidated import write_consolidated
from wennuan_xl.files.remind import write_reminder_file
from wennuan_xl.generated import many_returns

DAY = dt.date(2017, 1, 21)


def timed(rounds: int, step) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        step()
        times.append(time.process_time() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    base = load_campaign()
    rules = load_rules(base)
    campaign, returns = many_returns(base, rules, args.n)
    returns = [r for i, r in enumerate(returns) if i % 10 != 7]  # one unit in ten sent nothing
    result = consolidate(returns, campaign, rules)
    dates = remind_dates(campaign, DAY)
    found = reminders(result, campaign, dates)
    print(f"{args.n} units, {len(found)} to chase; CPU seconds, median of {args.rounds}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table = remind_table(result, campaign, dates)
        figures = {
            "reminders (core)": timed(args.rounds, lambda: reminders(result, campaign, dates)),
            "上报进度 counts": timed(args.rounds, lambda: progress(result, campaign)),
            "催报清单 rows": timed(args.rounds, lambda: list(remind_table(result, campaign, dates).rows)),
            "--remind .xlsx": timed(args.rounds, lambda: write_reminder_file(table, folder / "催报.xlsx", (), "", "")),
            "--remind .csv": timed(args.rounds, lambda: write_reminder_file(table, folder / "催报.csv", (), "", "")),
            "whole workbook": timed(args.rounds, lambda: write_consolidated(result, campaign, folder / "汇总.xlsx", day=DAY)),
        }
    whole = figures["whole workbook"]
    for name, seconds in figures.items():
        share = f"  ({seconds / whole:.1%} of the workbook)" if name != "whole workbook" else ""
        print(f"  {name:<18} {seconds:8.3f} s{share}")


if __name__ == "__main__":
    main()
