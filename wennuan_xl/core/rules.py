"""The 审核公式 and checks, built from the contents of the campaign's rule files and validated once.

Three kinds of declared checks, each with an id, a severity (错误/提示) and a Chinese message template:

* ``field_checks`` apply to every field of the kinds they name (number, ≥ 0, whole number, 是/否 ...);
* ``cover_checks`` apply to the cover block (填报单位, 填报人, 联系电话, 填报日期);
* ``rules`` are Excel formulas over the fields' names that must hold (``A1_02B<=A1_02A``), with an
  optional ``when`` condition and an optional ``each`` table that writes one rule per row. ``PREV(A1_01A)``
  is the same unit's value last year (上年同期, ``core/previous.py``): a rule that reads it applies only
  where every last year's value it reads is known.

A mistake in a rule file (unknown field, bad formula, unknown placeholder) raises RuleError naming the
file and the rule, so it fails the test suite, not a clerk's run. Reading the files is the loader's job
(``files/campaign_files.py``): this module receives each file's parsed contents with its name.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields

from . import formula, messages
from .findings import Severity
from .forms import Campaign, Kind
from .previous import PreviousYear

FIELD_CHECKS = ("located", "number", "unit", "min", "max", "integer", "yesno")
COVER_CHECKS = ("required", "roster", "phone", "date", "formula")
# Checks of a whole form: blank ones, and what the locator could not settle (core/locate.py's Problem).
FORM_CHECKS = ("blank_form", "blanks", "ambiguous_column", "stray_number", "no_values", "column_kind", "duplicate",
               "yuan", "doubtful", "uncached_formula", "error_value",
               "merged_hidden", "shown_otherwise", "comment_figure", "stale_formula")
# Checks across the returns of a consolidation when lower unions send roll-ups (层层汇总, core/rollup_checks.py).
ROLLUP_CHECKS = ("double", "overlap")
ROLLUP_WORDS = {"unit", "annex", "file", "rollup", "rollup_file", "other", "other_file", "evidence", "difference"}
FORM_WORDS = {"annex", "sheet", "count", "fields", "columns", "column", "cells", "reason", "formula"}
FIELD_WORDS = {"caption", "name", "code", "label", "unit", "text", "value", "unit_found", "sheet", "cell", "min", "max"}
COVER_WORDS = {"annex", "label", "text", "from", "to", "suggestion"}
CONSTANTS = ("TOLERANCE",)


class RuleError(ValueError):
    """A rule file has a mistake; the message names the file and the rule."""


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    text: str  # the formula as written, after ``each`` expansion
    node: formula.Node
    message: messages.Template
    when_text: str = ""
    when: formula.Node | None = None
    names: tuple[str, ...] = ()  # field names involved, the offending one first
    source: str = ""
    examples: dict = field(default_factory=dict)  # {"fires": {...}, "holds": {...}}: values that show the rule
    codes: tuple[str, ...] = ()  # the same fields as ``names``, as codes (A1.02B)
    previous: tuple[str, ...] = ()  # codes of the fields whose last year's value it reads (PREV)
    test: formula.Thunk | None = field(default=None, compare=False, repr=False)  # compiled ``node``
    precondition: formula.Thunk | None = field(default=None, compare=False, repr=False)  # compiled ``when``

    @property
    def forms(self) -> set[str]:
        return {n.split("_", 1)[0] for n in self.names}

    # Compiled closures cannot be pickled: a rule travels (to a worker process, into the campaign cache) as
    # its AST and is compiled again on arrival, which takes microseconds.
    def __getstate__(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("test", "precondition")}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "test", formula.compile_node(self.node))
        object.__setattr__(self, "precondition", formula.compile_node(self.when) if self.when is not None else None)


@dataclass(frozen=True)
class FieldCheck:
    id: str
    severity: Severity
    check: str
    message: messages.Template
    kinds: frozenset[Kind] | None = None  # None: every kind
    params: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)


@dataclass(frozen=True)
class CoverCheck:
    id: str
    severity: Severity
    key: str  # UNIT, DATE, PERSON, PHONE
    check: str
    message: messages.Template
    params: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)


@dataclass(frozen=True)
class FormCheck:
    id: str
    severity: Severity
    check: str
    message: messages.Template
    examples: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RollupCheck:
    id: str
    severity: Severity
    check: str  # double | overlap
    message: messages.Template
    examples: dict = field(default_factory=dict)


@dataclass(frozen=True)
class RuleSet:
    field_checks: tuple[FieldCheck, ...]
    cover_checks: tuple[CoverCheck, ...]
    rules: tuple[Rule, ...]
    placeholder_note: messages.Template
    constants: dict[str, float]
    form_checks: tuple[FormCheck, ...] = ()
    rollup_checks: tuple[RollupCheck, ...] = ()
    # Last year's figures that PREV() reads (``settings.previous``); None: no previous year given, and
    # no rule that reads PREV applies.
    previous: PreviousYear | None = field(default=None, compare=False)

    @property
    def previous_codes(self) -> tuple[str, ...]:
        """Every field some rule reads last year's value of, in order of first use (computed once)."""
        cached = self.__dict__.get("_previous_codes")
        if cached is None:
            cached = tuple(dict.fromkeys(code for r in self.rules for code in r.previous))
            object.__setattr__(self, "_previous_codes", cached)
        return cached

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def ids(self) -> list[str]:
        return ([c.id for c in self.field_checks] + [c.id for c in self.form_checks] + [c.id for c in self.cover_checks]
                + [r.id for r in self.rules] + [c.id for c in self.rollup_checks])


def rules_from_data(campaign: Campaign, documents: Sequence[tuple[str, Mapping]]) -> RuleSet:
    """The rule set from each rule file's contents, in order, with the file's name (for messages)."""
    field_checks: list[FieldCheck] = []
    form_checks: list[FormCheck] = []
    cover_checks: list[CoverCheck] = []
    rules: list[Rule] = []
    rollup_checks: list[RollupCheck] = []
    note: messages.Template | None = None
    constants = {"TOLERANCE": campaign.tolerance}
    origin: dict[str, str] = {}  # rule id -> the file that declared it first
    for path, data in documents:
        if not isinstance(data, Mapping):
            raise RuleError(f"{path}: 内容应为键值表")
        new_fc = [_field_check(raw, path, campaign) for raw in data.get("field_checks", []) or []]
        new_cc = [_cover_check(raw, path, campaign) for raw in data.get("cover_checks", []) or []]
        new_form = [_form_check(raw, path, campaign) for raw in data.get("form_checks", []) or []]
        new_rules = [r for raw in data.get("rules", []) or [] for r in _rules(raw, path, campaign)]
        new_rollup = [_rollup_check(raw, path, campaign) for raw in data.get("rollup_checks", []) or []]
        for rid in ([c.id for c in new_fc] + [c.id for c in new_form] + [c.id for c in new_cc] + [r.id for r in new_rules]
                    + [c.id for c in new_rollup]):
            if rid in origin:
                also = "" if origin[rid] == path else f"（已在 {origin[rid]} 中使用）"
                raise RuleError(f"{path} 规则 {rid}：规则编号重复{also}")
            origin[rid] = path
        field_checks += new_fc
        form_checks += new_form
        cover_checks += new_cc
        rules += new_rules
        rollup_checks += new_rollup
        if "placeholder_note" in data:
            note = _template(str(data["placeholder_note"] or ""), path, "placeholder_note", campaign, FIELD_WORDS)
    if note is None:
        note = messages.parse_template("{caption} 填写的“{text}”按 0 计", lambda n: False)
    return RuleSet(tuple(field_checks), tuple(cover_checks), tuple(rules), note, constants, tuple(form_checks),
                   tuple(rollup_checks))


def _severity(raw: dict, where: str) -> Severity:
    try:
        return Severity.parse(str(raw.get("severity", "")))
    except ValueError as exc:
        raise RuleError(f"{where}: {exc}") from None


def _template(text: str, path: str, rid: str, campaign: Campaign, words: set[str],
              previous: Sequence[str] = ()) -> messages.Template:
    """The message of a check. ``previous``: the names the check reads last year's value of, the only
    ones its message may print with PREV (a field, cover or form check reads none)."""
    if not text.strip():
        raise RuleError(f"{path} 规则 {rid}：缺少提示文字 message")
    try:
        template = messages.parse_template(text, lambda n: campaign.has_field(n) or n in CONSTANTS)
    except (formula.FormulaSyntaxError, ValueError) as exc:
        raise RuleError(f"{path} 规则 {rid}：提示文字中的占位符有误：{exc}") from None
    unknown = template.words() - words
    if unknown:
        raise RuleError(f"{path} 规则 {rid}：提示文字中有未知占位符 {{{'}、{'.join(sorted(unknown))}}}")
    _check_names(template.refs(), path, rid, campaign)
    unread = [n for n in template.previous_refs() if n not in previous]
    if unread:
        raise RuleError(f"{path} 规则 {rid}：提示文字用了上年数 {'、'.join(f'PREV({n})' for n in unread)}，"
                        "但公式和条件中没有用到它；只有公式用到的上年数在规则触发时一定已知")
    return template


def _check_names(names: list[str], path: str, rid: str, campaign: Campaign) -> None:
    for name in names:
        if not (campaign.has_field(name) or name in CONSTANTS):
            raise RuleError(f"{path} 规则 {rid}：公式引用了不存在的指标名称 {name}")


def _field_check(raw: dict, path: str, campaign: Campaign) -> FieldCheck:
    rid = str(raw.get("id", ""))
    where = f"{path} 规则 {rid or '（无编号）'}"
    if not rid:
        raise RuleError(f"{where}: 缺少 id")
    check = str(raw.get("check", ""))
    if check not in FIELD_CHECKS:
        raise RuleError(f"{where}: check 应为 {'、'.join(FIELD_CHECKS)} 之一，不是“{check}”")
    kinds = None
    if "kinds" in raw:
        try:
            kinds = frozenset(Kind(k) for k in raw["kinds"])
        except ValueError as exc:
            raise RuleError(f"{where}: kinds 有误：{exc}") from None
    params = {k: raw[k] for k in ("min", "max") if k in raw}
    if check in ("min", "max") and check not in params:
        raise RuleError(f"{where}: check: {check} 需要给出 {check}: 数值")
    message = _template(str(raw.get("message") or ""), path, rid, campaign, FIELD_WORDS)
    _known_keys(raw, {"id", "check", "severity", "message", "kinds", "min", "max", "fires", "holds"}, where)
    return FieldCheck(rid, _severity(raw, where), check, message, kinds, params, _examples(raw))


def _named_check(raw: dict, path: str, campaign: Campaign, checks, words) -> tuple[str, str, str, messages.Template]:
    """A check of a kind named in ``checks`` (a form's, a roll-up's): its id, where it is, its kind, its message."""
    rid = str(raw.get("id", ""))
    where = f"{path} 规则 {rid or '（无编号）'}"
    check = str(raw.get("check", ""))
    if not rid or check not in checks:
        raise RuleError(f"{where}: 需要 id，check 应为 {'、'.join(checks)} 之一")
    message = _template(str(raw.get("message") or ""), path, rid, campaign, words)
    _known_keys(raw, {"id", "check", "severity", "message", "fires", "holds"}, where)
    return rid, where, check, message


def _form_check(raw: dict, path: str, campaign: Campaign) -> FormCheck:
    rid, where, check, message = _named_check(raw, path, campaign, FORM_CHECKS, FORM_WORDS)
    return FormCheck(rid, _severity(raw, where), check, message, _examples(raw))


def _rollup_check(raw: dict, path: str, campaign: Campaign) -> RollupCheck:
    rid, where, check, message = _named_check(raw, path, campaign, ROLLUP_CHECKS, ROLLUP_WORDS)
    if message.refs():
        raise RuleError(f"{where}: 层层汇总的提示文字中不能引用指标（{'、'.join(message.refs())}），可用的占位符："
                        f"{'、'.join('{' + w + '}' for w in sorted(ROLLUP_WORDS))}")
    return RollupCheck(rid, _severity(raw, where), check, message, _examples(raw))


def _cover_check(raw: dict, path: str, campaign: Campaign) -> CoverCheck:
    rid = str(raw.get("id", ""))
    where = f"{path} 规则 {rid or '（无编号）'}"
    check = str(raw.get("check", ""))
    if not rid or check not in COVER_CHECKS:
        raise RuleError(f"{where}: 需要 id，check 应为 {'、'.join(COVER_CHECKS)} 之一")
    keys = {c.key for form in campaign.forms for c in form.cover}
    key = str(raw.get("field", ""))
    if key not in keys:
        raise RuleError(f"{where}: field 应为 {'、'.join(sorted(keys))} 之一，不是“{key}”")
    message = _template(str(raw.get("message") or ""), path, rid, campaign, COVER_WORDS)
    _known_keys(raw, {"id", "check", "severity", "message", "field", "fires", "holds"}, where)
    return CoverCheck(rid, _severity(raw, where), key, check, message, {}, _examples(raw))


def _rules(raw: dict, path: str, campaign: Campaign) -> list[Rule]:
    each = raw.get("each")
    if not each:
        return [_rule(raw, path, campaign)]
    where = f"{path} 规则 {raw.get('id', '')}"
    if not isinstance(each, dict) or not each:
        raise RuleError(f"{where}: each 应为“变量: [取值, …]”的表")
    columns = {str(k): [str(v) for v in (vals if isinstance(vals, list) else [vals])] for k, vals in each.items()}
    lengths = {len(v) for v in columns.values()}
    if len(lengths) != 1:
        raise RuleError(f"{where}: each 中各变量的取值个数应相同")
    out = []
    for i in range(lengths.pop()):
        subst = {k: str(v[i]) for k, v in columns.items()}

        def expand(value: object, subst: dict[str, str] = subst) -> object:
            if isinstance(value, dict):
                return {expand(k, subst): expand(v, subst) for k, v in value.items()}
            if not isinstance(value, str):
                return value
            text = re.sub(r"\[(\w+)\]", lambda m: subst.get(m.group(1), m.group(0)), value)
            return _number_or_text(text) if text != value else text

        expanded = {k: expand(v) for k, v in raw.items() if k != "each"}
        out.append(_rule(expanded, path, campaign))
    return out


def _number_or_text(text: str) -> object:
    try:
        return int(text)
    except ValueError:
        return text


def _known_keys(raw: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(map(str, raw)) - allowed)
    if unknown:
        raise RuleError(f"{where}: 未知的设置项 {'、'.join(unknown)}（可用：{'、'.join(sorted(allowed))}）")


def _examples(raw: dict) -> dict:
    out = {}
    for kind in ("fires", "holds"):
        if isinstance(raw.get(kind), dict):
            out[kind] = {str(k): v for k, v in raw[kind].items()}
    return out


def _rule(raw: dict, path: str, campaign: Campaign) -> Rule:
    rid = str(raw.get("id", ""))
    if not rid:
        raise RuleError(f"{path}: 有一条规则缺少 id（公式 {raw.get('rule', '')}）")
    where = f"{path} 规则 {rid}"
    _known_keys(raw, {"id", "severity", "rule", "when", "message", "fires", "holds"}, where)
    text = str(raw.get("rule", ""))
    try:
        node = formula.parse(text)
    except formula.FormulaSyntaxError as exc:
        raise RuleError(f"{where}：公式“{text}”有误：{exc}") from None
    when_text = str(raw.get("when", "") or "")
    when = None
    if when_text:
        try:
            when = formula.parse(when_text)
        except formula.FormulaSyntaxError as exc:
            raise RuleError(f"{where}：条件“{when_text}”有误：{exc}") from None
    names = formula.refs(node) + [n for n in (formula.refs(when) if when else []) if n not in formula.refs(node)]
    _check_names(names, path, rid, campaign)
    fields = tuple(n for n in names if n not in CONSTANTS)
    if not fields:
        raise RuleError(f"{where}：公式没有引用任何指标")
    previous = list(dict.fromkeys(formula.previous_refs(node) + (formula.previous_refs(when) if when else [])))
    for name in previous:
        if not campaign.has_field(name):
            raise RuleError(f"{where}：PREV({name}) 中的 {name} 不是指标名称（PREV 取同一指标的上年数，如 PREV(A1_01A)）")
    message = _template(str(raw.get("message") or ""), path, rid, campaign, set(), previous)
    return Rule(
        id=rid,
        severity=_severity(raw, where),
        text=text,
        node=node,
        message=message,
        when_text=when_text,
        when=when,
        names=tuple(campaign.field(n).name for n in fields),
        source=str(path),
        examples=_examples(raw),
        codes=tuple(campaign.field(n).code for n in fields),
        previous=tuple(campaign.field(n).code for n in previous),
        test=formula.compile_node(node),
        precondition=formula.compile_node(when) if when is not None else None,
    )
