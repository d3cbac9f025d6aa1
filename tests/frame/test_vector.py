"""The column-wise evaluator against the scalar one, formula by formula, on values made to sit on edges.

For every 审核公式 of the campaign (and its ``when``), random units — consistent ones, perturbed ones,
blanks, zeros, money at the tolerance, 是/否, last year's figures (PREV) around the 上年同期 rules' edges — are
evaluated both ways. Where the vector evaluator is sure
it must agree with ``core.formula`` exactly; where it is not, the caller asks the scalar one.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from wennuan_xl.core import formula
from wennuan_xl.core.forms import Kind
from wennuan_xl.frame.vector import Columns, compile_vector, evaluate_truth
from wennuan_xl.samples import consistent_values

N = 400


def _units(campaign, seed: int, previous: tuple[str, ...] = ()) -> list[dict[str, object]]:
    rng = random.Random(seed)
    fields = list(campaign.fields())
    out = []
    for i in range(N):
        v = {campaign.field(c).name: x for c, x in consistent_values(rng).items()}
        for f in rng.sample(fields, rng.randint(0, 12)):
            roll = rng.random()
            if f.kind is Kind.YESNO:
                v[f.name] = rng.choice(["是", "否", None])
            elif roll < 0.3:
                v[f.name] = None
            elif roll < 0.5:
                v[f.name] = 0
            elif roll < 0.7 and f.kind is Kind.MONEY:
                v[f.name] = round(float(v[f.name] or 0) + rng.choice([0.01, -0.01, 0.005, 0.0001, 1e-12]), 6)
            else:
                v[f.name] = rng.randint(0, 5000) if f.kind is Kind.COUNT else round(rng.uniform(0, 500), 2)
        if i % 50 == 0:
            v = {name: None for name in v}
        for code in previous:  # last year's figure (PREV): around the 上年同期 rules' edges, 0, or unknown
            f = campaign.field(code)
            now = v.get(f.name)
            roll = rng.random()
            if roll < 0.15 or not isinstance(now, (int, float)):
                last = None if roll < 0.1 else 0
            else:
                last = now / rng.choice([1, 1.3, 1 / 1.3, 10, 0.1, 0.7, 2]) if roll < 0.8 else max(0, now - rng.choice([1000, -1000, 1001]))
            v[formula.previous_key(f.name)] = last
        out.append(v)
    return out


def _columns(campaign, units, constants) -> Columns:
    numbers, texts = {}, {}
    for f in campaign.fields():
        if f.kind is Kind.YESNO:
            texts[f.name] = np.array([u.get(f.name) for u in units], dtype=object)
        else:
            numbers[f.name] = np.array([np.nan if u.get(f.name) is None else float(u[f.name]) for u in units])
    for key in {k for u in units for k in u if k.startswith("PREV(")}:
        numbers[key] = np.array([np.nan if u.get(key) is None else float(u[key]) for u in units])
    return Columns(len(units), numbers, texts, constants)


def _scalar(node, unit, constants):
    def lookup(name):
        if name in constants:
            return constants[name]
        value = unit.get(name)
        return formula.BLANK if value is None else value

    try:
        return ("ok", formula.truth(formula.evaluate(node, lookup)))
    except formula.FormulaError as exc:
        return ("error", exc.code)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vector_and_scalar_agree_wherever_the_vector_is_sure(campaign, rules, seed):
    units = _units(campaign, seed, rules.previous_codes)
    cols = _columns(campaign, units, rules.constants)
    checked = unsure_rows = 0
    for rule in rules.rules:
        for node in (rule.node, rule.when):
            if node is None:
                continue
            truth, unsure = evaluate_truth(compile_vector(node), cols)
            names = [n for n in formula.refs(node) if n not in rules.constants]
            for i, unit in enumerate(units):
                if all(unit.get(n) is None for n in names):
                    continue  # a rule over blank fields only is not evaluated at all
                if any(unit.get(formula.previous_key(n)) is None
                       for n in formula.previous_refs(rule.node) + (formula.previous_refs(rule.when) if rule.when else [])):
                    continue  # a rule reading a last year's figure that is unknown does not apply
                if unsure[i]:
                    unsure_rows += 1
                    continue
                kind, scalar = _scalar(node, unit, rules.constants)
                assert kind == "ok", (rule.id, unit, scalar)  # an evaluation error is never "sure"
                assert bool(truth[i]) == scalar, (rule.id, formula.unparse(node), {n: unit.get(n) for n in formula.refs(node)})
                checked += 1
    assert checked > 0.95 * (checked + unsure_rows), (checked, unsure_rows)  # the vector path does the work


def test_division_by_zero_is_left_to_the_scalar_evaluator(campaign):
    node = formula.parse("A1_07J*10000/A1_07I>=100")
    cols = Columns(2, {"A1_07J": np.array([5.0, 5.0]), "A1_07I": np.array([0.0, 50.0])}, {}, {})
    truth, unsure = evaluate_truth(compile_vector(node), cols)
    assert list(unsure) == [True, False] and bool(truth[1]) is True
