"""Reading a folder of returns: every workbook, in parallel across cores, each answered or explained.

Office lock files (``~$…``), temp and hidden files are skipped. A file that cannot be used becomes a
``Returned`` with a Chinese reason, and the run goes on. Files are read as data only, never written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

from ..core.check import check_return
from ..core.consolidate import Returned, compact
from ..core.findings import ReturnUnusable
from ..core.forms import Campaign, load_campaign
from ..core.layout import VALUE_COL, layout_for
from ..core.rules import RuleSet, load_rules
from .namelist_source import load_any

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
FOREIGN_SUFFIXES = {".et": "这是 WPS 表格专用格式（.et），请在 WPS 中“另存为”Excel 格式（.xlsx）后再发送"}

Progress = Callable[[int, int, str], None]


def find_returns(folder: Path | str, recursive: bool = False) -> list[Path]:
    folder = Path(folder)
    pattern = folder.rglob("*") if recursive else folder.glob("*")
    found = []
    for path in pattern:
        rel = path.relative_to(folder)
        if any(part.startswith((".", "~$", "~")) for part in rel.parts):
            continue  # hidden files, Office lock files and temp copies
        if not path.is_file():
            continue
        suffix = path.suffix.lower()
        if suffix in WORKBOOK_SUFFIXES or suffix in FOREIGN_SUFFIXES:
            found.append(path)
    return sorted(found)


_STATE: dict[str, object] = {}


def _init_worker(campaign_dir: str | None, roster: tuple | None) -> None:
    campaign = load_campaign(campaign_dir)
    if roster is not None:
        campaign = replace(campaign, roster=roster)
    _STATE["campaign"] = campaign
    _STATE["rules"] = load_rules(campaign)


def read_one(path: Path, shown: str, campaign: Campaign, rules: RuleSet) -> Returned:
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    suffix = path.suffix.lower()
    if suffix in FOREIGN_SUFFIXES:
        return Returned(shown, mtime, error=FOREIGN_SUFFIXES[suffix])
    try:
        data, namelist = load_any(path, campaign, shown)  # issue #16: a 实名制 list beside or instead of the annexes
        report = check_return(data, campaign, rules) if data.forms else None
    except ReturnUnusable as exc:
        return Returned(shown, mtime, error=exc.reason)
    except MemoryError:
        return Returned(shown, mtime, error="文件过大，读取时内存不足")
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the other 15 units' run
        return Returned(shown, mtime, error=f"读取时发生意外错误（{type(exc).__name__}: {str(exc)[:100]}），请将此文件转交技术人员")
    if report is None:  # a workbook holding only a 实名制 list
        return Returned(shown, mtime, unit_typed=namelist.unit if namelist else "", namelist=namelist)
    cells: dict[str, str] | None = None
    moved = {}
    for located in data.forms:
        layout = layout_for(campaign.form(located.form_id))
        for r in layout.rows:
            if r.field is None:
                continue
            ref = located.cells.get(r.field.code)
            if ref is not None and (ref.row, ref.col) != (r.row, VALUE_COL):
                moved[r.field.code] = str(ref)
    if moved:
        cells = moved
    sheets = {f.form_id: f.sheet for f in data.forms}
    returned = compact(report, campaign, mtime, cells, sheets)
    return replace(returned, namelist=namelist) if namelist is not None else returned


def _read_in_worker(args: tuple[str, str]) -> Returned:
    path, shown = args
    return read_one(Path(path), shown, _STATE["campaign"], _STATE["rules"])  # type: ignore[arg-type]


def read_folder(
    folder: Path | str,
    campaign: Campaign,
    rules: RuleSet,
    recursive: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    skip: tuple[Path, ...] = (),
) -> list[Returned]:
    """``skip``: files not to read, such as the output of a previous run saved in the same folder."""
    folder = Path(folder)
    skipped = {p.resolve() for p in skip}
    paths = [p for p in find_returns(folder, recursive) if p.resolve() not in skipped]
    jobs = [(str(p), str(p.relative_to(folder))) for p in paths]
    return list(read_files(jobs, campaign, rules, workers, progress))


def read_files(jobs, campaign: Campaign, rules: RuleSet, workers: int | None = None, progress: Progress | None = None) -> Iterator[Returned]:
    total = len(jobs)
    workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if workers <= 1 or total < 8:
        for i, (path, shown) in enumerate(jobs, start=1):
            yield read_one(Path(path), shown, campaign, rules)
            if progress:
                progress(i, total, shown)
        return
    campaign_dir = str(campaign.folder)
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(campaign_dir, campaign.roster)) as pool:
        chunk = max(1, min(64, total // (workers * 8) or 1))
        for i, result in enumerate(pool.map(_read_in_worker, jobs, chunksize=chunk), start=1):
            yield result
            if progress:
                progress(i, total, result.file)
