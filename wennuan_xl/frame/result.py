"""A consolidation with its tables as pandas DataFrames, for analysts: ``result.frame`` and
``result.findings_frame()`` on what ``jobs.consolidate_folder`` returns.

pandas is the optional extra ``table``: a consolidation is made without it (the Excel PC has no pandas, since
xlwings imports it on every click when it is there); only these two views need it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING

from ..core.consolidate import Consolidation
from ..core.findings_table import finding_rows
from ..core.forms import Campaign

if TYPE_CHECKING:
    import pandas as pd

MISSING_PANDAS = ("result.frame 和 result.findings_frame() 需要 pandas，这台电脑没有安装。"
                  "请运行：python -m pip install \"wennuan-xl[table]\"（汇总本身不需要 pandas）")


def _pandas():
    try:
        import pandas
    except ImportError as e:
        raise ModuleNotFoundError(MISSING_PANDAS, name="pandas") from e
    return pandas


@dataclass(frozen=True)
class Consolidated(Consolidation):
    codes: tuple[str, ...] = ()  # the campaign's field codes, in the order of ``Returned.values``
    campaign: Campaign | None = field(default=None, compare=False, repr=False)  # for the findings' field names

    @classmethod
    def of(cls, result: Consolidation, campaign: Campaign) -> Consolidated:
        return cls(**{f.name: getattr(result, f.name) for f in fields(Consolidation)},
                   codes=tuple(f.code for f in campaign.fields()), campaign=campaign)

    @property
    def frame(self) -> pd.DataFrame:
        """One row per unit counted (index: the roster name), one column per field code with the value that
        went into the totals (NaN where the return gave no number; 是/否 as text), and ``files`` (the
        return(s) it came from) and ``included`` (选择汇总 and not excluded) before them."""
        by_unit: dict[str, dict[str, object]] = {}
        files: dict[str, list[str]] = {}
        for used in self.used:
            row = by_unit.setdefault(used.unit, {"included": used.included})
            returned = used.returned
            names = files.setdefault(used.unit, [])
            if returned.file not in names:
                names.append(returned.file)
            row["files"] = "、".join(names)
            prefix = used.form + "."
            for code, value in zip(self.codes, returned.values):
                if code.startswith(prefix):
                    row[code] = returned.texts.get(code) if math.isnan(value) else value
        pd = _pandas()
        frame = pd.DataFrame.from_dict(by_unit, orient="index", columns=["files", "included", *self.codes])
        frame.index.name = "unit"
        return frame

    def findings_frame(self, chinese: bool = False) -> pd.DataFrame:
        """Every finding of the returns in use (注意 included), then the totals' (unit 汇总), with the
        columns of the findings table, as ``frame.columnar.findings_frame`` gives them."""
        assert self.campaign is not None, "a Consolidated made by Consolidated.of"
        _pandas()
        from .columnar import table_frame

        return table_frame(finding_rows(self.campaign, self.findings()), chinese)
