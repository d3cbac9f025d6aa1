"""Fuzzing the read -> locate -> check path (and sometimes the writers) with mutated returns.

    python benchmarks/fuzz.py                 # 10,000 cases, seed 1
    python benchmarks/fuzz.py 50000 --seed 7

Each case starts from a valid return (plain or styled template, both annexes) and mutates it: bytes of
the zip (flip, insert, delete, truncate), bytes of one member's XML (sheet, workbook.xml,
sharedStrings, relationships; with XML-ish splices such as ``<!DOCTYPE`` or a far cell), or the cell
values written into a fresh return (random text, unicode, huge numbers, formulas, NaN-like text). The
result must be a normal ``Report`` or a ``ReturnUnusable`` with a Chinese reason; every 20th readable
case also gets a flagged copy written, every 50th a consolidated workbook. Anything else is a crash: it
is counted, its file saved under ``benchmarks/fuzz-crashes/`` and its traceback printed.
``tests/hostile/test_fuzz.py`` runs a fixed-seed slice of the same cases.
"""

from __future__ import annotations

import argparse
import io
import random
import re
import sys
import tempfile
import time
import traceback
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wennuan_xl.core.check import check_return
from wennuan_xl.core.consolidate import consolidate
from wennuan_xl.core.findings import Report, ReturnUnusable
from wennuan_xl.core.forms import load_campaign
from wennuan_xl.core.rules import load_rules
from wennuan_xl.files.atomic import OutputError
from wennuan_xl.files.bulk import read_one
from wennuan_xl.files.consolidated import write_consolidated
from wennuan_xl.files.flagged import write_flagged_copy
from wennuan_xl.files.source import load_return
from wennuan_xl.samples import consistent_values, write_plain_return, write_template_return

CJK = re.compile(r"[\u4e00-\u9fff]")
SPLICES = (
    b"<", b">", b"&", b"&amp;", b"&#0;", b"&#x110000;", b"]]>", b"<!DOCTYPE x [<!ENTITY a \"b\">]>", b"&a;",
    b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>', b'<c r="A1"><v>1e999</v></c>', b'<c t="s"><v>99999</v></c>',
    b'<c r="E9" t="str"><f>1/0</f><v>#DIV/0!</v></c>', b'<definedName name="A1_01A">#REF!</definedName>',
    b'<sheet name="" sheetId="9" r:id="rId99"/>', b"\x00", b"\xff\xfe", "附件１".encode(), b"\xe4\xb8", b"<row>", b"</row>",
    b'<c r="A0"><v>1</v></c>', b'<c r="E9" t="b"><v>2</v></c>', b'<c r="E9" t="e"><v>#N/A</v></c>', b'<c r="E9" t="d"><v>x</v></c>',
)
ODD_VALUES = (
    "", " ", "NaN", "inf", "-inf", "1e999", "1e308", "-0", "0x10", "１２３", "1,2,3", "12.5万元", "—", "=1+2", "+1", "-1+2",
    "@SUM(A1)", "=HYPERLINK(\"http://x\",\"y\")", "\u202e123", "\t\n", "😀" * 10, "是", "否", "是否", "x" * 40_000,
    "𠀀" * 100, "٣", "1e-400", "9" * 400, -1, 0, 10**20, -(10**20), 1e308, -1e308, 5e-324, 0.1 + 0.2, True, False,
)
MEMBERS = ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/sharedStrings.xml",
           "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml")


@dataclass
class Result:
    cases: int = 0
    reports: int = 0
    unusable: int = 0
    skipped: int = 0  # a mutated input that could not even be written
    flagged: int = 0
    consolidated: int = 0
    crashes: list[tuple[str, str, str]] = field(default_factory=list)  # (case, kind, traceback)
    slowest: tuple[float, str] = (0.0, "")
    seconds: float = 0.0


class Fuzzer:
    def __init__(self, seed: int, work: Path, save_crashes: Path | None = None):
        self.rng = random.Random(seed)
        self.work = work
        self.save = save_crashes
        self.campaign = load_campaign()
        self.rules = load_rules(self.campaign)
        self.bases = self._bases()

    def _bases(self) -> list[bytes]:
        out = []
        for i, styled in enumerate((False, False, True)):
            path = self.work / f"base{i}.xlsx"
            values = consistent_values(random.Random(i), 0.3)
            cover = {"UNIT": "市中区总工会", "PERSON": "张三", "PHONE": "0833-2133419", "DATE": "2017-01-15"}
            writer = write_template_return if styled else write_plain_return
            writer(path, self.campaign, values, cover, ("A1", "A2"))
            out.append(path.read_bytes())
        return out

    # --- mutations ----------------------------------------------------------------------------------------

    def _bytes_ops(self, data: bytes, ops: int) -> bytes:
        buf = bytearray(data)
        for _ in range(ops):
            if not buf:
                break
            i = self.rng.randrange(len(buf))
            op = self.rng.random()
            if op < 0.4:
                buf[i] ^= 1 << self.rng.randrange(8)
            elif op < 0.6:
                del buf[i : i + self.rng.randint(1, 16)]
            elif op < 0.8:
                buf[i:i] = self.rng.choice(SPLICES) if self.rng.random() < 0.7 else self.rng.randbytes(self.rng.randint(1, 8))
            elif op < 0.9:
                j = self.rng.randrange(len(buf))
                buf[i:i] = buf[j : j + self.rng.randint(1, 200)]
            else:
                del buf[self.rng.randrange(len(buf)) :]
        return bytes(buf)

    def zip_bytes(self, base: bytes) -> bytes:
        return self._bytes_ops(base, self.rng.randint(1, 4))

    def member_bytes(self, base: bytes) -> bytes:
        src = zipfile.ZipFile(io.BytesIO(base))
        names = [n for n in MEMBERS if n in src.namelist()]
        target = self.rng.choice(names)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in src.infolist():
                body = src.read(info.filename)
                if info.filename == target:
                    body = self._bytes_ops(body, self.rng.randint(1, 6))
                z.writestr(info.filename, body)
        return out.getvalue()

    def cell_values(self, _base: bytes) -> bytes | None:
        values: dict[str, object] = consistent_values(self.rng, 0.3)
        codes = list(values)
        for code in self.rng.sample(codes, self.rng.randint(1, 8)):
            values[code] = self._odd_value()
        cover = {"UNIT": self.rng.choice(["市中区总工会", self._odd_value(), "沙湾区总工会"]),
                 "PERSON": self._odd_value(), "PHONE": self._odd_value(),
                 "DATE": self.rng.choice(["2017-01-15", self._odd_value(), 42750])}
        path = self.work / "values.xlsx"
        try:
            write_plain_return(path, self.campaign, values, cover, ("A1", "A2"), with_names=self.rng.random() < 0.8)
        except Exception:  # noqa: BLE001 - the writer refused the input: no file, nothing to read
            return None  # the writer refused the input (e.g. a string too long): no file, nothing to read
        return path.read_bytes()

    def _odd_value(self) -> object:
        r = self.rng.random()
        if r < 0.5:
            return self.rng.choice(ODD_VALUES)
        if r < 0.7:
            return "".join(chr(self.rng.choice([self.rng.randint(0x20, 0x7E), self.rng.randint(0x4E00, 0x9FFF),
                                                 self.rng.randint(0xA0, 0x2FFF)])) for _ in range(self.rng.randint(1, 30)))
        if r < 0.85:
            return self.rng.choice([self.rng.uniform(-1e12, 1e12), self.rng.randint(-(10**9), 10**9), 10.0 ** self.rng.randint(-300, 300)])
        return self.rng.choice("=+-@") + "".join(self.rng.choice("ABC123+-*/()!:$ ") for _ in range(self.rng.randint(1, 20)))

    def make(self) -> tuple[str, bytes | None]:
        base = self.rng.choice(self.bases)
        kind = self.rng.choices(("zip", "member", "values"), (0.3, 0.5, 0.2))[0]
        return kind, getattr(self, {"zip": "zip_bytes", "member": "member_bytes", "values": "cell_values"}[kind])(base)

    # --- running --------------------------------------------------------------------------------------------

    def run(self, cases: int, flag_every: int = 20, consolidate_every: int = 50, quiet: bool = False) -> Result:
        res = Result()
        started = time.perf_counter()
        path = self.work / "case.xlsx"
        readable: list[Path] = []
        for n in range(cases):
            kind, data = self.make()
            res.cases += 1
            if data is None:
                res.skipped += 1
                continue
            path.write_bytes(data)
            t = time.perf_counter()
            stage = "read/check"
            try:
                report = check_return(load_return(path, self.campaign, f"case{n}.xlsx"), self.campaign, self.rules)
                assert isinstance(report, Report)
                res.reports += 1
                if res.reports % flag_every == 0:
                    stage = "flagged copy"
                    try:
                        write_flagged_copy(path, report, self.work / "flagged.xlsx")
                        res.flagged += 1
                    except OutputError as exc:
                        assert CJK.search(str(exc)), str(exc)
                keep = self.work / f"keep{len(readable) % 5}.xlsx"
                keep.write_bytes(data)
                readable.append(keep)
                if res.reports % consolidate_every == 0:
                    stage = "consolidate"
                    returned = [read_one(p, p.name, self.campaign, self.rules) for p in sorted(set(readable[-5:]))]
                    returned.append(read_one(path, "当前.xlsx", self.campaign, self.rules))
                    result = consolidate(returned, self.campaign, self.rules)
                    write_consolidated(result, self.campaign, self.work / "汇总.xlsx")
                    res.consolidated += 1
            except ReturnUnusable as exc:
                if stage != "read/check" or not CJK.search(exc.reason):
                    self._crash(res, n, kind, data, f"ReturnUnusable at {stage} or without a Chinese reason: {exc}")
                else:
                    res.unusable += 1
            except Exception:  # noqa: BLE001 - every crash is recorded, never raised
                self._crash(res, n, kind, data, f"{stage}: {traceback.format_exc()}")
            took = time.perf_counter() - t
            if took > res.slowest[0]:
                res.slowest = (took, f"case {n} ({kind})")
            if not quiet and (n + 1) % 1000 == 0:
                print(f"  {n + 1} cases, {len(res.crashes)} crashes, {time.perf_counter() - started:.0f} s", flush=True)
        res.seconds = time.perf_counter() - started
        return res

    def _crash(self, res: Result, n: int, kind: str, data: bytes, text: str) -> None:
        res.crashes.append((f"case {n}", kind, text))
        if self.save is not None:
            self.save.mkdir(parents=True, exist_ok=True)
            (self.save / f"crash-{n}-{kind}.xlsx").write_bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cases", nargs="?", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wennuan-fuzz-") as tmp:
        fuzzer = Fuzzer(args.seed, Path(tmp), save_crashes=ROOT / "benchmarks" / "fuzz-crashes")
        res = fuzzer.run(args.cases)
    for case, kind, text in res.crashes[:20]:
        print(f"--- crash: {case} ({kind})\n{text}")
    print(
        f"{res.cases} cases (seed {args.seed}) in {res.seconds:.1f} s: {res.reports} reports, {res.unusable} unusable "
        f"with a Chinese reason, {res.skipped} inputs not writable; {res.flagged} flagged copies, "
        f"{res.consolidated} consolidated workbooks written; {len(res.crashes)} crashes; slowest case "
        f"{res.slowest[0] * 1000:.0f} ms ({res.slowest[1]})"
    )
    sys.exit(1 if res.crashes else 0)


if __name__ == "__main__":
    main()
