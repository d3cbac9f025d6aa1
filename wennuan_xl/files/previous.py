"""Reading last year's figures (上年同期): ``--previous FILE|FOLDER``, 设置's WN_PREVIOUS.

A file is last year's consolidated workbook written by this program (``core.previous.previous_from_detail``
reads its 明细); a folder holds last year's returns, read, checked and consolidated with the same reader
and the same matching as this year's (``core.previous.previous_from_consolidation``). Either way the file
is read as any return is: guarded and parsed in an isolated worker process, never written. What cannot be
used is ``PreviousUnusable`` with a Chinese reason naming the file or folder, never a silent blank.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..core.findings import ReturnUnusable
from ..core.forms import Campaign
from ..core.previous import PreviousUnusable, PreviousYear, previous_from_consolidation, previous_from_detail
from ..core.rules import RuleSet
from .bulk import WORKBOOK_SUFFIXES


def load_previous(source: Path | str, campaign: Campaign, rules: RuleSet, workers: int | None = None,
                  recursive: bool = False) -> PreviousYear:
    """Last year's figures from ``source`` (a consolidated workbook, or a folder of returns), matched to this
    year's forms and roster (``campaign``)."""
    path = Path(source)
    shown = str(source)
    if path.is_dir():
        return _from_folder(path, shown, campaign, rules, workers, recursive)
    if not path.exists():
        raise PreviousUnusable(f"上年同期数据“{shown}”不存在：请给出上年的汇总工作簿（.xlsx），或上年各单位退回表所在的文件夹")
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        raise PreviousUnusable(f"上年同期数据“{shown}”不是 Excel 工作簿（.xlsx / .xlsm / .xls / .ods）：请给出上年的汇总工作簿，"
                               "或上年各单位退回表所在的文件夹")
    return _from_workbook(path, shown, campaign)


def _from_workbook(path: Path, shown: str, campaign: Campaign) -> PreviousYear:
    from .isolated import READ_SECONDS, Died, Pool, set_state

    set_state(campaign)
    with Pool(1, set_state, (campaign,), seconds=READ_SECONDS) as pool:
        (answer,) = list(pool.map(_detail_task, [(str(path), shown)]))
    if isinstance(answer, Died):
        raise PreviousUnusable(f"上年同期数据“{shown}”无法读取：{answer.reason}")
    if answer[0] == "ok":
        return answer[1]
    raise PreviousUnusable(answer[1])


def _detail_task(path: str, shown: str):
    """In a worker: ("ok", PreviousYear) or ("unusable", the clerk's reason)."""
    from .isolated import _STATE
    from .read import read_workbook

    try:
        return "ok", previous_from_detail(read_workbook(path, shown), _STATE["campaign"])
    except ReturnUnusable as exc:
        return "unusable", f"上年同期数据“{shown}”无法读取：{exc.reason}"
    except PreviousUnusable as exc:
        return "unusable", exc.reason


def _from_folder(folder: Path, shown: str, campaign: Campaign, rules: RuleSet, workers: int | None,
                 recursive: bool) -> PreviousYear:
    from ..core.consolidate import consolidate
    from ..frame.columnar import check_returns
    from ..jobs import not_returns
    from .bulk import read_folder

    plain = replace(rules, previous=None)  # last year's returns are checked only to be consolidated
    returns = read_folder(folder, campaign, plain, recursive=recursive, workers=workers,
                          skip=not_returns(folder, recursive), check_many=check_returns)
    if not returns:
        raise PreviousUnusable(f"上年同期数据的文件夹“{shown}”中没有 Excel 工作簿：请给出上年各单位退回表所在的文件夹，"
                               "或上年的汇总工作簿")
    return previous_from_consolidation(consolidate(returns, campaign, plain), campaign, shown)
