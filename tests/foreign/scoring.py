"""Scoring the foreign corpus through the project's user-facing contract (``wennuan check --json`` and
``wennuan consolidate --json``), shared by ``test_corpus.py`` and ``benchmarks/foreign_score.py``.

Every expected field of every file is one of:

- RIGHT: read, and equal to what a person reads (numbers within 1e-9, 5 == 5.0; text after NFKC and trimming);
- REFUSED: a 错误 whose rule starts with ``F-LOCATE`` names the field, or the whole file was refused;
- WRONG: a value read that differs from the expected one (a number for a blank included), not refused;
- BLANK: a value a person sees, read as blank or not at all, not refused.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
EXPECTED = HERE / "expected.json"
RETURNS = HERE / "returns"
FOLDER = HERE / "folder"

RIGHT, REFUSED, WRONG, BLANK = "right", "refused", "silent wrong", "silent blank"
ABS_TOL = 1e-9
TOTAL_TOL = 1e-6  # the consolidation rounds its sums to 6 decimals
MISSING = object()


def load_expected(path: Path = EXPECTED) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _run(args: list[str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "wennuan_xl", *args],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if done.returncode not in (0, 1, 2):  # 3: campaign broken, 4: a crash — nothing to score
        raise RuntimeError(f"wennuan {args[0]} exited {done.returncode}: {done.stderr.strip()[-2000:]}")
    return done.stdout


def run_check(files: list[Path]) -> dict[str, dict]:
    """One ``wennuan check --json`` over all the files; the result objects by file name."""
    out = json.loads(_run(["check", "--json", *map(str, files)]))
    objects = out if isinstance(out, list) else [out]
    return {Path(o["file"]).name: o for o in objects}


def run_consolidate(folder: Path, out: Path) -> dict:
    return json.loads(_run(["consolidate", str(folder), "-o", str(out), "--json"]))


# --- comparing ---------------------------------------------------------------------------------------


def _number(x: object) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def squeeze(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def same(expected: object, read: object, tol: float = ABS_TOL) -> bool:
    if expected is None:
        return read is None or read is MISSING or (isinstance(read, str) and not read.strip())
    if _number(expected):
        return _number(read) and abs(float(expected) - float(read)) <= tol  # type: ignore[arg-type]
    if isinstance(expected, dict):
        return read == expected
    return isinstance(read, str) and squeeze(read) == squeeze(expected)


def show(value: object) -> str:
    if value is MISSING:
        return "(not located)"
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class FieldResult:
    file: str
    layout: str
    code: str
    expected: object
    read: object
    outcome: str

    def line(self) -> str:
        return (
            f"{self.file} [{self.layout}] {self.code}: expected {show(self.expected)}, read {show(self.read)}"
        )


def errors(obj: dict) -> list[dict]:
    return [f for f in obj.get("findings", []) if f.get("severity") == "error"]


def refused_codes(obj: dict) -> set[str]:
    return {
        c for f in errors(obj) if str(f.get("rule", "")).startswith("F-LOCATE") for c in f.get("codes", [])
    }


def refuse_list(entry: dict) -> list[str]:
    refuse = entry["refuse"]
    return list(entry["values"]) if refuse == "file" else list(refuse)


def classify(name: str, entry: dict, obj: dict) -> list[FieldResult]:
    refused = refused_codes(obj)
    values = obj.get("values", {})
    out = []
    for code, want in entry["values"].items():
        read = values.get(code, MISSING)
        if "error" in obj or code in refused:
            outcome = REFUSED
        elif same(want, read):
            outcome = RIGHT
        elif want is not None and (read is None or read is MISSING):
            outcome = BLANK
        else:
            outcome = WRONG
        out.append(FieldResult(name, entry["layout"], code, want, read, outcome))
    return out


def scored(results: list[FieldResult], entry: dict) -> list[FieldResult]:
    """The fields that count for the score: all but those the file must refuse."""
    skip = set(refuse_list(entry))
    return [r for r in results if r.code not in skip]


# --- faults, spurious 错误, refusals, cover --------------------------------------------------------------


def missed_faults(entry: dict, obj: dict) -> list[str]:
    found = [(f.get("rule"), set(f.get("codes", []))) for f in errors(obj)]
    return [
        f"planted {fault['rule']} on {', '.join(fault['codes'])}: not reported"
        for fault in entry["faults"]
        if not any(rule == fault["rule"] and set(fault["codes"]) <= codes for rule, codes in found)
    ]


def spurious(entry: dict, obj: dict) -> list[dict]:
    """错误 nobody planted: not an F-LOCATE refusal, not a field check on a field the file must refuse."""
    if entry["refuse"] == "file":
        return []
    planted = {f["rule"] for f in entry["faults"]}
    refuse = set(refuse_list(entry))
    out = []
    for f in errors(obj):
        rule = str(f.get("rule", ""))
        if rule in planted or rule.startswith("F-LOCATE"):
            continue
        if rule.startswith("F-") and set(f.get("codes", [])) <= refuse:
            continue
        out.append(f)
    return out


def refusal_problems(entry: dict, obj: dict, results: list[FieldResult]) -> list[str]:
    if entry["refuse"] == "file":
        read = [r for r in results if r.outcome != REFUSED and r.read not in (None, MISSING)]
        problems = [f"{r.code} read as {show(r.read)} from a file with nothing readable" for r in read]
        if "error" not in obj and not errors(obj):
            problems.append("no 错误 at all: the file would pass as 未发现问题")
        return problems
    by_code = {r.code: r for r in results}
    return [
        f"{code}: must be refused (F-LOCATE), read {show(by_code[code].read)} ({by_code[code].outcome})"
        for code in entry["refuse"]
        if by_code[code].outcome != REFUSED
    ]


def as_date(text: object) -> dt.date | None:
    s = squeeze(text)
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2}|元)[-/.月](\d{1,2})日?(?:00:00(?::00)?)?", s)
    if not m:
        return None
    month = 1 if m.group(2) == "元" else int(m.group(2))
    try:
        return dt.date(int(m.group(1)), month, int(m.group(3)))
    except ValueError:
        return None


def cover_same(key: str, expected: str, read: object) -> bool:
    read_text = "" if read is None else str(read)
    if not expected:
        return not read_text.strip()
    if key == "DATE":
        return as_date(read_text) == dt.date.fromisoformat(expected)
    return squeeze(read_text) == squeeze(expected)


def cover_problems(entry: dict, obj: dict, blank_only: bool = False) -> list[str]:
    """Cover entries read wrong (``blank_only``: only those a person sees blank and the tool filled in)."""
    out = []
    for form, wanted in entry["cover"].items():
        got = obj.get("cover", {}).get(form, {})
        for key, want in wanted.items():
            if blank_only and want:
                continue
            read = got.get(key, "")
            if not cover_same(key, want, read):
                out.append(f"{form} {key}: expected {show(want)}, read {show(read)}")
    return out


def unit_problem(entry: dict, obj: dict) -> str:
    want = next(iter(entry["cover"].values()))["UNIT"]
    read = obj.get("unit", "")
    return "" if cover_same("UNIT", want, read) else f"填报单位: expected {show(want)}, read {show(read)}"


# --- consolidation ---------------------------------------------------------------------------------------


def totals_problems(expected: dict, got: dict) -> list[str]:
    out = []
    for code, want in expected.items():
        read = got.get(code, MISSING)
        if not same(want, read, TOTAL_TOL):
            out.append(f"total {code}: expected {show(want)}, got {show(read)}")
    return out


def unit_file_problems(expected_units: dict[str, list[str]], result: dict) -> list[str]:
    """Each unit's figures come from its own files (峨眉山景区's return must not stand for 峨眉山市)."""
    used: dict[str, set[str]] = {}
    for row in result.get("units", []):
        if row.get("status") == "已报" and row.get("file"):
            used.setdefault(row["unit"], set()).update(Path(f).name for f in str(row["file"]).split("；"))
    out = []
    for unit, files in expected_units.items():
        if used.get(unit, set()) != set(files):
            out.append(
                f"{unit}: expected its figures from {sorted(files)}, used {sorted(used.get(unit, set()))}"
            )
    return out


# --- the whole corpus -----------------------------------------------------------------------------------


@dataclass
class Score:
    fields: list[FieldResult]
    by_layout: dict[str, Counter]
    faults_planted: int
    faults_found: int
    spurious: list[tuple[str, dict]]

    @property
    def overall(self) -> Counter:
        return Counter(r.outcome for r in self.fields)

    @property
    def ratio(self) -> float:
        return self.overall[RIGHT] / max(1, len(self.fields))


def score(expected: dict, results: dict[str, dict]) -> Score:
    fields: list[FieldResult] = []
    by_layout: dict[str, Counter] = {}
    planted = found = 0
    extra: list[tuple[str, dict]] = []
    for name, entry in expected["files"].items():
        obj = results.get(name, {"file": name, "error": "no result"})
        counted = scored(classify(name, entry, obj), entry)
        fields += counted
        by_layout.setdefault(entry["layout"], Counter()).update(r.outcome for r in counted)
        planted += len(entry["faults"])
        found += len(entry["faults"]) - len(missed_faults(entry, obj))
        extra += [(name, f) for f in spurious(entry, obj)]
    return Score(fields, by_layout, planted, found, extra)
