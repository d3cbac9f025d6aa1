"""The annex forms as plain data: fields, items, cover block, campaign settings.

Built from the parsed contents of a campaign folder's files (``campaign_from_data``); reading those files
(YAML, the roster's CSV or Excel) is the loader's job, ``files/campaign_files.py``. So next year's forms
are an edit of data, not of code, and the core opens no file.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .namelist.spec import ListSources

_CODE_RE = re.compile(r"^(A\d+)\.(\d{2})([A-Z]?)$")


class CampaignError(ValueError):
    """The campaign's data files are inconsistent; the message names the file and entry."""


class Kind(Enum):
    COUNT = "count"
    MONEY = "money"
    YESNO = "yesno"


@dataclass(frozen=True)
class Field:
    code: str  # "A1.02B"
    label: str  # as printed on the form
    unit: str  # "人", "万元", "是/否"
    kind: Kind
    form_id: str  # "A1"
    item: str  # "02"
    letter: str  # "B", or "" for an item total such as A1.05
    short: str = ""  # shorter label for messages, when the printed one is long
    aliases: tuple[str, ...] = ()  # other ways units print it (the notice's wording, short forms)

    @property
    def name(self) -> str:
        """The defined name of the input cell and the field's name in rule formulas: ``A1_02B``."""
        return code_to_name(self.code)

    @property
    def number(self) -> str:
        """The item number as a clerk says it: ``02(B)`` or ``05``."""
        return f"{self.item}({self.letter})" if self.letter else self.item

    @property
    def caption(self) -> str:
        return f"{self.number} {self.short or self.label}"

    @property
    def labels(self) -> tuple[str, ...]:
        """Every wording that identifies this field: the printed label, the short one, the aliases."""
        return tuple(dict.fromkeys(t for t in (self.label, self.short, *self.aliases) if t))


@dataclass(frozen=True)
class Item:
    number: str
    intro: str
    fields: tuple[Field, ...]
    pairs: tuple[tuple[str, str], ...] = ()  # letters of fields that units lay out as one row of two columns


@dataclass(frozen=True)
class CoverField:
    key: str  # "UNIT"
    label: str  # "填报单位"

    def name(self, form_id: str) -> str:
        return f"{form_id}_{self.key}"


@dataclass(frozen=True)
class Form:
    id: str  # "A1"
    sheet: str  # default sheet name "附件1"
    annex: str  # "附件1"
    title: str
    detect: tuple[str, ...]
    notes: tuple[str, ...]
    items: tuple[Item, ...]
    cover: tuple[CoverField, ...]

    @property
    def fields(self) -> tuple[Field, ...]:
        cached = self.__dict__.get("_fields")
        if cached is None:  # built once: every check of every return walks it
            cached = tuple(f for item in self.items for f in item.fields)
            object.__setattr__(self, "_fields", cached)
        return cached

    def fields_by_letter(self, item: Item, letter: str) -> Field:
        return next(f for f in item.fields if f.letter == letter)

    @property
    def year(self) -> int | None:
        """The year the form reports on, from its title (2017 for 2017年…, 2016 for 2016年度…)."""
        m = re.match(r"\s*(\d{4})\s*年", self.title)
        return int(m.group(1)) if m else None


@dataclass(frozen=True)
class RosterUnit:
    name: str
    included: bool = True  # 选择汇总
    # Whom the 催报清单 names for the unit (optional columns of the roster), and 提示 about its row (a phone
    # that is no phone number …), each naming the roster and the row.
    person: str = ""
    phone: str = ""
    email: str = ""
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Contact:
    """Whom a unit calls about the forms (the notice names them): printed on every feedback letter."""

    department: str = ""
    person: str = ""
    phone: str = ""
    email: str = ""

    def line(self) -> str:
        """``联系人：曾心怡，电话：2133419，邮箱：…`` — the parts the campaign gives, or ""."""
        parts = [f"{label}：{value}" for label, value in (("联系人", self.person), ("电话", self.phone), ("邮箱", self.email)) if value]
        return "，".join(parts)


@dataclass(frozen=True)
class Campaign:
    name: str
    issuer: str
    deadline: dt.date
    report_from: dt.date
    report_to: dt.date
    tolerance: float
    forms: tuple[Form, ...]
    placeholders: tuple[str, ...]
    roster: tuple[RosterUnit, ...]
    folder: Path
    rule_files: tuple[Path, ...]
    units: dict[str, Kind] = field(default_factory=dict)
    unit_prefixes: tuple[str, ...] = ()
    contact: Contact = field(default_factory=Contact)
    resubmit_working_days: int = 3  # a feedback letter's deadline: its date plus this many working days
    # The 实名制 list's files as read (issue #16), built into a ListSpec by core.namelist.spec.namelist_spec;
    # None: the campaign has no list.
    namelist: ListSources | None = field(default=None, compare=False, repr=False)
    # 上年同期 (campaign.yaml's previous_year.fields): this year's field code -> the codes of last year's fields
    # it compares with (one: renamed; several: merged, their sum; none: new this year or split from one of
    # last year's, no comparable figure). A field not listed has last year's field of the same code.
    previous_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def field(self, code_or_name: str) -> Field:
        return self._fields_by_key()[code_or_name]

    def has_field(self, code_or_name: str) -> bool:
        return code_or_name in self._fields_by_key()

    def fields(self) -> Iterator[Field]:
        for form in self.forms:
            yield from form.fields

    def form(self, form_id: str) -> Form:
        for form in self.forms:
            if form.id == form_id:
                return form
        raise KeyError(form_id)

    def _fields_by_key(self) -> dict[str, Field]:
        cache = self.__dict__.get("_by_key")
        if cache is None:
            cache = {}
            for f in self.fields():
                cache[f.code] = f
                cache[f.name] = f
            object.__setattr__(self, "_by_key", cache)
        return cache


def code_to_name(code: str) -> str:
    return code.replace(".", "_")


def name_to_code(name: str) -> str:
    return name.replace("_", ".", 1)


def campaign_from_data(
    main: Mapping, forms: Mapping[str, Mapping], roster: tuple[RosterUnit, ...], folder: Path, source: str = "campaign.yaml",
    namelist: ListSources | None = None,
) -> Campaign:
    """The campaign from ``campaign.yaml``'s contents (``main``), each form file's contents by the name
    ``main["forms"]`` gives it, and the roster. ``folder`` is where the files came from (rule files are
    named relative to it); ``source`` names the main file in error messages; ``namelist`` is the 实名制
    list's files as read, when the campaign has one."""
    try:
        units = {u: Kind(kind) for kind, names in main["units"].items() for u in names}
        cover = tuple(CoverField(c["key"], c["label"]) for c in main["cover"])
        loaded = tuple(_form(forms[name], str(folder / name), units, cover) for name in main["forms"])
        dates = main["report_dates"]
        campaign = Campaign(
            name=str(main["name"]),
            issuer=str(main["issuer"]),
            deadline=_date(main["deadline"]),
            report_from=_date(dates["from"]),
            report_to=_date(dates["to"]),
            tolerance=float(main["tolerance"]),
            forms=loaded,
            placeholders=tuple(str(p) for p in main["placeholders"]),
            roster=roster,
            folder=folder,
            rule_files=tuple(folder / name for name in main["rules"]),
            units=units,
            unit_prefixes=tuple(str(p) for p in main.get("unit_prefixes", [])),
            contact=Contact(**{k: str(v) for k, v in (main.get("contact") or {}).items()}),
            resubmit_working_days=int(main.get("resubmit_working_days", 3)),
            namelist=namelist,
        )
        campaign = replace(campaign, previous_fields=_previous_fields(main.get("previous_year"), campaign, source))
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, CampaignError):
            raise
        raise CampaignError(f"{source}: 设置不完整或格式有误（{exc!r}）") from exc
    seen: set[str] = set()
    for f in campaign.fields():
        if f.code in seen:
            raise CampaignError(f"{folder}: 指标代码 {f.code} 重复")
        seen.add(f.code)
    return campaign


_NEW = ("", "新增", "无", "拆分")  # this year's field has no comparable figure last year
_OLD_CODE_RE = re.compile(r"^[A-Z]\d+\.\w+$")


def _previous_fields(raw: object, campaign: Campaign, source: str) -> dict[str, tuple[str, ...]]:
    """campaign.yaml's ``previous_year: {fields: {今年代码: 上年代码 | [上年代码, …] | 新增}}``, checked:
    every key one of this year's fields, every value a code (A1.07K; A1_07K is read the same), a list of
    codes (summed, numbers only), or 新增 / empty (no comparable figure)."""
    if raw is None:
        return {}
    where = f"{source} 的 previous_year"
    if not isinstance(raw, Mapping) or not isinstance(raw.get("fields") or {}, Mapping):
        raise CampaignError(f"{where} 应为“fields: {{今年代码: 上年代码}}”的表")
    out: dict[str, tuple[str, ...]] = {}
    for key, value in (raw.get("fields") or {}).items():
        code = _code(str(key))
        if not campaign.has_field(code):
            raise CampaignError(f"{where}：{key} 不是今年表样中的指标代码")
        this_year = campaign.field(code)
        items = value if isinstance(value, list) else [value]
        olds = tuple(_code(str(v)) for v in items if v is not None and str(v).strip() not in _NEW)
        for old, item in zip(olds, items):
            if not _OLD_CODE_RE.match(old):
                raise CampaignError(f"{where}：{key} 的上年代码“{item}”格式不对（应如 A1.07K）")
        if len(olds) > 1 and this_year.kind is Kind.YESNO:
            raise CampaignError(f"{where}：{key} 是“是/否”项，不能由上年的几项相加得出")
        if code in out:
            raise CampaignError(f"{where}：{key} 写了两次")
        out[code] = olds
    return out


def _code(text: str) -> str:
    """A code as written in the mapping: A1.07K, a1.07k, A1_07K, full-width."""
    text = unicodedata.normalize("NFKC", text).strip().upper()
    return text if "." in text else name_to_code(text)


def roster_from_rows(rows: Sequence[Sequence[object]], source: str) -> tuple[RosterUnit, ...]:
    """The roster of a CSV's or a sheet's rows (core/roster_rows.py)."""
    from .roster_rows import roster_from_rows as read

    return read(rows, source)


def _form(data: Mapping, path: str, units: dict[str, Kind], cover: tuple[CoverField, ...]) -> Form:
    form_id = str(data["id"])
    items = []
    for raw_item in data["items"]:
        number = str(raw_item["item"])
        fields = []
        for raw in raw_item["fields"]:
            code = str(raw["code"])
            m = _CODE_RE.match(code)
            if not m or m.group(1) != form_id or m.group(2) != number:
                raise CampaignError(f"{path}: 指标代码 {code} 与表 {form_id}、项目 {number} 不符")
            unit = str(raw["unit"])
            if unit not in units:
                raise CampaignError(f"{path}: 指标 {code} 的计量单位“{unit}”未在 campaign.yaml 的 units 中定义")
            fields.append(
                Field(
                    code=code,
                    label=str(raw["label"]),
                    unit=unit,
                    kind=units[unit],
                    form_id=form_id,
                    item=number,
                    letter=m.group(3),
                    short=str(raw.get("short", "")),
                    aliases=tuple(str(a) for a in raw.get("aliases", []) or []),
                )
            )
        letters = {f.letter for f in fields}
        pairs = tuple((str(a), str(b)) for a, b in raw_item.get("pairs", []) or [])
        for a, b in pairs:
            if a not in letters or b not in letters:
                raise CampaignError(f"{path}: 项目 {number} 的 pairs 中 ({a}, {b}) 不是本项的指标字母")
        items.append(Item(number, str(raw_item.get("intro", "")), tuple(fields), pairs))
    return Form(
        id=form_id,
        sheet=str(data["sheet"]),
        annex=str(data["annex"]),
        title=str(data["title"]),
        detect=tuple(str(d) for d in data["detect"]),
        notes=tuple(str(n) for n in data.get("notes", [])),
        items=tuple(items),
        cover=cover,
    )


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
