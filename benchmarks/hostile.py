"""Benchmark: every file of the hostile corpus, and the largest workbooks the guard lets through, each
answered in a fresh measurement of wall time and peak memory.

    python benchmarks/hostile.py               # the whole corpus plus the limit cases, a table
    python benchmarks/hostile.py --measure F…  # (used by the tests) JSON: one line per file

Targets: every file answered (a report or a Chinese reason) within 2 s and 200 MB of peak memory for the
whole process (interpreter and libraries included). Peak memory is the process's VmHWM, reset before
each file (Linux: ``/proc/self/clear_refs``), so one process measures many files.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _hwm_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _reset_hwm() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def measure(files: list[str], flagged: bool = False) -> None:
    """One JSON line per file: seconds, peak MB, and the answer (unit or reason)."""
    from wennuan_xl.core.check import check_return
    from wennuan_xl.core.findings import ReturnUnusable
    from wennuan_xl.core.forms import load_campaign
    from wennuan_xl.core.rules import load_rules
    from wennuan_xl.files.atomic import OutputError
    from wennuan_xl.files.source import load_return

    campaign = load_campaign()
    rules = load_rules(campaign)
    if flagged:
        from wennuan_xl.files.flagged import write_flagged_copy  # imported before measuring: a fixed cost
    for name in files:
        _reset_hwm()
        start = time.perf_counter()
        try:
            report = check_return(load_return(name, campaign), campaign, rules)
            answer = {"unit": report.unit[:40], "errors": len(report.errors)}
            if flagged:
                with tempfile.TemporaryDirectory() as tmp:
                    write_flagged_copy(name, report, Path(tmp) / "标记.xlsx")
        except ReturnUnusable as exc:
            answer = {"error": exc.reason}
        except OutputError as exc:
            answer = {"error": str(exc)}
        except Exception as exc:  # noqa: BLE001 - reported, not raised: the table shows it
            answer = {"crash": f"{type(exc).__name__}: {exc}"[:200]}
        print(json.dumps({"file": Path(name).name, "seconds": time.perf_counter() - start, "peak_mb": _hwm_mb(), **answer},
                         ensure_ascii=False), flush=True)


def limit_cases(folder: Path) -> dict[str, str]:
    """Workbooks just inside the guard's limits: the worst it lets the parsers see."""

    from tests.hostile.corpus import SHEET1, SHEET_HEAD, good_bytes, rewrite_zip
    from wennuan_xl.core.forms import load_campaign
    from wennuan_xl.files import guard

    good = good_bytes(load_campaign(), folder)
    out = {}

    def sheet(rows) -> bytes:
        return SHEET_HEAD + b"<sheetData>" + b"".join(rows) + b"</sheetData></worksheet>"

    # As many value cells as allowed, in A:Z (rows of 26 numbers).
    n_rows = guard.MAX_CELLS // 26
    cells = sheet(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (bytes([65 + c]), r, r * c) for c in range(26)) + b"</row>"
                  for r in range(1, n_rows + 1))
    out["L1-单元格数上限.xlsx"] = f"{n_rows * 26:,} 个数值（A:Z × {n_rows:,} 行）"
    (folder / "L1-单元格数上限.xlsx").write_bytes(rewrite_zip(good, replace={SHEET1: cells}))
    # The largest rectangle allowed, with two values at its corners.
    width = 20
    height = guard.MAX_AREA // width
    corners = sheet([b'<row r="1"><c r="A1"><v>1</v></c></row>', b'<row r="%d"><c r="T%d"><v>1</v></c></row>' % (height, height)])
    out["L2-范围上限.xlsx"] = f"A1 与 T{height:,} 两个值（{width} × {height:,} 的矩形）"
    (folder / "L2-范围上限.xlsx").write_bytes(rewrite_zip(good, replace={SHEET1: corners}))
    # A sheet part just under the size limit (long texts, few cells).
    import random

    rng = random.Random(5)
    texts = ("".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(8000)).encode() for _ in range(850))
    big = sheet(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (r, r, t) for r, t in enumerate(texts, 1))
    out["L3-部件大小上限.xlsx"] = f"工作表 XML {len(big) / 2**20:.0f} MB（850 个 8,000 字的文本）"
    (folder / "L3-部件大小上限.xlsx").write_bytes(rewrite_zip(good, replace={SHEET1: big}))
    return out


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in ("--measure", "--measure-flagged"):
        measure(sys.argv[2:], flagged=sys.argv[1] == "--measure-flagged")
        return
    from tests.hostile.corpus import build
    from wennuan_xl.core.forms import load_campaign

    with tempfile.TemporaryDirectory(prefix="wennuan-hostile-") as tmp:
        folder = Path(tmp)
        kinds = {c.name: c.kind for c in build(folder, load_campaign())}
        kinds.update(limit_cases(folder))
        files = sorted(str(folder / n) for n in kinds)
        rows = []
        for mode in ("--measure", "--measure-flagged"):
            chosen = files if mode == "--measure" else [str(folder / n) for n in kinds if n.startswith(("L", "r"))]
            done = subprocess.run([sys.executable, __file__, mode, *chosen], capture_output=True, text=True, check=True)
            rows += [(mode, json.loads(line)) for line in done.stdout.splitlines()]
    worst_s = max(r["seconds"] for m, r in rows if m == "--measure")
    worst_mb = max(r["peak_mb"] for m, r in rows if m == "--measure")
    print(f"{'file':<34} {'check s':>8} {'peak MB':>8}  answer")
    for mode, r in rows:
        answer = r.get("error") or r.get("crash") or f"已审核：{r['unit']}，{r['errors']} 个错误"
        label = r["file"] + (" +标记副本" if mode == "--measure-flagged" else "")
        print(f"{label:<34} {r['seconds']:>8.3f} {r['peak_mb']:>8.1f}  {answer[:70]}")
    print(f"\nworst check: {worst_s:.2f} s, {worst_mb:.0f} MB peak (targets: 2 s, 200 MB)")
    flagged = [r for m, r in rows if m == "--measure-flagged"]
    if flagged:
        print(f"worst check + flagged copy: {max(r['seconds'] for r in flagged):.2f} s, "
              f"{max(r['peak_mb'] for r in flagged):.0f} MB peak")
    crashes = [r for _, r in rows if "crash" in r]
    print(f"crashes: {len(crashes)}")


if __name__ == "__main__":
    main()
