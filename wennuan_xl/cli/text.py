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
from ..core.findings_table import Column, FindingRow, columns, finding_rows
from ..core.flags import summary
from ..core.forms import Campaign
from ..core.messages import format_number
from ..files.atomic import visible

# A report is one file of one unit, both said above its findings: the table's other columns, in its order.
REPORT_COLUMNS = columns("unit", "file")
_OWN_LINE = {"message", "explanation", "action"}  # long: each on a line of its own under the row's first line


def render_report(report: Report, campaign: Campaign) -> str:
    annexes = "、".join(campaign.form(f).annex for f in report.forms) or "无"
    lines = [
        f"文件：{visible(report.file)}",
        f"填报单位：{visible(report.unit) or '（未填）'}    包含：{annexes}",
        f"结果：{summary(report.findings)}",
    ]
    rows = finding_rows(campaign, ((report.unit, report.file, f) for f in report.findings))
    if rows:
        lines.append("")
        lines.extend(render_rows(rows, REPORT_COLUMNS))
    return "\n".join(lines)


def render_rows(rows: list[FindingRow], cols: tuple[Column, ...]) -> list[str]:
    """The findings table as text: per row, its number and the short columns on one line, then each long
    one on its own line, every value after its column's heading (“单元格：附件1!E10”); a value the row does
    not have (no 单位说明) is left out. Every text passes ``visible``: a unit's escape codes print as text."""
    out = []
    for i, row in enumerate(rows, start=1):
        head = [f"{c.heading}：{_shown(row, c.key)}" for c in cols if c.key not in _OWN_LINE and _shown(row, c.key)]
        out.append(f"  {i}. " + "　".join(head))
        indent = " " * (len(str(i)) + 4)
        out.extend(f"{indent}{c.heading}：{_shown(row, c.key)}" for c in cols if c.key in _OWN_LINE and _shown(row, c.key))
    return out


def _shown(row: FindingRow, key: str) -> str:
    value = row.get(key)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value, money=row.kind == "money")
    return visible(str(value))


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
