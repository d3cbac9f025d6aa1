"""The list against the same unit's 附件1: money paid (元) against 06 发放款物 (万元), heads against 04.

The rules are formulas in ``rules_namelist.yaml`` (``reconcile``) over the list's totals (``L_AMOUNT``) and the
annex's fields (``A1_06``), evaluated with the 审核公式 language's own evaluator: blank is 0, as in Excel.
"""

from __future__ import annotations

from collections.abc import Mapping

from .. import formula, messages
from ..findings import Finding
from ..forms import Campaign, Kind
from .spec import CONSTANTS, ListSpec, Reconcile


def environment(totals: Mapping[str, float], annex: Mapping[str, object], campaign: Campaign, spec: ListSpec) -> dict[str, formula.Value]:
    """Names -> values for the rules: the list's totals, the annex's fields by name (A1_06), TOLERANCE.
    ``annex`` is keyed by field code (A1.06) as a Report's values are; blank or text is BLANK."""
    env: dict[str, formula.Value] = {"TOLERANCE": spec.tolerance}
    env.update({name: float(v) for name, v in totals.items()})
    for rule in spec.reconcile:
        for name in rule.names:
            if name in env or name in CONSTANTS:
                continue
            f = campaign.field(name)
            value = annex.get(f.code)
            env[name] = value if isinstance(value, (int, float)) and not isinstance(value, bool) else formula.BLANK
    return env


def fires(rule: Reconcile, env: Mapping[str, formula.Value]) -> bool:
    try:
        return not formula.truth(rule.test(env.__getitem__))
    except formula.FormulaError:
        return False  # #DIV/0! and the like: not evaluated, as in the annexes' rules


def reconcile(
    totals: Mapping[str, float], annex: Mapping[str, object], campaign: Campaign, spec: ListSpec,
    list_cell: str = "", annex_cells: Mapping[str, str] | None = None,
) -> list[Finding]:
    """The reconciliation findings of one unit's list. ``list_cell`` names where the list is (its 金额 header),
    ``annex_cells`` the annex's cells by code, for the findings' locations."""
    env = environment(totals, annex, campaign, spec)
    out = []
    for rule in spec.reconcile:
        if not fires(rule, env):
            continue
        codes = tuple(_code(n, spec, campaign) for n in rule.names)
        cells = tuple(c for c in [list_cell, *((annex_cells or {}).get(code, "") for code in codes if code.startswith("A"))] if c)
        out.append(Finding(
            rule=rule.id, severity=rule.severity, codes=codes, cells=cells,
            values={code: _value(env.get(name)) for code, name in zip(codes, rule.names)},
            message=render(rule, env, campaign, spec),
        ))
    return out


def _code(name: str, spec: ListSpec, campaign: Campaign) -> str:
    return f"L.{name[2:]}" if name in spec.totals else campaign.field(name).code


def _value(v: object) -> object:
    return None if v is None or isinstance(v, formula.Blank) else v


def render(rule: Reconcile, env: Mapping[str, formula.Value], campaign: Campaign, spec: ListSpec) -> str:
    def view(name: str) -> messages.FieldView:
        if name in spec.totals:
            total = spec.totals[name]
            return messages.FieldView(total.label, total.label, total.unit, False, _value(env.get(name)), "")
        f = campaign.field(name)
        return messages.FieldView(f.caption, f.label, f.unit, f.kind is Kind.MONEY, _value(env.get(name)), "")

    def money(node: formula.Node) -> bool:
        # A computed amount (the list's 元 in 万元) prints as money: 13.00, 12.505.
        return any(spec.totals[n].unit == "元" if n in spec.totals else n not in CONSTANTS and campaign.field(n).kind is Kind.MONEY
                   for n in formula.refs(node))

    return messages.render(rule.message, view, env.__getitem__, {}, money)
