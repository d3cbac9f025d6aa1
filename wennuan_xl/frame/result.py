"""A consolidation with its tables as pandas DataFrames, for analysts: ``result.frame`` and
``result.findings_frame()`` on what ``jobs.consolidate_folder`` returns."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import pandas as pd

from ..core.consolidate import Consolidation
from ..core.forms import Campaign
from .columnar import FINDINGS_COLUMNS, FINDINGS_HEADINGS, _shown


@dataclass(frozen=True)
class Consolidated(Consolidation):
    codes: tuple[str, ...] = ()  # the campaign's field codes, in the order of ``Returned.values``

    @classmethod
    def of(cls, result: Consolidation, campaign: Campaign) -> Consolidated:
        return cls(**{f.name: getattr(result, f.name) for f in fields(Consolidation)},
                   codes=tuple(f.code for f in campaign.fields()))

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
        frame = pd.DataFrame.from_dict(by_unit, orient="index", columns=["files", "included", *self.codes])
        frame.index.name = "unit"
        return frame

    def findings_frame(self, chinese: bool = False) -> pd.DataFrame:
        """Every finding of the returns in use, then the totals' (unit 合计), with the columns of
        ``frame.columnar.findings_frame``."""
        rows = [(file, unit, f.rule, f.severity.label, "、".join(f.codes), "、".join(c for c in f.cells if c),
                 "、".join(f"{k}={_shown(v)}" for k, v in f.values.items()), f.message, f.explanation, f.explained)
                for unit, file, f in self.findings()]
        frame = pd.DataFrame(rows, columns=[*FINDINGS_COLUMNS, "explanation", "explained"])
        if chinese:
            frame.columns = [*FINDINGS_HEADINGS, "说明", "已说明"]
        return frame
