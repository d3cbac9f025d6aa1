"""Benchmark: what a return filled in our template costs the reader, today's templates against an older commit's.

    python benchmarks/template_returns.py                 # against the templates of 0e5e5af (before reading cells)
    python benchmarks/template_returns.py --compare HEAD~3 --rounds 20

A unit's return is our template filled in: its hidden 审核 sheet travels with it, and the guard, calamine and
the locator read it like any sheet. Each template (both annexes) is filled with the same consistent figures
with openpyxl and, when LibreOffice is there, also saved by LibreOffice (as Excel saves it: every formula with
its cached result). Today's code then guards, reads, locates and checks each file, the versions in turns
(CPU time, this process), and prints milliseconds per file and the ratio. The older templates come from
``git show COMMIT:workbooks/…``; the code that reads them is today's.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    import openpyxl

    from wennuan_xl.core.check import check_return
    from wennuan_xl.core.locate import locate
    from wennuan_xl.files import guard
    from wennuan_xl.files.campaign_files import load_campaign, load_rules
    from wennuan_xl.files.read import read_workbook
    from wennuan_xl.files.template import template_filename
    from wennuan_xl.samples import consistent_values, cover_for

    parser = argparse.ArgumentParser()
    parser.add_argument("--compare", default="0e5e5af")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    campaign = load_campaign()
    rules = load_rules(campaign)
    values = consistent_values(random.Random(1))
    cover = cover_for(random.Random(1), "市中区总工会")
    folder = Path(tempfile.mkdtemp(prefix="wn-template-returns-"))
    files: dict[tuple[str, str, str], Path] = {}
    for version in ("now", args.compare):
        for form in campaign.forms:
            name = template_filename(form)
            source = folder / f"{version}-{form.id}-blank.xlsx"
            if version == "now":
                shutil.copy(ROOT / "workbooks" / name, source)
            else:
                source.write_bytes(subprocess.run(["git", "-C", str(ROOT), "show", f"{version}:workbooks/{name}"],
                                                  check=True, capture_output=True).stdout)
            book = openpyxl.load_workbook(source)
            for f in form.fields:
                sheet, coord = next(iter(book.defined_names[f.name].destinations))
                book[sheet][coord.replace("$", "")].value = values.get(f.code)
            for c in form.cover:
                sheet, coord = next(iter(book.defined_names[c.name(form.id)].destinations))
                book[sheet][coord.replace("$", "")].value = cover[c.key]
            filled = folder / f"{version}-{form.id}.xlsx"
            book.save(filled)
            files[(version, form.id, "openpyxl")] = filled
    if shutil.which("soffice"):
        out = folder / "lo"
        subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                        "--convert-to", "xlsx", "--outdir", str(out), *map(str, list(files.values()))],
                       check=True, capture_output=True)
        for (version, form_id, _), path in list(files.items()):
            files[(version, form_id, "LibreOffice")] = out / path.name
    spent: dict[tuple[str, str, str], list[float]] = {k: [0.0, 0.0] for k in files}
    for _ in range(args.rounds):
        for key, path in files.items():
            data = path.read_bytes()
            start = time.process_time()
            guard.inspect(data, path.name)
            guarded = time.process_time()
            check_return(locate(read_workbook(path), campaign), campaign, rules)  # the guard again, then the rest
            spent[key][0] += guarded - start
            spent[key][1] += time.process_time() - guarded
    print(f"CPU ms per filled template, {args.rounds} rounds in turns (guard; guard + read + locate + check)")
    for form in campaign.forms:
        for saved in ("openpyxl", "LibreOffice"):
            if (args.compare, form.id, saved) not in spent:
                continue
            old, new = spent[(args.compare, form.id, saved)], spent[("now", form.id, saved)]
            size_old = files[(args.compare, form.id, saved)].stat().st_size
            size_new = files[("now", form.id, saved)].stat().st_size
            print(f"  {form.annex} saved by {saved:11}  {args.compare}: {old[0] / args.rounds * 1000:5.1f}; "
                  f"{old[1] / args.rounds * 1000:5.1f} ms ({size_old // 1024} KB)   now: {new[0] / args.rounds * 1000:5.1f}; "
                  f"{new[1] / args.rounds * 1000:5.1f} ms ({size_new // 1024} KB)   ratio {new[1] / old[1]:.2f}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
