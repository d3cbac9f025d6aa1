"""Lists as units make them, written here by hand with openpyxl or xlsxwriter (never with our template
writer), and IDs generated with their check characters (never a real person's)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from wennuan_xl.core.idnumber import make_id
from wennuan_xl.samples import consistent_values, write_plain_return

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


COVER = {"DATE": "2017-01-15", "PERSON": "张三", "PHONE": "0833-2133419"}


def annex_values(seed: int, paid_wan: float, workers: int, migrants: int, models: int, frontline: int,
                 models_wan: float = 0) -> dict:
    values = consistent_values(random.Random(seed), 0.3)
    values.update({"A1_06": paid_wan, "A1_06A": models_wan, "A1_06B": 0, "A1_07J": 0, "A1_07I": 0,
                   "A1_04D": workers + models, "A1_04E": workers, "A1_04F": migrants, "A1_04G": models, "A1_04C": frontline})
    values["A1_05"] = max(float(values.get("A1_05") or 0), paid_wan)
    return values


def build_city(folder: Path, campaign) -> dict[str, list[dict]]:
    """Three units: 市中区 sends its annexes and a list file; 沙湾区 a list sheet inside its annex workbook, in
    agreement with its 附件1; 五通桥区 only a list, in which one person 市中区 also paid appears."""
    rng = random.Random(7)
    shizhong = [person(rng) for _ in range(4)] + [person(rng, category="困难农民工", amount=800)]
    shawan = [person(rng) for _ in range(3)] + [person(rng, category="困难劳模", amount=1000)]
    wutong = [person(rng) for _ in range(2)] + [dict(shizhong[1])]
    # 市中区's 附件1 says 0.2 万元 were paid; its list pays 2,800 元: more money than 06 — an 错误.
    write_plain_return(folder / "市中区-统计表.xlsx", campaign, annex_values(1, 0.2, 5, 1, 0, 0),
                       {"UNIT": "市中区总工会", **COVER}, ("A1", "A2"))
    write_list(folder / "市中区-实名制.xlsx", "市中区总工会", shizhong)
    path = write_plain_return(folder / "沙湾区.xlsx", campaign, annex_values(2, 0.25, 4, 0, 1, 0, models_wan=0.1),
                              {"UNIT": "沙湾区总工会", **COVER}, ("A1",))
    write_list(path, "", shawan, sheet="实名制", book=openpyxl.load_workbook(path), title="送温暖资金发放实名制汇总表")
    write_list(folder / "五通桥区-实名制名单.xlsx", "五通桥区总工会", wutong)
    return {"市中区总工会": shizhong, "沙湾区总工会": shawan, "五通桥区总工会": wutong}
