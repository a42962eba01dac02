"""The linkage model: Fellegi-Sunter with Splink, one settings object that runs on DuckDB (in-process, the
default) or Spark. Frames in, frames out; no ORM inside.

The comparisons and blocking rules are plain SQL that both engines run (``levenshtein``, ``substr``, ``=``),
so the trained model (``model``, Splink's JSON) scores on either. Parameters come without labels: u by
random sampling, m by expectation maximisation on a few blocks, the prior from deterministic rules; where
EM cannot estimate (a tiny county, a level never seen) the fixed m values of ``rules.toml`` stand, and the
run's notes say so.

``link`` returns one row per register record that has a candidate at or above the review threshold: its best
person, the probability, the evidence, and the decision (``auto`` or ``review``), after the twins rule.
"""

from __future__ import annotations

import atexit
import logging
import math
import shutil
import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl

from notoneless.matching.frames import COLUMNS, LATIN_NAME

RULES_PATH = Path(__file__).with_name("rules.toml")
Progress = Callable[[str], None]
RECORDS, PERSONS = "a_records", "b_persons"
LEVEL_NOT_OBSERVED = "level not observed in training dataset"
AUTO, REVIEW = "auto", "review"


@cache
def load_rules(path: Path = RULES_PATH) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _level(sql: str, label: str, **extra: Any) -> dict[str, Any]:
    return {"sql_condition": sql, "label_for_charts": label, **extra}


def _null(*cols: str) -> dict[str, Any]:
    sql = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)
    return _level(sql, "null", is_null_level=True)


def _exact(col: str, **extra: Any) -> dict[str, Any]:
    return _level(f"{col}_l = {col}_r", "exact", **extra)


def _lev(col: str, n: int) -> dict[str, Any]:
    return _level(f"levenshtein({col}_l, {col}_r) <= {n}", f"{n} edit{'s' if n > 1 else ''}")


ELSE = _level("ELSE", "other")

DAY_MONTH_SWAPPED = (
    "(substr(birth_l, 1, 4) = substr(birth_r, 1, 4) AND substr(birth_l, 5, 2) = substr(birth_r, 7, 2)"
    " AND substr(birth_l, 7, 2) = substr(birth_r, 5, 2))"
)


def comparisons() -> list[dict[str, Any]]:
    """The comparisons, levels in the order of ``rules.toml``'s ``[m]`` lists (null level first)."""
    tf = {"tf_adjustment_column": "name_norm", "tf_adjustment_weight": 1.0}
    return [
        _comparison(
            "name",
            [
                _null("name_norm"),
                _exact("name_norm", **tf),
                _level("pinyin_l = pinyin_r", "same pinyin"),
                _lev("name_norm", 1),
                _lev("name_norm", 2),
                ELSE,
            ],
        ),
        _comparison(
            "birth",
            [
                _null("birth"),
                _exact("birth"),
                _level(
                    f"levenshtein(birth_l, birth_r) <= 1 OR {DAY_MONTH_SWAPPED}",
                    "one digit or day-month swapped",
                ),
                _level("substr(birth_l, 1, 6) = substr(birth_r, 1, 6)", "same month"),
                ELSE,
            ],
        ),
        _comparison("sex", [_null("sex"), _exact("sex"), ELSE]),
        _comparison(
            "id_tail",
            [_null("id_tail"), _exact("id_tail"), _lev("id_tail", 1), _lev("id_tail", 2), ELSE],
        ),
        _comparison("id_region", [_null("id_region"), _exact("id_region"), ELSE]),
        _comparison(
            "place",
            [
                _level(
                    "(village_l IS NULL OR village_r IS NULL) AND (township_l IS NULL OR township_r IS NULL)",
                    "null",
                    is_null_level=True,
                ),
                _exact("village"),
                _exact("township"),
                ELSE,
            ],
        ),
        _comparison("guardian", [_null("guardian"), _exact("guardian"), _lev("guardian", 1), ELSE]),
        _comparison("head", [_null("head"), _exact("head"), ELSE]),
    ]


def _comparison(name: str, levels: list[dict[str, Any]]) -> dict[str, Any]:
    return {"output_column_name": name, "comparison_description": name, "comparison_levels": levels}


def settings(rules: dict[str, Any] | None = None) -> dict[str, Any]:
    """The engine-independent settings (untrained), with the fixed m values as a start."""
    rules = rules or load_rules()
    return {
        "link_type": "link_only",
        "unique_id_column_name": "unique_id",
        "comparisons": with_fixed_m(comparisons(), rules, only_missing=False),
        "blocking_rules_to_generate_predictions": list(rules["blocking"]["rules"]),
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "probability_two_random_records_match": 1e-5,
    }


def with_fixed_m(
    comps: list[dict[str, Any]], rules: dict[str, Any], *, only_missing: bool
) -> list[dict[str, Any]]:
    """Set the fixed m values of ``rules.toml`` on every non-null level (or only where missing)."""
    out = []
    for comp in comps:
        values = iter(rules["m"][comp["output_column_name"]])
        levels = []
        for level in comp["comparison_levels"]:
            level = dict(level)
            if not level.get("is_null_level"):
                m = next(values)
                if not only_missing or not _is_number(level.get("m_probability")):
                    level["m_probability"] = m
            levels.append(level)
        out.append({**comp, "comparison_levels": levels})
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and value > 0 and math.isfinite(value)


@dataclass
class Trained:
    model: dict[str, Any]
    notes: list[str] = field(default_factory=list)


def _quiet_splink() -> None:
    logging.getLogger("splink").setLevel(logging.ERROR)


def duckdb_api() -> Any:
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(":memory:", config={"threads": 2, "memory_limit": "3GB"})
    return DuckDBAPI(connection=con)


def spark_api(spark: Any = None, *, checkpoint_dir: str | Path | None = None) -> Any:
    """Splink on Spark, in ``spark`` (a session) or in the session ``getOrCreate`` finds or builds (with
    Splink's similarity JAR, shipped in its wheel, on the class path). Splink breaks the lineage of its
    intermediate tables by writing them to Parquet under the context's checkpoint directory: one is set
    (``checkpoint_dir``, or a temporary folder removed at exit) where the session has none. The model's SQL
    is plain (``levenshtein``, ``substr``), so the JAR's functions are not needed to score it."""
    from splink import SparkAPI

    if spark is None:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location

        builder = SparkSession.builder.appName("notoneless-matching")
        spark = builder.config("spark.jars", similarity_jar_location()).getOrCreate()
    context = spark.sparkContext
    if context.getCheckpointDir() is None:
        if checkpoint_dir is None:
            checkpoint_dir = tempfile.mkdtemp(prefix="notoneless-spark-")
            atexit.register(shutil.rmtree, checkpoint_dir, ignore_errors=True)
        context.setCheckpointDir(str(checkpoint_dir))
    return SparkAPI(spark_session=spark)


def _tables(
    records: pl.DataFrame, persons: pl.DataFrame, db_api: Any, purpose: str = "training"
) -> list[Any]:
    cols = [c for c in COLUMNS if c not in ("id_number", "id_valid")]
    left = db_api.register(
        records.select(cols).to_arrow(),
        dataset_display_name=RECORDS,
        table_name=f"{RECORDS}_{purpose}",
    )
    right = db_api.register(
        persons.select(cols).to_arrow(),
        dataset_display_name=PERSONS,
        table_name=f"{PERSONS}_{purpose}",
    )
    return [left, right]


def train(
    records: pl.DataFrame,
    persons: pl.DataFrame,
    *,
    db_api: Any,
    rules: dict[str, Any] | None = None,
    progress: Progress | None = None,
) -> Trained:
    """Estimate the model on these two sides."""
    from splink import Linker

    rules = rules or load_rules()
    training = rules["training"]
    _quiet_splink()
    tables = _tables(records, persons, db_api)
    linker = Linker(tables, settings(rules), log_level=None)
    notes: list[str] = []
    say = progress or (lambda _: None)
    say("estimating the prior")
    try:
        linker.training.estimate_probability_two_random_records_match(
            list(training["prior_rules"]), recall=training["prior_recall"]
        )
    except Exception as exc:  # a side with no rows that agree: keep the default prior
        notes.append(f"prior not estimated ({exc}); default kept")
    small = min(records.height, persons.height) < training["min_records_for_em"]
    if small:
        notes.append(
            f"too few records to estimate the model (< {training['min_records_for_em']} a side): "
            "the fixed m and u values of rules.toml are used / 记录太少，使用规则文件中的固定参数"
        )
    else:
        say("estimating u by random sampling")
        linker.training.estimate_u_using_random_sampling(
            max_pairs=training["u_max_pairs"], seed=training["seed"]
        )
        for block in training["em_blocks"]:
            say(f"EM on {block}")
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    block,
                    estimate_without_term_frequencies=True,
                    max_pairs=training["em_max_pairs"],
                )
            except Exception as exc:  # e.g. "m_probability ... below the minimum": keep fixed m
                notes.append(f"EM on {block} failed ({exc}); fixed m values kept")
    model = linker.misc.save_model_to_json()
    if small:
        model = {**model, "comparisons": _fixed(model["comparisons"], rules)}
    model, filled = _complete(model, rules)
    if filled and not small:
        notes.append("fixed m or u values used for: " + ", ".join(filled))
    return Trained(model=model, notes=notes)


def _fixed(comps: list[dict[str, Any]], rules: dict[str, Any]) -> list[dict[str, Any]]:
    """The fixed m and u values of ``rules.toml`` on every non-null level."""
    out = []
    for comp in comps:
        name = comp["output_column_name"]
        m, u = iter(rules["m"][name]), iter(rules["u"][name])
        levels = []
        for level in comp["comparison_levels"]:
            level = dict(level)
            if not level.get("is_null_level"):
                level["m_probability"], level["u_probability"] = next(m), next(u)
            levels.append(level)
        out.append({**comp, "comparison_levels": levels})
    return out


def _complete(model: dict[str, Any], rules: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fill m values EM left unset from ``rules.toml`` and unobserved u values with a small one; no m below
    the floor (EM on clean demo data would otherwise make one disagreement outweigh everything)."""
    filled: list[str] = []
    floor = rules["training"]["m_floor"]
    comps = []
    for comp in model["comparisons"]:
        values = iter(rules["m"][comp["output_column_name"]])
        levels = []
        for level in comp["comparison_levels"]:
            level = dict(level)
            if not level.get("is_null_level"):
                m = next(values)
                label = f"{comp['output_column_name']}/{level.get('label_for_charts', '')}"
                if not _is_number(level.get("m_probability")):
                    level["m_probability"] = m
                    filled.append(f"m {label}")
                level["m_probability"] = max(level["m_probability"], floor)
                if not _is_number(level.get("u_probability")):
                    level["u_probability"] = rules["training"]["u_unobserved"]
                    filled.append(f"u {label}")
            levels.append(level)
        comps.append({**comp, "comparison_levels": levels})
    scoring = {"retain_matching_columns": True, "retain_intermediate_calculation_columns": True}
    return {**model, **scoring, "comparisons": comps}, filled


def predict(linker: Any, threshold: float) -> pl.DataFrame:
    """Scored pairs at or above ``threshold``: ``record_uid``, ``person_uid``, probability, weight and the
    comparison levels (``gamma_<comparison>``)."""
    scored = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    frame = pl.from_arrow(scored.as_pyarrow_table())
    assert isinstance(frame, pl.DataFrame)
    scored.drop_table_from_database_and_remove_from_cache()
    parts = [c for c in frame.columns if c.startswith(("gamma_", "mw_"))]
    left_is_record = pl.col("unique_id_l").str.contains(":")
    return frame.select(
        pl.when(left_is_record).then("unique_id_l").otherwise("unique_id_r").alias("record_uid"),
        pl.when(left_is_record).then("unique_id_r").otherwise("unique_id_l").alias("person_uid"),
        "match_probability",
        "match_weight",
        *parts,
    )


@dataclass
class Linked:
    """One row per record with a candidate: ``decision`` is ``auto`` or ``review``; ``reason`` says why a
    pair that scored high still goes to review."""

    pairs: pl.DataFrame
    model: dict[str, Any]
    notes: list[str]
    scored_pairs: int


def link(
    records: pl.DataFrame,
    persons: pl.DataFrame,
    *,
    exclude: pl.DataFrame | None = None,
    rules: dict[str, Any] | None = None,
    db_api: Any = None,
    progress: Progress | None = None,
) -> Linked:
    """Train on all records (with ``linked`` ones, where the true links are: trained on the rest alone, EM
    would see almost no matches), score the unlinked ones, and decide. ``exclude`` (``record_uid``,
    ``person_uid``) holds pairs a clerk already decided: they are neither linked nor asked again."""
    from splink import Linker

    rules = rules or load_rules()
    say = progress or (lambda _: None)
    unlinked = records.filter(~pl.col("linked")) if "linked" in records.columns else records
    if unlinked.height == 0 or persons.height == 0:
        return Linked(_empty_pairs(), settings(rules), ["nothing to match"], 0)
    db_api = db_api or duckdb_api()
    trained = train(records, persons, db_api=db_api, rules=rules, progress=progress)
    say("scoring candidate pairs")
    linker = Linker(_tables(unlinked, persons, db_api, "scoring"), trained.model, log_level=None)
    scored = predict(linker, rules["thresholds"]["review"])
    say("deciding")
    pairs = decide(scored, records, persons, exclude=exclude, rules=rules, model=trained.model)
    return Linked(pairs, trained.model, trained.notes, scored.height)


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "record_uid": pl.String,
            "person_uid": pl.String,
            "match_probability": pl.Float64,
            "match_weight": pl.Float64,
            "evidence": pl.String,
            "decision": pl.String,
            "reason": pl.String,
        }
    )


def decide(
    scored: pl.DataFrame,
    records: pl.DataFrame,
    persons: pl.DataFrame,
    *,
    exclude: pl.DataFrame | None = None,
    rules: dict[str, Any] | None = None,
    model: dict[str, Any] | None = None,
) -> pl.DataFrame:
    """Best person per record, then the thresholds, the ambiguity margin and the twins rule."""
    rules = rules or load_rules()
    thresholds = rules["thresholds"]
    if exclude is not None and exclude.height:
        scored = scored.join(exclude, on=["record_uid", "person_uid"], how="anti")
    if scored.height == 0:
        return _empty_pairs()
    ranked = scored.sort(["record_uid", "match_weight"], descending=[False, True]).with_columns(
        pl.col("match_weight").shift(-1).over("record_uid").alias("_runner_up")
    )
    best = ranked.unique("record_uid", keep="first", maintain_order=True)
    best = _with_twin_flags(best, records, persons, rules)
    ambiguous = (pl.col("match_weight") - pl.col("_runner_up")).fill_null(math.inf) < thresholds[
        "ambiguity_margin"
    ]
    reason = (
        pl.when(pl.col("_twin_ids"))
        .then(pl.lit("twins: both IDs valid and differ by more than a typo"))
        .when(pl.col("_twin_names"))
        .then(pl.lit("twins? the given names have no character or reading in common"))
        .when(pl.col("_other_birth"))
        .then(pl.lit("birth dates differ by more than a typo: a sibling?"))
        .when(pl.col("_latin_name"))
        .then(pl.lit("name in Latin letters: only its pinyin could be compared"))
        .when(ambiguous)
        .then(pl.lit("another person scores almost as high"))
        .when(pl.col("match_probability") < thresholds["auto_link"])
        .then(pl.lit("probability below the automatic threshold"))
    )
    best = best.with_columns(reason.alias("reason"))
    twins = pl.col("_twin_ids") | pl.col("_twin_names") | pl.col("_other_birth")
    if rules["twins"]["action"] == "drop":
        best = best.filter(~twins)
    return best.select(
        "record_uid",
        "person_uid",
        "match_probability",
        "match_weight",
        evidence(model or settings(rules)).alias("evidence"),
        pl.when(pl.col("reason").is_null())
        .then(pl.lit(AUTO))
        .otherwise(pl.lit(REVIEW))
        .alias("decision"),
        "reason",
    )


def level_labels(model: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Comparison name → {gamma value → level label}; Splink numbers levels from the last (0) up, the
    null level is -1."""
    out = {}
    for comp in model["comparisons"]:
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        labels = {
            len(levels) - 1 - i: lv.get("label_for_charts", "") for i, lv in enumerate(levels)
        }
        out[comp["output_column_name"]] = {-1: "null", **labels}
    return out


def evidence(model: dict[str, Any]) -> pl.Expr:
    """JSON text: for each comparison, the level the pair fell in and its match weight (log2), e.g.
    ``{"name": {"level": "exact", "weight": 9.1}, ...}``."""
    fields = []
    for name, labels in level_labels(model).items():
        level = pl.col(f"gamma_{name}").replace_strict(labels, default="", return_dtype=pl.String)
        weight = pl.col(f"mw_{name}")
        if name == "name":
            weight = weight + pl.col("mw_tf_adj_name").fill_null(0.0)
        fields.append(pl.struct(level.alias("level"), weight.round(2).alias("weight")).alias(name))
    return pl.struct(fields).struct.json_encode()


def birth_agrees() -> pl.Expr:
    """Same date, a typo (one digit, two neighbours swapped), day and month swapped, or the same month
    (null when either is blank)."""
    a, b = pl.col("birth_l"), pl.col("birth_r")
    swapped = (a.str.slice(0, 4) == b.str.slice(0, 4)) & (
        a.str.slice(4, 2) + a.str.slice(6, 2) == b.str.slice(6, 2) + b.str.slice(4, 2)
    )
    return is_typo(a, b, 8) | swapped | (a.str.slice(0, 6) == b.str.slice(0, 6))


def _with_twin_flags(
    best: pl.DataFrame, records: pl.DataFrame, persons: pl.DataFrame, rules: dict[str, Any]
) -> pl.DataFrame:
    rules_birth_guard = pl.lit(bool(rules["twins"]["birth_must_agree"]))
    cols = [
        "id_number",
        "id_valid",
        "name_norm",
        "given",
        "given_pinyin",
        "birth",
        "guardian",
        "head",
    ]
    left = records.select(
        pl.col("unique_id").alias("record_uid"), *[pl.col(c).alias(f"{c}_l") for c in cols]
    )
    right = persons.select(
        pl.col("unique_id").alias("person_uid"), *[pl.col(c).alias(f"{c}_r") for c in cols]
    )
    joined = best.join(left, on="record_uid", how="left").join(right, on="person_uid", how="left")
    return joined.with_columns(
        (
            pl.col("id_valid_l")
            & pl.col("id_valid_r")
            & (pl.col("id_number_l") != pl.col("id_number_r"))
            & ~is_typo(pl.col("id_number_l"), pl.col("id_number_r"))
        )
        .fill_null(False)
        .alias("_twin_ids"),
        # A twin shares birth date, guardian and village; a register without a guardian column cannot
        # tell, so a given name with no character and no reading in common is never linked unseen.
        given_names_differ_entirely().fill_null(False).alias("_twin_names"),
        (~birth_agrees() & rules_birth_guard).fill_null(False).alias("_other_birth"),
        # pinyin finds a candidate but does not tell 张伟 from 章伟: a clerk looks at the characters
        pl.col("name_norm_l").str.contains(LATIN_NAME).fill_null(False).alias("_latin_name"),
    )


def is_typo(a: pl.Expr, b: pl.Expr, length: int = 18) -> pl.Expr:
    """One substituted character, or two neighbours swapped."""
    differs = [a.str.slice(i, 1) != b.str.slice(i, 1) for i in range(length)]
    count = pl.sum_horizontal(differs)
    swapped = pl.any_horizontal(
        [
            differs[i]
            & differs[i + 1]
            & (a.str.slice(i, 1) == b.str.slice(i + 1, 1))
            & (a.str.slice(i + 1, 1) == b.str.slice(i, 1))
            for i in range(length - 1)
        ]
    )
    return (count <= 1) | ((count == 2) & swapped)


def given_names_differ_entirely() -> pl.Expr:
    """No character and no reading of the given names in common (a homophone shares its reading)."""
    chars_l = pl.col("given_l").str.split("")
    chars_r = pl.col("given_r").str.split("")
    no_common = chars_l.list.set_intersection(chars_r).list.len() == 0
    return no_common & (pl.col("given_pinyin_l") != pl.col("given_pinyin_r"))
