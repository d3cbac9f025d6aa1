"""The jobs every shell runs, from one resolved ``Settings``: check files, consolidate a folder, write the
feedback copies, write the blank templates.

A shell only turns its inputs into ``Settings`` (settings.py: the CLI from its arguments, the Excel
buttons from the master's 设置 and 单位名单 sheets) and renders what a job returns.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .core.consolidate import Consolidation, Returned, consolidate
from .core.forms import Campaign
from .core.rollup_checks import unit_name_key
from .files.atomic import Inputs
from .files.bulk import CheckMany, Progress, find_returns, read_folder, scan_folder
from .files.consolidated import CONSOLIDATED_MARK, is_consolidated_output, output_mark
from .settings import Settings, settings

__all__ = [
    "Settings",
    "check_files",
    "consolidate_folder",
    "not_returns",
    "own_output",
    "read_and_consolidate",
    "sample_returns_folder",
    "settings",
    "write_feedback",
    "write_personal_templates",
    "write_reminders",
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
    """What a folder holds that is no unit's return, known before reading: the master being clicked, and a
    one-table workbook this program wrote (a 催报清单 saved there). A consolidated workbook this program wrote
    is read (a lower union's roll-up is a return, 层层汇总) and set aside once read when it is this union's
    own (``own_output``)."""
    here = master.resolve() if master is not None else None
    return tuple(p for p in find_returns(folder, recursive)
                 if (here is not None and p.resolve() == here) or (_may_be_output(p) and output_mark(p) not in (None, CONSOLIDATED_MARK)))


def own_output(returned: Returned, campaign: Campaign) -> bool:
    """A consolidated workbook of this very union (a previous run's output saved in the folder), the one rule of
    both shells: its 汇总 sheets name this consolidation's 填报单位. Any other union's is its roll-up."""
    return returned.rollup is not None and unit_name_key(returned.unit_typed, campaign) == unit_name_key(campaign.issuer, campaign)


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
    returns = [r for r in returns if not own_output(r, settings.campaign)]
    result = consolidate(returns, settings.campaign, settings.rules, exclude_errors=settings.exclude_errors)
    return Consolidated.of(result, settings.campaign)


def column_checker() -> CheckMany | None:
    """The column-wise checker when numpy is installed, else None (checked one by one). numpy is imported at
    the first chunk's check, not here: the workers are forked before, so they start without it and the parent
    imports it (~45 ms) while they read."""
    try:
        if importlib.util.find_spec("numpy") is None:
            return None
    except (ImportError, ValueError):
        return None
    return _check_columnwise


def _check_columnwise(datas, campaign, rules):
    from .frame.columnar import check_returns

    return check_returns(datas, campaign, rules)


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
    """``wennuan consolidate``: the consolidation, written as a workbook at ``out``, dated (its 汇总 sheets'
    填报日期, its 催报清单) ``settings.feedback_day`` or today. The previous run's output may sit at ``out``
    and is replaced; anything else there is a unit's return and stays protected."""
    from .files.consolidated import write_consolidated

    result = read_and_consolidate(settings, folder, progress)
    previous = out.exists() and is_consolidated_output(out)
    inputs = run_inputs(folder, settings.recursive, out if previous else None)
    written = write_consolidated(result, settings.campaign, out, protect=inputs, returns=folder,
                                 day=settings.feedback_day, resubmit_by=settings.resubmit_by)
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


def write_reminders(result: Consolidation, settings: Settings, out: Path, folder: Path) -> Path:
    """The 催报清单 as a file of its own (``wennuan consolidate --remind FILE``): .xlsx, or CSV for a name
    ending in .csv; dated ``settings.feedback_day`` (default today), asking corrected returns by
    ``settings.resubmit_by`` (default: that date + 3 working days). A previous run's list at ``out`` is
    replaced; any other file of the returns folder is an input and stays untouched."""
    from .core.remind import remind_dates, remind_table
    from .files.remind import write_reminder_file

    campaign = settings.campaign
    table = remind_table(result, campaign, remind_dates(campaign, settings.feedback_day or dt.date.today(),
                                                        settings.resubmit_by))
    previous = out.exists() and is_consolidated_output(out)
    inputs = run_inputs(folder, settings.recursive, out if previous else None)
    return write_reminder_file(table, out, inputs, f"{campaign.name}催报清单", campaign.issuer)


def write_templates(settings: Settings, out_dir: Path | str) -> list[Path]:
    """The blank templates (``wennuan template``; 生成空白表), with the rules, and so the tolerance, of
    these settings as their live checks."""
    from .files.template import write_templates as write

    return write(settings.campaign, out_dir, settings.rules)


def write_personal_templates(settings: Settings, out_dir: Path | str) -> list[Path]:
    """``wennuan template --for-units``: each roster unit's own templates (填报单位 filled in and locked),
    with last year's figures (``settings.previous``) in a locked 上年数 column and the 上年同期 rules live.
    None is written over last year's source or a file in its folder."""
    from .files.template import write_personal_templates as write

    protect = Inputs()
    if settings.previous is not None:
        source = Path(settings.previous.source)
        protect = run_inputs(source, True) if source.is_dir() else Inputs([source])
    return write(settings.campaign, out_dir, settings.rules, settings.previous, protect)


def sample_returns_folder() -> Path | None:
    for base in (Path.cwd(), REPO_ROOT):
        folder = base / "workbooks" / "samples" / "returns"
        if folder.is_dir():
            return folder
    return None
