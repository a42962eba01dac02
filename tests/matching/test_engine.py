"""The linkage model without the database: the typo rule, and a complete model whatever EM manages."""

from __future__ import annotations

import copy
import random

import polars as pl
import pytest

from notoneless.matching import engine
from notoneless.matching.frames import COLUMNS


def typo(a: str, b: str) -> bool:
    frame = pl.DataFrame({"a": [a], "b": [b]})
    return frame.select(engine.is_typo(pl.col("a"), pl.col("b")))[0, 0]


def test_one_substitution_or_one_swap_of_neighbours_is_a_typo():
    base = "610802201203050113"
    assert typo(base, "610802201203050123")
    assert typo(base, "610802201203051013")
    assert not typo(base, "610802201203050135")  # serial and check differ: a twin's ID
    assert not typo(base, "610802201203051310")


def _side(n: int, prefix: str, rng: random.Random) -> pl.DataFrame:
    surnames, given = "王李张刘陈杨赵黄周吴", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
    rows = []
    for i in range(n):
        name = rng.choice(surnames) + rng.choice(given) + rng.choice(given)
        birth = f"20{rng.randint(5, 14):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        tail = f"{rng.randint(0, 9999):04d}"
        rows.append(
            {
                "unique_id": f"{prefix}{i}",
                "name_norm": name,
                "surname": name[0],
                "given": name[1:],
                "pinyin": name,
                "given_pinyin": name[1:],
                "birth": birth,
                "birth_year": birth[:4],
                "sex": rng.choice("MF"),
                "id_number": "610802" + birth + tail,
                "id_valid": True,
                "id_region": "610802",
                "id_tail": tail,
                "village": rng.randint(1, 20),
                "township": rng.randint(1, 3),
                "guardian": rng.choice(surnames) + rng.choice(given),
                "head": None,
            }
        )
    return pl.DataFrame(rows, schema_overrides={"head": pl.String}).select(COLUMNS)


def test_a_model_trained_on_a_tiny_county_has_every_parameter_even_when_em_fails():
    rng = random.Random(7)
    persons = _side(300, "", rng)
    records = pl.concat(
        [
            persons.head(60).with_columns(("households:" + pl.col("unique_id")).alias("unique_id")),
            _side(40, "households:x", rng),
        ]
    ).with_columns(pl.lit(False).alias("linked"))
    rules = copy.deepcopy(engine.load_rules())
    rules["training"]["min_records_for_em"] = 0  # force EM on a few hundred records

    linked = engine.link(records, persons, rules=rules)

    for comp in linked.model["comparisons"]:
        for level in comp["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["m_probability"] >= rules["training"]["m_floor"]
                assert level["u_probability"] > 0
    auto = linked.pairs.filter(pl.col("decision") == engine.AUTO)
    assert (auto["record_uid"] == "households:" + auto["person_uid"]).all()
    assert auto.height >= 55


@pytest.mark.parametrize("kind", ["exact", "homophone"])
def test_the_saved_model_scores_again_with_the_same_outcome(kind):
    rng = random.Random(11)
    persons = _side(50, "", rng)
    records = persons.head(5).with_columns(
        ("hukou:" + pl.col("unique_id")).alias("unique_id"), pl.lit(False).alias("linked")
    )
    if kind == "homophone":
        records = records.with_columns(pl.col("name_norm").str.replace(r"^.", "章"))

    first = engine.link(records, persons)
    # the model JSON alone (as kept on the run) scores the same pairs
    from splink import Linker

    api = engine.duckdb_api()
    again = engine.predict(
        Linker(engine._tables(records, persons, api), first.model, log_level=None),
        engine.load_rules()["thresholds"]["review"],
    )
    assert set(again["record_uid"]) == set(first.pairs["record_uid"])
