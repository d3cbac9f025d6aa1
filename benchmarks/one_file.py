"""Benchmark: one returned workbook checked by ``wennuan check`` in a fresh process, against a bare script that
imports openpyxl and loads the same file, run in turns in one run (medians and their ratio).

    python benchmarks/one_file.py [FILE] [--rounds 15]

The default file is a bundled sample return. ``wennuan check`` here is the whole job: start Python, take
the compiled campaign from the cache, guard, read and locate the file in a worker, check, print the report.
Wall time and CPU time (user + system of the process and the workers it waited for, from ``wait4``) are
both printed: on a shared machine the wall times swing with the load, the CPU times much less.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "workbooks" / "samples" / "returns" / "犍为县-附件1.xlsx"
BARE = "import sys, openpyxl; openpyxl.load_workbook(sys.argv[1], data_only=True)"


def timed(cmd: list[str], env: dict) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _pid, _status, usage = os.wait4(proc.pid, 0)
    proc.returncode = 0  # reaped here
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", default=str(SAMPLE))
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # a user's Python writes .pyc
    env["WENNUAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="wennuan-cache-")
    ours = [sys.executable, "-m", "wennuan_xl", "check", args.file]
    bare = [sys.executable, "-c", BARE, args.file]
    for cmd in (ours, bare):  # warm: .pyc written, campaign cached, file in the page cache
        timed(cmd, env)
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    cpu: dict[str, list[float]] = {"ours": [], "bare": []}
    load = os.getloadavg()[0]
    for _ in range(args.rounds):
        for name, cmd in (("ours", ours), ("bare", bare)):
            wall, used = timed(cmd, env)
            times[name].append(wall)
            cpu[name].append(used)
    med = {k: statistics.median(v) for k, v in times.items()}
    mcpu = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"file: {args.file}; {args.rounds} rounds in turns, {os.cpu_count()} cores, "
          f"load {load:.1f} -> {os.getloadavg()[0]:.1f}")
    for name, label in (("ours", "wennuan check (fresh process)  "), ("bare", "import openpyxl + load_workbook")):
        print(f"{label}    median {med[name] * 1000:7.0f} ms wall (min {min(times[name]) * 1000:.0f}, "
              f"max {max(times[name]) * 1000:.0f}), {mcpu[name] * 1000:.0f} ms CPU")
    print(f"ratio wennuan / bare openpyxl: {med['ours'] / med['bare']:.2f}x wall, "
          f"{mcpu['ours'] / mcpu['bare']:.2f}x CPU (target <= 1.00x)")


if __name__ == "__main__":
    main()
