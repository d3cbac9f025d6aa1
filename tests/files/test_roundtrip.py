"""Fill the committed templates through their defined names, read them back, check them.

Also through a LibreOffice re-save, which rewrites every part of the file (styles, shared strings,
defined names) the way another office suite does, and with a guarantee that reading never writes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from system_tools import require_tool

from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.rules import RuleSet

from .conftest import (
    COVER,
    DELIBERATE,
    FORM_IDS,
    UNIT,
    assert_values_exact,
    fill_template,
    findings_by_rule,
    form_values,
    memory_report,
    rule_ids,
    run_file,
    template_path,
)

LO_TIMEOUT = 120


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_filled_template_reads_back_exactly(campaign: Campaign, rules: RuleSet, filled: dict[str, Path],
                                            form_id: str) -> None:
    _book, ret, report = run_file(filled[form_id], campaign, rules)
    assert [f.form_id for f in ret.forms] == [form_id]
    located = ret.forms[0]
    assert located.method == "names" and located.sheet == campaign.form(form_id).sheet
    assert all(ref is not None for ref in located.cells.values())
    assert_values_exact(report.values, form_values(form_id))
    assert report.unit == UNIT
    assert report.forms == (form_id,)
    assert report.cover[form_id] == {
        "UNIT": UNIT, "DATE": "2017-01-15", "PERSON": COVER["PERSON"], "PHONE": COVER["PHONE"]
    }


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_filled_template_findings_match_the_in_memory_return(campaign: Campaign, rules: RuleSet,
                                                             filled: dict[str, Path], form_id: str) -> None:
    _, _, report = run_file(filled[form_id], campaign, rules)
    expected = memory_report(campaign, rules, form_id)
    assert DELIBERATE[form_id] <= set(rule_ids(report)), rule_ids(report)
    assert findings_by_rule(report) == findings_by_rule(expected)
    assert report.values == expected.values
    assert not report.skipped


def test_every_value_lands_in_its_own_named_cell(
    campaign: Campaign, rules: RuleSet, filled: dict[str, Path]
) -> None:
    """Reading a field back through its name gives that field's value, never a neighbour's."""
    for form_id in FORM_IDS:
        book, ret, _ = run_file(filled[form_id], campaign, rules)
        expected = form_values(form_id)
        for f in campaign.form(form_id).fields:
            ref = book.names[f.name.upper()]
            assert ret.forms[0].cells[f.code] == ref, f.code
            # calamine may hand a count back as 5000.0: equal in value, the engine makes it an int again
            assert book.sheet(ref.sheet).value(ref.row, ref.col) == expected[f.code], f.code


# --- (b) a LibreOffice re-save ---------------------------------------------------------------------


def _lo_resave(sources: list[Path], out_dir: Path) -> tuple[list[Path], float]:
    exe = require_tool("soffice")
    profile = Path(tempfile.gettempdir()) / f"lo_profile_{os.getpid()}_{uuid.uuid4().hex}"
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", "xlsx", "--outdir", str(out_dir), *map(str, sources)],
            check=False, capture_output=True, text=True, timeout=LO_TIMEOUT,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    elapsed = time.perf_counter() - started
    outputs = [out_dir / s.name for s in sources]
    missing = [p.name for p in outputs if not p.exists()]
    assert not missing, (
        f"soffice rc={proc.returncode} made no {missing}\nstdout: {proc.stdout}\nstderr: {proc.stderr}"
    )
    return outputs, elapsed


@pytest.fixture(scope="module")
def resaved(filled: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("libreoffice")
    paths, elapsed = _lo_resave([filled[f] for f in FORM_IDS], out)
    print(f"\nLibreOffice re-save of {len(paths)} files: {elapsed:.1f}s")
    for src, dst in zip((filled[f] for f in FORM_IDS), paths):
        assert dst.read_bytes() != src.read_bytes()  # really rewritten, not copied
    return dict(zip(FORM_IDS, paths))


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_libreoffice_resave_reads_the_same(campaign: Campaign, rules: RuleSet, filled: dict[str, Path],
                                           resaved: dict[str, Path], form_id: str) -> None:
    _, _, original = run_file(filled[form_id], campaign, rules)
    book, ret, report = run_file(resaved[form_id], campaign, rules)
    assert ret.forms[0].method == "names", "LibreOffice dropped the defined names"
    field_names = {f.name.upper() for f in campaign.form(form_id).fields}
    assert field_names <= set(book.names), sorted(field_names - set(book.names))
    assert_values_exact(report.values, form_values(form_id))
    assert report.unit == UNIT
    assert rule_ids(report) == rule_ids(original)
    assert findings_by_rule(report) == findings_by_rule(original)
    assert report.cover == original.cover


# --- (c) reading never writes ----------------------------------------------------------------------


def test_reading_leaves_the_file_untouched(campaign: Campaign, rules: RuleSet, tmp_path: Path) -> None:
    path = fill_template(campaign, "A1", tmp_path / "return.xlsx")
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    stat = path.stat()
    listing = sorted(os.listdir(tmp_path))
    _, _, report = run_file(path, campaign, rules)
    assert report.values  # it really was read
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    assert path.stat().st_mtime_ns == stat.st_mtime_ns and path.stat().st_size == stat.st_size
    assert sorted(os.listdir(tmp_path)) == listing  # no lock or temp file left beside it


def test_reading_the_committed_templates_leaves_them_untouched(campaign: Campaign, rules: RuleSet) -> None:
    for form_id in FORM_IDS:
        path = template_path(campaign, form_id)
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        _, _, report = run_file(path, campaign, rules)
        assert set(report.values) == {f.code for f in campaign.form(form_id).fields}
        assert all(v is None for v in report.values.values())  # blank: nothing read as 0
        assert "F-LOCATE" not in rule_ids(report)
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before
