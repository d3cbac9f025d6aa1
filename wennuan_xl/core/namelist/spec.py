"""The list's form and checks as data: ``namelist.yaml`` (columns, totals, period), ``rules_namelist.yaml`` and
the administrative-division codes.

The files are read by the loader (``files/campaign_files.py``), which hands their parsed contents over as
``ListSources`` on the Campaign; this module builds the ``ListSpec`` from them, once per campaign, and validates
it like the annexes' rules: an unknown check, column, placeholder or formula name stops with a message naming
the file and the rule.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .. import formula, messages
from ..findings import Severity
from ..forms import Campaign, CampaignError, code_to_name
from ..rules import RuleError

SPEC_FILE = "namelist.yaml"  # in the campaign folder; a campaign without it has no list
RULES_FILE = "rules_namelist.yaml"  # namelist.yaml's ``rules:`` when it names none
KINDS = ("seq", "text", "name", "sex", "id", "choice", "yuan", "date", "phone")
ROW_CHECKS = (
    "name_missing", "id_missing", "id_rounded", "id_length", "id_chars", "id_checksum", "id_birth", "id_region",
    "id_province", "id_old", "id_sex", "sex_value", "category", "form", "amount_missing", "amount_number",
    "amount_positive", "amount_max", "goods_number", "goods_negative", "goods_over", "form_goods", "date_text",
    "date_period", "phone", "hidden",
)
LIST_CHECKS = ("dup_id", "dup_name_birth", "total_row", "empty", "column_missing", "column_ambiguous", "unit_missing",
               "uncached_formula", "error_value", "shown_otherwise", "stale_formula", "comment_figure")
CROSS_CHECKS = ("dup_units",)
ROW_WORDS = {"sheet", "row", "cell", "name", "id", "text", "length", "expected", "region", "region_name", "province",
             "sex", "sex_id", "choices", "amount", "goods", "form", "value", "max", "from", "to"}
LIST_WORDS = {"sheet", "row", "cell", "cells", "name", "id", "ids", "count", "column", "columns", "stated", "sum", "formula"}
CROSS_WORDS = {"name", "id", "units", "places", "count"}
CONSTANTS = ("TOLERANCE",)


@dataclass(frozen=True)
class Column:
    key: str  # NAME, ID, AMOUNT ...
    label: str  # the template's header
    kind: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: tuple[str, ...] = ()
    synonyms: dict[str, str] = field(default_factory=dict)  # typed -> choice
    width: float = 12.0

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


@dataclass(frozen=True)
class Total:
    """A figure of the whole list that the reconciliation rules name (L_AMOUNT: the sum of 金额)."""

    name: str
    label: str
    unit: str  # 元 or 人
    sum: str = ""  # column summed; "" counts people
    of: tuple[str, ...] = ()  # only people of these 困难类别; () everyone


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    check: str
    message: messages.Template
    params: dict = field(default_factory=dict)
    examples: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Reconcile:
    id: str
    severity: Severity
    text: str
    test: formula.Thunk = field(compare=False, repr=False)
    message: messages.Template
    names: tuple[str, ...]  # totals and fields named, in order
    examples: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    start: int | None
    end: int | None


@dataclass(frozen=True)
class ListSpec:
    id: str
    sheet: str
    annex: str  # how messages and sheets name the list: 实名制汇总表
    title: str
    detect: tuple[str, ...]
    notes: tuple[str, ...]
    columns: tuple[Column, ...]
    totals: dict[str, Total]
    period_from: dt.date
    period_to: dt.date
    province: str  # "51"
    province_name: str
    divisions: Mapping[str, Division]
    template_rows: int
    row_checks: tuple[Check, ...]
    list_checks: tuple[Check, ...]
    cross_checks: tuple[Check, ...]
    reconcile: tuple[Reconcile, ...]
    tolerance: float
    source: str = ""

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    @property
    def ids(self) -> list[str]:
        return [c.id for c in (*self.row_checks, *self.list_checks, *self.cross_checks)] + [r.id for r in self.reconcile]


@dataclass(frozen=True)
class ListSources:
    """What the loader read for the list, as plain data (a Campaign carries it to worker processes by pickle):
    each file's name, for messages, and its contents — namelist.yaml's and rules_namelist.yaml's mappings, the
    division-code file's rows (its header first, comment lines left out)."""

    source: str
    spec: Mapping
    rules_source: str
    rules: Mapping
    divisions_source: str
    divisions: tuple[tuple[str, ...], ...]


_SPECS: dict[int, tuple[weakref.ref, float, ListSpec]] = {}


def namelist_spec(campaign: Campaign) -> ListSpec | None:
    """The campaign's list form, built once per campaign's sources (and tolerance); None when the campaign has none.

    Kept here, not on the Campaign object: a Campaign travels to worker processes by pickle, and the list's
    compiled reconciliation formulas cannot be pickled; the Campaign carries the plain ``ListSources``."""
    sources = campaign.namelist
    if sources is None:
        return None
    cached = _SPECS.get(id(sources))
    if cached is not None and cached[0]() is sources and cached[1] == campaign.tolerance:
        return cached[2]
    spec = spec_from_data(campaign, sources)
    if cached is None:  # the entry goes with its sources (a process loading campaign after campaign keeps none)
        weakref.finalize(sources, _SPECS.pop, id(sources), None)
    _SPECS[id(sources)] = (weakref.ref(sources), campaign.tolerance, spec)
    return spec


def spec_from_data(campaign: Campaign, sources: ListSources) -> ListSpec:
    path = sources.source
    data = sources.spec
    if not isinstance(data, Mapping):
        raise CampaignError(f"{path}: 内容应为键值表")
    try:
        columns = tuple(_column(raw, path) for raw in data["columns"])
        keys = [c.key for c in columns]
        for key in ("NAME", "ID", "CATEGORY", "AMOUNT", "GOODS", "SEX", "FORM", "DATE", "PHONE"):
            if key not in keys:
                raise CampaignError(f"{path}: 栏目中缺少 {key}")
        categories = next(c for c in columns if c.key == "CATEGORY").choices
        totals = {}
        for name, raw in (data.get("totals") or {}).items():
            of = tuple(str(x) for x in raw.get("of", []) or [])
            bad = [x for x in of if x not in categories]
            if bad:
                raise CampaignError(f"{path}: 汇总量 {name} 的 of 中“{'、'.join(bad)}”不是困难类别")
            summed = str(raw.get("sum", "") or "")
            if summed and summed not in ("AMOUNT", "GOODS"):
                raise CampaignError(f"{path}: 汇总量 {name} 的 sum 应为 AMOUNT 或 GOODS")
            totals[str(name).upper()] = Total(str(name).upper(), str(raw["label"]), str(raw["unit"]), summed, of)
        period = data["period"]
        province = data["home_province"]
        divisions = Divisions(sources.divisions, sources.divisions_source)
        spec = ListSpec(
            id=str(data["id"]),
            sheet=str(data["sheet"]),
            annex=str(data["annex"]),
            title=str(data["title"]),
            detect=tuple(str(d) for d in data.get("detect", [])),
            notes=tuple(str(n) for n in data.get("notes", [])),
            columns=columns,
            totals=totals,
            period_from=_date(period["from"]),
            period_to=_date(period["to"]),
            province=str(province["code"]),
            province_name=str(province["name"]),
            divisions=divisions,
            template_rows=int(data.get("template_rows", 500)),
            row_checks=(),
            list_checks=(),
            cross_checks=(),
            reconcile=(),
            tolerance=campaign.tolerance,
            source=path,
        )
    except (KeyError, TypeError, ValueError, StopIteration) as exc:
        if isinstance(exc, CampaignError):
            raise
        raise CampaignError(f"{path}: 设置不完整或格式有误（{exc!r}）") from exc
    return _with_rules(spec, campaign, sources.rules_source, sources.rules)


class Divisions(Mapping[str, Division]):
    """The division codes, parsed from the code file's rows when first looked up: a check of an annex with no
    list beside it never needs them (7,185 rows, ~40 ms of every ``wennuan check``). The loader looks them up
    at once (``files.campaign_files.load_campaign``), so a mistake in the file stops the campaign there."""

    def __init__(self, rows: Sequence[Sequence[str]], path: str):
        self._rows = rows
        self._path = path
        self._table: dict[str, Division] | None = None

    def _codes(self) -> dict[str, Division]:
        if self._table is None:
            self._table = divisions_from_rows(self._rows, self._path)
        return self._table

    def __getitem__(self, code: str) -> Division:
        return self._codes()[code]

    def __contains__(self, code: object) -> bool:
        return code in self._codes()

    def __iter__(self):
        return iter(self._codes())

    def __len__(self) -> int:
        return len(self._codes())


def divisions_from_rows(rows: Sequence[Sequence[str]], path: str) -> dict[str, Division]:
    """The division codes from the code file's rows: a header, then 代码, 名称, 启用年份, 停用年份."""
    out: dict[str, Division] = {}
    for i, row in enumerate(rows):
        if i == 0 or not row:
            continue  # header
        code = str(row[0]).strip()
        if len(code) != 6 or not code.isdigit():
            raise CampaignError(f"{path}: 第 {i + 1} 行的代码“{code}”不是 6 位数字")
        try:
            start = int(row[2]) if len(row) > 2 and str(row[2]).strip() else None
            end = int(row[3]) if len(row) > 3 and str(row[3]).strip() else None
        except ValueError:
            raise CampaignError(f"{path}: 第 {i + 1} 行（代码 {code}）的启用或停用年份不是整数") from None
        out[code] = Division(code, str(row[1]).strip() if len(row) > 1 else "", start, end)
    if not out:
        raise CampaignError(f"{path}: 行政区划代码表为空")
    return out


def _column(raw: dict, path: str) -> Column:
    kind = str(raw.get("kind", "text"))
    if kind not in KINDS:
        raise CampaignError(f"{path}: 栏目 {raw.get('key')} 的 kind 应为 {'、'.join(KINDS)} 之一，不是“{kind}”")
    choices = tuple(str(c) for c in raw.get("choices", []) or [])
    synonyms = {str(k): str(v) for k, v in (raw.get("synonyms") or {}).items()}
    bad = [v for v in synonyms.values() if v not in choices]
    if bad:
        raise CampaignError(f"{path}: 栏目 {raw.get('key')} 的 synonyms 指向不存在的选项“{'、'.join(bad)}”")
    return Column(
        key=str(raw["key"]),
        label=str(raw["label"]),
        kind=kind,
        aliases=tuple(str(a) for a in raw.get("aliases", []) or []),
        required=bool(raw.get("required", False)),
        choices=choices,
        synonyms=synonyms,
        width=float(raw.get("width", 12)),
    )


def _with_rules(spec: ListSpec, campaign: Campaign, path: str, data: Mapping) -> ListSpec:
    if not isinstance(data, Mapping):
        raise RuleError(f"{path}: 内容应为键值表")
    seen: set[str] = set()

    def unique(rid: str, where: str) -> None:
        if not rid:
            raise RuleError(f"{where}: 缺少 id")
        if rid in seen:
            raise RuleError(f"{path} 规则 {rid}：规则编号重复")
        seen.add(rid)

    def checks(section: str, allowed: tuple[str, ...], words: set[str]) -> tuple[Check, ...]:
        out = []
        for raw in data.get(section, []) or []:
            rid = str(raw.get("id", ""))
            where = f"{path} 规则 {rid or '（无编号）'}"
            unique(rid, where)
            _known(raw, {"id", "check", "severity", "message", "max", "fires", "holds"}, where)
            check = str(raw.get("check", ""))
            if check not in allowed:
                raise RuleError(f"{where}: check 应为 {'、'.join(allowed)} 之一，不是“{check}”")
            if check == "amount_max" and "max" not in raw:
                raise RuleError(f"{where}: check: amount_max 需要给出 max: 金额（元）")
            params = {"max": float(raw["max"])} if "max" in raw else {}
            out.append(Check(rid, _severity(raw, where), check, _template(raw, where, words), params, _examples(raw)))
        return tuple(out)

    reconcile = []
    names = set(spec.totals) | set(CONSTANTS)

    def known(n: str) -> bool:
        return n in spec.totals or campaign.has_field(n)

    for raw in data.get("reconcile", []) or []:
        rid = str(raw.get("id", ""))
        where = f"{path} 规则 {rid or '（无编号）'}"
        unique(rid, where)
        _known(raw, {"id", "severity", "rule", "message", "fires", "holds"}, where)
        text = str(raw.get("rule", ""))
        try:
            node = formula.parse(text)
        except formula.FormulaSyntaxError as exc:
            raise RuleError(f"{where}：公式“{text}”有误：{exc}") from None
        if formula.previous_refs(node):
            raise RuleError(f"{where}：实名制名单的核对公式不能用 PREV（上年数）")
        refs = formula.refs(node)
        for name in refs:
            if name not in names and not campaign.has_field(name):
                raise RuleError(f"{where}：公式引用了不存在的名称 {name}")
        try:
            message = messages.parse_template(str(raw.get("message") or ""), lambda n: known(n) or n in CONSTANTS)
        except (formula.FormulaSyntaxError, ValueError) as exc:
            raise RuleError(f"{where}：提示文字中的占位符有误：{exc}") from None
        if not str(raw.get("message") or "").strip():
            raise RuleError(f"{where}：缺少提示文字 message")
        if message.previous_refs():
            raise RuleError(f"{where}：实名制名单的提示文字不能用 PREV（上年数）")
        if message.words():
            raise RuleError(f"{where}：提示文字中有未知占位符 {{{'}、{'.join(sorted(message.words()))}}}")
        for name in message.refs():
            if not (known(name) or name in CONSTANTS):
                raise RuleError(f"{where}：提示文字引用了不存在的名称 {name}")
        named = tuple(n if n in spec.totals else code_to_name(campaign.field(n).code) for n in refs if n not in CONSTANTS)
        reconcile.append(Reconcile(rid, _severity(raw, where), text, formula.compile_node(node), message, named, _examples(raw)))
    from dataclasses import replace

    return replace(
        spec,
        row_checks=checks("row_checks", ROW_CHECKS, ROW_WORDS),
        list_checks=checks("list_checks", LIST_CHECKS, LIST_WORDS),
        cross_checks=checks("cross_checks", CROSS_CHECKS, CROSS_WORDS),
        reconcile=tuple(reconcile),
    )


def _template(raw: dict, where: str, words: set[str]) -> messages.Template:
    text = str(raw.get("message") or "")
    if not text.strip():
        raise RuleError(f"{where}: 缺少提示文字 message")
    try:
        template = messages.parse_template(text, lambda n: False)
    except (formula.FormulaSyntaxError, ValueError) as exc:
        raise RuleError(f"{where}: 提示文字中的占位符有误：{exc}") from None
    unknown = template.words() - words
    if unknown:
        raise RuleError(f"{where}: 提示文字中有未知占位符 {{{'}、{'.join(sorted(unknown))}}}")
    return template


def _severity(raw: dict, where: str) -> Severity:
    try:
        return Severity.parse(str(raw.get("severity", "")))
    except ValueError as exc:
        raise RuleError(f"{where}: {exc}") from None


def _known(raw: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(map(str, raw)) - allowed)
    if unknown:
        raise RuleError(f"{where}: 未知的设置项 {'、'.join(unknown)}（可用：{'、'.join(sorted(allowed))}）")


def _examples(raw: dict) -> dict:
    return {k: raw[k] for k in ("fires", "holds") if isinstance(raw.get(k), dict)}


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
