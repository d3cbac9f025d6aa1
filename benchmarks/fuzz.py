"""Fuzzing the read -> locate -> check path (and sometimes the writers) with mutated returns.

    python benchmarks/fuzz.py                 # 10,000 cases, seed 1
    python benchmarks/fuzz.py 50000 --seed 7

Each case starts from a valid return (plain or styled template with both annexes, an old .xls, an .ods)
and mutates it:

- bytes: of the zip (flip, insert, delete, truncate), or of one member's XML (sheet, workbook.xml,
  sharedStrings, relationships, styles) with XML-ish splices such as ``<!DOCTYPE`` or a far cell;
- syntax (issue #12: every valid spelling, not only random bytes): attribute order, whitespace and quotes
  (tabs, newlines, ``'``), namespace prefixes (``<x:c>``), CDATA and character references in text and
  attributes, cells without addresses, part names (``sheet1.bin``, upper case, backslashes) with the
  relationships following, BOMs, UTF-16 and declared encodings, XML 1.1;
- declared counts: sharedStrings count/uniqueCount, ``<dimension>``, far ``r`` addresses, .ods repeat
  counts, an .xls's DIMENSIONS and SST counts;
- the cell values written into a fresh return (random text, unicode, huge numbers, formulas, NaN-like text).

Every case is read the way ``wennuan check`` reads it, in an isolated worker (``files/isolated.py``). The
result must be a normal ``Report`` or a Chinese reason; every 20th readable case also gets a flagged copy,
every 50th a consolidated workbook. Anything else is a crash: a worker that died (the guard let something
through that killed the reader), an unexpected exception, a reason without Chinese. A caught calamine
panic is counted apart (handled, but a gap the guard could close). Crash files are saved under
``benchmarks/fuzz-crashes/``. ``tests/hostile/test_fuzz.py`` runs a fixed-seed slice of the same cases.
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
import typing
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from wennuan_xl.core.consolidate import consolidate
from wennuan_xl.core.findings import Report
from wennuan_xl.files import isolated
from wennuan_xl.files.atomic import Inputs
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.files.consolidated import write_consolidated
from wennuan_xl.files.flagged import flagged_copy_task
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


NAMESPACE_MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_TAG = re.compile(rb"<(/?)([A-Za-z_][\w.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>")
_ATTR = re.compile(rb"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass
class Result:
    cases: int = 0
    reports: int = 0
    unusable: int = 0
    panics: int = 0  # calamine panicked and read.py answered it: handled, counted apart
    skipped: int = 0  # a mutated input that could not even be written
    flagged: int = 0
    consolidated: int = 0
    crashes: list[tuple[str, str, str]] = field(default_factory=list)  # (case, kind, traceback)
    slowest: tuple[float, str] = (0.0, "")
    seconds: float = 0.0
    kinds: dict[str, int] = field(default_factory=dict)
    kind_reports: dict[str, int] = field(default_factory=dict)  # normal reports per mutation kind


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
        from tests.hostile.corpus import xls_return

        self.xls = xls_return(self.campaign, "井研县总工会", consistent_values(random.Random(7), 0.3))
        self.ods = _ods_base(self.work / "base0.xlsx")
        return out

    # --- syntax: the same XML spelled another way, or its declared counts changed -----------------------

    def _respell(self, xml: bytes) -> bytes:
        """Attribute order and whitespace, quotes, CDATA and character references: valid XML, the same."""
        rng = self.rng

        def tag(m: re.Match) -> bytes:
            close, name, attrs, empty = m.groups()
            if close:
                return b"</" + name + rng.choice([b"", b" ", b"\n", b"\t"]) + b">"
            pairs = [(k, v1 if v1 or not v2 else v2) for k, v1, v2 in _ATTR.findall(attrs)]
            if rng.random() < 0.5:
                rng.shuffle(pairs)
            out = b"<" + name
            for k, v in pairs:
                sep = rng.choice([b" ", b"\t", b"\n", b"  ", b"\r\n"])
                if rng.random() < 0.2 and v:
                    i = rng.randrange(len(v))
                    if v[i : i + 1].isalnum():
                        v = v[:i] + b"&#%d;" % v[i] + v[i + 1 :]
                q = rng.choice([b'"', b"'"]) if b"'" not in v and b'"' not in v else b'"'
                out += sep + k + rng.choice([b"=", b" = ", b"\t=\t"]) + q + v + q
            return out + rng.choice([b"", b" ", b"\n"]) + (b"/>" if empty else b">")

        xml = _TAG.sub(tag, xml)
        if rng.random() < 0.3:  # text as CDATA, or a character as a reference
            xml = re.sub(rb"<(v|t)>([^<&]+)</(v|t)>", lambda m: (
                b"<" + m.group(1) + b"><![CDATA[" + m.group(2) + b"]]></" + m.group(3) + b">"
                if rng.random() < 0.5 else
                b"<" + m.group(1) + b">&#" + str(m.group(2)[0]).encode() + b";" + m.group(2)[1:] + b"</" + m.group(3) + b">"
            ) if rng.random() < 0.2 else m.group(0), xml)
        return xml

    def _prefix(self, xml: bytes) -> bytes:
        """The main namespace under a prefix: every element of it written ``<x:name>``."""
        if NAMESPACE_MAIN not in xml:
            return xml
        prefix = self.rng.choice([b"x", b"s", b"ns0", b"main"])
        xml = xml.replace(NAMESPACE_MAIN, b"xmlns:" + prefix + NAMESPACE_MAIN[5:], 1)
        return re.sub(rb"<(/?)([A-Za-z_][\w.-]*)(?=[\s/>])", lambda m: b"<" + m.group(1) + prefix + b":" + m.group(2)
                      if b":" not in m.group(2) and not m.group(2).startswith(b"?") else m.group(0), xml)

    def _counts(self, name: str, xml: bytes) -> bytes:
        rng = self.rng
        huge = rng.choice([b"0", b"-1", b"1000000000000", b"18446744073709551615", b"99999", b"4294967296", b"1e9", b" 5"])
        if name.endswith("sharedStrings.xml"):
            return re.sub(rb'(uniqueCount|count)="[^"]*"', lambda m: m.group(1) + b'="' + huge + b'"', xml)
        if b"<dimension" in xml and rng.random() < 0.4:
            return re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="' + rng.choice([b"A1:XFD1048576", b"B2:A1", b"A0",
                          b"ZZZZ1:A1", b"A1:A1048577"]) + b'"', xml)
        if b' r="' in xml:
            far = rng.choice([b"XFD1048576", b"CW30000", b"A1048576", b"AAAA1", b"XFD1", b"A0", b"1", b"A99999999"])
            cells = list(re.finditer(rb'<c r="[^"]*"', xml))
            if cells:
                m = rng.choice(cells)
                if rng.random() < 0.5:
                    return xml[: m.start()] + b'<c r="' + far + b'"' + xml[m.end() :]
                return xml[: m.start()] + b"<c" + xml[m.end() :]  # a cell without its address
        return xml

    def syntax(self, base: bytes) -> bytes:
        src = zipfile.ZipFile(io.BytesIO(base))
        names = [n for n in src.namelist() if n.endswith((".xml", ".rels"))]
        chosen = set(self.rng.sample(names, self.rng.randint(1, min(4, len(names)))))
        how = self.rng.choice(["respell", "prefix", "counts", "rename", "bom", "encoding"])
        members = {i.filename: src.read(i.filename) for i in src.infolist()}
        if how == "rename":
            old = "xl/worksheets/sheet1.xml"
            new = self.rng.choice(["xl/worksheets/sheet1.bin", "xl/worksheets/Sheet1.XML", "xl/worksheets/s.dat",
                                   "xl/media/image1.png", "xl\\worksheets\\sheet1.xml", "XL/WORKSHEETS/SHEET1.XML"])
            if old in members:
                members[new] = members.pop(old)
                rels = "xl/_rels/workbook.xml.rels"
                target = new[3:] if new.lower().startswith("xl/") else "/" + new
                members[rels] = members[rels].replace(b"worksheets/sheet1.xml", target.encode())
        for name in chosen:
            xml = members.get(name)
            if xml is None:
                continue
            if how == "respell":
                xml = self._respell(xml)
            elif how == "prefix":
                xml = self._prefix(xml)
            elif how == "counts":
                xml = self._counts(name, xml)
            elif how == "bom":
                xml = self.rng.choice([b"\xef\xbb\xbf", b"\xef\xbb\xbf\xef\xbb\xbf", b" \n", b"\xff\xfe"]) + xml
            elif how == "encoding":
                choice = self.rng.random()
                if choice < 0.3:
                    xml = xml.decode("utf-8", "replace").encode("utf-16")
                elif choice < 0.6:
                    xml = re.sub(rb'encoding="[^"]*"', self.rng.choice([b'encoding="ISO-8859-1"', b'encoding="GBK"',
                                 b'encoding="UTF-16"', b'encoding="ascii"']), xml, count=1)
                elif choice < 0.8:
                    xml = xml.replace(b'version="1.0"', b'version="1.1"', 1)
                else:  # an overlong UTF-8 spelling of '<' or of a CJK character
                    i = xml.find(b"\xe9")
                    xml = xml[:i] + b"\xf0\x80" + xml[i + 1 :] if i > 0 else xml.replace(b"<row", b"\xc0\xbcrow", 1)
            members[name] = xml
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, body in members.items():
                z.writestr(name, body)
        return out.getvalue()

    def other_format(self, _base: bytes) -> bytes:
        """The .xls and .ods bases: their bytes, or (for .ods) their XML and repeat counts."""
        rng = self.rng
        if self.ods is None or rng.random() < 0.5:
            data = bytearray(self.xls)
            for _ in range(rng.randint(1, 6)):
                i = rng.randrange(512, len(data))
                if rng.random() < 0.5:
                    data[i] ^= 1 << rng.randrange(8)
                else:  # a 16- or 32-bit field set to an extreme: counts, rows, columns, sector ids
                    value = rng.choice([0, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFF, 65536, 1 << 20])
                    data[i : i + 4] = (value & 0xFFFFFFFF).to_bytes(4, "little")
            return bytes(data)
        src = zipfile.ZipFile(io.BytesIO(self.ods))
        members = {i.filename: src.read(i.filename) for i in src.infolist()}
        xml = members["content.xml"]
        if rng.random() < 0.5:
            big = rng.choice([b"1048576", b"100000", b"16384", b"0", b"-1", b"99999999999999"])
            attr = rng.choice([b"number-rows-repeated", b"number-columns-repeated", b"c"])
            hits = list(re.finditer(rb'(?:table|text):' + attr + rb'="[^"]*"', xml))
            if hits:
                m = rng.choice(hits)
                xml = xml[: m.start()] + m.group(0).split(b"=")[0] + b'="' + big + b'"' + xml[m.end() :]
            else:
                xml = xml.replace(b"<table:table-row", b'<table:table-row table:number-rows-repeated="' + big + b'"', 1)
        else:
            xml = self._respell(xml) if rng.random() < 0.7 else self._bytes_ops(xml, rng.randint(1, 4))
        members["content.xml"] = xml
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as z:
            for name, body in members.items():
                z.writestr(name, body, zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED)
        return out.getvalue()

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

    KINDS: typing.ClassVar[dict[str, str]] = {"zip": "zip_bytes", "member": "member_bytes", "values": "cell_values", "syntax": "syntax",
             "xls/ods": "other_format"}

    def make(self) -> tuple[str, bytes | None]:
        base = self.rng.choice(self.bases)
        kind = self.rng.choices(list(self.KINDS), (0.15, 0.25, 0.1, 0.35, 0.15))[0]
        return kind, getattr(self, self.KINDS[kind])(base)

    # --- running --------------------------------------------------------------------------------------------

    def run(self, cases: int, flag_every: int = 20, consolidate_every: int = 50, quiet: bool = False) -> Result:
        res = Result()
        started = time.perf_counter()
        readable: list[Path] = []
        isolated.set_state(self.campaign, self.rules)
        with isolated.Pool(1) as pool:
            for n in range(cases):
                kind, data = self.make()
                res.cases += 1
                res.kinds[kind] = res.kinds.get(kind, 0) + 1
                if data is None:
                    res.skipped += 1
                    continue
                suffix = ".xls" if data.startswith(b"\xd0\xcf") else ".ods" if b"opendocument.spreadsheet" in data[:200] else ".xlsx"
                path = self.work / f"case{suffix}"
                path.write_bytes(data)
                t = time.perf_counter()
                (answer,) = pool.map(isolated._check_task, [(str(path), f"case{n}{suffix}", True)])
                took = time.perf_counter() - t
                if took > res.slowest[0]:
                    res.slowest = (took, f"case {n} ({kind})")
                if isinstance(answer, isolated.Died):
                    self._crash(res, n, kind, data, f"the reader died: {answer.reason}")
                    continue
                status, value = answer
                if status == "unusable":
                    if "读取程序出错" in value and "Panic" in value:
                        res.panics += 1
                        res.unusable += 1
                    elif not CJK.search(value) or "意外错误" in value:
                        self._crash(res, n, kind, data, f"unusable without a Chinese reason, or a reader bug: {value}")
                    else:
                        res.unusable += 1
                    continue
                report: Report = value
                res.reports += 1
                res.kind_reports[kind] = res.kind_reports.get(kind, 0) + 1
                try:
                    self._writers(res, n, data, path, report, readable, flag_every, consolidate_every, pool)
                except Exception:  # noqa: BLE001 - every crash is recorded, never raised
                    self._crash(res, n, kind, data, f"writers: {traceback.format_exc()}")
                if not quiet and (n + 1) % 1000 == 0:
                    print(f"  {n + 1} cases, {len(res.crashes)} crashes, {time.perf_counter() - started:.0f} s", flush=True)
        res.seconds = time.perf_counter() - started
        return res

    def _writers(self, res, n, data, path, report, readable, flag_every, consolidate_every, pool) -> None:
        if res.reports % flag_every == 0 and path.suffix == ".xlsx":
            (answer,) = pool.map(flagged_copy_task, [(str(path), report, str(self.work / "flagged.xlsx"), self.campaign,
                                                    Inputs([path]))],
                                 seconds=isolated.COPY_SECONDS)
            if isinstance(answer, isolated.Died) or (answer[0] != "ok" and not CJK.search(answer[1])):
                raise AssertionError(f"flagged copy: {answer}")
            res.flagged += answer[0] == "ok"
        keep = self.work / f"keep{len(readable) % 5}{path.suffix}"
        keep.write_bytes(data)
        readable.append(keep)
        if res.reports % consolidate_every == 0:
            jobs = [(str(p), p.name) for p in sorted(set(readable[-5:]))] + [(str(path), "当前" + path.suffix)]
            returned = list(isolated.read_returns(jobs, self.campaign, self.rules, workers=1))
            result = consolidate(returned, self.campaign, self.rules)
            write_consolidated(result, self.campaign, self.work / "汇总.xlsx")
            res.consolidated += 1

    def _crash(self, res: Result, n: int, kind: str, data: bytes, text: str) -> None:
        res.crashes.append((f"case {n}", kind, text))
        if self.save is not None:
            self.save.mkdir(parents=True, exist_ok=True)
            (self.save / f"crash-{n}-{kind.replace('/', '-')}.bin").write_bytes(data)


def _ods_base(xlsx: Path) -> bytes | None:
    """The plain return saved as .ods by LibreOffice (when installed), as units' LibreOffice saves it."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    out = xlsx.parent / "ods"
    out.mkdir(exist_ok=True)
    profile = (xlsx.parent / "lo-profile").absolute().as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "ods",
                    "--outdir", str(out), str(xlsx)], capture_output=True, timeout=180, check=False)
    found = out / (xlsx.stem + ".ods")
    return found.read_bytes() if found.exists() else None


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
        f"with a Chinese reason ({res.panics} of them a calamine panic caught), {res.skipped} inputs not writable; "
        f"{res.flagged} flagged copies, {res.consolidated} consolidated workbooks written; {len(res.crashes)} crashes; "
        f"slowest case {res.slowest[0] * 1000:.0f} ms ({res.slowest[1]}); mutations {res.kinds}"
    )
    sys.exit(1 if res.crashes else 0)


if __name__ == "__main__":
    main()

