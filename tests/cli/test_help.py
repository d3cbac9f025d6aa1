"""The command line speaks Chinese: help, usage and every error argparse itself would raise."""

from __future__ import annotations

import re

import pytest

from wennuan_xl.cli.main import main

ENGLISH = re.compile(
    r"usage|positional arguments|options:|optional arguments|show this help|error:|the following arguments"
    r"|invalid choice|unrecognized arguments|expected one argument|argument |choose from",
    re.IGNORECASE,
)
COMMANDS = ("check", "consolidate", "demo", "template")


def run(capsys, argv: list[str]) -> tuple[int, str]:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    out = capsys.readouterr()
    return int(stop.value.code or 0), out.out + out.err


@pytest.mark.parametrize("argv", [["--help"], *[[c, "--help"] for c in COMMANDS]])
def test_help_is_in_chinese_with_a_line_for_every_command(capsys, argv):
    code, text = run(capsys, argv)
    assert code == 0
    assert not ENGLISH.search(text), text
    assert text.startswith("用法：wennuan")
    if argv == ["--help"]:
        listed = re.findall(r"^ +(\w[\w-]*) {2,}\S", text, re.MULTILINE)
        assert [c for c in listed if c in COMMANDS] == list(COMMANDS)
        assert "build-master" not in text  # a maintainer's command, not offered to clerks
    else:
        assert "显示本说明后退出" in text


@pytest.mark.parametrize(
    "argv, said",
    [
        (["consolidate"], "缺少必填的参数：文件夹, -o/--out"),
        (["chek", "x.xlsx"], "没有“chek”这个命令，可用的命令：check, consolidate, demo, template"),
        (["check", "a.xlsx", "--bogus"], "无法识别的参数：--bogus"),
        (["consolidate", "d", "-o"], "-o/--out 后面要跟一个值"),
        (["check"], "缺少必填的参数：文件"),
    ],
)
def test_mistyped_commands_are_answered_in_chinese(capsys, argv, said):
    code, text = run(capsys, argv)
    assert code == 2
    assert said in text, text
    assert not ENGLISH.search(text), text


def test_version(capsys):
    code, text = run(capsys, ["--version"])
    assert code == 0 and re.fullmatch(r"wennuan-xl \S+\n", text)
