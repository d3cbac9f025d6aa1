"""The jobs every shell runs (CLI, Excel): read a folder, consolidate, write the workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from .core.consolidate import Consolidation, consolidate
from .core.forms import Campaign
from .core.rules import RuleSet
from .files.atomic import Inputs
from .files.bulk import Progress, read_folder, scan_folder
from .files.consolidated import is_consolidated_output, write_consolidated

if TYPE_CHECKING:
    from .files.feedback import FeedbackResult

REPO_ROOT = Path(__file__).resolve().parent.parent


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


def consolidate_folder(
    folder: Path, out: Path, campaign: Campaign, rules: RuleSet, recursive: bool = False,
    exclude_errors: bool = False, progress: Progress | None = None, workers: int | None = None,
) -> tuple[Consolidation, Path]:
    # The previous run's output may sit in the folder itself: it is no return, and may be replaced.
    # Anything else at that path is a unit's return and stays protected.
    previous = (out,) if out.exists() and is_consolidated_output(out) else ()
    returns = read_folder(folder, campaign, rules, recursive=recursive, progress=progress, workers=workers, skip=previous)
    result = consolidate(returns, campaign, rules, exclude_errors=exclude_errors)
    inputs = run_inputs(folder, recursive, out if previous else None)
    written = write_consolidated(result, campaign, out, protect=inputs, returns=folder)
    return result, written


def write_feedback(
    result: Consolidation, campaign: Campaign, folder: Path, out_dir: Path,
    day: dt.date | None = None, resubmit_by: dt.date | None = None,
) -> FeedbackResult:
    """Feedback copies (``wennuan consolidate --feedback DIR``; the Excel 汇总 with WN_FEEDBACK on 设置):
    for each return in use with a 错误 or an open 提示, a flagged copy with a 审核意见 sheet addressed to
    the unit, in ``out_dir``. ``day`` (default today) dates the letter and names the files; ``resubmit_by``
(default ``day`` + 3 working days) is the date the letter asks the corrected returns by."""
    from .files.feedback import write_feedback_copies

    return write_feedback_copies(result, campaign, folder, out_dir, day=day, resubmit_by=resubmit_by,
                                 inputs=run_inputs(folder, True))


def sample_returns_folder() -> Path | None:
    for base in (Path.cwd(), REPO_ROOT):
        folder = base / "workbooks" / "samples" / "returns"
        if folder.is_dir():
            return folder
    return None
