"""Benchmark: one returned workbook checked by ``wennuan check`` in a fresh process, against a bare script that
imports openpyxl and loads the same file, run in turns in one run (medians and their ratio).

    python benchmarks/one_file.py [FILE] [--rounds 15]

The default file is a bundled sample return. ``wennuan check`` here is the whole job: start Python, take
the compiled campaign from the cache, guard, read and locate the file in a worker, check, print the report.
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


def timed(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=False, capture_output=True, env=env)
    return time.perf_counter() - start


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
    for _ in range(args.rounds):
        times["ours"].append(timed(ours, env))
        times["bare"].append(timed(bare, env))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"file: {args.file}; {args.rounds} rounds in turns, {os.cpu_count()} cores")
    print(f"wennuan check (fresh process)      median {med['ours'] * 1000:7.0f} ms  "
          f"(min {min(times['ours']) * 1000:.0f}, max {max(times['ours']) * 1000:.0f})")
    print(f"import openpyxl + load_workbook    median {med['bare'] * 1000:7.0f} ms  "
          f"(min {min(times['bare']) * 1000:.0f}, max {max(times['bare']) * 1000:.0f})")
    print(f"ratio wennuan / bare openpyxl: {med['ours'] / med['bare']:.2f}x (target <= 1.00x)")


if __name__ == "__main__":
    main()
