"""The master workbook ``workbooks/wennuan_master.xlsm``: the clerk's Excel front end.

Three steps, each reproducible on Linux without Excel:

1. the sheets (说明, 设置, 单位名单, ``xlwings.conf`` and the empty result sheets), written here with openpyxl;
2. the VBA project (xlwings' standalone module + ``vba_shims/WennuanButtons.bas``), made by ``master_vba``;
3. the ribbon part ``customUI/customUI14.xml`` and a byte-stable zip, added by ``master_package``.

The same sources always give the same bytes: fixed document times, fixed zip entry times and order.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..core.findings import Severity
from ..core.forms import Campaign
from ..core.provenance import LOWER_HINT, LOWER_SHEET, TRACE_HINT, TRACE_SHEET
from . import style
from .atomic import atomic_path
from .master_package import finish_package
from .master_vba import SHIMS_DIR, vba_archive

MASTER_NAME = "wennuan_master.xlsm"
DEFAULT_OUT = Path("workbooks") / MASTER_NAME
RIBBON_FILE = "customUI14.xml"

GUIDE, SETTINGS, ROSTER, CONFIG, TEXTS = "说明", "设置", "单位名单", "xlwings.conf", "_wennuan_text"
VALIDATE_BUTTON = "审核退回表"  # the ribbon label (vba_shims/customUI14.xml) the texts below name
TRACE_BUTTON = "溯源"
RESULTS = {
    "汇总-附件1": "点“送温暖”选项卡的“汇总”后，这里是附件1 的全市汇总（与附件格式相同）。",
    "汇总-附件2": "点“送温暖”选项卡的“汇总”后，这里是附件2 的全市汇总（与附件格式相同）。",
    "上报情况": "点“汇总”后，这里列出名单上每个单位：已报 / 未报 / 无法读取 / 已被替代 / 名单外。",
    "催报清单": "点“汇总”后，这里列出要催报的单位（未报、有错误、文件无法读取），附联系人和可复制的催报短信。",
    "审核结果": "点“汇总”后，这里列出每份退回表的错误和提示；点“文件”一栏的文件名可打开该单位的退回表。",
    "明细": "点“汇总”后，这里是每个单位、每个指标的填报数。",
    "来源": "点“汇总”后，这里列出每个数取自哪个文件的哪张表；下级单位报送汇总表时，也列出汇总表中记录的下级单位的文件。",
    LOWER_SHEET: LOWER_HINT,
    "图表": "点“汇总”后，这里是上报进度图，以及各单位按来源的筹集款物（附件1 第05项）和帮扶中心资金来源（附件2 第05项）图。",
    TRACE_SHEET: TRACE_HINT,
}
# Texts the VBA shim shows before Python runs (it checks the interpreter in xlwings.conf exists). VBA stays
# ASCII: it reads them by these names from the very hidden sheet TEXTS; "{path}" is the path looked for.
INSTALL = ("请安装（或请技术人员按安装指南安装）：从 python.org 下载并安装 Python 3.11（勾选“Add python.exe to PATH”），"
           "再在“命令提示符”中运行：py -3.11 -m venv %LOCALAPPDATA%\\wennuan-xl\\venv ，然后运行："
           "%LOCALAPPDATA%\\wennuan-xl\\venv\\Scripts\\python -m pip install \"wennuan-xl[excel]\"")
SET_PATH = ("Python 环境建在别处时，用它的 python 运行 python -c \"import sys; print(sys.executable)\"，把显示的路径中的 "
            "python.exe 换成 pythonw.exe，填入本工作簿“xlwings.conf”工作表的 B1 格（Interpreter_Win），保存后再点按钮。")
MESSAGES = {
    "WN_MSG_TITLE": "送温暖",
    "WN_MSG_NO_PYTHON": f"找不到 Python：{{path}}\n本机可能还没有安装 Python，或 Python 装在别的位置。\n{INSTALL}\n{SET_PATH}",
    "WN_MSG_NO_INTERPRETER": f"本工作簿还不知道 Python 装在哪里：“xlwings.conf”工作表的 B1 格（Interpreter_Win）是空的。\n{INSTALL}\n{SET_PATH}",
}
YES, NO = "是", "否"
FONT = style.FONT
FIXED_TIME = dt.datetime(2016, 11, 7, 9, 0, 0)  # document and zip entry times: the same sources, the same bytes
HEADER_FILL = PatternFill("solid", fgColor=style.HEADER)
INPUT_FILL = PatternFill("solid", fgColor=style.INPUT)


@dataclass(frozen=True)
class Setting:
    name: str  # workbook-level defined name on the value cell
    label: str
    value: str | int | float | None
    note: str


def settings(campaign: Campaign) -> tuple[Setting, ...]:
    return (
        Setting("WN_FOLDER", "退回表文件夹", None, "点“选择文件夹”按钮选择，或把文件夹路径粘贴在这里"),
        Setting("WN_TOLERANCE", "金额误差（万元）", campaign.tolerance,
                "金额合计与各项之和相差不超过此数视为相等；审核、汇总和“生成空白表”都按此数"),
        Setting("WN_RECURSIVE", "包括子文件夹", NO, "是：也读取子文件夹中的退回表"),
        Setting("WN_EXCLUDE_ERRORS", "有错误的单位不计入汇总", NO, "是：有“错误”的报表只列在审核结果中，不加进汇总数"),
        Setting("WN_FEEDBACK", "汇总时生成反馈副本", NO,
                "是：汇总时为每份有错误或未说明提示的退回表另存一份副本（标出问题，附审核意见），便于发回单位修改"),
        Setting("WN_FEEDBACK_DIR", "反馈副本存放文件夹", None,
                "留空：存入本工作簿所在文件夹下的“审核意见副本”；不能是退回表所在的文件夹"),
        Setting("WN_RESUBMIT_BY", "重新报送截止日期", None,
                f"反馈副本和催报清单要求各单位重新报送的日期，如 {campaign.deadline.year}-1-25；"
                f"留空：汇总当天之后第 {campaign.resubmit_working_days} 个工作日"),
        Setting("WN_PREVIOUS", "上年同期数据", None,
                "上年用本工具汇总得到的工作簿（如 D:\\送温暖\\上年汇总.xlsx），或上年各单位退回表所在的文件夹；"
                "填写后审核和汇总时把各单位的数与其上年的数比较（变化大的给出提示）。留空：不比较"),
        Setting("WN_UNIT", "本单位名称（汇总表的填报单位）", None,
                f"留空：{campaign.issuer}。县（市、区）总工会汇总下级工会的报表、再把汇总结果报送上级时，填本单位名称，"
                "如 犍为县总工会（上级汇总时按此名称认出这份汇总表）"),
        Setting("WN_PERSON", "汇总表的填报人", None, "填了本单位名称时填写；留空则汇总表上不写填报人"),
        Setting("WN_PHONE", "汇总表的联系电话", None, "填了本单位名称时填写"),
    )


# xlwings reads this sheet from A1 down to the first blank cell (key in A, value in B, no header row);
# keys are case-insensitive and %VARIABLES% in values are expanded. Notes stay in column D.
CONFIG_ROWS = (
    ("Interpreter_Win", r"%LOCALAPPDATA%\wennuan-xl\venv\Scripts\pythonw.exe",
     ("Python 程序的位置（必填）。默认是安装指南第 2 步为按钮建的 Python 环境；装在别处时改成实际路径，"
     "如 D:\\wennuan\\venv\\Scripts\\pythonw.exe。按钮先检查此文件存在，不存在时提示如何安装。")),
    ("USE UDF SERVER", "False",
     "False：每次点按钮启动一个新的 Python（约 0.2 秒），结束即退出，不会残留；不要改为 True。"),
    ("PYTHONPATH", None, "通常留空（用 pip 安装了 wennuan-xl 即可）；若未安装、直接使用项目文件夹，填该文件夹路径。"),
    ("Conda Path", None, "只在使用 Anaconda / Miniconda 时填写，如 %USERPROFILE%\\miniconda3"),
    ("Conda Env", None, "只在使用 conda 环境时填写环境名"),
)


def build_master(campaign: Campaign, out: Path | str = DEFAULT_OUT, shims: Path | str = SHIMS_DIR) -> Path:
    """Write the master workbook to ``out`` (atomically) and return the path."""
    shims = Path(shims)
    data = master_bytes(campaign, shims)
    target = Path(out)
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)
    return target


def master_bytes(campaign: Campaign, shims: Path = SHIMS_DIR) -> bytes:
    ribbon = (shims / RIBBON_FILE).read_bytes()
    book = master_workbook(campaign)
    book.vba_archive = zipfile.ZipFile(io.BytesIO(vba_archive(shims)))
    raw = io.BytesIO()
    book.save(raw)
    return finish_package(raw.getvalue(), ribbon, FIXED_TIME)


def master_workbook(campaign: Campaign) -> Workbook:
    book = Workbook()
    book.remove(book.worksheets[0])
    _guide(book.create_sheet(GUIDE), campaign)
    _settings(book, book.create_sheet(SETTINGS), campaign)
    _roster(book.create_sheet(ROSTER), campaign)
    _config(book.create_sheet(CONFIG))
    for title, hint in RESULTS.items():
        ws = book.create_sheet(title)
        ws["A1"] = hint
        ws["A1"].font = Font(name=FONT, size=10, color=style.GREY_TEXT)
    _texts(book, book.create_sheet(TEXTS))
    # Code names as Excel gives them; the VBA project's document modules are ThisWorkbook, Sheet1, Sheet2
    # (Excel adds the modules of the other sheets when it opens the workbook).
    book.code_name = "ThisWorkbook"
    for i, ws in enumerate(book.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{i}"
    book.active = 0
    props = book.properties
    props.creator = props.lastModifiedBy = campaign.issuer
    props.title = f"{campaign.name}：审核与汇总"
    props.created = props.modified = FIXED_TIME
    return book


def _guide(ws: Worksheet, campaign: Campaign) -> None:
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 90
    bold = Font(name=FONT, size=11, bold=True)
    plain = Font(name=FONT, size=11)
    rows: list[tuple[str, str]] = [
        (f"{campaign.name}：审核与汇总", ""),
        ("", ""),
        ("使用步骤", "1. 把各单位退回的附件1、附件2（.xlsx / .xlsm / .xls）放在同一个文件夹里，文件名随意。"),
        ("", "2. 在“送温暖”选项卡点“选择文件夹”，选中这个文件夹（也可在“设置”表直接填写路径）。"),
        ("", "3. 在“单位名单”表核对应报单位；“选择汇总”填“否”的单位不计入汇总。联系人、联系电话、电子邮箱可不填，填了会列进“催报清单”。"),
        ("", "4. 点“汇总”：逐份审核、汇总，结果写入后面几张表，上一次的结果被替换。"),
        ("", (f"审核单个退回表：在 Excel 中打开它（可同时打开多份），回到本工作簿，点“{VALIDATE_BUTTON}”；"
             "一份也没打开时，点此按钮会弹出对话框，选择文件即可。从邮件打开的文件若顶部有黄条“受保护的视图”，先点“启用编辑”。")),
        ("", ""),
        ("按钮", "作用"),
        (VALIDATE_BUTTON, ("审核在 Excel 中打开的其他工作簿（本工作簿除外）中的附件1、附件2：问题单元格标色，批注中写明原因，"
                           "每份另加“审核结果”表，可点击跳转；提示框逐份写明结果。单位表格的工作表保护会先解除、标记后原样恢复。"
                           "（“送温暖”选项卡只在本工作簿中显示，所以先打开退回表，再回到本工作簿点此按钮。）")),
        ("清除标记", f"去掉“{VALIDATE_BUTTON}”在已打开的退回表上加的颜色和批注，恢复原样；您自己设置的颜色和批注不受影响。"),
        ("选择文件夹", "选择存放退回表的文件夹，写入“设置”表。"),
        ("汇总", ("审核并汇总文件夹中的全部退回表，写入汇总-附件1、汇总-附件2、上报情况、催报清单、审核结果、明细、来源、图表；"
                 "“设置”中“汇总时生成反馈副本”为“是”时，另存各单位的反馈副本。下级单位用本程序汇总后报送的汇总表"
                 "（层层汇总）也放进这个文件夹：按其填报单位计入，其中的下级单位列在“来源”“下级明细”表。")),
        (TRACE_BUTTON, ("在“汇总-附件1”或“汇总-附件2”表中点选一个汇总数，再点此按钮：“溯源”表列出这个数来自哪些单位、"
                        "哪个文件的哪个单元格、各是多少；有下级汇总表时，逐级列到最基层的文件。")),
        ("生成空白表", "在本工作簿所在文件夹生成附件1、附件2空白统计表（金额误差按“设置”表），供发给各单位。"),
        ("", ""),
        ("颜色", "含义"),
        ("错误", "填写有误，必须由单位改正（如“其中”项大于合计、各项之和不等于合计、不是数字）。"),
        ("提示", "数值可疑，请核实（如金额像是按“元”而不是“万元”填写）；单位可在空白表的“说明”栏写明原因。"),
        ("已说明", "单位已在“说明”栏解释的提示（空白表中显示为绿色），不再算作待处理。"),
        ("", ""),
        ("设置", "“设置”表：文件夹、金额误差、汇总选项、反馈副本和上年同期数据。“xlwings.conf”表：本机 Python 的位置（安装时设置一次）。"),
        ("退回表", "原件从不被改写；标记只加在打开的工作簿上，“反馈副本”另存为新文件。"),
    ]
    for r, (a, b) in enumerate(rows, start=1):
        ws.cell(r, 1, a or None).font = bold if a else plain
        cell = ws.cell(r, 2, b or None)
        cell.font = plain
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        width = sum(2 if ord(ch) > 0xFF else 1 for ch in b)  # a CJK character takes two width units
        lines = -(-width // 88)  # of the 90-wide column
        if lines > 1:
            ws.row_dimensions[r].height = 15 * lines  # wrapped text does not grow a row by itself everywhere
        if a in ("按钮", "颜色"):
            ws.cell(r, 1).fill = ws.cell(r, 2).fill = HEADER_FILL
            cell.font = bold
    ws["A1"].font = Font(name=FONT, size=14, bold=True)
    ws.merge_cells("A1:B1")
    style.openpyxl_page(ws, style.Page(landscape=False, centered=True))
    colours = {label: PatternFill("solid", fgColor=style.FLAG_FILLS[sev]) for label, sev in
               (("错误", Severity.ERROR), ("提示", Severity.WARNING))}
    colours["已说明"] = PatternFill("solid", fgColor=style.EXPLAINED)  # as the templates show an explained 提示
    for r, (a, _) in enumerate(rows, start=1):
        if a in colours:
            ws.cell(r, 1).fill = colours[a]


def _settings(book: Workbook, ws: Worksheet, campaign: Campaign) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 50
    ws.column_dimensions["C"].width = 60
    for col, text in enumerate(("项目", "值", "说明"), start=1):
        cell = ws.cell(1, col, text)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = HEADER_FILL
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=False)
    yes_no.error, yes_no.errorTitle = "请选择“是”或“否”。", "填写有误"
    ws.add_data_validation(yes_no)
    for row, s in enumerate(settings(campaign), start=2):
        ws.cell(row, 1, s.label).font = Font(name=FONT, size=11)
        value = ws.cell(row, 2, s.value)
        value.font = Font(name=FONT, size=11, color=style.ENTRY_TEXT)
        value.fill = INPUT_FILL
        ws.cell(row, 3, s.note).font = Font(name=FONT, size=10, color=style.GREY_TEXT)
        if s.value in (YES, NO):
            yes_no.add(value.coordinate)
        book.defined_names[s.name] = DefinedName(s.name, attr_text=f"'{ws.title}'!$B${row}")
    ws.freeze_panes = "A2"


ROSTER_HEADERS = ("单位名称", "选择汇总", "联系人", "联系电话", "电子邮箱")  # core/roster_rows.py reads them by these words
ROSTER_ROWS = 200  # rows formatted for the clerk's units; the phone column as text, so 0833… keeps its 0


def _roster(ws: Worksheet, campaign: Campaign) -> None:
    for letter, width in zip("ABCDE", (30, 12, 12, 18, 26)):
        ws.column_dimensions[letter].width = width
    for col, text in enumerate(ROSTER_HEADERS, start=1):
        cell = ws.cell(1, col, text)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = HEADER_FILL
    for row, unit in enumerate(campaign.roster, start=2):
        ws.cell(row, 1, unit.name)
        ws.cell(row, 2, YES if unit.included else NO)
        for col, value in ((3, unit.person), (4, unit.phone), (5, unit.email)):
            if value:
                ws.cell(row, col, value)
    for row in range(2, ROSTER_ROWS + 2):
        ws.cell(row, 4).number_format = "@"
    yes_no = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    yes_no.add("B2:B1000")
    ws.add_data_validation(yes_no)
    ws.freeze_panes = "A2"


def _texts(book: Workbook, ws: Worksheet) -> None:
    """The Chinese texts of the VBA shim, one named cell each (VBA source must stay ASCII); very hidden."""
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 100
    for row, (name, text) in enumerate(MESSAGES.items(), start=1):
        ws.cell(row, 1, name)
        ws.cell(row, 2, text).alignment = Alignment(wrap_text=True, vertical="top")
        book.defined_names[name] = DefinedName(name, attr_text=f"'{ws.title}'!$B${row}")
    ws.sheet_state = "veryHidden"


def _config(ws: Worksheet) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 58
    ws.column_dimensions["D"].width = 80
    for row, (key, value, note) in enumerate(CONFIG_ROWS, start=1):
        ws.cell(row, 1, key)
        ws.cell(row, 2, value)
        ws.cell(row, 4, note).font = Font(name=FONT, size=10, color=style.GREY_TEXT)
    ws.cell(len(CONFIG_ROWS) + 2, 4, "A、B 两列是 xlwings 的设置（名称、值），中间不要留空行；值不要加引号。").font = Font(
        name=FONT, size=10, color=style.GREY_TEXT
    )
