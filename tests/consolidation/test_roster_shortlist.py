"""The indexed roster matcher gives exactly the answers of comparing every unit with difflib.

For generated rosters (few distinct characters, so that many units tie; real names; empty and long keys)
and names typed as clerks type them (a wrong character, 区/县/市 left out, 工会 / 总工会 / 委员会 changed,
full-width letters and digits, spaces, parts in another order, a prefix, brackets), the unit found and how
(exact / normalised / close / none) are those of the exhaustive loop, which is what the 上报情况 sheet shows:
the unit a return is counted for and whether it is marked 请确认.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from wennuan_xl.core.forms import RosterUnit
from wennuan_xl.core.roster import RosterIndex, unit_key

PREFIXES = ("四川省", "乐山市")
# A small alphabet: keys share most characters, scores tie often, the bounds are tested where they are tight.
PLACE = "市中区沙湾五通桥犍为井研夹江峨眉山边马川彝族自治高新景大佛"
KIND = ("区", "县", "市", "镇", "乡", "街道", "社区", "公司", "学校", "医院", "局", "")
SUFFIX = ("总工会", "工会", "委员会", "联合工会", "")
REAL = ("市中区总工会", "五通桥区总工会", "沙湾区总工会", "金口河区总工会", "犍为县总工会", "峨边彝族自治县总工会",
        "峨眉山市总工会", "乐山高新区工会", "峨眉山景区管委会工会", "乐山大佛景区管委会工会", "市级系统工会", "市属基层工会")

names = st.builds(
    lambda place, kind, number, suffix: place + kind + number + suffix,
    st.text(PLACE, min_size=0, max_size=6),
    st.sampled_from(KIND),
    st.sampled_from(("", "", "", "1", "2", "12", "第一", "A")),
    st.sampled_from(SUFFIX),
)
rosters = st.one_of(
    st.lists(names, min_size=1, max_size=40),
    st.lists(st.one_of(names, st.sampled_from(REAL), st.text(PLACE + "工会() 　", max_size=8)), min_size=1, max_size=40),
    st.lists(st.sampled_from(REAL), min_size=1, max_size=12),
).map(lambda ns: tuple(RosterUnit(n) for n in ns))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def perturb(draw, name: str) -> str:
    ops = draw(st.lists(st.sampled_from(["typo", "drop", "insert", "no-kind", "suffix", "full-width", "space",
                                         "ideographic", "swap", "halves", "prefix", "brackets"]), max_size=3))
    s = name
    for op in ops:
        if op == "typo" and s:
            i = draw(st.integers(0, len(s) - 1))
            s = s[:i] + draw(st.sampled_from(PLACE + "公工员会")) + s[i + 1 :]
        elif op == "drop" and s:
            i = draw(st.integers(0, len(s) - 1))
            s = s[:i] + s[i + 1 :]
        elif op == "insert":
            i = draw(st.integers(0, len(s)))
            s = s[:i] + draw(st.sampled_from(PLACE)) + s[i:]
        elif op == "no-kind":
            s = re.sub(draw(st.sampled_from("区县市")), "", s, count=1)
        elif op == "suffix":
            s = re.sub("(总工会|委员会|工会)$", "", s) + draw(st.sampled_from(SUFFIX + ("公会", "工 会")))
        elif op == "full-width":
            s = full_width(s)
        elif op in ("space", "ideographic") and s:
            i = draw(st.integers(0, len(s)))
            s = s[:i] + (" " if op == "space" else "　") + s[i:]
        elif op == "swap" and len(s) > 1:
            i = draw(st.integers(0, len(s) - 2))
            s = s[:i] + s[i + 1] + s[i] + s[i + 2 :]
        elif op == "halves" and len(s) > 1:
            i = draw(st.integers(1, len(s) - 1))
            s = s[i:] + s[:i]
        elif op == "prefix":
            s = draw(st.sampled_from(("乐山市", "四川省乐山市", "乐山市 ", "乐山"))) + s
        elif op == "brackets":
            s = "（" + s[: len(s) // 2] + "）" + s[len(s) // 2 :]
    return s


@st.composite
def cases(draw):
    roster = draw(rosters)
    typed = []
    for _ in range(draw(st.integers(1, 6))):
        source = draw(st.one_of(st.sampled_from([u.name for u in roster]), names, st.sampled_from(REAL)))
        typed.append(perturb(draw, source))
    typed += draw(st.lists(st.text(PLACE + "工会总() 　A1", max_size=12), max_size=2))
    return roster, typed


def assert_same(roster: tuple[RosterUnit, ...], typed: list[str]) -> None:
    """Both ways of bounding (in Python; with numpy, as for rosters of 512 units and more) against every unit."""
    exhaustive = RosterIndex(roster, PREFIXES, shortlist=False)
    for vector in (False, True):
        indexed = RosterIndex(roster, PREFIXES, vector=vector)
        for text in typed:
            got, want = indexed.match(text), exhaustive.match(text)
            assert (got.how, got.unit is want.unit) == (want.how, True), (vector, text, got, want)


@settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
@example(((RosterUnit("市中区总工会"), RosterUnit("市中区总工会")), ["市中区总公会"]))  # a tie: the first unit
@example(((RosterUnit("()"), RosterUnit("沙湾区总工会")), ["某某公司", "(((("]))  # an empty key holds nothing, is held by all
@example(((RosterUnit("中区"), RosterUnit("市中区")), ["中", "市中", "中区市"]))
@example(((RosterUnit("沙湾区" * 80 + "工会"), RosterUnit("沙湾区总工会")), ["沙湾区" * 90, "沙" * 300]))  # past 200 characters
def test_the_index_finds_what_comparing_every_unit_finds(case):
    roster, typed = case
    assert_same(roster, typed)


def test_the_index_agrees_on_a_large_roster_of_look_alike_names():
    """1,200 units named 测试单位NNNN工会 (every key shares 测试单位 and digits: the index's worst case) and
    names typed a little off: the same unit as the exhaustive loop, each time."""
    import random

    rng = random.Random(7)
    roster = tuple(RosterUnit(f"测试单位{i:04d}工会") for i in range(1200))
    typed = []
    for _ in range(60):
        name = rng.choice(roster).name
        i = rng.randrange(len(name))
        typed.append(name[:i] + rng.choice("测试单位住0123456789工会") + name[i + 1 :])
        typed.append(full_width(name[::-1][:6]) + name[6:])
    assert_same(roster, typed)


def file_name_unit_by_every_key(text: str, roster: tuple[RosterUnit, ...]) -> RosterUnit | None:
    """How the file name was read before the index: every unit's key looked for in the name."""
    found = {}
    for unit in roster:
        key = unit_key(unit.name, PREFIXES)
        if key and key in text:
            found[key] = unit
    best = [u for k, u in found.items() if not any(k != other and k in other for other in found)]
    return best[0] if len(best) == 1 else None


@settings(max_examples=500, deadline=None, derandomize=True)
@given(cases(), st.sampled_from(("", "-附件1", "-附件2(修改)", "送温暖统计表", "与沙湾区合并")))
def test_the_unit_named_in_a_file_name_is_the_one_found_by_every_key(case, tail):
    roster, typed = case
    index = RosterIndex(roster, PREFIXES)
    for stem in typed:
        text = re.sub(r"[\s()]+", "", unicodedata.normalize("NFKC", stem + tail))
        assert index.named_in(text) is file_name_unit_by_every_key(text, roster), text
