"""Benchmark: consolidating N generated returns, against a naive openpyxl loop and bare calamine reads.

    python benchmarks/consolidate.py 1000            # all stages
    python benchmarks/consolidate.py 10000 --no-naive
    python benchmarks/consolidate.py 1000 --no-naive --compare 806e3b7   # read stage and guard, also of that revision

Prints, for the same N files: our end-to-end run (read + check + consolidate + write), our read stage
alone, the read floor (the guard and calamine as our workers run them, nothing located, checked or written:
what any consolidation that keeps the guard spends at least), bare python-calamine reads (every sheet to
Python), and a naive loop (openpyxl load_workbook +
values by defined names); files/s for each, the ratios, and each stage's peak memory (its own process
plus its worker processes). Every stage runs in a fresh subprocess so peaks do not mix. The guard alone is
timed too (CPU ms per file in one process). ``--compare REV`` runs the end-to-end consolidation, the read stage and the guard once more
with the package as it was at that git revision (exported to a temp folder), in the same run, so the
before/after ratios to bare calamine come from one machine state.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(os.environ.get("WN_BENCH_ROOT") or Path(__file__).resolve().parent.parent)
sys.path.insert(0, str(ROOT))


@functools.cache
def _roster_names() -> tuple[str, ...]:
    from wennuan_xl.files.campaign_files import load_campaign

    return tuple(u.name for u in load_campaign().roster)


def unit_name(i: int) -> str:
    roster = _roster_names()
    return roster[i] if i < len(roster) else f"测试单位{i:05d}工会"


_CAMPAIGN: dict = {}  # one per generating process (each load also keeps the 实名制 list's form built for it)


def typed_name(i: int, off_roster: bool) -> str:
    """The 填报单位 unit i types: its roster name, or with ``off_roster`` for one unit in twenty a name slightly
    off the roster (a wrong character, so the roster index and difflib must find it), one in five of those
    no unit of the roster at all."""
    name = unit_name(i)
    if not off_roster or i % 20 != 7:
        return name
    if i % 100 == 7:
        return f"乐山市某某{i:05d}有限公司"
    return name.replace("单位", "单住", 1) if "单位" in name else name[:-3] + "工曾"


def _write_one(args: tuple[str, int, int, bool, bool]) -> None:
    from wennuan_xl.files.campaign_files import load_campaign
    from wennuan_xl.samples import consistent_values, cover_for, write_plain_return, write_template_return

    path, i, n, plain, off_roster = args
    rng = random.Random(n * 100_003 + i)
    campaign = _CAMPAIGN.get("campaign") or _CAMPAIGN.setdefault("campaign", load_campaign())
    write = write_plain_return if plain else write_template_return
    write(Path(path), campaign, consistent_values(rng, rng.uniform(0.2, 2)), cover_for(rng, typed_name(i, off_roster)),
          ("A1", "A2"))


def generate(folder: Path, n: int, plain: bool = False, off_roster: bool = False) -> Path:
    """N returns as units send them (the styled template, both annexes), and a roster naming them all."""
    from concurrent.futures import ProcessPoolExecutor

    folder.mkdir(parents=True, exist_ok=True)
    jobs = [(str(folder / f"return_{i:05d}.xlsx"), i, n, plain, off_roster) for i in range(n)
            if not (folder / f"return_{i:05d}.xlsx").exists()]
    if not jobs:
        return _roster(folder, n)
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        list(pool.map(_write_one, jobs, chunksize=16))
    return _roster(folder, n)


def _roster(folder: Path, n: int) -> Path:
    roster = folder.parent / f"{folder.name}-roster.csv"
    roster.write_text("单位名称,选择汇总\n" + "".join(f"{unit_name(i)},是\n" for i in range(n)), encoding="utf-8")
    return roster


def _reset_peak() -> None:
    """Linux keeps a process's peak RSS across fork and exec: a stage started by a parent that had grown
    (generating the returns) would report the parent's peak as its own. Reset it (VmHWM) at the stage's start;
    workers forked later start from the stage's real size."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text()
        own = int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1])
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _campaign(folder: Path):
    """The campaign with a roster naming every generated unit, as a clerk's roster would."""
    from dataclasses import replace

    from wennuan_xl.files.campaign_files import load_campaign, read_roster

    return replace(load_campaign(), roster=read_roster(folder.parent / f"{folder.name}-roster.csv"))


def stage(name: str, folder: Path) -> dict:
    _reset_peak()
    files = sorted(folder.glob("*.xlsx"))
    start = time.perf_counter()
    if name == "ours":
        from wennuan_xl.files.campaign_files import load_rules
        from wennuan_xl.jobs import Settings, consolidate_folder

        campaign = _campaign(folder)
        consolidate_folder(folder, Path(tempfile.mkdtemp()) / "汇总.xlsx", Settings(campaign, load_rules(campaign)))
    elif name == "read":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(_read_and_locate, map(str, files), chunksize=64))
    elif name == "floor":
        from concurrent.futures import ProcessPoolExecutor

        import python_calamine  # noqa: F401 - imported before the fork, as our pool does

        from wennuan_xl.files import read  # noqa: F401

        with ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(_guard_and_read, map(str, files), chunksize=64))
    elif name == "calamine":
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(os.cpu_count()) as pool:
            list(pool.map(_calamine_read, map(str, files), chunksize=64))
    elif name == "guard":
        from wennuan_xl.files import guard

        datas = [p.read_bytes() for p in files]
        cpu = time.process_time()
        for path, data in zip(files, datas):
            guard.inspect(data, path.name)
        cpu = time.process_time() - cpu
        return {"stage": name, "files": len(files), "seconds": time.perf_counter() - start, "cpu_ms": cpu * 1000 / len(files),
                "peak_mb": _peak_mb()}
    elif name == "naive":
        import openpyxl

        for path in files:
            book = openpyxl.load_workbook(path, data_only=True)
            values = {}
            for dn_name, dn in book.defined_names.items():
                for sheet, ref in dn.destinations:
                    values[dn_name] = book[sheet][ref.replace("$", "")].value
            book.close()
    seconds = time.perf_counter() - start
    return {"stage": name, "files": len(files), "seconds": seconds, "peak_mb": _peak_mb(), "cpu_s": _cpu()}


def _cpu() -> float:
    """CPU seconds of this stage's process and of the worker processes it waited for."""
    own, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime


_LOADED: dict = {}


def _read_and_locate(path: str) -> int:
    from wennuan_xl.files.campaign_files import load_campaign
    from wennuan_xl.files.source import load_return

    if "campaign" not in _LOADED:
        _LOADED["campaign"] = load_campaign()
    data = load_return(path, _LOADED["campaign"])
    return sum(1 for f in data.forms for ref in f.cells.values() if ref is not None)


def _guard_and_read(path: str) -> int:
    """The file guarded and read to Python values as the workers do it, and nothing more: no locating, no checks,
    no consolidation, no workbook written. What any reader that keeps the guard's protections spends."""
    from wennuan_xl.files.read import read_workbook

    return sum(len(s.rows) for s in read_workbook(path).sheets)


def _calamine_read(path: str) -> int:
    import python_calamine as pc

    with open(path, "rb") as fh:
        book = pc.CalamineWorkbook.from_filelike(fh)
        cells = sum(len(book.get_sheet_by_name(n).to_python(skip_empty_area=False)) for n in book.sheet_names)
        book.close()
    return cells


def run_stage(name: str, folder: Path, root: Path | None = None) -> dict:
    env = dict(os.environ, WN_BENCH_ROOT=str(root)) if root else None
    out = subprocess.run(
        [sys.executable, __file__, "--stage", name, str(folder)], capture_output=True, text=True, check=True, env=env
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--stage":
        print(json.dumps(stage(sys.argv[2], Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--no-naive", action="store_true", help="skip the slow openpyxl loop")
    parser.add_argument("--plain", action="store_true", help="generate unstyled returns (fast; for large N)")
    parser.add_argument("--dir", help="where generated returns are kept (default: a cache under the temp dir)")
    parser.add_argument("--off-roster", action="store_true",
                        help="5 %% of the units type their name slightly off the roster (1 %% no roster unit at all)")
    parser.add_argument("--compare", metavar="REV", help="also time the read stage and the guard of this git revision")
    args = parser.parse_args()
    kind = ("plain" if args.plain else "styled") + ("-off" if args.off_roster else "")
    folder = Path(args.dir or Path(tempfile.gettempdir()) / f"wennuan-bench-{kind}-{args.n}")
    t = time.perf_counter()
    generate(folder, args.n, args.plain, args.off_roster)
    print(f"{args.n} {kind} returns in {folder} (generated or reused in {time.perf_counter() - t:.1f} s), {os.cpu_count()} cores")
    stages = ["ours", "read", "floor", "calamine", "guard"] + ([] if args.no_naive else ["naive"])
    results = {name: run_stage(name, folder) for name in stages}
    if args.compare:
        old = Path(tempfile.mkdtemp(prefix="wennuan-bench-rev-"))
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", args.compare, "wennuan_xl"], capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        # interleaved with ours again, so that a change in the machine's load shows in both
        results["ours_old"] = run_stage("ours", folder, old)
        results["read_old"] = run_stage("read", folder, old)
        results["guard_old"] = run_stage("guard", folder, old)
        results["read_again"] = run_stage("read", folder)
        results["calamine_again"] = run_stage("calamine", folder)
    for name, label in (("ours", "wennuan consolidate, end to end"), ("read", "wennuan read stage (read + locate fields)"),
                        ("floor", "guard + calamine only (the read floor)"),
                        ("calamine", "bare python-calamine reads"), ("naive", "naive openpyxl loop")):
        if name in results:
            r = results[name]
            print(f"{label:42s} {r['seconds']:8.2f} s  {r['files'] / r['seconds']:9.1f} files/s  peak {r['peak_mb']:6.1f} MB"
                  f"  CPU {r['cpu_s'] * 1000 / r['files']:6.2f} ms/file")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")
    if "naive" in results:
        print(f"speed-up end to end vs naive loop: {results['naive']['seconds'] / results['ours']['seconds']:.1f}x wall "
              f"(target >= 15x on this machine), {results['naive']['cpu_s'] / results['ours']['cpu_s']:.1f}x in CPU time")
    if "naive" in results:
        print(f"the read floor (guard + calamine, 2 workers, nothing else) vs naive loop: "
              f"{results['naive']['seconds'] / results['floor']['seconds']:.1f}x wall: the most any consolidation that keeps "
              f"the guard could reach, were locating, checking, consolidating and writing free")
    print(f"read stage vs bare calamine: {results['read']['seconds'] / results['calamine']['seconds']:.2f}x (target <= 1.5x)")
    print(f"guard alone: {results['guard']['cpu_ms']:.2f} ms CPU per file")
    if args.compare:
        cal = (results["calamine"]["seconds"] + results["calamine_again"]["seconds"]) / 2
        ours = (results["read"]["seconds"] + results["read_again"]["seconds"]) / 2
        print(f"read stage, this tree: {ours:.2f} s = {ours / cal:.2f}x bare calamine ({cal:.2f} s, mean of two runs each); "
              f"at {args.compare}: {results['read_old']['seconds']:.2f} s = {results['read_old']['seconds'] / cal:.2f}x")
        o = results["ours_old"]
        print(f"end to end at {args.compare}: {o['seconds']:.2f} s, {o['cpu_s'] * 1000 / o['files']:.2f} ms CPU/file, "
              f"peak {o['peak_mb']:.1f} MB; this tree {results['ours']['seconds']:.2f} s "
              f"({o['seconds'] / results['ours']['seconds']:.2f}x faster)"
              + (f"; vs naive loop: {results['naive']['seconds'] / o['seconds']:.1f}x at {args.compare}"
                 if "naive" in results else ""))
        print(f"guard alone at {args.compare}: {results['guard_old']['cpu_ms']:.2f} ms CPU per file "
              f"(this tree {results['guard']['cpu_ms']:.2f})")
    print(f"peak memory end to end: {results['ours']['peak_mb']:.1f} MB (target <= 150 MB at N = 10,000)")


if __name__ == "__main__":
    main()
