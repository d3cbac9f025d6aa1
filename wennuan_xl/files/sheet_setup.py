"""Settings every sheet we write with openpyxl shares: A4 one page wide, and how input rules show."""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet


def a4_one_page_wide(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def show(dv: DataValidation, ref: str) -> DataValidation:
    """Show the Chinese prompt on entering the cell and the error on a wrong value; apply to ``ref``."""
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.add(ref)
    return dv
