"""Settings every sheet we write with openpyxl shares: A4 one page wide, and how input rules show."""

from __future__ import annotations

from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet


def a4_one_page_wide(ws: Worksheet, landscape: bool) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE if landscape else ws.ORIENTATION_PORTRAIT
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    fit_to_page(ws)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    footer = ws.HeaderFooter.oddFooter
    if footer is None:  # openpyxl always creates it; its type stubs allow None
        footer = ws.HeaderFooter.oddFooter = HeaderFooterItem()
    footer.center.text = "第 &P 页，共 &N 页"


def fit_to_page(ws: Worksheet) -> None:
    """Let fitToWidth / fitToHeight take effect (openpyxl creates the properties element on demand)."""
    props = ws.sheet_properties
    if props.pageSetUpPr is None:
        props.pageSetUpPr = PageSetupProperties()
    props.pageSetUpPr.fitToPage = True


def show(dv: DataValidation, ref: str) -> DataValidation:
    """Show the Chinese prompt on entering the cell and the error on a wrong value; apply to ``ref``."""
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.add(ref)
    return dv
