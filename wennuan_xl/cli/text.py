"""Plain-text rendering of reports for the terminal, in Chinese.

Everything a unit wrote (its name, its values quoted in messages, its 说明) and every file name is
passed through ``visible``: a control character (an ANSI escape could erase lines and print a fake
“结果：未发现问题”), a bidirectional override or an undecodable byte of a file name is printed as an
escape, never raw.
"""

from __future__ import annotations

import json
import re

from ..core.findings import Report
from ..core.flags import summary
from ..core.forms import Campaign
from ..files.atomic import visible


def render_report(report: Report, campaign: Campaign) -> str:
    annexes = "、".join(campaign.form(f).annex for f in report.forms) or "无"
    lines = [
        f"文件：{visible(report.file)}",
        f"填报单位：{visible(report.unit) or '（未填）'}    包含：{annexes}",
        f"结果：{summary(report.findings)}",
    ]
    if report.findings:
        lines.append("")
        width = max(len(f.cells[0]) if f.cells else 0 for f in report.findings)
        for f in report.findings:
            where = visible(f.cells[0]) if f.cells else ""
            label = "已说明" if f.explained else f.severity.label
            lines.append(f"  {label}  {where.ljust(width)}  {visible(f.message)}  [{visible(f.rule)}]")
            if f.explanation:
                # A 提示 with the unit's 说明 is no longer open; a 错误 stays open whatever is written.
                status = "" if f.explained else "（错误不能以说明代替修改）"
                lines.append(f"  {' ' * len(label) * 2}  {' ' * width}  单位说明：{visible(f.explanation)}{status}")
    if report.notes:
        lines.append("")
        # 注意, not 说明: 说明 is the unit's own column; these say how the checker read what was typed.
        lines.extend(f"  注意  {visible(note)}" for note in report.notes)
    return "\n".join(lines)


def render_unusable(file: str, reason: str) -> str:
    return f"文件：{visible(file)}\n结果：无法审核 —— {visible(reason)}"


# JSON escapes C0 controls itself; these it leaves raw with ensure_ascii=False: C1 controls (some terminals
# act on U+009B as on ESC [), DEL, bidirectional overrides, and lone surrogates (an undecodable byte of a
# file name, which no encoder can write). They become \\uXXXX escapes, valid JSON that reads back as the
# same string: a file name with a GBK byte comes back byte for byte through os.fsencode.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c\ud800-\udfff]")


def to_json(obj: object) -> str:
    text = json.dumps(obj, ensure_ascii=False, indent=2, default=str)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
