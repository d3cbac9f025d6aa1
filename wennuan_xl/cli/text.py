"""Plain-text rendering of reports for the terminal, in Chinese."""

from __future__ import annotations

from ..core.findings import Report
from ..core.flags import summary
from ..core.forms import Campaign


def render_report(report: Report, campaign: Campaign) -> str:
    annexes = "、".join(campaign.form(f).annex for f in report.forms) or "无"
    lines = [
        f"文件：{report.file}",
        f"填报单位：{report.unit or '（未填）'}    包含：{annexes}",
        f"结果：{summary(report.findings)}",
    ]
    if report.findings:
        lines.append("")
        width = max(len(f.cells[0]) if f.cells else 0 for f in report.findings)
        for f in report.findings:
            where = f.cells[0] if f.cells else ""
            label = "已说明" if f.explained else f.severity.label
            lines.append(f"  {label}  {where.ljust(width)}  {f.message}  [{f.rule}]")
            if f.explanation:
                # A 提示 with the unit's 说明 is no longer open; a 错误 stays open whatever is written.
                status = "" if f.explained else "（错误不能以说明代替修改）"
                lines.append(f"  {' ' * len(label) * 2}  {' ' * width}  单位说明：{f.explanation}{status}")
    if report.notes:
        lines.append("")
        lines.extend(f"  说明  {note}" for note in report.notes)
    return "\n".join(lines)


def render_unusable(file: str, reason: str) -> str:
    return f"文件：{file}\n结果：无法审核 —— {reason}"
