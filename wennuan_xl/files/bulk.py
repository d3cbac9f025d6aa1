"""Reading a folder of returns: every workbook, in isolated worker processes, each answered or explained.

Office lock files (``~$…``), temp and hidden files are skipped. Only regular files are read: a FIFO, device
or socket named like a workbook is listed with its reason (reading one would block or never end), and so
is a symbolic link that points outside the folder (its target is not a return of this folder, and its
contents would go out in a feedback copy). A file that cannot be used becomes a ``Returned`` with a
Chinese reason, and the run goes on. Files are read as data only, never written.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..core.check import check_return
from ..core.consolidate import Returned, compact
from ..core.findings import Report, ReturnUnusable
from ..core.forms import Campaign
from ..core.layout import VALUE_COL, layout_for
from ..core.locate import ReturnData
from ..core.namelist.check import ListReport
from ..core.rollup import Rollup
from ..core.rules import RuleSet
from .namelist_source import load_parts
from .read import not_regular

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
FOREIGN_SUFFIXES = {
    ".et": "这是 WPS 表格专用格式（.et），请在 WPS 中“另存为”Excel 格式（.xlsx）后再发送",
    ".xlsb": "这是 Excel 二进制工作簿（.xlsb），请另存为 .xlsx 后再发送",
}

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Found:
    """A workbook in the folder: ``path`` is what is read (a link inside the folder: its target),
    ``shown`` the name relative to the folder; ``reason``: why it is not read."""

    path: Path
    shown: str
    reason: str = ""
    link: bool = False


def _skipped(rel: Path) -> bool:
    return any(part.startswith((".", "~$", "~")) for part in rel.parts)  # hidden, Office lock, temp copies


def scan_folder(folder: Path | str, recursive: bool = False) -> list[Found]:
    """Every workbook-named entry of the folder, sorted, with the reason when it is not to be read."""
    folder = Path(folder)
    root = folder.resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if recursive and not _skipped(base.joinpath(d).relative_to(folder)))
        for name in filenames:  # FIFOs, sockets, devices and links to files are listed here too
            path = base / name
            rel = path.relative_to(folder)
            if _skipped(rel):
                continue
            suffix = path.suffix.lower()
            if suffix not in WORKBOOK_SUFFIXES and suffix not in FOREIGN_SUFFIXES:
                continue
            found.append(_classify(path, str(rel), root))
        if not recursive:
            break
    return sorted(found, key=lambda f: f.shown)


def _classify(path: Path, shown: str, root: Path) -> Found:
    try:
        info = path.lstat()
    except OSError as exc:
        return Found(path, shown, f"无法读取文件信息（{exc.strerror}）")
    if stat.S_ISLNK(info.st_mode):
        try:
            target = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return Found(path, shown, "这是一个指向不存在的文件的链接（快捷方式），未读取", link=True)
        if root != target and root not in target.parents:
            return Found(path, shown, f"这是一个指向文件夹以外的文件（{target}）的链接，未读取；请把文件本身放进文件夹", link=True)
        try:
            kind = not_regular(target.stat().st_mode)
        except OSError as exc:
            return Found(path, shown, f"无法读取文件信息（{exc.strerror}）", link=True)
        if kind:
            return Found(path, shown, f"这是一个指向{kind}的链接，不是 Excel 工作簿，未读取", link=True)
        return Found(target, shown, link=True)
    kind = not_regular(info.st_mode)
    if kind == "文件夹":
        return Found(path, shown, "这是一个文件夹，不是 Excel 工作簿")
    if kind:
        return Found(path, shown, f"这不是普通文件（{kind}），不是 Excel 工作簿，未读取")
    return Found(path, shown)


def find_returns(folder: Path | str, recursive: bool = False) -> list[Path]:
    """The workbooks of the folder that are read (regular files, and links to files inside the folder)."""
    return [f.path if not f.link else Path(folder) / f.shown for f in scan_folder(folder, recursive) if not f.reason]


@dataclass(frozen=True)
class Located:
    """A return read and located in a worker: plain data, checked in the parent with the others of its chunk."""

    shown: str
    mtime: float
    data: ReturnData
    moved: dict[str, str] | None  # field code -> cell, for fields not at the template's cell
    sheets: dict[str, str]  # form -> sheet
    namelist: ListReport | None = None  # issue #16: the workbook's 实名制 list, checked in the worker
    rollup: Rollup | None = None  # 层层汇总: a lower union's consolidated workbook, what it records below its totals


CheckMany = Callable[[Sequence[ReturnData], Campaign, RuleSet], list[Report]]


def check_each(datas: Sequence[ReturnData], campaign: Campaign, rules: RuleSet) -> list[Report]:
    """The reference checker: each return on its own (``core.check.check_return``)."""
    return [check_return(d, campaign, rules) for d in datas]


def locate_one(path: Path | str, shown: str, campaign: Campaign, follow_links: bool = True) -> Located | Returned:
    """One file read and located in this process (a worker's task): its data, or a ``Returned`` saying why not."""
    path = Path(path)
    try:
        mtime = path.stat().st_mtime
    except OSError:
        mtime = 0.0
    suffix = Path(shown).suffix.lower() or path.suffix.lower()
    if suffix in FOREIGN_SUFFIXES:
        return Returned(shown, mtime, error=FOREIGN_SUFFIXES[suffix])
    try:
        # issue #16: a 实名制 list beside or instead of the annexes, from the same read (checked here: a
        # ListReport is plain data)
        data, namelist, rollup = load_parts(path, campaign, shown, follow_links=follow_links)
    except ReturnUnusable as exc:
        return Returned(shown, mtime, error=exc.reason)
    except MemoryError:
        return Returned(shown, mtime, error="文件过大，读取时内存不足")
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the other 15 units' run
        return Returned(shown, mtime, error=_unexpected(exc))
    if not data.forms:  # a workbook holding only a 实名制 list
        return Returned(shown, mtime, unit_typed=namelist.unit if namelist else "", namelist=namelist)
    moved = {}
    for located in data.forms:
        layout = layout_for(campaign.form(located.form_id))
        for r in layout.rows:
            if r.field is None:
                continue
            ref = located.cells.get(r.field.code)
            if ref is not None and (ref.row, ref.col) != (r.row, VALUE_COL):
                moved[r.field.code] = str(ref)
    return Located(shown, mtime, data, moved or None, {f.form_id: f.sheet for f in data.forms}, namelist, rollup)


def check_located(items: Sequence[Located], campaign: Campaign, rules: RuleSet,
                  check_many: CheckMany = check_each) -> list[Returned]:
    """The located returns checked (all at once by ``check_many``), each compacted for the consolidation.
    Should checking fail on the batch, each return is checked on its own, and one that still fails gets a
    Chinese reason instead of stopping the run."""
    try:
        reports: list[Report | Returned] = list(check_many([it.data for it in items], campaign, rules))
    except Exception:  # noqa: BLE001 - a checker bug: fall back to one return at a time, below
        reports = []
        for it in items:
            try:
                reports.append(check_return(it.data, campaign, rules))
            except Exception as exc:  # noqa: BLE001 - this return only
                reports.append(Returned(it.shown, it.mtime, error=_unexpected(exc)))
    out = [r if isinstance(r, Returned) else compact(r, campaign, it.mtime, it.moved, it.sheets)
           for it, r in zip(items, reports)]
    return [replace(r, namelist=it.namelist, rollup=it.rollup) if it.namelist is not None or it.rollup is not None else r
            for it, r in zip(items, out)]


def _unexpected(exc: BaseException) -> str:
    return f"读取时发生意外错误（{type(exc).__name__}: {str(exc)[:100]}），请将此文件转交技术人员"


def read_one(path: Path | str, shown: str, campaign: Campaign, rules: RuleSet, follow_links: bool = True) -> Returned:
    """One file read, located and checked in this process (tests call it directly)."""
    got = locate_one(path, shown, campaign, follow_links)
    return got if isinstance(got, Returned) else check_located([got], campaign, rules)[0]


def read_folder(
    folder: Path | str,
    campaign: Campaign,
    rules: RuleSet,
    recursive: bool = False,
    workers: int | None = None,
    progress: Progress | None = None,
    skip: tuple[Path, ...] = (),
    check_many: CheckMany | None = None,
) -> list[Returned]:
    """``skip``: files not to read, such as the output of a previous run saved in the same folder.
    Entries that are not read (FIFOs, links outside the folder …) are listed with their reason.
    ``check_many`` checks the located returns a chunk at a time (default: each on its own)."""
    folder = Path(folder)
    skipped = {p.resolve() for p in skip}
    entries = [f for f in scan_folder(folder, recursive) if (folder / f.shown).resolve() not in skipped]
    out: dict[str, Returned] = {f.shown: Returned(f.shown, 0.0, error=f.reason) for f in entries if f.reason}
    jobs = [(str(f.path), f.shown) for f in entries if not f.reason]
    for returned in read_files(jobs, campaign, rules, workers, progress, follow_links=False, check_many=check_many):
        out[returned.file] = returned
    return [out[f.shown] for f in entries]


def read_files(jobs: Sequence[tuple[str, str]], campaign: Campaign, rules: RuleSet, workers: int | None = None,
               progress: Progress | None = None, follow_links: bool = True,
               check_many: CheckMany | None = None) -> Iterator[Returned]:
    """A ``Returned`` per (path, shown), in order; each file read in an isolated worker process."""
    from .isolated import read_returns

    yield from read_returns(jobs, campaign, rules, workers, progress, follow_links, check_many)
