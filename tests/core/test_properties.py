"""Property tests of the 审核 engine and the campaign's rule set.

* ``consistent_returns()`` builds a complete return for both annexes, every field filled with realistic
  county-union magnitudes, constructed so that every rule holds (errors and warnings alike).
* Breakers mutate such a return to violate exactly one relation and check that exactly that rule fires.
* Tolerance boundary, blank semantics and lazy collection of findings.

Money is built as integer cents (分 of 万元, i.e. 0.01 万元) and converted with ``/ 100`` only at the end,
so that totals computed from the cents are exact to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wennuan_xl.core.check import check_return
from wennuan_xl.core.findings import Report, Severity
from wennuan_xl.core.rules import RuleSet
from wennuan_xl.files.campaign_files import load_campaign, load_rules
from wennuan_xl.samples import return_from_values

CAMPAIGN = load_campaign()


def without_blank_checks(rules: RuleSet) -> RuleSet:
    return replace(rules, form_checks=tuple(c for c in rules.form_checks if c.check not in ("blank_form", "blanks")))


# The properties here are those of the 审核公式 and field checks over any values; that a blank return, or
# blank fields in a filled one, are reported as such (F-BLANKFORM, F-BLANKS) is tested in test_blanks.py.
RULES = without_blank_checks(load_rules(CAMPAIGN))
ALL_NAMES = tuple(f.name for f in CAMPAIGN.fields())
FIELD_CHECK_IDS = {c.id for c in RULES.field_checks}
COVER_CHECK_IDS = {c.id for c in RULES.cover_checks}

VALID_COVER = {"UNIT": "市中区总工会", "PERSON": "张三", "PHONE": "0833-2133419", "DATE": "2017-01-15"}

# Vehicles of A1 item 10: (vehicle field, passenger field, max passengers per vehicle in A1-10-PER-*,
# realistic number of vehicles for one county union).
VEHICLES = (("A", "B", 2000, 2), ("C", "D", 130, 10), ("E", "F", 60, 50), ("G", "H", 1500, 5), ("I", "J", 400, 2))
# The nine (人次, 万元) pairs of A2 items 09 and 10.
HELP_PAIRS = tuple(zip("CEGIKMOQS", "DFHJLNPRT"))



def money(cents: int) -> float:
    return cents / 100


def cents_of(value: float) -> int:
    return round(value * 100)


def run(
    values: dict, cover: dict | None = None, forms: tuple[str, ...] = ("A1", "A2"), rules: RuleSet = RULES
) -> Report:
    data = return_from_values(CAMPAIGN, values, cover=VALID_COVER if cover is None else cover, forms=forms)
    return check_return(data, CAMPAIGN, rules)


def ids(report: Report, severity: Severity) -> set[str]:
    return {f.rule for f in report.findings if f.severity is severity}


def describe(report: Report) -> list[tuple[str, str, str]]:
    return [(f.rule, f.severity.value, f.message) for f in report.findings]


# --- the generator ---------------------------------------------------------------------------------


@st.composite
def valid_covers(draw) -> dict:
    return {
        "UNIT": draw(st.sampled_from([u.name for u in CAMPAIGN.roster])),
        "PERSON": draw(st.sampled_from(["张三", "李四", "王晓红", "欧阳明"])),
        "PHONE": draw(st.sampled_from(["0833-2133419", "08332133419", "2133419", "13981356789", "0833-2133419转802"])),
        "DATE": draw(
            st.one_of(
                st.dates(dt.date(2016, 11, 1), dt.date(2017, 6, 30)),
                st.dates(dt.date(2016, 12, 20), dt.date(2017, 1, 20)).map(dt.date.isoformat),
            )
        ),
    }


@st.composite
def consistent_returns(draw) -> dict:
    """Every field of A1 and A2 filled, every rule holding. Keys are field names (``A1_02B``).

    Guarantees the breakers rely on: A1.02B ≥ 1, A1.03A ≥ 1, A1.10E/F ≥ 1 (a county always charters
    buses), A2.09C/D and A2.10C/D > 0 (生活救助 always given).
    """
    ints = lambda lo, hi: draw(st.integers(lo, hi))  # noqa: E731
    v: dict[str, object] = {}

    # --- A1 items 01-03: workers, difficult workers, registered families -----------------------------
    v["A1_01A"] = a01 = ints(10_000, 300_000)
    v["A1_01B"] = b01 = ints(1_000, a01)
    v["A1_02A"] = a02 = ints(100, 5_000)
    v["A1_02B"] = b02 = ints(1, min(a02, b01))
    v["A1_03A"] = a03 = ints(1, a02)
    split = sorted([ints(0, a03), ints(0, a03)])
    v["A1_03C"], v["A1_03D"], v["A1_03E"] = split[0], split[1] - split[0], a03 - split[1]
    v["A1_03B"] = ints(0, min(a03, b02))
    v["A1_03F"] = ints(0, a03)

    # --- 04: visits ----------------------------------------------------------------------------------
    v["A1_04A"] = a04 = ints(1, 300)
    v["A1_04B"] = ints(0, a04)
    v["A1_04C"] = ints(100, 20_000)
    v["A1_04D"] = d04 = ints(1, 3_000)
    v["A1_04E"] = e04 = ints(0, d04)
    v["A1_04F"] = ints(0, e04)
    v["A1_04G"] = ints(0, d04)

    # --- 05-07 money: heating subsidy ⊂ 06, 06A+06B ⊂ 06, 06 ⊂ 05 = Σ parts --------------------------
    households = ints(1, 2_000)
    heating = ints(2 * households, min(50 * households, 100_000))  # 200-5,000 元 per household
    a06, b06 = ints(0, 50_000), ints(0, 50_000)
    c06 = max(heating, a06 + b06) + ints(0, 100_000)
    parts05 = [ints(0, 150_000) for _ in range(5)]
    if sum(parts05) < c06:
        parts05[2] += c06 - sum(parts05)  # 工会经费 makes up what was handed out
    for letter, c in zip("ABCDE", parts05):
        v[f"A1_05{letter}"] = money(c)
    v["A1_05"] = money(sum(parts05))
    v["A1_06"], v["A1_06A"], v["A1_06B"] = money(c06), money(a06), money(b06)
    for letter in "ABCDEFGH":
        v[f"A1_07{letter}"] = ints(0, 5_000)
    v["A1_07I"], v["A1_07J"] = households, money(heating)
    v["A1_07K"] = ints(0, 2_000)
    for letter in "ABC":
        v[f"A1_08{letter}"] = ints(0, 5_000)
    v["A1_08D"] = money(ints(0, 500_000))

    # --- 09: services = Σ parts ------------------------------------------------------------------------
    parts09 = [ints(0, 5_000) for _ in range(4)]
    for letter, n in zip("ABCD", parts09):
        v[f"A1_09{letter}"] = n
    v["A1_09"] = sum(parts09)

    # --- 10: getting migrant workers home ----------------------------------------------------------------
    passengers = 0
    for vehicle, pax, most, fleet in VEHICLES:
        n = ints(1 if vehicle == "E" else 0, fleet)
        p = ints(1, n * most) if n else 0
        v[f"A1_10{vehicle}"], v[f"A1_10{pax}"] = n, p
        passengers += p
    v["A1_10"] = passengers + ints(0, 2_000)
    v["A1_10K"] = ints(0, 5_000)
    v["A1_11"] = money(ints(0, 300_000))

    # --- A2 01-03: help centres and their staff, level by level ------------------------------------------
    centres = {"A": ints(0, 1), "B": ints(0, 2), "C": ints(0, 5)}
    for level, n in centres.items():
        v[f"A2_01{level}"] = n
        v[f"A2_02{level}"] = ints(1, 40) if n else 0
    v["A2_01"] = sum(centres.values())
    v["A2_02"] = sum(v[f"A2_02{level}"] for level in "ABC")
    v["A2_03"] = ints(0, 2_000)

    # --- 04: stations ------------------------------------------------------------------------------------
    for letter in "ABCD":
        v[f"A2_04{letter}"] = ints(0, 300)
    v["A2_04E"] = ints(0, v["A2_04D"])
    v["A2_04F"] = ints(0, v["A2_04D"])

    # --- 05-08: funds ------------------------------------------------------------------------------------
    parts = [ints(0, 150_000) for _ in range(5)]
    for letter, c in zip("BCDEF", parts):
        v[f"A2_05{letter}"] = money(c)
    v["A2_05"] = money(sum(parts))
    a06 = ints(0, 300_000)
    v["A2_06A"] = money(a06)
    v["A2_06B"] = draw(st.sampled_from(["是", "否"])) if a06 else "否"
    for item in ("07", "08"):
        n = ints(0, 3)
        v[f"A2_{item}A"] = n
        v[f"A2_{item}B"] = money(ints(1, 300_000)) if n else 0
        v[f"A2_{item}C"] = ints(0, n)

    # --- 09/10: help for difficult workers, and the migrant part of it, pair by pair ---------------------
    counts09, cents09, counts10, cents10 = 0, 0, 0, 0
    for i, (cv, cp) in enumerate(HELP_PAIRS):
        n = ints(1 if i == 0 else 0, 3_000)
        c = ints(-(-n // 5), min(n * 500, 100_000)) if n else 0  # 20-50,000 元 per person
        n10 = ints(1 if i == 0 else 0, n)
        c10 = ints(-(-n10 // 5), min(n10 * 500, c)) if n10 else 0
        v[f"A2_09{cv}"], v[f"A2_09{cp}"] = n, money(c)
        v[f"A2_10{cv}"], v[f"A2_10{cp}"] = n10, money(c10)
        counts09, cents09, counts10, cents10 = counts09 + n, cents09 + c, counts10 + n10, cents10 + c10
    v["A2_09A"], v["A2_09B"] = counts09, money(cents09)
    v["A2_10A"], v["A2_10B"] = counts10, money(cents10)
    v["A2_09U"] = ints(0, 500)

    # --- 11-14 -------------------------------------------------------------------------------------------
    v["A2_11B"], v["A2_11C"] = ints(0, 5_000), ints(0, 5_000)
    v["A2_11A"] = v["A2_11B"] + v["A2_11C"]
    v["A2_12A"] = cases = ints(0, 50)
    v["A2_12B"] = ints(0, 500) if cases else 0
    v["A2_12C"] = money(ints(0, 200_000)) if cases else 0
    v["A2_13A"], v["A2_13B"] = money(ints(0, 300_000)), money(ints(0, 300_000))
    for letter in "ABCDEFG":
        v[f"A2_14{letter}"] = ints(0, 20)

    # --- cross-form: ticket windows ≤ centres and stations --------------------------------------------
    places = v["A2_01"] + sum(v[f"A2_04{letter}"] for letter in "ABCD")
    v["A1_10L"] = ints(0, min(places, 20))
    return v


# --- 1. a consistent return passes every check ----------------------------------------------------------


def test_generator_fills_every_field():
    @given(consistent_returns())
    @settings(max_examples=5, deadline=None)
    def inner(values):
        assert set(values) == set(ALL_NAMES)
        assert all(x is not None for x in values.values())

    inner()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_returns(), cover=valid_covers())
def test_consistent_return_has_no_findings(values, cover):
    report = run(values, cover)
    assert describe(report) == []
    assert report.skipped == ()
    assert report.forms == ("A1", "A2")
    # the engine read back exactly what was filled in
    assert {CAMPAIGN.field(code).name: x for code, x in report.values.items()} == pytest.approx(values)


# --- 2. breaking one relation fires exactly that rule -------------------------------------------------


Mutation = Callable[[dict, st.DataObject], None]


@dataclass(frozen=True)
class Breaker:
    rule: str  # the one rule that must fire
    mutate: Mutation
    variant: str = ""

    def __str__(self) -> str:
        return f"{self.rule}{'/' + self.variant if self.variant else ''}"


def _add_cents(v: dict, name: str, delta: int) -> None:
    v[name] = money(cents_of(v[name]) + delta)


def _raise_above(target: str, bound: str, lo: int = 1, hi: int = 1_000) -> Mutation:
    def mutate(v: dict, data: st.DataObject) -> None:
        v[target] = v[bound] + data.draw(st.integers(lo, hi), label="excess")

    return mutate


def _money_part_off(total: str, parts: list[str]) -> Mutation:
    """Change one part by more than the tolerance, up or down."""

    def mutate(v: dict, data: st.DataObject) -> None:
        part = data.draw(st.sampled_from(parts), label="part")
        delta = data.draw(st.integers(2, 50_000), label="cents")
        if cents_of(v[part]) >= delta and data.draw(st.booleans(), label="down"):
            delta = -delta
        _add_cents(v, part, delta)

    return mutate


def _a1_02(v, data):
    v["A1_02B"] = v["A1_02A"] + data.draw(st.integers(1, 100))
    v["A1_01B"] = max(v["A1_01B"], v["A1_02B"])  # keep 02B ≤ 01B
    v["A1_01A"] = max(v["A1_01A"], v["A1_01B"])  # keep 01B ≤ 01A


def _a1_02_01b(v, data):
    v["A1_01B"] = v["A1_02B"] - data.draw(st.integers(1, v["A1_02B"]))


def _a1_06(letter: str) -> Mutation:
    def mutate(v, data):
        v[f"A1_06{letter}"] = money(cents_of(v["A1_06"]) + data.draw(st.integers(2, 10_000)))

    return mutate


def _a1_07ij(variant: str) -> Mutation:
    def mutate(v, data):
        if variant == "07J zero":
            v["A1_07J"] = 0
        elif variant == "07J blank":
            v["A1_07J"] = None
        elif variant == "07I zero":
            v["A1_07I"] = 0
        else:
            v["A1_07I"] = None

    return mutate


def _a1_09_parts(v, data):
    letter = data.draw(st.sampled_from("ABCD"))
    v[f"A1_09{letter}"] += data.draw(st.integers(1, 1_000))


def _a1_10_sum(v, data):
    passengers = sum(v[f"A1_10{p}"] for _, p, _, _ in VEHICLES)
    v["A1_10"] = passengers - data.draw(st.integers(1, passengers))


def _a1_10_pair(vehicle: str, pax: str, without: str) -> Mutation:
    def mutate(v, data):
        if without == "passengers":  # vehicles chartered, nobody carried
            v[f"A1_10{vehicle}"] = max(v[f"A1_10{vehicle}"], 1)
            v[f"A1_10{pax}"] = data.draw(st.sampled_from([0, None]))
        else:  # passengers carried, no vehicle
            old = v[f"A1_10{pax}"]
            v[f"A1_10{pax}"] = max(old, 1)
            v["A1_10"] += v[f"A1_10{pax}"] - old  # keep A1-10-SUM
            v[f"A1_10{vehicle}"] = data.draw(st.sampled_from([0, None]))

    return mutate


def _a2_sum_plus(total: str) -> Mutation:
    def mutate(v, data):
        v[total] += data.draw(st.integers(1, 10))

    return mutate


def _a2_nocentre(level: str) -> Mutation:
    def mutate(v, data):
        v[f"A2_01{level}"] = 0
        v[f"A2_02{level}"] = max(v[f"A2_02{level}"], 1)
        v["A2_01"] = sum(v[f"A2_01{x}"] for x in "ABC")
        v["A2_02"] = sum(v[f"A2_02{x}"] for x in "ABC")

    return mutate


def _a2_ab(item: str, without: str) -> Mutation:
    def mutate(v, data):
        if without == "money":
            v[f"A2_{item}A"] = max(v[f"A2_{item}A"], 1)
            v[f"A2_{item}B"] = data.draw(st.sampled_from([0, None]))
        else:
            v[f"A2_{item}A"] = data.draw(st.sampled_from([0, None]))
            v[f"A2_{item}C"] = 0  # keep 07C ≤ 07A
            if not v[f"A2_{item}B"]:
                v[f"A2_{item}B"] = money(data.draw(st.integers(1, 100_000)))

    return mutate


def _a2_count_plus(item: str) -> Mutation:
    def mutate(v, data):
        v[f"A2_{item}A"] += data.draw(st.integers(1, 100))

    return mutate


def _a2_money_off(item: str) -> Mutation:
    def mutate(v, data):
        # the 生活救助 pair always has people, so more money there cannot trip A2-xx-NOBODY-D
        target = data.draw(st.sampled_from([f"A2_{item}B", f"A2_{item}D"]))
        _add_cents(v, target, data.draw(st.integers(2, 10_000)))

    return mutate


def _a2_nobody(item: str, count: str, amount: str) -> Mutation:
    def mutate(v, data):
        v[f"A2_{item}{count}"] = 0
        if not cents_of(v[f"A2_{item}{amount}"]):
            v[f"A2_{item}{amount}"] = money(data.draw(st.integers(1, 1_000)))
        # keep the item's two sums; the 生活救助 pair (C, D) keeps the total count > 0
        v[f"A2_{item}A"] = sum(v[f"A2_{item}{c}"] for c, _ in HELP_PAIRS)
        v[f"A2_{item}B"] = money(sum(cents_of(v[f"A2_{item}{p}"]) for _, p in HELP_PAIRS))

    return mutate


def _a2_11_parts(v, data):
    v["A2_11B"] = v["A2_11A"] + data.draw(st.integers(1, 100))


def _set(name: str, values: list[object]) -> Mutation:
    def mutate(v, data):
        v[name] = data.draw(st.sampled_from(values))

    return mutate


ERROR_BREAKERS = [
    Breaker("A1-01", _raise_above("A1_01B", "A1_01A")),
    Breaker("A1-02", _a1_02),
    Breaker("A1-02-01A", _raise_above("A1_02A", "A1_01A")),
    Breaker("A1-02-01B", _a1_02_01b),
    *[Breaker(f"A1-03-{x}", _raise_above(f"A1_03{x}", "A1_03A", 1, 50)) for x in "BCDEF"],
    Breaker("A1-04-B", _raise_above("A1_04B", "A1_04A")),
    Breaker("A1-04-E", _raise_above("A1_04E", "A1_04D")),
    Breaker("A1-04-F", _raise_above("A1_04F", "A1_04E")),
    Breaker("A1-04-G", _raise_above("A1_04G", "A1_04D")),
    Breaker("A1-05-SUM", _money_part_off("A1_05", [f"A1_05{x}" for x in "ABCDE"])),
    Breaker("A1-05-SUM", _money_part_off("A1_05", ["A1_05"]), "total"),
    Breaker("A1-06-A", _a1_06("A")),
    Breaker("A1-06-B", _a1_06("B")),
    *[Breaker("A1-07-IJ", _a1_07ij(variant), variant) for variant in ("07J zero", "07J blank", "07I zero", "07I blank")],
    Breaker("A1-09-PARTS", _a1_09_parts),
    Breaker("A1-10-SUM", _a1_10_sum),
    *[
        Breaker(f"A1-10-PAIR-{vehicle}", _a1_10_pair(vehicle, pax, without), f"without {without}")
        for vehicle, pax, _, _ in VEHICLES
        for without in ("passengers", "vehicles")
    ],
    Breaker("A2-01-SUM", _a2_sum_plus("A2_01")),
    Breaker("A2-02-SUM", _a2_sum_plus("A2_02")),
    *[Breaker(f"A2-02-NOCENTRE-{level}", _a2_nocentre(level)) for level in "ABC"],
    Breaker("A2-04-E", _raise_above("A2_04E", "A2_04D", 1, 50)),
    Breaker("A2-04-F", _raise_above("A2_04F", "A2_04D", 1, 50)),
    Breaker("A2-05-SUM", _money_part_off("A2_05", [f"A2_05{x}" for x in "BCDEF"])),
    Breaker("A2-07-C", _raise_above("A2_07C", "A2_07A", 1, 5)),
    Breaker("A2-08-C", _raise_above("A2_08C", "A2_08A", 1, 5)),
    *[Breaker(f"A2-{item}-AB", _a2_ab(item, w), f"without {w}") for item in ("07", "08") for w in ("money", "count")],
    *[Breaker(f"A2-{item}-COUNT", _a2_count_plus(item)) for item in ("09", "10")],
    *[Breaker(f"A2-{item}-MONEY", _a2_money_off(item)) for item in ("09", "10")],
    *[Breaker(f"A2-{item}-NOBODY-{p}", _a2_nobody(item, c, p)) for item in ("09", "10") for c, p in HELP_PAIRS[1:]],
    Breaker("A2-11-PARTS", _a2_11_parts),
    Breaker("F-NEGATIVE", _set("A2_14A", [-1, -5, -20, "-3"]), "A2.14A"),
    Breaker("F-NEGATIVE", _set("A2_13A", [-0.5, -12.34, -100]), "A2.13A money"),
    Breaker("F-NUMBER", _set("A2_14B", ["约30", "三十", "30左右", "见附表", "？"]), "A2.14B"),
    Breaker("F-INTEGER", _set("A2_14C", [2.5, 0.1, "3.7"]), "A2.14C"),
    Breaker("F-UNIT", _set("A2_14D", ["3人", "12户", "5万元"]), "A2.14D"),
    Breaker("F-YESNO", _set("A2_06B", ["有", "yes", "是的", "1"]), "A2.06B"),
]


@pytest.mark.parametrize("breaker", ERROR_BREAKERS, ids=str)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_returns(), data=st.data())
def test_breaking_one_relation_fires_exactly_that_error(breaker: Breaker, values: dict, data):
    broken = dict(values)
    breaker.mutate(broken, data)
    report = run(broken)
    assert ids(report, Severity.ERROR) == {breaker.rule}, describe(report)
    assert report.skipped == () or breaker.rule in FIELD_CHECK_IDS, report.skipped


def _a1_03_sum(v, data):
    part = data.draw(st.sampled_from([x for x in "CDE" if v[f"A1_03{x}"] > 0]))  # 03A ≥ 1: one is > 0
    v[f"A1_03{part}"] -= data.draw(st.integers(1, v[f"A1_03{part}"]))


def _a1_09_sum(v, data):
    v["A1_09"] += data.draw(st.integers(1, 1_000))


def _a1_10_per_bus(v, data):
    old = v["A1_10F"]
    v["A1_10F"] = v["A1_10E"] * 60 + data.draw(st.integers(1, 500))
    v["A1_10"] += v["A1_10F"] - old


def _a1_07_per(v, data):
    # typed in 元 instead of 万元: 100 times too much per household (still within 06 and 05)
    households = v["A1_07I"] = min(v["A1_07I"], 100)  # keeps every amount far below 10,000 万元
    yuan_per_household = data.draw(st.integers(10_001, 50_000))
    c = -(-yuan_per_household * households // 100)
    v["A1_07J"] = money(c)
    if cents_of(v["A1_06"]) < c:
        extra = c - cents_of(v["A1_06"])
        _add_cents(v, "A1_06", extra)
        _add_cents(v, "A1_05", extra)
        _add_cents(v, "A1_05C", extra)


def _a2_nostaff(level: str) -> Mutation:
    def mutate(v, data):
        v[f"A2_01{level}"] = max(v[f"A2_01{level}"], 1)
        v[f"A2_02{level}"] = 0
        v["A2_01"] = sum(v[f"A2_01{x}"] for x in "ABC")
        v["A2_02"] = sum(v[f"A2_02{x}"] for x in "ABC")

    return mutate


def _a2_06_yes(v, data):
    v["A2_06B"] = "是"
    v["A2_06A"] = data.draw(st.sampled_from([0, None]))


def _a2_12_cases(v, data):
    v["A2_12A"] = 0
    v["A2_12B"] = max(v["A2_12B"], 1)


def _x_10l(v, data):
    places = v["A2_01"] + sum(v[f"A2_04{x}"] for x in "ABCD")
    v["A1_10L"] = places + data.draw(st.integers(1, 20))


def _a2_10_09(letter: str) -> Mutation:
    def mutate(v, data):
        # migrants helped (the 生活救助 count) exceed all difficult workers helped: raise 10C and 10A together
        extra = v[f"A2_09{letter}"] - v[f"A2_10{letter}"] + data.draw(st.integers(1, 50))
        v[f"A2_10{letter}"] += extra
        v["A2_10A"] += extra

    return mutate


WARNING_BREAKERS = [
    Breaker("A1-03-SUM", _a1_03_sum),
    Breaker("A1-09-SUM", _a1_09_sum),
    Breaker("A1-10-PER-E", _a1_10_per_bus),
    Breaker("A1-07-PER", _a1_07_per),
    *[Breaker(f"A2-02-NOSTAFF-{level}", _a2_nostaff(level)) for level in "ABC"],
    Breaker("A2-06-YES", _a2_06_yes),
    Breaker("A2-12-CASES", _a2_12_cases),
    Breaker("X-10L", _x_10l),
]


@pytest.mark.parametrize("breaker", WARNING_BREAKERS, ids=str)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_returns(), data=st.data())
def test_breaking_one_warning_relation_fires_exactly_that_warning(breaker: Breaker, values: dict, data):
    broken = dict(values)
    breaker.mutate(broken, data)
    report = run(broken)
    assert ids(report, Severity.ERROR) == set(), describe(report)
    assert ids(report, Severity.WARNING) == {breaker.rule}, describe(report)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_returns(), data=st.data())
def test_migrant_help_above_worker_help_is_only_a_warning(values, data):
    """A2.10C > A2.09C: warnings A2-10-09-C and (as the totals follow) A2-10-09-A; never an error."""
    broken = dict(values)
    _a2_10_09("C")(broken, data)
    report = run(broken)
    assert ids(report, Severity.ERROR) == set(), describe(report)
    fired = ids(report, Severity.WARNING)
    assert "A2-10-09-C" in fired
    assert fired <= {"A2-10-09-C", "A2-10-09-A", "A2-10-PER-D", "A2-10-PER-B"}, describe(report)


def test_breakers_name_real_rules():
    known = set(RULES.ids)
    for b in ERROR_BREAKERS + WARNING_BREAKERS:
        assert b.rule in known, b
        if b.rule not in FIELD_CHECK_IDS:
            expected = Severity.ERROR if b in ERROR_BREAKERS else Severity.WARNING
            assert RULES.rule(b.rule).severity is expected, b


# --- 3. money tolerance boundary ----------------------------------------------------------------------


def _sum_rule_with_total_off_by(values: dict, total: str, parts: list[str], off_cents: int) -> dict:
    v = dict(values)
    exact = sum(cents_of(v[p]) for p in parts)
    if exact + off_cents < 0:
        off_cents = -off_cents  # a negative total would be an F-NEGATIVE error as well
    v[total] = money(exact + off_cents)
    return v


A1_05_PARTS = [f"A1_05{x}" for x in "ABCDE"]
# The money equalities with a tolerance: (rule, total, parts).
MONEY_SUMS = [
    ("A1-05-SUM", "A1_05", A1_05_PARTS),
    ("A2-05-SUM", "A2_05", [f"A2_05{x}" for x in "BCDEF"]),
    ("A2-09-MONEY", "A2_09B", [f"A2_09{p}" for _, p in HELP_PAIRS]),
    ("A2-10-MONEY", "A2_10B", [f"A2_10{p}" for _, p in HELP_PAIRS]),
]


@pytest.mark.parametrize(
    "total, part, off_cents",
    [(1.01, 1.0, 1), (1.0, 1.01, -1), (12.35, 12.34, 1), (1000.0, 999.99, 1), (0.01, 0, 1)],
)
def test_a1_05_off_by_exactly_one_cent_passes_examples(total, part, off_cents):
    values = {"A1_05": total, "A1_05A": part, "A1_05B": 0, "A1_05C": 0, "A1_05D": 0, "A1_05E": 0}
    assert "A1-05-SUM" not in ids(run(values), Severity.ERROR)
    values["A1_05"] = money(cents_of(total) + off_cents)  # now two cents off
    assert "A1-05-SUM" in ids(run(values), Severity.ERROR)


@pytest.mark.parametrize("rule, total, parts", MONEY_SUMS, ids=[m[0] for m in MONEY_SUMS])
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(values=consistent_returns(), sign=st.sampled_from([1, -1]))
def test_money_sum_off_by_exactly_one_cent_does_not_fire(rule, total, parts, values, sign):
    v = _sum_rule_with_total_off_by(values, total, parts, sign)
    report = run(v)
    assert rule not in ids(report, Severity.ERROR), describe(report)


@pytest.mark.parametrize("rule, total, parts", MONEY_SUMS, ids=[m[0] for m in MONEY_SUMS])
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_returns(), sign=st.sampled_from([1, -1]), off=st.integers(2, 1_000))
def test_money_sum_off_by_two_cents_or_more_fires(rule, total, parts, values, sign, off):
    v = _sum_rule_with_total_off_by(values, total, parts, sign * off)
    report = run(v)
    assert ids(report, Severity.ERROR) == {rule}, describe(report)


@pytest.mark.parametrize("total, part", [(100.0, 99.99), (9999.99, 9999.98), (5432.09, 5432.1)])
def test_a1_05_off_by_exactly_one_cent_in_binary_floating_point(total, part):
    values = {"A1_05": total, "A1_05A": part, "A1_05B": 0, "A1_05C": 0, "A1_05D": 0, "A1_05E": 0}
    assert "A1-05-SUM" not in ids(run(values), Severity.ERROR)


# --- 4. blank semantics ----------------------------------------------------------------------------


# The campaign's rules all happen to hold when every field is 0, so blank semantics are also checked
# against extra rules that WOULD fire if blank cells were simply read as 0.
EXTRA_RULES_YAML = """
rules:
  - {id: T-ATLEAST, severity: 错误, rule: A2_14A>=1, message: "{A2_14A}"}
  - {id: T-REQUIRED, severity: 提示, rule: NOT(ISBLANK(A1_01A)), message: "{A1_01A}"}
  - {id: T-CROSS, severity: 错误, rule: A1_05+A2_05>0, message: "{A1_05} {A2_05}"}
  - {id: T-WHEN, severity: 错误, when: A1_10E=0, rule: A1_10F>0, message: "{A1_10E} {A1_10F}"}
"""


@pytest.fixture(scope="module")
def strict_rules(tmp_path_factory) -> RuleSet:
    extra = tmp_path_factory.mktemp("rules") / "rules_blank_test.yaml"
    extra.write_text(EXTRA_RULES_YAML, encoding="utf-8")
    return without_blank_checks(load_rules(CAMPAIGN, list(CAMPAIGN.rule_files) + [extra]))


def _assert_findings_touch_filled_fields(report: Report, rules: RuleSet, keep: set[str], forms) -> None:
    filled = {name for name in keep if name.split("_")[0] in forms}
    for f in report.findings:
        if f.rule in COVER_CHECK_IDS:
            pytest.fail(f"cover check fired on a valid cover: {f}")
        if f.rule in FIELD_CHECK_IDS:
            involved = {CAMPAIGN.field(code).name for code in f.codes}
        else:
            involved = set(rules.rule(f.rule).names)
        assert involved & filled, f"{f.rule} fired though all of {sorted(involved)} are blank: {f.message}"
        assert {n.split("_")[0] for n in involved} <= set(forms), f


BLANKS = st.sampled_from([None, "", "   "])
FORM_SETS = st.sampled_from([("A1", "A2"), ("A1",), ("A2",)])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_returns(), keep=st.sets(st.sampled_from(ALL_NAMES), max_size=40), blank=BLANKS, forms=FORM_SETS)
def test_a_rule_over_blank_fields_only_never_fires(values, keep, blank, forms):
    partial = {name: (values[name] if name in keep else blank) for name in ALL_NAMES}
    _assert_findings_touch_filled_fields(run(partial, forms=forms), RULES, keep, forms)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=consistent_returns(),
    keep=st.sets(st.sampled_from(ALL_NAMES), max_size=40),
    zeros=st.sets(st.sampled_from(["A2_14A", "A1_01A", "A1_05", "A2_05", "A1_10E", "A1_10F"]), max_size=3),
    blank=BLANKS,
    forms=FORM_SETS,
)
def test_rules_that_fire_on_zero_do_not_fire_on_blank(strict_rules, values, keep, zeros, blank, forms):
    partial = {name: (values[name] if name in keep else blank) for name in ALL_NAMES}
    partial.update({name: 0 for name in zeros})
    report = run(partial, forms=forms, rules=strict_rules)
    _assert_findings_touch_filled_fields(report, strict_rules, keep | zeros, forms)


def test_extra_rules_do_fire_on_zero(strict_rules):
    """The extra rules are able to fire: with 0 instead of blank they do (blank is not 0 here).

    T-REQUIRED (NOT(ISBLANK(A1_01A))) can never fire: its only field is either filled or blank.
    """
    zero = {"A2_14A": 0, "A1_05": 0, "A2_05": 0, "A1_10E": 0, "A1_10F": 0}
    assert {f.rule for f in run(zero, rules=strict_rules).findings} == {"T-ATLEAST", "T-CROSS", "T-WHEN"}
    assert run({}, forms=("A1", "A2"), rules=strict_rules).findings == ()


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(blank=BLANKS, forms=FORM_SETS)
def test_an_all_blank_return_has_no_findings(strict_rules, blank, forms):
    assert describe(run({name: blank for name in ALL_NAMES}, forms=forms)) == []
    assert describe(run({name: blank for name in ALL_NAMES}, forms=forms, rules=strict_rules)) == []


def test_one_filled_field_of_a_relation_does_fire():
    """The other side of blank semantics: a relation with some filled fields is checked (blank = 0)."""
    report = run({"A1_02A": 1200, "A1_02B": 1250})
    assert ids(report, Severity.ERROR) == {"A1-02", "A1-02-01A", "A1-02-01B"}


# --- 5. lazy collection -------------------------------------------------------------------------------

# Breakers whose touched fields and relations are pairwise disjoint, so applying several at once must
# report the union of their rules.
INDEPENDENT = [
    Breaker("A1-01", _raise_above("A1_01B", "A1_01A")),
    Breaker("A1-04-B", _raise_above("A1_04B", "A1_04A")),
    Breaker("A1-04-G", _raise_above("A1_04G", "A1_04D")),
    Breaker("A1-05-SUM", _money_part_off("A1_05", [f"A1_05{x}" for x in "ABCDE"])),
    Breaker("A1-07-IJ", _a1_07ij("07J zero")),
    Breaker("A1-09-PARTS", _a1_09_parts),
    Breaker("A2-01-SUM", _a2_sum_plus("A2_01")),
    Breaker("A2-04-E", _raise_above("A2_04E", "A2_04D", 1, 50)),
    Breaker("A2-05-SUM", _money_part_off("A2_05", [f"A2_05{x}" for x in "BCDEF"])),
    Breaker("A2-11-PARTS", _a2_11_parts),
    Breaker("F-NEGATIVE", _set("A2_14A", [-1, -7])),
    Breaker("F-NUMBER", _set("A2_14B", ["约30"])),
    Breaker("F-INTEGER", _set("A2_14C", [2.5])),
]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=consistent_returns(),
    chosen=st.lists(st.sampled_from(INDEPENDENT), min_size=3, max_size=len(INDEPENDENT), unique_by=str),
    data=st.data(),
)
def test_several_problems_are_all_reported(values, chosen, data):
    broken = dict(values)
    for b in chosen:
        b.mutate(broken, data)
    report = run(broken)
    assert ids(report, Severity.ERROR) == {b.rule for b in chosen}, describe(report)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=consistent_returns())
def test_three_broken_relations_and_a_text_cell_in_one_report(values):
    v = dict(values)
    v["A1_04B"] = v["A1_04A"] + 1  # A1-04-B
    v["A2_04E"] = v["A2_04D"] + 1  # A2-04-E
    v["A2_11B"] = v["A2_11A"] + 1  # A2-11-PARTS (and the A2-11-SUM warning)
    v["A2_14B"] = "约30"  # F-NUMBER
    report = run(v)
    assert ids(report, Severity.ERROR) == {"A1-04-B", "A2-04-E", "A2-11-PARTS", "F-NUMBER"}, describe(report)
    assert ids(report, Severity.WARNING) == {"A2-11-SUM"}, describe(report)
    number = [f for f in report.findings if f.rule == "F-NUMBER"]
    assert len(number) == 1 and number[0].codes == ("A2.14B",)
