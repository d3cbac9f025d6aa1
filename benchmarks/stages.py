"""Benchmark: CPU time per file by stage, every stage run on the same N files in one process, one after another.

    python benchmarks/stages.py 1000          # the styled returns benchmarks/consolidate.py generates
    python benchmarks/stages.py 10000 --plain

Stages, as a consolidation runs them: the guard (before any parser), calamine and the defined names (the
reader without the guard), locating the fields, checking (each return on its own, and column-wise over
chunks of 256 when ``wennuan_xl.frame`` provides it), compacting, consolidating, and writing the workbook.
CPU time (``time.process_time``) of this process only; no worker processes are involved, so the figures add
up to what the workers and the parent spend between them.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks"))
from consolidate import _campaign, generate

CHUNK = 256


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--dir")
    args = parser.parse_args()
    kind = "plain" if args.plain else "styled"
    folder = Path(args.dir or Path(tempfile.gettempdir()) / f"wennuan-bench-{kind}-{args.n}")
    generate(folder, args.n, args.plain)

    from wennuan_xl.core.check import check_return
    from wennuan_xl.core.consolidate import consolidate
    from wennuan_xl.core.locate import locate
    from wennuan_xl.files import guard
    from wennuan_xl.files.bulk import Located, check_located
    from wennuan_xl.files.campaign_files import load_rules
    from wennuan_xl.files.consolidated import write_consolidated
    from wennuan_xl.files.read import read_bytes

    try:
        from wennuan_xl.frame.columnar import check_returns as columnar
    except ImportError:
        columnar = None
    campaign = _campaign(folder)
    rules = load_rules(campaign)
    files = sorted(folder.glob("*.xlsx"))
    blobs = [(p.name, p.read_bytes()) for p in files]
    cpu: dict[str, float] = {}

    def timed(name: str, fn):
        gc.collect()
        start = time.process_time()
        out = fn()
        cpu[name] = time.process_time() - start
        return out

    timed("guard", lambda: [guard.inspect(data, name) for name, data in blobs])
    books = timed("read", lambda: [read_bytes(data, name, ".xlsx") for name, data in blobs])
    cpu["read"] -= cpu["guard"]  # read_bytes runs the guard first
    datas = timed("locate", lambda: [locate(book, campaign) for book in books])
    books.clear()
    timed("check, each return", lambda: [check_return(d, campaign, rules) for d in datas])
    if columnar is not None:
        timed("check, column-wise", lambda: [r for i in range(0, len(datas), CHUNK)
                                             for r in columnar(datas[i:i + CHUNK], campaign, rules)])
    located = [Located(name, 0.0, d, None, {f.form_id: f.sheet for f in d.forms}) for (name, _), d in zip(blobs, datas)]
    returns = timed("check + compact", lambda: [r for i in range(0, len(located), CHUNK) for r in check_located(
        located[i:i + CHUNK], campaign, rules, *(() if columnar is None else (columnar,)))])
    result = timed("consolidate", lambda: consolidate(returns, campaign, rules))
    out = Path(tempfile.mkdtemp()) / "汇总.xlsx"
    timed("write workbook", lambda: write_consolidated(result, campaign, out))

    n = len(files)
    shown = ["guard", "read", "locate", "check + compact", "consolidate", "write workbook"]
    total = sum(cpu[s] for s in shown)
    print(f"{n} {kind} returns, CPU per file by stage (one process, {os.cpu_count()} cores on the machine)")
    for name in shown:
        print(f"  {name:20s} {cpu[name] / n * 1000:7.3f} ms  {cpu[name] / total:6.1%}")
    print(f"  {'total':20s} {total / n * 1000:7.3f} ms")
    print(f"checks alone: each return {cpu['check, each return'] / n * 1000:.3f} ms per unit"
          + (f", column-wise {cpu['check, column-wise'] / n * 1000:.3f} ms per unit "
             f"({cpu['check, each return'] / cpu['check, column-wise']:.1f}x; target <= 0.6 ms)" if columnar else ""))


if __name__ == "__main__":
    main()
