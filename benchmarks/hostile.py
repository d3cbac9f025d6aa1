"""Benchmark: every file of the hostile corpus, and the largest workbooks the guard lets through, each
answered in a fresh measurement of wall time and peak memory.

    python benchmarks/hostile.py               # the whole corpus plus the limit cases, a table
    python benchmarks/hostile.py --measure F…  # (used by the tests) JSON: one line per file
    python benchmarks/hostile.py --bare        # the second-round attacks against bare python-calamine

Targets: every file answered (a report or a Chinese reason) within 2 s and 200 MB of peak memory for the
check (interpreter and libraries included). A file is checked the way ``wennuan check`` checks it: in a
worker process forked for it (``files/isolated.py``); the time is the parent's, from handing the file over
to holding the answer; the peak is the larger of the parent's and the worker's VmHWM (each reset before the
file, Linux ``/proc/self/clear_refs``), so one process measures many files. ``--bare`` reads each attack
with python-calamine alone, in a process with a 3 GB address-space limit and 30 s: an abort, a panic, a
timeout or a MemoryError there is what the guard saves the run from.
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


def _in_worker(path: str, flagged: str | None):
    """Runs in the worker: the check (and the flagged copy), with the worker's own peak memory."""
    from wennuan_xl.files import isolated
    from wennuan_xl.files.atomic import Inputs

    _reset_hwm()
    kind, value = isolated._check_task(path, Path(path).name, True)
    copy = None
    if flagged and kind == "report":
        from wennuan_xl.files.flagged import flagged_copy_task  # imported by the parent before the fork

        copy = flagged_copy_task(path, value, flagged, isolated._STATE["campaign"], Inputs([path]))
    return kind, value, copy, _hwm_mb()


def measure(files: list[str], flagged: bool = False) -> None:
    """One JSON line per file: seconds, peak MB (parent and worker), and the answer (unit or reason)."""
    from wennuan_xl.files import isolated
    from wennuan_xl.files.campaign_files import load_campaign, load_rules

    campaign = load_campaign()
    isolated.set_state(campaign, load_rules(campaign))
    isolated._preload()  # as check_files does before it forks
    if flagged:
        import wennuan_xl.files.flagged  # noqa: F401 - imported before measuring: a fixed cost, as in the CLI
    for name in files:
        with tempfile.TemporaryDirectory() as tmp:
            _reset_hwm()
            start = time.perf_counter()
            with isolated.Pool(1, seconds=isolated.READ_SECONDS + (isolated.COPY_SECONDS if flagged else 0)) as pool:
                (answer,) = pool.map(_in_worker, [(name, str(Path(tmp) / "标记.xlsx") if flagged else None)])
            seconds = time.perf_counter() - start
        main_mb = _hwm_mb()
        if isinstance(answer, isolated.Died):
            row = {"error": answer.reason, "worker_mb": 0.0}
        else:
            kind, value, copy, worker_mb = answer
            row = {"unit": value.unit[:40], "errors": len(value.errors)} if kind == "report" else {"error": value}
            if copy is not None and copy[0] != "ok":
                row["copy_error"] = copy[1]
            row["worker_mb"] = worker_mb
        row["peak_mb"] = max(main_mb, row["worker_mb"])
        print(json.dumps({"file": Path(name).name, "seconds": seconds, "main_mb": main_mb, **row}, ensure_ascii=False),
              flush=True)


def limit_cases(folder: Path) -> dict[str, str]:
    """Workbooks just inside the guard's limits: the worst it lets the parsers see."""
    import random

    from tests.hostile.attacks import SST
    from tests.hostile.corpus import SHEET1, SHEET_HEAD, good_bytes, rewrite_zip
    from wennuan_xl.files import limits
    from wennuan_xl.files.campaign_files import load_campaign

    good = good_bytes(load_campaign(), folder)
    out = {}

    def sheet(rows) -> bytes:
        return SHEET_HEAD + b"<sheetData>" + b"".join(rows) + b"</sheetData></worksheet>"

    def put(name: str, what: str, data: bytes) -> None:
        out[name] = what
        (folder / name).write_bytes(data)

    # As many value cells as allowed (less the good return's own second sheet), in A:Z.
    n_rows = (limits.MAX_CELLS - 2_000) // 26
    cells = sheet(b'<row r="%d">' % r + b"".join(b'<c r="%s%d"><v>%d</v></c>' % (bytes([65 + c]), r, r * c)
                                                 for c in range(26)) + b"</row>" for r in range(1, n_rows + 1))
    put("L1-单元格数上限.xlsx", f"{n_rows * 26:,} 个数值（A:Z × {n_rows:,} 行）", rewrite_zip(good, replace={SHEET1: cells}))
    # The largest rectangle allowed, with its corners not at A1 (the reader copies the grid once more then).
    width = 20
    height = (limits.MAX_AREA - 10_000) // width
    corners = sheet([b'<row r="2"><c r="B2"><v>1</v></c></row>', b'<row r="%d"><c r="T%d"><v>1</v></c></row>' % (height, height)])
    put("L2-范围上限.xlsx", f"B2 与 T{height:,} 两个值（{width} × {height:,} 的矩形，不从 A1 开始）",
        rewrite_zip(good, replace={SHEET1: corners}))
    # A sheet part of long texts, the text volume just under its limit.
    rng = random.Random(5)
    count = (limits.MAX_TEXT_BYTES - 200_000) // (8000 * 3 + 60)
    texts = ("".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(8000)).encode() for _ in range(count))
    big = sheet(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c></row>' % (r, r, t) for r, t in enumerate(texts, 1))
    put("L3-文字量上限.xlsx", f"工作表 XML {len(big) / 2**20:.0f} MB（{count} 个 8,000 字的文本）", rewrite_zip(good, replace={SHEET1: big}))
    # One shared string used by many cells, the expanded text just under the limit (appended to the table,
    # whose other strings the second sheet still uses).
    import re
    import zipfile

    text = "".join(chr(rng.randint(0x4E00, 0x9FFF)) for _ in range(100_000)).encode()
    uses = (limits.MAX_TEXT_BYTES - 600_000) // (len(text) + 40)
    ss = zipfile.ZipFile(__import__("io").BytesIO(good)).read(SST)
    index = ss.count(b"<si>")
    ss = re.sub(rb'\s(count|uniqueCount)="[^"]*"', b"", ss).replace(b"</sst>", b"<si><t>" + text + b"</t></si></sst>")
    refs = sheet(b'<row r="%d"><c r="A%d" t="s"><v>%d</v></c></row>' % (r, r, index) for r in range(1, uses + 1))
    put("L4-共享字符串复制上限.xlsx", f"一个 {len(text) // 2**10} KB 的共享字符串被 {uses} 个单元格引用",
        rewrite_zip(good, replace={SST: ss, SHEET1: refs}))
    # Styles just inside the openpyxl limits.
    fonts = b"".join(b'<font><sz val="%d"/><name val="F%d"/></font>' % (i % 40 + 6, i) for i in range(limits.MAX_FONTS - 50))
    xfs = b"".join(b'<xf numFmtId="0" fontId="%d" fillId="0" borderId="0"/>' % (i % 900)
                   for i in range(limits.MAX_CELL_FORMATS - 200))
    styles = (b'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><fonts>' + fonts + b'</fonts><fills><fill><patternFill patternType="none"/>'
              b"</fill></fills><borders><border/></borders><cellStyleXfs><xf/></cellStyleXfs><cellXfs>" + xfs +
              b"</cellXfs></styleSheet>")
    put("L5-样式上限.xlsx", f"{limits.MAX_FONTS - 50} 个字体、{limits.MAX_CELL_FORMATS - 200} 个单元格格式",
        rewrite_zip(good, replace={"xl/styles.xml": styles}))
    return out


BARE = """
import io, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, resource.RLIM_INFINITY))
import python_calamine as pc
book = pc.CalamineWorkbook.from_filelike(io.BytesIO(open(sys.argv[1], 'rb').read()))
for meta in book.sheets_metadata:
    book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
print("read")
"""


def bare(folder: Path) -> None:
    from tests.hostile.attacks import ATTACKS, build_attacks
    from tests.hostile.corpus import good_bytes
    from wennuan_xl.files.campaign_files import load_campaign

    build_attacks(folder, good_bytes(load_campaign(), folder))
    print(f"{'attack':<30} {'bare python-calamine':<48}")
    for a in ATTACKS:
        start = time.perf_counter()
        try:
            done = subprocess.run([sys.executable, "-c", BARE, str(folder / a.name)], capture_output=True, text=True,
                                  timeout=30, check=False)
            last = (done.stderr.strip().splitlines() or [""])[-1]
            what = "read" if done.returncode == 0 else (f"signal {-done.returncode}" if done.returncode < 0 else last[:60])
        except subprocess.TimeoutExpired:
            what = "still running after 30 s"
        print(f"{a.name:<30} {what:<48} {time.perf_counter() - start:6.1f} s")


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] in ("--measure", "--measure-flagged"):
        measure(sys.argv[2:], flagged=sys.argv[1] == "--measure-flagged")
        return
    from tests.hostile.corpus import build
    from wennuan_xl.files.campaign_files import load_campaign

    with tempfile.TemporaryDirectory(prefix="wennuan-hostile-") as tmp:
        folder = Path(tmp)
        if sys.argv[1:] == ["--bare"]:
            bare(folder)
            return
        kinds = {c.name: c.kind for c in build(folder, load_campaign())}
        kinds.update(limit_cases(folder))
        files = sorted(str(folder / n) for n in kinds)
        rows = []
        for mode in ("--measure", "--measure-flagged"):
            chosen = files if mode == "--measure" else [str(folder / n) for n in kinds if n.startswith(("L", "r"))]
            done = subprocess.run([sys.executable, __file__, mode, *chosen], capture_output=True, text=True, check=True)
            rows += [(mode, json.loads(line)) for line in done.stdout.splitlines()]
    checks = [r for m, r in rows if m == "--measure"]
    print(f"{'file':<34} {'check s':>8} {'peak MB':>8}  answer")
    for mode, r in rows:
        answer = r.get("error") or r.get("copy_error") or f"已审核：{r['unit']}，{r['errors']} 个错误"
        label = r["file"] + (" +标记副本" if mode == "--measure-flagged" else "")
        print(f"{label:<34} {r['seconds']:>8.3f} {r['peak_mb']:>8.1f}  {answer[:70]}")
    worst_s = max(checks, key=lambda r: r["seconds"])
    worst_mb = max(checks, key=lambda r: r["peak_mb"])
    print(f"\nworst check: {worst_s['seconds']:.2f} s ({worst_s['file']}), {worst_mb['peak_mb']:.0f} MB peak "
          f"({worst_mb['file']}) (targets: 2 s, 200 MB)")
    refused = [r for r in checks if "error" in r]
    print(f"refused files: worst {max(r['seconds'] for r in refused):.2f} s, {max(r['peak_mb'] for r in refused):.0f} MB")
    flagged = [r for m, r in rows if m == "--measure-flagged"]
    if flagged:
        print(f"worst check + flagged copy: {max(r['seconds'] for r in flagged):.2f} s, "
              f"{max(r['peak_mb'] for r in flagged):.0f} MB peak")
    crashes = [r for _, r in rows if "程序异常退出" in r.get("error", "") or "意外错误" in r.get("error", "")]
    print(f"files whose reader died: {len(crashes)}")


if __name__ == "__main__":
    main()
