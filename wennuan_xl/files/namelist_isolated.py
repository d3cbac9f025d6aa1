"""``wennuan check`` with 实名制 lists (issue #16): each file read, located and checked in an isolated worker, as
``isolated.check_files`` does for the annexes, answering the annexes' Report and the list's ListReport of it."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from .isolated import _STATE, READ_SECONDS, Died, Pool, _preload, set_state, workers_for


def check_files_and_lists(jobs: Sequence[tuple[str, str]], campaign, rules, workers: int | None = None,
                          follow_links: bool = True) -> tuple[list, list]:
    """(one ``Report`` or ``ReturnUnusable`` per file that holds an annex or holds nothing usable, in order;
    the ``ListReport`` of each file that holds a list, in order). A file with both answers both."""
    from ..core.findings import ReturnUnusable

    set_state(campaign, rules)
    _preload()
    results: list = []
    lists: list = []
    with contextlib.ExitStack() as stack:
        pool = stack.enter_context(Pool(workers_for(len(jobs), workers), set_state, (campaign, rules), seconds=READ_SECONDS))
        calls = [(path, shown, follow_links) for path, shown in jobs]
        for (_path, shown), answer in zip(jobs, pool.map(_check_any_task, calls)):
            if isinstance(answer, Died):
                results.append(ReturnUnusable(shown, answer.reason))
            elif answer[0] == "unusable":
                results.append(ReturnUnusable(shown, answer[1]))
            else:
                _, report, namelist = answer
                if report is not None:
                    results.append(report)
                if namelist is not None:
                    lists.append(namelist)
    return results, lists


def _check_any_task(path: str, shown: str, follow_links: bool):
    """("ok", Report or None, ListReport or None), or ("unusable", reason)."""
    from ..core.check import check_return
    from ..core.findings import ReturnUnusable
    from .namelist_source import load_any

    try:
        data, namelist = load_any(path, _STATE["campaign"], shown, follow_links=follow_links)
        report = check_return(data, _STATE["campaign"], _STATE["rules"]) if data.forms else None
        return "ok", report, namelist
    except ReturnUnusable as exc:
        return "unusable", exc.reason
