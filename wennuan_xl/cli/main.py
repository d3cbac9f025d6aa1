"""``wennuan``: the same jobs as the Excel ribbon, from a command line.

Exit codes of ``check`` and ``consolidate``: 0 no 错误, 1 错误 found, 2 a file or folder could not be used,
3 the campaign's forms, rules or roster are wrong, 4 an unexpected error (reported in one Chinese line), 141 the
output's reader went away (``| head``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..core.findings import Report, ReturnUnusable
from ..core.forms import CampaignError
from ..core.previous import PreviousUnusable
from ..core.rules import RuleError
from ..files.atomic import OutputError, visible
from .parser import Parser
from .text import render_report, render_unusable, to_json

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE, EXIT_CONFIG, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_PIPE = 141  # as a shell reports a command ended by SIGPIPE


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_CONFIG
    from ..files import atomic

    before = len(atomic.written)
    try:
        return args.run(args)
    except (CampaignError, RuleError) as exc:
        print(f"表样、审核规则或单位名单有误：{visible(str(exc))}", file=sys.stderr)
        return EXIT_CONFIG
    except PreviousUnusable as exc:  # --previous cannot be used: said before anything is read or written
        print(visible(exc.reason), file=sys.stderr)
        return EXIT_UNUSABLE
    except OutputError as exc:  # the message says what was not written; add what was
        done, message = atomic.written[before:], visible(str(exc))
        untouched = done or "原有的文件未被改动" not in message
        print(f"{message}{written_note(done) if untouched else ''}", file=sys.stderr)
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        print(f"已中断{written_note(atomic.written[before:])}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # what reads our output stopped reading (`wennuan check … | head`): no bug of ours
        _quiet_stdout()
        print(f"输出已无人读取（管道已关闭），本次运行提前结束{written_note(atomic.written[before:])}", file=sys.stderr)
        return EXIT_PIPE
    except Exception as exc:  # noqa: BLE001 - a bug: a short message, never a traceback in the clerk's face
        print(f"本次运行未完成：{unexpected(exc)}{written_note(atomic.written[before:])}", file=sys.stderr)
        return EXIT_INTERNAL


def _quiet_stdout() -> None:
    """Standard output to /dev/null, so that the interpreter's last flush at exit does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def written_note(paths) -> str:
    """What this run did write, so that the message never claims more or less."""
    if not paths:
        return "；本次没有写入任何文件，原有的文件未被改动"
    shown = "、".join(visible(str(p)) for p in paths[:5]) + (f" 等 {len(paths)} 个文件" if len(paths) > 5 else "")
    return f"；已写入：{shown}；其余输出未写入，原有的文件未被改动"


def unexpected(exc: BaseException) -> str:
    from ..core.idnumber import mask_text  # issue #16: an exception's text may quote an ID

    return mask_text(f"发生意外错误（{type(exc).__name__}: {visible(str(exc)[:100])}），请将此文件转交技术人员")


PREVIOUS_HELP = ("上年同期数据：上年用本程序汇总得到的工作簿（读其“明细”表），或上年各单位退回表所在的文件夹；"
                 "各单位的数与其上年的数比较，汇总数与上年的汇总数比较")


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="wennuan", description="送温暖统计表（附件1、附件2）的审核与汇总")
    parser.add_argument("--version", action=_Version, help="显示版本号后退出")
    parser.add_argument("--campaign", metavar="目录", help="表样与审核规则所在目录（默认：内置的本年度设置）")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=Parser)

    check = sub.add_parser("check", help="审核一个或多个退回的工作簿", description="审核退回的工作簿，列出错误和提示")
    check.add_argument("files", nargs="+", metavar="文件", help=".xlsx / .xlsm / .xls 文件")
    check.add_argument("--json", action="store_true", help="以 JSON 输出审核结果")
    check.add_argument("--flagged-copy", metavar="输出", help="另存一份标出问题单元格的副本（多个文件时为目录）")
    check.add_argument("--roster", metavar="名单", help="单位名单（CSV 或 Excel），默认用内置名单")
    check.add_argument("--show-ids", action="store_true", help="JSON 中显示实名制名单的完整公民身份号码（默认遮盖）")
    check.add_argument("--previous", metavar="文件或文件夹", help=PREVIOUS_HELP)
    check.set_defaults(run=run_check)

    cons = sub.add_parser("consolidate", help="汇总一个文件夹中所有退回的工作簿", description="汇总一个文件夹中所有退回的工作簿，写出汇总工作簿")
    cons.add_argument("folder", metavar="文件夹", help="存放各单位退回工作簿的文件夹")
    cons.add_argument("-o", "--out", required=True, metavar="输出.xlsx", help="汇总工作簿的文件名")
    cons.add_argument("--roster", metavar="名单", help="单位名单（CSV 或 Excel：单位名称、选择汇总）")
    cons.add_argument("--json", action="store_true", help="同时以 JSON 输出上报情况、合计与审核结果")
    cons.add_argument("--exclude-errors", action="store_true", help="有错误的报表不计入汇总")
    cons.add_argument("--recursive", action="store_true", help="包括子文件夹")
    cons.add_argument("--feedback", metavar="目录", help="为每个有错误或未说明提示的单位另存一份审核意见副本到此目录")
    cons.add_argument("--feedback-date", metavar="YYYY-MM-DD",
                      help="审核意见、催报清单和汇总表上的日期（默认今天），也用于审核意见副本的文件名")
    cons.add_argument("--resubmit-by", metavar="YYYY-MM-DD",
                      help="审核意见和催报清单要求重新报送的日期（默认：上述日期之后第 3 个工作日）")
    cons.add_argument("--remind", metavar="催报清单.xlsx",
                      help="另存催报清单：未报、有错误或文件无法读取的单位，附联系人和可复制的催报短信（文件名以 .csv 结尾时存为 CSV）")
    cons.add_argument("--previous", metavar="文件或文件夹", help=PREVIOUS_HELP)
    cons.add_argument("--unit", metavar="单位", help="本单位名称，写在汇总表的“填报单位”上（默认为通知的发文单位）；"
                                                    "县（市、区）总工会汇总下级工会后报送上级时填本单位，如 犍为县总工会")
    cons.add_argument("--person", metavar="姓名", help="汇总表的填报人（与 --unit 一起用）")
    cons.add_argument("--phone", metavar="电话", help="汇总表的联系电话（与 --unit 一起用）")
    cons.set_defaults(run=run_consolidate)

    demo = sub.add_parser("demo", help="用自带的示例退回表演示汇总", description="汇总自带的示例退回表，写出一份汇总工作簿")
    demo.add_argument("-o", "--out", default=str(Path("out") / "送温暖汇总-示例.xlsx"), metavar="输出.xlsx",
                      help="汇总工作簿的文件名（默认 out/送温暖汇总-示例.xlsx）")
    demo.add_argument("--previous", metavar="文件或文件夹", help=PREVIOUS_HELP)
    demo.set_defaults(run=run_demo)

    template = sub.add_parser("template", help="生成两张空白统计表和实名制名单空白表",
                              description="生成附件1、附件2 的空白填报模板（带实时审核）和“送温暖”资金发放实名制名单的空白表")
    template.add_argument("--out", default="workbooks", metavar="目录", help="输出目录（默认 workbooks）")
    template.add_argument("--for-units", action="store_true",
                          help="为单位名单中每个计入汇总的单位各生成一套填报表：已填好并锁定“填报单位”")
    template.add_argument("--roster", metavar="名单", help="单位名单（CSV 或 Excel），默认用内置名单（与 --for-units 一起用）")
    template.add_argument("--previous", metavar="文件或文件夹",
                          help="与 --for-units 一起用：每个单位的表中增加锁定的“上年数”一栏，填报时即对照上年数审核；"
                               "上年数取自上年用本程序汇总得到的工作簿（读其“明细”表），或上年各单位退回表所在的文件夹")
    template.set_defaults(run=run_template)

    # For whoever maintains the add-in; not in the clerks' list of commands.
    master = sub.add_parser("build-master", help=argparse.SUPPRESS, description="生成 Excel 主工作簿（维护者用）")
    master.add_argument("--out", default=str(Path("workbooks") / "wennuan_master.xlsm"), metavar="输出.xlsm",
                        help="主工作簿的文件名")
    master.set_defaults(run=run_build_master)
    return parser


class _Version(argparse.Action):
    """``--version``, looked up only when asked for: the package metadata costs every other run ~50 ms."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        parser.exit(message=f"wennuan-xl {_version()}\n")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wennuan-xl")
    except PackageNotFoundError:  # run from a checkout without installing
        return "（未安装）"


def _settings(args, **options):
    """The job settings of a command: the campaign (compiled, from the cache when its files are unchanged)
    with ``--roster`` when given, and the command's options."""
    from ..settings import settings  # not jobs: a check needs neither the consolidation nor its writer

    return settings(args.campaign, roster=getattr(args, "roster", None) or None,
                    previous=getattr(args, "previous", None) or None, **options)


def previous_lines(previous) -> str:
    """Where last year's figures come from, and what of them could not be used (注意 …)."""
    if previous is None:
        return ""
    return "\n".join([visible(previous.summary()), *(f"  注意：{visible(n)}" for n in previous.notes)])


def run_check(args) -> int:
    """Every file is read, located and checked in an isolated worker process (``files/isolated.py``):
    one file that kills the reader costs only its own answer. A 实名制 list in a file is checked too."""
    from ..files.atomic import Inputs
    from ..files.namelist_isolated import check_files_and_lists
    from . import namelist as lists_cli  # issue #16: 实名制 lists, alone or beside 附件1

    job = _settings(args)
    campaign = job.campaign
    inputs = Inputs(args.files)
    results: list[Report | ReturnUnusable]
    results, lists = check_files_and_lists([(name, name) for name in args.files], campaign, job.rules, job.workers)
    checked = lists_cli.with_reconciliation(lists, [r for r in results if isinstance(r, Report)], campaign)
    copies_failed = False
    if args.flagged_copy:
        copies_failed = not _flagged_copies(args, lists_cli.one_report_per_file(results, checked), campaign, inputs)
    show_ids = getattr(args, "show_ids", False)
    if job.previous is not None:  # JSON keeps stdout to the reports
        print(previous_lines(job.previous) + ("" if args.json else "\n"), file=sys.stderr if args.json else sys.stdout)
    if args.json:
        objects = ([_json_object(r, campaign) for r in results]
                   + [lists_cli.list_json(lst, extra, show_ids, campaign) for lst, extra in checked])
        text = to_json(objects[0] if len(objects) == 1 else objects)
        print(text if show_ids else lists_cli.screen(text))
    else:
        blocks = [
            render_report(r, campaign) if isinstance(r, Report) else render_unusable(r.file, r.reason)
            for r in results
        ] + [lists_cli.render_list(lst, extra, campaign) for lst, extra in checked]
        print(lists_cli.screen("\n\n".join(blocks)))
        if len(blocks) > 1:
            print("\n" + _overall(lists_cli.one_report_per_file(results, checked)))
    if any(isinstance(r, ReturnUnusable) for r in results) or copies_failed:
        return EXIT_UNUSABLE
    if any(r.errors for r in results if isinstance(r, Report)):
        return EXIT_ERRORS
    return EXIT_ERRORS if any(lists_cli.all_findings(lst, extra) and lists_cli.as_report(lst, extra).errors for lst, extra in checked) else EXIT_OK


def _flagged_copies(args, results, campaign, inputs) -> bool:
    """Each copy is written by an isolated worker (openpyxl opens the unit's workbook there). One file:
    the copy goes where the clerk said, refused if that is an input. Several: into the folder, named
    ``<stem>-审核标记<.xlsx>``, numbered when that name is an input or taken by another copy."""
    from ..files.atomic import safe_filename, shown_path, unique_path
    from ..files.flagged import flagged_copy_task
    from ..files.isolated import Died, run_copies

    target = Path(args.flagged_copy)
    ok = True
    taken: set[Path] = set()
    calls = []
    for report in (r for r in results if isinstance(r, Report)):
        source = Path(report.file)
        if len(args.files) == 1:
            if target in inputs:
                print(f"未能生成标记副本：输出文件 {shown_path(target)} 与输入文件相同；为保护原件，请换一个输出文件名",
                      file=sys.stderr)
                return False
            out = target
        else:
            out = unique_path(target / safe_filename(f"{source.stem}-审核标记", source.suffix), inputs, taken)
        calls.append((str(source), report, str(out), campaign, inputs))
    for call, answer in zip(calls, run_copies(flagged_copy_task, calls, campaign)):
        if isinstance(answer, Died):
            print(f"未能生成标记副本：{visible(call[0])}：{visible(answer.reason)}", file=sys.stderr)
            ok = False
        elif answer[0] == "ok":
            print(f"已另存标记副本：{visible(answer[1])}", file=sys.stderr)
        else:
            print(f"未能生成标记副本：{visible(answer[1])}", file=sys.stderr)
            ok = False
    return ok


def _json_object(result: Report | ReturnUnusable, campaign) -> dict:
    if isinstance(result, Report):
        return {**result.to_dict(), "findings": findings_json(campaign, ((result.unit, result.file, f) for f in result.findings))}
    return {"file": result.file, "unit": "", "values": {}, "findings": [], "error": result.reason}


def findings_json(campaign, items) -> list[dict]:
    """Findings as JSON objects: the findings table's row under its English keys (core/findings_table.py),
    then severity, codes, cells, values, explained (and caused_by) for programs."""
    from ..core.findings_table import finding_rows, json_finding

    return [json_finding(row) for row in finding_rows(campaign, items)]


def _overall(results) -> str:
    reports = [r for r in results if isinstance(r, Report)]
    with_errors = sum(1 for r in reports if r.errors)
    unusable = len(results) - len(reports)
    parts = [f"共 {len(results)} 个文件", f"{with_errors} 个有错误", f"{len(reports) - with_errors} 个无错误"]
    if unusable:
        parts.append(f"{unusable} 个无法读取")
    return "合计：" + "，".join(parts)


def run_consolidate(args) -> int:
    from ..jobs import consolidate_folder, write_feedback

    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"文件夹不存在：{visible(str(folder))}", file=sys.stderr)
        return EXIT_UNUSABLE
    feedback = getattr(args, "feedback", None)
    remind = getattr(args, "remind", None)
    problem = feedback_problem(folder, Path(feedback), args.recursive) if feedback else ""
    problem = problem or (remind_problem(Path(remind), Path(args.out)) if remind else "")
    feedback_day = resubmit_by = None
    feedback_date = getattr(args, "feedback_date", None)
    try:
        feedback_day = dt.date.fromisoformat(feedback_date) if feedback_date else None
    except ValueError:
        problem = problem or f"--feedback-date 应为 YYYY-MM-DD 格式的日期，不是“{feedback_date}”"
    resubmit = getattr(args, "resubmit_by", None)
    try:
        resubmit_by = dt.date.fromisoformat(resubmit) if resubmit else None
    except ValueError:
        problem = problem or f"--resubmit-by 应为 YYYY-MM-DD 格式的日期，不是“{resubmit}”"
    if resubmit_by is not None and resubmit_by < (feedback_day or dt.date.today()):
        problem = problem or (f"--resubmit-by {resubmit_by.isoformat()} 早于审核意见的日期"
                              f"（{(feedback_day or dt.date.today()).isoformat()}）：请给各单位留出修改的时间")
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_UNUSABLE
    problem = previous_problem(folder, Path(args.out), getattr(args, "previous", None))
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_UNUSABLE
    job = _settings(args, recursive=args.recursive, exclude_errors=args.exclude_errors,
                    feedback_dir=Path(feedback) if feedback else None, feedback_day=feedback_day,
                    resubmit_by=resubmit_by, unit=getattr(args, "unit", None), person=getattr(args, "person", None),
                    phone=getattr(args, "phone", None))
    campaign = job.campaign
    # an OutputError (the output cannot be written) is main's: exit 2
    result, out = consolidate_folder(folder, Path(args.out), job, progress=_progress())
    from .namelist import screen  # issue #16: IDs never leave unmasked

    if args.json:
        print(screen(to_json(consolidation_json(result, job))))
    stream = sys.stderr if args.json else sys.stdout
    print(screen(consolidation_summary(result, campaign, out, job)), file=stream)
    if remind:
        from ..jobs import write_reminders

        print(f"催报清单：已写入 {visible(str(write_reminders(result, job, Path(remind), folder)))}", file=stream)
    for roster_problem in (p for u in campaign.roster for p in u.problems):
        print(f"提示：{visible(roster_problem)}", file=sys.stderr)
    if feedback:
        done = write_feedback(result, job, folder)
        stream = sys.stderr if args.json else sys.stdout
        print(f"审核意见副本：{len(done.written)} 份，已存入 {visible(feedback)}", file=stream)
        for problem in done.failed:
            print(f"未能生成审核意见副本：{visible(problem)}", file=sys.stderr)
        if done.failed:
            print(f"汇总工作簿已写入 {visible(str(out))}；审核意见副本 {len(done.written)} 份已写入，"
                  f"{len(done.failed)} 份未能写入（见上）", file=sys.stderr)
            return EXIT_UNUSABLE
    has_errors = any(f.severity.value == "error" for _, _, f in result.findings())
    return EXIT_ERRORS if has_errors else EXIT_OK


def remind_problem(remind: Path, out: Path) -> str:
    """The 催报清单 file: .xlsx or .csv, never the consolidated workbook itself."""
    if remind.suffix.lower() not in (".xlsx", ".csv"):
        return f"--remind 的文件名应以 .xlsx 或 .csv 结尾（{visible(str(remind))}）"
    if remind.resolve() == out.resolve():
        return f"--remind 的文件不能与汇总工作簿（-o {visible(str(out))}）相同：请另起一个文件名"
    return ""


def previous_problem(folder: Path, out: Path, previous: str | None) -> str:
    """Last year's figures cannot be this year's returns, nor the workbook this run is about to write."""
    if not previous:
        return ""
    source = Path(previous).resolve()
    if source == folder.resolve():
        return f"上年同期数据（{visible(previous)}）不能是今年退回表所在的文件夹：请给出上年的汇总工作簿或上年退回表的文件夹"
    if source == out.resolve():
        return (f"上年同期数据（{visible(previous)}）与本次汇总的输出文件相同：那是今年的汇总结果，不是上年的；"
                "请换一个输出文件名，或给出上年的汇总工作簿")
    return ""


def feedback_problem(folder: Path, feedback: Path, recursive: bool) -> str:
    """The feedback copies must not land where the next run reads returns: they would count as returns."""
    folder, target = folder.resolve(), feedback.resolve()
    if target == folder or (recursive and folder in target.parents):
        return f"审核意见副本的目录不能是退回表所在的文件夹（{visible(str(feedback))}）：下次汇总会把副本当作退回表读取；请换一个目录"
    return ""


def run_demo(args) -> int:
    from ..jobs import sample_returns_folder

    folder = sample_returns_folder()
    if folder is None:
        print("找不到示例退回表（workbooks/samples/returns）；请在项目目录中运行，或先运行 python scripts/make_samples.py", file=sys.stderr)
        return EXIT_UNUSABLE
    print(f"示例退回表：{folder}")
    args.folder, args.roster, args.json, args.exclude_errors, args.recursive = str(folder), None, False, False, False
    code = run_consolidate(args)
    return EXIT_OK if code in (EXIT_OK, EXIT_ERRORS) else code


def consolidation_json(result, job) -> dict:
    """``job``: the run's settings, whose dates the 催报清单 asks by."""
    from ..core.remind import reminders

    chase = reminders(result, job.campaign, _remind_dates(job))
    return {
        "units": [
            {"unit": r.unit, "status": r.status, "file": r.file, "errors": r.errors, "warnings": r.warnings,
             "explained": r.explained}
            for r in result.rows
        ],
        "totals": result.totals,
        "unit_counts": result.unit_counts,
        "base_counts": result.base_counts,  # 层层汇总: a roll-up counts the base returns it holds
        "findings": findings_json(job.campaign, result.findings()),
        "reminders": [{"unit": r.unit, "reasons": list(r.reasons), "person": r.person, "phone": r.phone,
                       "email": r.email, "due": r.due.isoformat(), "message": r.message, "notes": list(r.notes)}
                      for r in chase],
        **({"namelist": lists_json(result.lists)} if result.lists is not None else {}),  # issue #16
        **({"previous": previous_json(result.previous)} if result.previous is not None else {}),
    }


def previous_json(previous) -> dict:
    """Where last year's figures (上年同期) came from: the source, last year's campaign when known, the units
    with figures, whether last year's totals are known, and what could not be used."""
    return {"source": previous.source, "title": previous.title, "units": sorted(previous.units),
            "totals": bool(previous.totals), "notes": list(previous.notes)}


def lists_json(lists) -> dict:
    from ..core.idnumber import mask

    return {
        "units": [{"unit": r.unit, "status": r.status, "file": r.file, "totals": r.totals, "errors": r.errors,
                   "warnings": r.warnings, "remark": r.remark} for r in lists.recon],
        "duplicates": [{"name": d.name, "id": mask(d.id),
                        "places": [{"unit": p.unit, "file": p.file, "cell": p.person.id_cell} for p in d.places]}
                       for d in lists.duplicates],
    }


def _remind_dates(job):
    from ..core.remind import remind_dates

    return remind_dates(job.campaign, job.feedback_day or dt.date.today(), job.resubmit_by)


def consolidation_summary(result, campaign, out: Path, job) -> str:
    from collections import Counter

    statuses = Counter(r.status for r in result.rows)
    counted = "、".join(f"{campaign.form(f).annex} {n} 个单位" for f, n in result.unit_counts.items())
    parts = [f"{k} {v}" for k, v in statuses.items()]
    lists = ""
    if result.lists is not None:  # issue #16
        lists = (f"\n实名制名单：{len(result.lists.lists)} 个单位，{result.lists.people} 人；"
                 f"同一人在两个以上单位名单中：{len(result.lists.duplicates)} 人。")
    from ..core.remind import remind_line

    chase = remind_line(result, campaign, _remind_dates(job))
    previous = ""
    if result.previous is not None:
        compared = sum(1 for _, _, f in result.findings() if f.previous)
        previous = f"\n{previous_lines(result.previous)}\n上年同期：提示 {compared} 个（已计入上面的提示数）。"
    rollups = {u.unit for u in result.used if u.included and u.returned.rollup is not None}
    if rollups:  # 层层汇总
        counted += (f"（其中 {len(rollups)} 个单位报送的是下级汇总表；按最基层的报表计："
                    + "、".join(f"{campaign.form(f).annex} {n} 个单位" for f, n in result.base_counts.items()) + "）")
    return (
        f"汇总完成：{counted}。\n上报情况：{'，'.join(parts)}。{lists}\n"
        f"审核：{result.audit_line()}（汇总数也按同样的规则审核）。{previous}\n{chase}\n输出：{visible(str(out))}"
    )


def _progress():
    state = {"shown": -1}
    tty = sys.stderr.isatty()

    def show(done: int, total: int, name: str) -> None:
        if total < 100 and not tty:
            return  # a short run needs no progress lines in a log
        step = max(1, total // 10)
        if tty:
            bar = "#" * (done * 30 // total)
            print(f"\r读取 [{bar:<30}] {done}/{total}", end="" if done < total else "\n", file=sys.stderr, flush=True)
        elif done == total or done // step != state["shown"]:
            state["shown"] = done // step
            print(f"读取 {done}/{total}", file=sys.stderr, flush=True)

    return show


def run_template(args) -> int:
    from ..files.namelist_template import write_list_template
    from ..jobs import write_personal_templates, write_templates

    if not args.for_units and (args.previous or args.roster):
        print("--previous 和 --roster 只用于为各单位生成填报表，请同时写 --for-units", file=sys.stderr)
        return EXIT_CONFIG
    job = _settings(args)
    if args.for_units:
        if job.previous is not None:
            print(previous_lines(job.previous))
        written = write_personal_templates(job, args.out)
        for path in written:
            print(f"已生成：{path}")
        units = sum(u.included for u in job.campaign.roster)
        print(f"共为 {units} 个单位生成 {len(written)} 个填报表" + ("，含上年数" if job.previous is not None else ""))
        return EXIT_OK
    campaign = job.campaign
    for path in write_templates(job, args.out):
        print(f"已生成：{path}")
    listed = write_list_template(campaign, args.out)  # issue #16: the 实名制 list's blank template
    if listed is not None:
        print(f"已生成：{listed}")
    return EXIT_OK


def run_build_master(args) -> int:
    from ..files.atomic import OutputError
    from ..files.master import build_master
    from ..files.master_vba import MasterBuildError

    try:
        print(f"已生成：{build_master(_settings(args).campaign, args.out)}")
    except (MasterBuildError, OutputError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNUSABLE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
