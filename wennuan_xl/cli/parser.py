"""argparse in Chinese: the usage line, the headings, -h and every error a clerk can provoke.

argparse writes its own words in English ("usage:", "options", "error: the following arguments are
required"). Here the formatter and the parser put them in Chinese, and the errors argparse raises are
turned into Chinese sentences that say what to type instead.
"""

from __future__ import annotations

import argparse
import re
import sys
from typing import NoReturn

HIDDEN_COMMANDS = ("build-master",)  # for maintainers: neither listed nor offered to clerks
_ERRORS = (
    (re.compile(r"the following arguments are required: (.+)"), "缺少必填的参数：{0}"),
    (re.compile(r"argument 命令: invalid choice: '(.+?)' \(choose from (.+)\)"), "没有“{0}”这个命令，可用的命令：{1}"),
    (re.compile(r"argument (.+?): invalid choice: '(.+?)' \(choose from (.+)\)"), "{0} 没有“{1}”这一项，可选：{2}"),
    (re.compile(r"invalid choice: '(.+?)' \(choose from (.+)\)"), "没有“{0}”这个命令，可用的命令：{1}"),
    (re.compile(r"argument (.+?): expected one argument"), "{0} 后面要跟一个值"),
    (re.compile(r"argument (.+?): expected at least one argument"), "{0} 后面至少要跟一个值"),
    (re.compile(r"argument (.+?): invalid (\w+) value: '(.+?)'"), "{0} 的值“{2}”格式不对"),
    (re.compile(r"argument (.+?): not allowed with argument (.+)"), "{0} 不能与 {1} 同时使用"),
    (re.compile(r"argument (.+?): ignored explicit argument '(.+?)'"), "{0} 不接受值“{1}”"),
    (re.compile(r"unrecognized arguments: (.+)"), "无法识别的参数：{0}（用 -h 查看可用的参数）"),
    (re.compile(r"ambiguous option: (.+?) could match (.+)"), "参数 {0} 不明确，可能是：{1}"),
)


def chinese_error(message: str) -> str:
    for pattern, text in _ERRORS:
        m = pattern.search(message)
        if m:
            out = text.format(*m.groups()).replace("'", "")
            for hidden in HIDDEN_COMMANDS:
                out = out.replace(f", {hidden}", "")
            return out
    return message


class _Section(argparse.HelpFormatter._Section):
    def format_help(self) -> str:
        text = super().format_help()
        return text.replace(f"{self.heading}:\n", f"{self.heading}：\n", 1) if self.heading else text


class Formatter(argparse.HelpFormatter):
    _Section = _Section  # type: ignore[assignment]  # headings end with a Chinese colon

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            # Under the heading 命令, the commands themselves (not the placeholder once more), without the
            # commands a clerk does not use (help=SUPPRESS).
            parts = []
            self._indent()
            for sub in action._get_subactions():
                if sub.help is not argparse.SUPPRESS:
                    parts.append(self._format_action(sub))
            self._dedent()
            return "".join(parts)
        return super()._format_action(action)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose every word is Chinese; its subcommands are made of the same class."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本说明后退出")

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("parser_class", Parser)
        kwargs.setdefault("title", "命令")
        return super().add_subparsers(**kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：{chinese_error(message)}\n")
