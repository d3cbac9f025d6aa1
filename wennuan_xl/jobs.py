"""The jobs every shell runs, from one resolved ``Settings``: check files, consolidate a folder, write the
feedback copies, write the blank templates.

A shell only turns its inputs into ``Settings`` (settings.py: the CLI from its arguments, the Excel
buttons from the master's 设置 and 单位名单 sheets) and renders what a job returns.
"""

from __future__ import annotations

import datetime as dt
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .core.consolidate import Consolidation, consolidate
from .files.atomic import Inputs
from .files.bulk import CheckMany, Progress, find_returns, read_folder, scan_folder
from .files.consolidated import is_consolidated_output
from .settings import Settings, settings

__all__ = [
    "Settings",
    "check_files",
    "consolidate_folder",
    "not_returns",
    "read_and_consolidate",
    "sample_returns_folder",
    "settings",
    "write_feedback",
    "write_templates",
]

if TYPE_CHECKING:
    from .core.findings import Report, ReturnUnusable
    from .files.feedback import FeedbackResult
    from .frame.result import Consolidated

REPO_ROOT = Path(__file__).resolve().parent.parent


def check_files(settings: Settings, files: Sequence[Path | str]) -> list[Report | ReturnUnusable]:
    """``wennuan check``: each file read, located and checked in an isolated worker, a ``Report`` or a
    ``ReturnUnusable`` per file, in order."""
    from .files.isolated import check_files as check_in_workers

    jobs = [(str(f), str(f)) for f in files]
    return check_in_workers(jobs, settings.campaign, settings.rules, settings.workers)


def not_returns(folder: Path, recursive: bool, master: Path | None = None) -> tuple[Path, ...]:
    """What a folder holds that is no unit's return, the one rule of every shell: a consolidated workbook
    this program wrote (a previous run's output, saved in the folder), and the master being clicked."""
    here = master.resolve() if master is not None else None
    return tuple(p for p in find_returns(folder, recursive)
                 if (here is not None and p.resolve() == here) or (_may_be_output(p) and is_consolidated_output(p)))


def _may_be_output(path: Path) -> bool:
    """False when ``path`` surely is no workbook this program wrote: a file of at most 1 MB whose bytes do
    not hold the name of the part that marks one (docProps/custom.xml). Reading its bytes costs a return
    ~20 µs; opening it as a zip, ~0.4 ms of the parent's time, for each of a thousand files."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return False  # is_consolidated_output opens regular files only
        if info.st_size > 1024 * 1024:
            return True
        with open(path, "rb") as fh:
            return b"docProps/custom.xml" in fh.read()
    except OSError:
        return True  # let is_consolidated_output say


def read_and_consolidate(settings: Settings, folder: Path, progress: Progress | None = None,
                         master: Path | None = None) -> Consolidated:
    """Every return of ``folder`` read and located in the workers, checked column-wise here
    (``frame.columnar.check_returns``: the same reports as one by one), then consolidated. Without the
    ``table`` extra (numpy, pandas: not on a clerk's Excel PC) each return is checked on its own instead."""
    from .frame.result import Consolidated

    skip = not_returns(folder, settings.recursive, master)
    returns = read_folder(folder, settings.campaign, settings.rules, recursive=settings.recursive,
                          progress=progress, workers=settings.workers, skip=skip, check_many=column_checker())
    result = consolidate(returns, settings.campaign, settings.rules, exclude_errors=settings.exclude_errors)
    return Consolidated.of(result, settings.campaign)


def column_checker() -> CheckMany | None:
    """The column-wise checker when numpy and pandas are installed, else None (checked one by one)."""
    try:
        from .frame.columnar import check_returns
    except ImportError:
        return None
    return check_returns


def run_inputs(folder: Path, recursive: bool, out: Path | None = None) -> Inputs:
    """Every input of a run over ``folder``: each workbook found (also those not read: a FIFO, a link and
    its target), by path and by file identity. A previous consolidated output at ``out`` is not one."""
    inputs = Inputs()
    skip = out.resolve() if out is not None else None
    for found in scan_folder(folder, recursive):
        for path in {found.path, folder / found.shown}:
            if skip is None or path.resolve() != skip:
                inputs.add(path)
    return inputs


def consolidate_folder(folder: Path, out: Path, settings: Settings,
                       progress: Progress | None = None) -> tuple[Consolidated, Path]:
    """``wennuan consolidate``: the consolidation, written as a workbook at ``out``. The previous run's
    output may sit at ``out`` and is replaced; anything else there is a unit's return and stays protected."""
    from .files.consolidated import write_consolidated

    result = read_and_consolidate(settings, folder, progress)
    previous = out.exists() and is_consolidated_output(out)
    inputs = run_inputs(folder, settings.recursive, out if previous else None)
    written = write_consolidated(result, settings.campaign, out, protect=inputs, returns=folder)
    return result, written


def write_feedback(result: Consolidation, settings: Settings, folder: Path) -> FeedbackResult:
    """Feedback copies (``wennuan consolidate --feedback DIR``; the Excel 汇总 with WN_FEEDBACK on 设置):
    for each return in use with a 错误 or an open 提示, a flagged copy with a 审核意见 sheet addressed to
    the unit, in ``settings.feedback_dir``, dated ``settings.feedback_day`` (default today), asking for the
    corrected return by ``settings.resubmit_by`` (default: that date + 3 working days)."""
    from .files.feedback import write_feedback_copies

    assert settings.feedback_dir is not None, "no feedback folder in these settings"
    from .files.feedback import resubmit_date

    campaign, out_dir, day = settings.campaign, settings.feedback_dir, settings.feedback_day
    inputs = run_inputs(folder, True)
    done = write_feedback_copies(result, campaign, folder, out_dir, day=day, resubmit_by=settings.resubmit_by,
                                 inputs=inputs)
    if result.lists is not None:  # issue #16: a copy of each unit's 实名制 list with its findings
        from .files.namelist_feedback import write_list_feedback

        letter_day = day or dt.date.today()
        lists = write_list_feedback(result, campaign, folder, out_dir, day=day,
                                    deadline=resubmit_date(campaign, letter_day, settings.resubmit_by), inputs=inputs)
        done.written.extend(lists.written)
        done.failed.extend(lists.failed)
    return done


def write_templates(settings: Settings, out_dir: Path | str) -> list[Path]:
    """The blank templates (``wennuan template``; 生成空白表), with the rules, and so the tolerance, of
    these settings as their live checks."""
    from .files.template import write_templates as write

    return write(settings.campaign, out_dir, settings.rules)


def sample_returns_folder() -> Path | None:
    for base in (Path.cwd(), REPO_ROOT):
        folder = base / "workbooks" / "samples" / "returns"
        if folder.is_dir():
            return folder
    return None
