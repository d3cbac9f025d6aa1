"""Lists as units make them, written here by hand with openpyxl or xlsxwriter (never with our template
writer), and IDs generated with their check characters (never a real person's)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from wennuan_xl.core.idnumber import make_id

LESHAN = ("511102", "511111", "511112", "511113", "511123", "511124", "511126", "511129", "511132", "511133", "511181")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "秀英建国桂兰志强丽华文军明玉芳德华春梅海燕红霞永红"


def person(rng: random.Random, category: str = "困难职工", amount: float = 500, sex: str | None = None) -> dict:
    sex = sex or rng.choice("男女")
    seq = rng.randrange(0, 999)
    if (seq % 2 == 1) != (sex == "男"):
        seq = (seq + 1) % 1000
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
    name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
    return {
        "NAME": name, "SEX": sex, "ID": make_id(rng.choice(LESHAN), born, seq), "ADDRESS": "乐山市某某厂",
        "CATEGORY": category, "FORM": "现金", "AMOUNT": amount, "GOODS": 0, "DATE": dt.date(2017, 1, 10),
        "PHONE": f"139{rng.randrange(10**7, 10**8)}", "REMARK": "",
    }


HEADERS = ("序号", "姓名", "性别", "公民身份号码", "工作单位或住址", "困难类别", "慰问形式", "金额（元）", "其中物资折款（元）",
           "发放日期", "联系电话", "备注")
KEYS = ("SEQ", "NAME", "SEX", "ID", "ADDRESS", "CATEGORY", "FORM", "AMOUNT", "GOODS", "DATE", "PHONE", "REMARK")


def write_list(path: Path, unit: str, people: Sequence[dict], headers: Sequence[str] = HEADERS, keys: Sequence[str] = KEYS,
               first_row: int = 4, sheet: str = "Sheet1", title: str = "2017年送温暖资金发放实名制汇总表",
               ids_as_numbers: bool = False, book: openpyxl.Workbook | None = None, total: bool = False) -> Path:
    """A list as a clerk types it in Excel: a title, 填报单位 line, the header on ``first_row``, one row each."""
    wb = book or openpyxl.Workbook()
    ws = wb.active if book is None else wb.create_sheet(sheet)
    assert ws is not None
    ws.title = sheet
    ws.cell(1, 1, title)
    ws.cell(2, 1, f"填报单位（盖章）：{unit}")
    ws.cell(2, 6, "填报日期：2017年1月16日")
    for c, text in enumerate(headers, start=1):
        ws.cell(first_row, c, text)
    r = first_row
    for i, p in enumerate(people, start=1):
        r += 1
        for c, key in enumerate(keys, start=1):
            value = i if key == "SEQ" else p.get(key)
            if key == "ID" and ids_as_numbers and isinstance(value, str) and value.isdigit():
                value = int(value)
            ws.cell(r, c, value)
    if total:
        r += 1
        ws.cell(r, 1, "合计")
        ws.cell(r, keys.index("AMOUNT") + 1, sum(p["AMOUNT"] for p in people))
    ws.cell(r + 2, 1, "填表人：李华")
    ws.cell(r + 2, 5, "联系电话：0833-2133419")
    wb.save(path)
    return path
