"""Benchmark: writing the consolidated workbook's 明细 sheet, xlsxwriter cell by cell against our streamed XML.

    python benchmarks/detail.py 1000             # N units, 5 rounds each
    python benchmarks/detail.py 10000 --rounds 1

Builds one consolidation of N units in memory (wennuan_xl/generated.py: checked returns, with errors,
texts and units that sent 附件1 only), then writes the 明细 sheet of it into a workbook of its own, in
turns: the writer the workbook used before (``files/consolidated._write_table`` over the ``Table`` of
cells: xlsxwriter's ``write_number`` / ``write_string`` per cell) and the streamed one
(``files/sheet_stream.write_detail``). Both in constant-memory mode, both timed from the consolidation to
the closed .xlsx (building the rows, writing them, xlsxwriter's copy and zip), both in this process, so
the machine's load falls on both alike. Prints CPU and wall seconds (best and median of the rounds), the
ratio, and each writer's peak of Python memory while writing (tracemalloc, in a round of its own: tracing
slows Python down), which is what "constant memory" promises: the same at N = 1,000 and 10,000.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import xlsxwriter

from wennuan_xl.core.consolidate import consolidate
from wennuan_xl.core.tables import detail_sheet, detail_table
from wennuan_xl.files import consolidated
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.files.sheet_stream import write_detail
from wennuan_xl.generated import many_returns


def write(kind: str, result, campaign, folder: Path) -> Path:
    out = folder / f"{kind}.xlsx"
    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "tmpdir": str(folder)})
    styles = consolidated._Styles(wb)
    if kind == "xlsxwriter":
        consolidated._write_table(wb, styles, detail_table(result, campaign))
    else:
        write_detail(wb, styles, detail_sheet(result, campaign), folder)
    wb.close()
    return out


def timed(kind: str, result, campaign, folder: Path) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    write(kind, result, campaign, folder)
    return time.process_time() - cpu, time.perf_counter() - wall


def peak_mb(kind: str, result, campaign, folder: Path) -> float:
    tracemalloc.start()
    try:
        write(kind, result, campaign, folder)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=1000, help="units")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    campaign = load_campaign()
    rules = load_rules(campaign)
    start = time.perf_counter()
    campaign, returns = many_returns(campaign, rules, args.n)
    result = consolidate(returns, campaign, rules)
    fields = sum(1 for _ in campaign.fields())
    print(f"明细: {args.n:,} units x {fields} fields (+ 4 fixed columns), built in {time.perf_counter() - start:.1f} s")
    kinds = ("xlsxwriter", "streamed")
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in kinds}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sizes = {k: write(k, result, campaign, folder).stat().st_size for k in kinds}  # warm-up, and the sizes
        for _ in range(args.rounds):
            for kind in kinds:
                times[kind].append(timed(kind, result, campaign, folder))
        peaks = {k: peak_mb(k, result, campaign, folder) for k in kinds}
    print(f"{'writer':<12} {'CPU best':>9} {'CPU median':>11} {'wall best':>10} {'wall median':>12} {'peak Python':>12} {'file':>9}")
    for kind in kinds:
        cpu = [c for c, _ in times[kind]]
        wall = [w for _, w in times[kind]]
        print(f"{kind:<12} {min(cpu):>8.3f}s {statistics.median(cpu):>10.3f}s {min(wall):>9.3f}s "
              f"{statistics.median(wall):>11.3f}s {peaks[kind]:>10.1f}MB {sizes[kind] / 2**20:>7.1f}MB")
    old, new = (min(c for c, _ in times[k]) for k in kinds)
    old_med, new_med = (statistics.median(c for c, _ in times[k]) for k in kinds)
    print(f"ratio (CPU, xlsxwriter / streamed): best {old / new:.1f}x, median {old_med / new_med:.1f}x; "
          f"{args.rounds} rounds at N = {args.n:,}")


if __name__ == "__main__":
    main()
