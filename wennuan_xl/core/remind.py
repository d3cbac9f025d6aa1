"""催报: which units still owe the city union a return or a corrected one, whom to call, what to tell them.

From a consolidation, as plain data: every roster unit chosen for the totals has, per annex, one state —
已报，无错误 / 已报，有错误 / 文件无法读取 / 未报 — that the 上报进度 chart counts (``progress``); every unit
not done gets one line of the 催报清单 (``reminders``): why, its contacts (the roster's; without them the
填报人 and 联系电话 of its own return), the date asked for and a message the clerk can copy into a text.

Dates (``remind_dates``): a return not sent yet is asked for by the campaign's deadline while that has not
passed; after it, and for a return to correct or send again, by the resubmission date — the clerk's
(``--resubmit-by``, 设置's 重新报送截止日期) or the day plus the campaign's working days, as the feedback
letters ask.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .consolidate import REPORTED, UNREADABLE, Consolidation, UnitRow, Used
from .dates import add_working_days, chinese_date
from .findings import Severity
from .forms import Campaign
from .tables import Cell, Row, Table

SENT_OK, SENT_ERRORS, UNREADABLE_FILE, NOT_SENT = "已报，无错误", "已报，有错误", "文件无法读取", "未报"
STATES = (SENT_OK, SENT_ERRORS, UNREADABLE_FILE, NOT_SENT)
MAX_NAMED = 3  # fields named in a reminder's 错误, then “等 N 项”


@dataclass(frozen=True)
class AnnexProgress:
    """One annex's 上报进度: the roster units chosen for the totals, by state, in roster order."""

    form: str
    annex: str
    units: dict[str, tuple[str, ...]]  # state -> unit names

    def count(self, state: str) -> int:
        return len(self.units.get(state, ()))

    @property
    def expected(self) -> int:
        return sum(len(names) for names in self.units.values())


@dataclass(frozen=True)
class RemindDates:
    day: dt.date  # the day of the 催报
    send_by: dt.date  # a return not sent yet
    resend_by: dt.date  # a return to correct, or a file to send again
    deadline: dt.date  # the campaign's
    late: bool  # the campaign's deadline has passed on ``day``


@dataclass(frozen=True)
class Reminder:
    """One line of the 催报清单."""

    unit: str  # the roster's name; "" for an unreadable file no unit could be told for
    kinds: tuple[str, ...]  # NOT_SENT, UNREADABLE_FILE, SENT_ERRORS: what the unit owes
    reasons: tuple[str, ...]  # in words: “未报附件2”, “附件1有 2 个错误：02(B) 其中困难农民工”
    person: str
    phone: str
    email: str
    due: dt.date  # the earliest date the message asks for
    message: str  # the text the clerk sends
    notes: tuple[str, ...] = ()  # where the contacts come from, what is wrong with them


def remind_dates(campaign: Campaign, day: dt.date, resubmit_by: dt.date | None = None) -> RemindDates:
    resend = resubmit_by or add_working_days(day, campaign.resubmit_working_days)
    late = day > campaign.deadline
    return RemindDates(day, resend if late else campaign.deadline, resend, campaign.deadline, late)


def unit_states(result: Consolidation, campaign: Campaign) -> dict[str, dict[str, str]]:
    """Roster unit chosen for the totals -> annex -> its state. A unit whose file could not be read has
    文件无法读取 for each annex it has no return in use for: which annex the file held is not known."""
    used = {(u.unit, u.form): u for u in result.used}
    unreadable = {r.unit for r in result.rows if r.status == UNREADABLE and r.unit}
    out: dict[str, dict[str, str]] = {}
    for member in campaign.roster:
        if not member.included:
            continue
        states = {}
        for form in campaign.forms:
            u = used.get((member.name, form.id))
            if u is not None:
                states[form.id] = SENT_ERRORS if u.returned.errors(form.id) else SENT_OK
            else:
                states[form.id] = UNREADABLE_FILE if member.name in unreadable else NOT_SENT
        out[member.name] = states
    return out


def progress(result: Consolidation, campaign: Campaign) -> tuple[AnnexProgress, ...]:
    states = unit_states(result, campaign)
    out = []
    for form in campaign.forms:
        units: dict[str, list[str]] = {state: [] for state in STATES}
        for name, per in states.items():
            units[per[form.id]].append(name)
        out.append(AnnexProgress(form.id, form.annex, {k: tuple(v) for k, v in units.items()}))
    return tuple(out)


def reminders(result: Consolidation, campaign: Campaign, dates: RemindDates) -> list[Reminder]:
    """The 催报清单: in roster order, each unit chosen for the totals that has an annex not sent, a file that
    could not be read or an 错误 in a return in use; then the unreadable files no unit could be told for."""
    rows: dict[str, list[UnitRow]] = {}
    for row in result.rows:
        rows.setdefault(row.unit, []).append(row)
    roster = {u.name: u for u in campaign.roster}
    used = {(u.unit, u.form): u for u in result.used}
    out = []
    for name, states in unit_states(result, campaign).items():
        member = roster[name]
        unread = [r for r in rows.get(name, []) if r.status == UNREADABLE]
        missing = [f for f, s in states.items() if s == NOT_SENT]
        broken = [f for f, s in states.items() if s == UNREADABLE_FILE]
        wrong = [f for f, s in states.items() if s == SENT_ERRORS]
        if not (missing or unread or wrong):
            continue
        kinds, reasons, clauses, dues = [], [], [], []
        if missing:
            kinds.append(NOT_SENT)
            reasons.append(f"未报{_annexes(campaign, missing)}")
            clauses.append(_send_clause(campaign, missing, dates))
            dues.append(dates.send_by)
        if unread:
            kinds.append(UNREADABLE_FILE)
            reasons.extend(f"文件“{r.file}”无法读取：{r.remark}" for r in unread)
            files = "”“".join(r.file for r in unread)
            again = _titles(campaign, broken) if broken else "该文件"
            clauses.append(f"贵单位报送的文件“{files}”无法读取（{unread[0].remark}），请于{chinese_date(dates.resend_by)}前"
                           f"重新报送{again}")
            dues.append(dates.resend_by)
        if wrong:
            kinds.append(SENT_ERRORS)
            parts = []
            for form_id in wrong:
                count, where = _errors(used[(name, form_id)], campaign)
                reasons.append(f"{campaign.form(form_id).annex}有 {count} 个错误：{where}")
                parts.append(f"{_titles(campaign, [form_id])}中的 {count} 个错误（{where}）")
            clauses.append(f"请改正{'、'.join(parts)}后于{chinese_date(dates.resend_by)}前重新报送")
            dues.append(dates.resend_by)
        person, phone, email, notes = _contacts(member, rows.get(name, []))
        out.append(Reminder(name, tuple(kinds), tuple(reasons), person, phone, email, min(dues),
                            _message(campaign, name, clauses), tuple(notes)))
    for row in result.rows:
        if row.status == UNREADABLE and not row.unit:
            clause = (f"贵单位报送的文件“{row.file}”无法读取（{row.remark}），请于{chinese_date(dates.resend_by)}前重新报送")
            out.append(Reminder("", (UNREADABLE_FILE,), (f"文件“{row.file}”无法读取：{row.remark}",), "", "", "",
                                dates.resend_by, _message(campaign, "", [clause]),
                                ("从文件名和表内都看不出是哪个单位的文件，请按来件的邮件找到报送单位",)))
    return out


def summary(reminder_list: list[Reminder]) -> str:
    """“需催报 5 个单位（未报 2 个，文件无法读取 1 个，有错误 2 个）”, or that there is nothing to chase."""
    if not reminder_list:
        return "无需催报：名单中选择汇总的单位都已报送，且报表中没有错误"
    units = [r for r in reminder_list if r.unit]
    parts = [f"{label} {sum(1 for r in reminder_list if kind in r.kinds and r.unit)} 个"
             for kind, label in ((NOT_SENT, "未报"), (UNREADABLE_FILE, "文件无法读取"), (SENT_ERRORS, "有错误"))
             if any(kind in r.kinds and r.unit for r in reminder_list)]
    strays = len(reminder_list) - len(units)
    text = f"需催报 {len(units)} 个单位（{'，'.join(parts)}）" if units else ""
    if strays:
        text += ("；另有 " if text else "需查明：") + f"{strays} 个无法读取的文件不知是哪个单位报送的"
    return text


def _annexes(campaign: Campaign, forms: list[str]) -> str:
    return "、".join(campaign.form(f).annex for f in forms)


def _titles(campaign: Campaign, forms: list[str]) -> str:
    return "".join(f"《{campaign.form(f).annex} {campaign.form(f).title}》" for f in forms)


def _send_clause(campaign: Campaign, forms: list[str], dates: RemindDates) -> str:
    titles = _titles(campaign, forms)
    if dates.late:
        return (f"{titles}的报送期限（{chinese_date(dates.deadline)}）已过，请尽快、最迟于"
                f"{chinese_date(dates.send_by)}前报送")
    return f"请于{chinese_date(dates.send_by)}前报送{titles}"


def _errors(used: Used, campaign: Campaign) -> tuple[int, str]:
    """The 错误 of a unit's return of one annex in use: how many, and the fields they name first."""
    form_id = used.form
    prefix = form_id + "."
    named: list[str] = []
    for f in used.returned.findings:
        if f.severity is not Severity.ERROR or not any(c.startswith(prefix) for c in f.codes):
            continue
        code = next(c for c in f.codes if c.startswith(prefix))
        shown = _field_words(campaign, form_id, code)
        if shown not in named:
            named.append(shown)
    count = used.returned.errors(form_id)
    where = "、".join(named[:MAX_NAMED]) + (f" 等 {len(named)} 项" if len(named) > MAX_NAMED else "")
    return count, where


def _field_words(campaign: Campaign, form_id: str, code: str) -> str:
    """``02(B) 其中困难农民工`` for a field, the cover line's label (填报单位) for a cover code."""
    if campaign.has_field(code):
        return campaign.field(code).caption
    key = code.split(".", 1)[-1]
    form = campaign.form(form_id)
    return next((c.label for c in form.cover if c.key == key), code)


def _contacts(member, rows: list[UnitRow]) -> tuple[str, str, str, list[str]]:
    notes = list(member.problems)
    if member.person or member.phone or member.email:
        return member.person, member.phone, member.email, notes
    sent = next((r for r in rows if r.status == REPORTED and (r.person or r.phone)), None)
    if sent is None:
        return "", "", "", notes
    notes.append(f"单位名单中没有登记联系人和电话，此处为该单位报表（{sent.file}）上的填报人和联系电话")
    return sent.person, sent.phone, "", notes


def _message(campaign: Campaign, unit: str, clauses: list[str]) -> str:
    contact = campaign.contact
    sender = f"{campaign.issuer}{contact.department}"
    line = contact.line()
    return f"{unit + '：' if unit else ''}{'；'.join(clauses)}。{sender}" + (f"（{line}）" if line else "")


# --- the 催报清单 as a sheet -------------------------------------------------------------------------------

REMIND_SHEET = "催报清单"
REMIND_HEADERS = ("序号", "单位", "催报原因", "联系人", "联系电话", "电子邮箱", "截止日期", "催报短信（可复制）", "备注")
REMIND_HEADER_ROW = 3  # 0-based; the lines above say what the list is and by which dates
NO_UNIT = "（不明单位）"


def remind_table(result: Consolidation, campaign: Campaign, dates: RemindDates) -> Table:
    """The 催报清单 sheet: a line per unit to chase, its message ready to copy."""
    found = reminders(result, campaign, dates)
    asks = (f"尚未报送的单位请于{chinese_date(dates.send_by)}前报送"
            + (f"（报送期限 {chinese_date(dates.deadline)} 已过）" if dates.late else "（报送期限）")
            + f"；有错误或文件无法读取的请于{chinese_date(dates.resend_by)}前重新报送。")
    out: list[Row] = [
        (0, {0: Cell(f"{campaign.name} 催报清单（{chinese_date(dates.day)}）：{summary(found)}", "heading")}),
        (1, {0: Cell(asks, "text")}),
        (2, {0: Cell("“催报短信”一栏可直接复制发给单位；联系人、电话、邮箱取自单位名单，名单中没有的取自该单位报表的填报人和联系电话。",
                     "text")}),
        (REMIND_HEADER_ROW, {c: Cell(t, "header") for c, t in enumerate(REMIND_HEADERS)}),
    ]
    for i, r in enumerate(found, start=1):
        out.append((REMIND_HEADER_ROW + i, {
            0: Cell(i, "center"), 1: Cell(r.unit or NO_UNIT, "cell_wrap"), 2: Cell("；".join(r.reasons), "cell_wrap"),
            3: Cell(r.person, "cell_wrap"), 4: Cell(r.phone, "cell_wrap"), 5: Cell(r.email, "cell_wrap"),
            6: Cell(chinese_date(r.due), "cell_wrap"), 7: Cell(r.message, "cell_wrap"), 8: Cell("；".join(r.notes), "cell_wrap"),
        }))
    last = REMIND_HEADER_ROW + len(found)
    merges = {}
    problems = [p for u in campaign.roster for p in u.problems]
    if problems:  # every unit's, chased or not: the next 催报 needs the right number
        out.append((last + 2, {0: Cell(f"单位名单中的提示（{len(problems)} 处）：", "bold")}))
        for i, problem in enumerate(problems, start=last + 3):
            out.append((i, {0: Cell(problem, "wrap")}))
            merges[(i, 0)] = (i, len(REMIND_HEADERS) - 1)
    widths = tuple((i, i, float(w)) for i, w in enumerate((5, 16, 24, 8, 14, 16, 12, 56, 24)))
    return Table(REMIND_SHEET, out, widths, merges=merges, freeze=(REMIND_HEADER_ROW + 1, 2),
                 autofilter=(REMIND_HEADER_ROW, 0, last, len(REMIND_HEADERS) - 1) if found else None,
                 header_row=REMIND_HEADER_ROW)


def remind_line(result: Consolidation, campaign: Campaign, dates: RemindDates) -> str:
    """The 催报 line of a summary, with the roster's 提示 counted: “催报：需催报 3 个单位（…），联系人和…”."""
    found = reminders(result, campaign, dates)
    text = f"催报：{summary(found)}" + ("，联系人和可复制的催报短信见“催报清单”。" if found else "。")
    problems = sum(len(u.problems) for u in campaign.roster)
    if problems:
        text += f"\n单位名单有 {problems} 处提示（电话、邮箱等），列在“催报清单”的最后。"
    return text
