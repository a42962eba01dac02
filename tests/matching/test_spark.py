"""The same model on Spark: trained on DuckDB, saved as the run saves it (JSON), scored again on a local
Spark (``local[1]``) from that JSON alone, with the same links and the same probabilities.

Needs the ``spark`` extra (``uv sync --all-extras``) and Java 17 on PATH. On a laptop without them the test
is skipped, saying which is missing; in CI (``CI=true``) it fails instead, so the Spark path cannot go
untested unnoticed.
"""

from __future__ import annotations

import copy
import json
import os
import random
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from matching.test_engine import _side
from notoneless.matching import engine

IN_CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}
TOLERANCE = 1e-6


def _spark_missing() -> str | None:
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"pyspark is not installed ({exc}); install the extra: uv sync --extra spark"
    if shutil.which("java") is None:
        return "java is not on PATH; Spark needs Java 17 or later"
    return None


@pytest.fixture(scope="module")
def spark(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A small local Spark: one core, no UI, one shuffle partition, its folders under a temp dir."""
    missing = _spark_missing()
    if missing:
        if IN_CI:
            pytest.fail(f"CI=true and the Spark test cannot run: {missing}")
        pytest.skip(missing)
    from pyspark.sql import SparkSession

    root = tmp_path_factory.mktemp("spark")
    session = (
        SparkSession.builder.master("local[1]")
        .appName("notoneless-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.driver.memory", "1g")
        .config("spark.sql.warehouse.dir", str(root / "warehouse"))
        .config("spark.local.dir", str(root / "local"))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()


def _county() -> tuple[pl.DataFrame, pl.DataFrame]:
    """300 students and 100 register records: exact copies, the usual noise, and strangers."""
    rng = random.Random(2024)
    persons = _side(300, "", rng)
    copies = persons.head(60).with_columns(("hukou:" + pl.col("unique_id")).alias("unique_id"))

    def rows(lo: int, hi: int) -> pl.Expr:
        index = pl.int_range(pl.len())
        return (index >= lo) & (index < hi)

    noisy = copies.with_columns(
        # a homophone: another surname character, the same pinyin
        pl.when(rows(10, 20))
        .then(pl.col("name_norm").str.replace(r"^.", "章"))
        .otherwise(pl.col("name_norm"))
        .alias("name_norm"),
        # one typed digit in the ID's serial
        pl.when(rows(20, 30))
        .then(pl.col("id_tail").str.slice(0, 3) + pl.lit("X"))
        .otherwise(pl.col("id_tail"))
        .alias("id_tail"),
        # day and month swapped
        pl.when(rows(30, 40))
        .then(
            pl.col("birth").str.slice(0, 4)
            + pl.col("birth").str.slice(6, 2)
            + pl.col("birth").str.slice(4, 2)
        )
        .otherwise(pl.col("birth"))
        .alias("birth"),
        # another guardian and another village
        pl.when(rows(50, 60)).then(pl.lit("赵军")).otherwise(pl.col("guardian")).alias("guardian"),
        pl.when(rows(50, 60)).then(pl.lit(99)).otherwise(pl.col("village")).alias("village"),
    ).with_columns(
        # no ID at all
        pl.when(rows(40, 50)).then(None).otherwise(pl.col(c)).alias(c)
        for c in ("id_region", "id_tail")
    )
    # a twin of five of them: same household, birth and village, another given name and a valid ID of
    # their own (the twins rule sends these to a clerk)
    twins = persons.slice(100, 5).with_columns(
        ("hukou:t" + pl.col("unique_id")).alias("unique_id"),
        (pl.col("surname") + "双喜").alias("name_norm"),
        (pl.col("surname") + "双喜").alias("pinyin"),
        pl.lit("双喜").alias("given"),
        pl.lit("双喜").alias("given_pinyin"),
        pl.col("id_number").str.slice(0, 14) + "9999",
        pl.lit("9999").alias("id_tail"),
    )
    strangers = _side(40, "hukou:x", rng)
    records = pl.concat([noisy, twins, strangers]).with_columns(pl.lit(False).alias("linked"))
    return records, persons


def _score(records: pl.DataFrame, persons: pl.DataFrame, model_json: str, api: Any) -> pl.DataFrame:
    """Every blocked pair scored from the saved JSON alone (no training), as ``link`` scores after
    training (there with the review threshold)."""
    from splink import Linker

    model = json.loads(model_json)
    linker = Linker(engine._tables(records, persons, api, "scoring"), model, log_level=None)
    return engine.predict(linker, 0.0).sort(["record_uid", "person_uid"])


def test_a_model_trained_on_duckdb_scores_the_same_links_on_spark(spark, tmp_path: Path):
    records, persons = _county()
    rules = copy.deepcopy(engine.load_rules())
    # estimate the parameters (u by sampling, m by EM) rather than take rules.toml's fixed ones
    rules["training"]["min_records_for_em"] = 0
    trained = engine.train(records, persons, db_api=engine.duckdb_api(), rules=rules)
    model_json = json.dumps(trained.model)  # what MatchRun.model keeps

    on_duckdb = _score(records, persons, model_json, engine.duckdb_api())
    started = time.monotonic()
    on_spark = _score(
        records, persons, model_json, engine.spark_api(spark, checkpoint_dir=tmp_path / "ck")
    )
    print(f"scored {on_spark.height} pairs on Spark in {time.monotonic() - started:.1f} s")

    def links(frame: pl.DataFrame) -> set[tuple[str, str]]:
        above = frame.filter(pl.col("match_probability") >= rules["thresholds"]["review"])
        return set(above.select("record_uid", "person_uid").iter_rows())

    assert len(links(on_duckdb)) >= 60  # the copies, and the twins as candidates
    assert links(on_spark) == links(on_duckdb)
    # every blocked pair, far below the threshold too, has the same levels and probability
    assert on_duckdb.height > 2 * len(links(on_duckdb))
    both = on_duckdb.join(on_spark, on=["record_uid", "person_uid"], suffix="_spark")
    assert both.height == on_duckdb.height == on_spark.height
    for column in ("match_probability", "match_weight"):
        gap = (both[column] - both[f"{column}_spark"]).abs().max()
        assert isinstance(gap, float) and gap <= TOLERANCE, (column, gap)
    gammas = [c for c in on_duckdb.columns if c.startswith("gamma_")]
    assert both.select(gammas).equals(
        both.select([f"{c}_spark" for c in gammas]).rename({f"{c}_spark": c for c in gammas})
    )

    # and the decisions made from them (thresholds, margin, twins rule) are the same
    decided = [
        engine.decide(
            scored.filter(pl.col("match_probability") >= rules["thresholds"]["review"]),
            records,
            persons,
            rules=rules,
            model=trained.model,
        ).sort("record_uid")
        for scored in (on_duckdb, on_spark)
    ]
    assert set(decided[0]["decision"]) == {engine.AUTO, engine.REVIEW}
    assert (
        decided[0]
        .select("record_uid", "person_uid", "decision", "reason")
        .equals(decided[1].select("record_uid", "person_uid", "decision", "reason"))
    )
