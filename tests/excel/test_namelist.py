"""The 汇总 button with 实名制 lists in the folder (issue #16): the same 实名制 sheets as `wennuan consolidate`."""

from __future__ import annotations

import openpyxl
from namelist.lists import build_city

from wennuan_xl.excel import buttons
from wennuan_xl.files.campaign_files import load_rules
from wennuan_xl.jobs import consolidate_folder
from wennuan_xl.settings import Settings

from .conftest import actions, alerts, master_payload, open_book
from .test_buttons import _shown, _trim


def test_consolidate_writes_the_list_sheets_as_the_cli_does(tmp_path, campaign):
    folder = tmp_path / "returns"
    folder.mkdir()
    build_city(folder, campaign)
    roster = [[u.name, "是" if u.included else "否"] for u in campaign.roster]
    master = open_book(master_payload(tmp_path, {"WN_FOLDER": str(folder), "WN_EXCLUDE_ERRORS": "否"}, roster))
    master.set_mock_caller()
    buttons.consolidate()
    _, out = consolidate_folder(folder, tmp_path / "cli.xlsx", Settings(campaign, load_rules(campaign), workers=1))
    cli = openpyxl.load_workbook(out)
    for name in ("实名制汇总", "实名制重复", "实名制核对", "审核结果"):
        position = master.sheets[name].index - 1
        (write,) = [a for a in actions(master, "setValues") if a["sheet_position"] == position]
        ours = [[_shown(v) for v in row] for row in write["values"]]
        theirs = [[_shown(c.value) for c in row] for row in cli[name].iter_rows(max_col=len(ours[0]))]
        assert _trim(ours) == _trim(theirs), name
    (message,) = alerts(master)
    assert message.startswith("汇总完成")


def test_validate_on_an_open_list_finds_no_annex_instead_of_an_empty_one(tmp_path):
    import random

    from namelist.lists import person, write_list

    from .conftest import payload_for

    rng = random.Random(1)
    cats = ["困难职工", "困难农民工", "困难劳模", "一线职工"]
    path = write_list(tmp_path / "市中区-实名制.xlsx", "市中区总工会", [person(rng, category=cats[i % 4]) for i in range(12)])
    master = open_book(master_payload(tmp_path, {"WN_FOLDER": str(tmp_path)}))
    master.set_mock_caller()
    book = open_book(payload_for(path))  # the clerk's active workbook: a list, no annex
    buttons.validate()
    assert not actions(book, "addNote")
    (message,) = alerts(book)  # the remote engine shows the box on the active workbook
    assert "没有找到附件1或附件2" in message  # not “找到了附件1，但没有读到任何数值”
