"""The hostile corpus, built once per session in a temp folder, and helpers to read what the clerk sees."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from wennuan_xl.cli.main import main

from . import corpus


@pytest.fixture(scope="session")
def hostile(tmp_path_factory, campaign) -> tuple[Path, list[corpus.Case]]:
    folder = tmp_path_factory.mktemp("hostile") / "returns"
    return folder, corpus.build(folder, campaign)


@pytest.fixture(scope="session")
def consolidated(hostile, tmp_path_factory):
    """``wennuan consolidate`` over the whole corpus: (exit code, output path, status rows by file)."""
    folder, _cases = hostile
    out = tmp_path_factory.mktemp("hostile-out") / "汇总.xlsx"
    code = main(["consolidate", str(folder), "-o", str(out)])
    book = openpyxl.load_workbook(out)
    ws = book["上报情况"]
    headers = [c.value for c in ws[4]]
    rows = {}
    for values in ws.iter_rows(min_row=5, values_only=True):
        if all(v in (None, "") for v in values):
            break
        row = dict(zip(headers, values))
        rows[row["文件"]] = row
    return code, out, rows


@pytest.fixture(scope="session")
def checked(hostile) -> dict[str, dict]:
    """``wennuan check --json`` over the whole corpus, one object per file, keyed by file name."""
    import contextlib
    import io

    folder, cases = hostile
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["check", "--json", *(str(folder / c.name) for c in cases)])
    assert code == 2  # some files cannot be read
    return {Path(o["file"]).name: o for o in json.loads(out.getvalue())}


def sha256_tree(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def formula_texts(xlsx: Path) -> list[str]:
    """The text of every <f> element in every sheet of a written workbook."""
    import re

    out = []
    with zipfile.ZipFile(xlsx) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                out += re.findall(r"<f(?:\s[^>]*)?>(.*?)</f>", xml, re.DOTALL)
    return out


def all_texts(xlsx: Path) -> set[str]:
    """Every string cell value of a written workbook, as openpyxl reads it."""
    book = openpyxl.load_workbook(xlsx)
    return {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
