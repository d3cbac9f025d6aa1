"""How input rules show in every sheet we write with openpyxl (page setups are in ``style``)."""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation


def show(dv: DataValidation, ref: str) -> DataValidation:
    """Show the Chinese prompt on entering the cell and the error on a wrong value; apply to ``ref``."""
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.add(ref)
    return dv
