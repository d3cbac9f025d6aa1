"""What the templates' reading cells assume of the engine's reading (core.excel_reading, values.clean)."""

from __future__ import annotations

import unicodedata

from wennuan_xl.core import excel_formulas as xf
from wennuan_xl.core.excel_reading import NORMALISE, ReadingCells, reading_formulas
from wennuan_xl.core.forms import Campaign
from wennuan_xl.core.values import Status, clean


def test_each_character_the_template_normalises_is_what_nfkc_makes_of_it() -> None:
    for wide, narrow in NORMALISE:
        assert unicodedata.normalize("NFKC", wide) == narrow, wide


def test_the_statuses_are_the_engines(campaign: Campaign) -> None:
    f = campaign.field("A1.01A")
    cases = {"": (Status.BLANK, xf.BLANK), "30人": (Status.OK, xf.READ), "—": (Status.PLACEHOLDER, xf.PLACEHOLDER),
             "约30": (Status.NOT_NUMBER, xf.NOT_NUMBER), "2000万": (Status.WRONG_UNIT, xf.WRONG_UNIT)}
    for typed, (status, _code) in cases.items():
        assert clean(typed, f, campaign.placeholders, tuple(campaign.units)).status is status, typed
    assert clean("对", campaign.field("A2.06B"), campaign.placeholders).status is Status.NOT_YESNO
    assert xf.UNUSABLE == xf.NOT_NUMBER < xf.WRONG_UNIT < xf.NOT_YESNO  # 3 and above: the engine cannot use it
    assert xf.BLANK < xf.READ < xf.PLACEHOLDER < xf.UNUSABLE


def test_every_field_gets_every_reading_formula_and_each_fits_excel(campaign: Campaign) -> None:
    cells = ReadingCells(*(f"${chr(ord('L') + i)}$9" for i in range(10)))
    for f in campaign.fields():
        formulas = reading_formulas(f, f.name, f.name + "_NOTE", cells, campaign)
        wanted = {"norm", "status", "value", "note"} if f.kind.value == "yesno" else set(ReadingCells.__dataclass_fields__)
        assert set(formulas) == wanted, f.code
        assert all(len(text) < xf.MAX_FORMULA for text in formulas.values()), f.code
