"""The command line's side of the 实名制 list (issue #16): checking lists, their text and JSON, and the screen
every output passes before it is printed (IDs masked unless ``--show-ids`` asks for them in JSON)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath
from typing import TYPE_CHECKING

from ..core.findings import Finding, Report
from ..core.findings_table import finding_rows
from ..core.flags import summary
from ..core.idnumber import mask_text

if TYPE_CHECKING:  # a check without a list never needs the list's modules
    from ..core.forms import Campaign
    from ..core.namelist.check import ListReport


def screen(text: str) -> str:
    """The last look at anything printed: an ID-shaped number left in a text is masked."""
    return mask_text(text)


def with_reconciliation(lists: list[ListReport], reports: list[Report], campaign: Campaign) -> list[tuple[ListReport, list[Finding] | None]]:
    """Each list with its findings against the same unit's 附件1 among the files checked (None: no 附件1)."""
    if not lists:
        return []
    from ..core.namelist.reconcile import reconcile
    from ..core.namelist.spec import namelist_spec

    spec = namelist_spec(campaign)
    if spec is None:
        return [(r, None) for r in lists]
    annexes: dict[str, Report] = {}
    for report in reports:
        if "A1" in report.forms:
            annexes.setdefault(_unit(report.file, report.unit, campaign), report)
    out: list[tuple[ListReport, list[Finding] | None]] = []
    for lst in lists:
        annex = next((r for r in reports if r.file == lst.file and "A1" in r.forms), None) or annexes.get(_unit(lst.file, lst.unit, campaign))
        if annex is None:
            out.append((lst, None))
            continue
        first = lst.people[0].id_cell if lst.people else ""
        out.append((lst, reconcile(lst.totals, annex.values, campaign, spec, first)))
    return out


def _unit(file: str, typed: str, campaign: Campaign) -> str:
    from ..core.consolidate import Returned as _Returned
    from ..core.consolidate import identify

    match = identify(_Returned(file=file, mtime=0.0, unit_typed=typed), campaign)
    return match.unit.name if match.unit is not None else (typed or PurePath(file).stem)


def all_findings(lst: ListReport, extra: list[Finding] | None) -> tuple[Finding, ...]:
    return lst.findings + tuple(extra or ())


def render_list(lst: ListReport, extra: list[Finding] | None, campaign: Campaign) -> str:
    from .text import REPORT_COLUMNS, render_rows

    findings = all_findings(lst, extra)
    amount = lst.totals.get("L_AMOUNT", 0.0)
    head = (f"实名制名单：填报单位 {lst.unit or '（未填）'}    工作表：{'、'.join(lst.sheets)}    "
            f"{int(lst.totals.get('L_PEOPLE', 0)):,} 人，金额合计 {amount:,.2f} 元（{amount / 10000:,.4f} 万元）")
    lines = [f"文件：{lst.file}", head, f"结果：{summary(findings)}"]
    if extra is None:
        lines.append("未与附件1 核对：未附同一单位的附件1，未与 06 发放款物、04 慰问户数核对（把附件1 一并列在命令中即可核对）")
    rows = finding_rows(campaign, ((lst.unit, lst.file, f) for f in findings))
    if rows:
        lines.append("")
        lines.extend(render_rows(rows, REPORT_COLUMNS))
    return screen("\n".join(lines))


def list_json(lst: ListReport, extra: list[Finding] | None, show_ids: bool, campaign: Campaign) -> dict:
    from .main import findings_json

    out = lst.to_dict(show_ids=show_ids)
    out["findings"] = findings_json(campaign, ((lst.unit, lst.file, f) for f in all_findings(lst, extra)))
    out["reconciled"] = extra is not None
    return out


def as_report(lst: ListReport, extra: list[Finding] | None) -> Report:
    """The list as a Report (no annex), for what every report gets: flagged copies, the overall line."""
    return Report(file=lst.file, unit=lst.unit, forms=(), values={}, findings=all_findings(lst, extra))


def one_report_per_file(results: list, checked: list[tuple[ListReport, list[Finding] | None]]) -> list:
    """The annex reports with each list's findings added to the report of its own file (a list sheet beside
    附件1 is flagged in the same copy), and a report for each file holding only a list."""
    out = list(results)
    for lst, extra in checked:
        mine = as_report(lst, extra)
        at = next((i for i, r in enumerate(out) if isinstance(r, Report) and r.file == lst.file), None)
        if at is None:
            out.append(mine)
        else:
            out[at] = replace(out[at], findings=out[at].findings + mine.findings)
    return out
