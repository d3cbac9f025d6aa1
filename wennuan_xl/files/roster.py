"""Reading a roster file (CSV or Excel) that clerks edit: unit name, then 选择汇总 是/否."""

from __future__ import annotations

import csv
from pathlib import Path

from ..core.forms import CampaignError, RosterUnit, roster_from_rows


def read_roster(path: Path) -> tuple[RosterUnit, ...]:
    if not path.exists():
        raise CampaignError(f"{path}: 单位名单文件不存在")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        import python_calamine as pc

        try:
            with open(path, "rb") as fh:
                book = pc.CalamineWorkbook.from_filelike(fh)
                rows = book.get_sheet_by_index(0).to_python()
                book.close()
        except Exception as exc:  # noqa: BLE001 - calamine and openpyxl raise many types for a file they cannot read
            raise CampaignError(f"{path}: 无法读取单位名单（{exc}）") from None
        return roster_from_rows(rows, str(path))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            with open(path, encoding=encoding, newline="") as fh:
                return roster_from_rows(list(csv.reader(fh)), str(path))
        except UnicodeDecodeError:
            continue
    raise CampaignError(f"{path}: 单位名单的文字编码无法识别，请另存为 UTF-8 或 Excel 文件")
