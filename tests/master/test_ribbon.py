"""The ribbon XML and the VBA shim module: valid against Microsoft's schema, callbacks matched, ASCII VBA."""

from __future__ import annotations

import re

import pytest
import xmlschema

from .conftest import SCHEMA, SHIMS

BUTTON_COMMANDS = {
    "OnValidate": "import wennuan_xl.excel.buttons as b; b.validate()",
    "OnClearFlags": "import wennuan_xl.excel.buttons as b; b.clear_flags()",
    "OnConsolidate": "import wennuan_xl.excel.buttons as b; b.consolidate()",
    "OnTrace": "import wennuan_xl.excel.buttons as b; b.trace()",
    "OnMakeTemplates": "import wennuan_xl.excel.buttons as b; b.make_templates()",
}
FOLDER_PICKER = "OnPickFolder"
HELPERS = {"PythonReady", "WnText"}  # the interpreter check every button makes, and the texts it shows
# Optional: the smoke test (scripts/windows_smoke.py) runs the same Subs through Application.Run, without a ribbon.
CALLBACK = re.compile(r"^Sub (\w+)\(Optional control As IRibbonControl\)\s*$", re.M)


def on_actions(xml: str) -> list[str]:
    return re.findall(r'\bonAction="([^"]+)"', xml)


def ribbon_subs(bas: str) -> dict[str, list[str]]:
    """Ribbon callbacks of a module: name -> the statements of its body."""
    subs = {}
    for m in CALLBACK.finditer(bas):
        body = bas[m.end():bas.index("End Sub", m.end())]
        subs[m.group(1)] = [line.strip() for line in body.splitlines() if line.strip() and not line.strip().startswith("'")]
    return subs


def missing_subs(xml: str, bas: str) -> set[str]:
    return set(on_actions(xml)) - set(ribbon_subs(bas))


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(str(SCHEMA))


@pytest.fixture(scope="module")
def ribbon() -> str:
    return (SHIMS / "customUI14.xml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def shim() -> str:
    return (SHIMS / "WennuanButtons.bas").read_text(encoding="ascii")


def test_ribbon_validates_against_customui14_xsd(schema, ribbon):
    schema.validate(ribbon)


def test_schema_rejects_a_broken_ribbon(schema, ribbon):
    broken = ribbon.replace('size="large"', 'size="huge"', 1)
    assert not schema.is_valid(broken)
    assert not schema.is_valid(ribbon.replace("2009/07/customui", "2006/01/customui"))


def test_one_tab_with_the_six_buttons(ribbon):
    assert re.findall(r'<tab [^>]*label="([^"]+)"', ribbon) == ["送温暖"]
    labels = re.findall(r'<button [^>]*label="([^"]+)"', ribbon)
    assert labels == ["审核退回表", "清除标记", "选择文件夹", "汇总", "溯源", "生成空白表"]
    for attr in ("imageMso", "screentip", "supertip"):
        assert len(re.findall(rf'<button [^>]*{attr}="[^"]+"', ribbon)) == 6, attr


def test_every_on_action_has_its_sub(ribbon, shim):
    assert sorted(on_actions(ribbon)) == sorted([*BUTTON_COMMANDS, FOLDER_PICKER])
    assert missing_subs(ribbon, shim) == set()
    assert set(ribbon_subs(shim)) == set(on_actions(ribbon)), "a callback without a button"


def test_a_missing_sub_is_caught(ribbon, shim):
    renamed = shim.replace("Sub OnConsolidate(", "Sub OnConsolidateAll(")
    assert missing_subs(ribbon, renamed) == {"OnConsolidate"}


def test_each_button_is_one_run_python_line_once_python_is_found(shim):
    subs = ribbon_subs(shim)
    for name, command in BUTTON_COMMANDS.items():
        assert subs[name] == [f'If PythonReady() Then RunPython "{command}"'], name


def test_the_words_match_what_the_buttons_do(ribbon):
    tips = dict(re.findall(r'<button id="(\w+)"[^>]*?supertip="([^"]+)"', ribbon, re.S))
    assert "当前工作簿" not in ribbon and "校验当前表" not in ribbon
    assert "本工作簿除外" in tips["wennuanValidate"] and "对话框" in tips["wennuanValidate"]
    assert "启用编辑" in tips["wennuanValidate"]
    assert "审核退回表" in tips["wennuanClearFlags"]
    assert "图表" in tips["wennuanRunConsolidate"] and "反馈副本" in tips["wennuanRunConsolidate"]
    assert "金额误差" in tips["wennuanMakeTemplates"]


def test_the_interpreter_check_reads_what_run_python_reads(shim):
    body = shim[shim.index("Function PythonReady()"):shim.index("End Function")]
    assert 'GetConfig("INTERPRETER_WIN", "")' in body and "FileExists(interpreter)" in body
    assert 'WnText("WN_MSG_NO_PYTHON")' in body and 'WnText("WN_MSG_NO_INTERPRETER")' in body
    assert re.search(r"If Len\(interpreter\) > 0 Then", body), "an empty Interpreter_Win is refused"


def test_folder_picker_writes_the_named_cell(shim):
    body = "\n".join(ribbon_subs(shim)[FOLDER_PICKER])
    assert "Application.FileDialog(" in body and 'Names("WN_FOLDER")' in body


def test_vba_source_is_ascii():
    for path in SHIMS.glob("*.bas"):
        data = path.read_bytes()
        bad = [i for i, byte in enumerate(data) if byte > 0x7F]
        assert not bad, f"{path.name}: non-ASCII byte at offset {bad[0]}"
