"""Writes the attack corpus: returns a county clerk could plausibly send, each aimed at one assumption of
the field locator, with the values a careful person reads in each (``expected.json``).

    python -m tests.foreign_attack.make_attack               # tests/foreign_attack/returns + expected.json
    python -m tests.foreign_attack.make_attack --out DIR     # somewhere else
    python -m tests.foreign_attack.make_attack --no-convert  # no LibreOffice .xls copies (expected.json
                                                             # lists them all the same)

Figures come from ``wennuan_xl.samples.consistent_values`` with a fixed seed per file name; every sheet is
laid out here by hand (``cases.py``) from the notice's printed wording (``notice.py``) and written with
openpyxl (``writer.py``), never through the project's template, layout or writer code. The project's
in-memory engine is used only as an oracle for which 错误 rules a set of values fires, so that a planted
fault is recorded with every rule it trips and a file without one is known to trip none.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from wennuan_xl.core.check import check_return
from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.locate import locate
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.samples import workbook_from_values

from .cases import CASES, Case, Ctx, make_ctx
from .writer import convert_xls, write_xlsx

HERE = Path(__file__).resolve().parent


def oracle_errors(ctx: Ctx, campaign: Campaign, rules: RuleSet, missing: set[str]) -> list[dict[str, object]]:
    """The 错误 the engine reports on these values when it finds every field by name (fields the return
    does not print at all are left out of the oracle: the locator must refuse them instead)."""
    c = ctx.cover
    cover = {"UNIT": c.unit, "PERSON": c.person, "PHONE": c.phone, "DATE": c.date}
    values = {k: v for k, v in ctx.values.items() if k not in missing}
    book = workbook_from_values(campaign, values, cover=cover, forms=ctx.annexes)
    report = check_return(locate(book, campaign), campaign, rules)
    return [{"rule": f.rule, "codes": list(f.codes)} for f in report.errors
            if not (f.rule.startswith("F-LOCATE") or set(f.codes) <= missing)]


def expected_entry(case: Case, ctx: Ctx, campaign: Campaign, rules: RuleSet) -> dict[str, object]:
    refuse = list(case.refuse) if case.refuse != "file" else "file"
    missing = set(case.refuse) if refuse != "file" else set()
    errors = oracle_errors(ctx, campaign, rules, missing)
    planted = {r for r, _ in case.faults if r}
    fired = {str(e["rule"]) for e in errors}
    if planted - fired or fired - planted:
        raise AssertionError(f"{case.name}: planted {sorted(planted)}, the engine fires {errors}")
    codes = [f.code for a in case.annexes for f in campaign.form(a).fields]
    return {
        "layout": case.layout,
        "unit": case.unit,
        "annexes": list(case.annexes),
        "values": {c: ctx.values[c] for c in codes},
        "cover": {a: ctx.cover.expected() for a in case.annexes},
        "faults": errors,
        "refuse": refuse,
        "hidden": case.hidden or None,
        "notes": case.notes,
        "person": case.person,
    }


def generate(out: Path, with_conversions: bool = True) -> dict[str, object]:
    campaign = load_campaign()
    rules = load_rules(campaign)
    returns = out / "returns"
    returns.mkdir(parents=True, exist_ok=True)
    for old in returns.iterdir():
        if old.suffix in (".xlsx", ".xls"):
            old.unlink()
    files: dict[str, dict[str, object]] = {}
    to_convert: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="wennuan-attack-") as tmp:
        staging = Path(tmp)
        for case in CASES:
            ctx = make_ctx(case, campaign)
            entry = expected_entry(case, ctx, campaign, rules)
            source = staging / f"{case.name}.xlsx"
            write_xlsx(case.build(ctx), source)
            if case.keep_xlsx:
                shutil.copyfile(source, returns / source.name)
                files[source.name] = {**entry, "format": "xlsx"}
            if case.xls:
                to_convert.append(source)
                files[f"{case.name}.xls"] = {**entry, "format": "xls", "saved_by": "LibreOffice"}
        if with_conversions and to_convert:
            convert_xls(to_convert, returns)
    expected = {
        "about": "tests/foreign_attack: returns aimed at the locator's assumptions (README.md); written by make_attack.py",
        "files": dict(sorted(files.items())),
    }
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return expected


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for returns/ and expected.json")
    parser.add_argument("--no-convert", action="store_true", help="skip the LibreOffice .xls copies")
    args = parser.parse_args(argv)
    expected = generate(args.out, with_conversions=not args.no_convert)
    print(f"{len(expected['files'])} returns -> {args.out}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    sys.exit(main())
