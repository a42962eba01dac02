"""Benchmark: accuracy of unsupervised Splink (DuckDB) on the FEBRL data sets.

    uv run python benchmarks/febrl.py [--data ../shared/data/febrl] [--threshold 0.9]

Dedupes FEBRL 1, 2 and 3 and links 4a with 4b, read from the local CSV copies (nothing is
downloaded). Training uses no labels: u by random sampling (fixed seed), m by EM on two blocks,
the prior from deterministic rules with an assumed recall. The true entity (the number in
``rec-123-org`` / ``rec-123-dup-0``) is used only to score: blocking recall, then precision,
recall and F1 of the pairs at match probability >= the threshold, the same for every set.
"""

from __future__ import annotations

import argparse
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import splink
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "febrl"
SEED = 42
TASKS = {
    "FEBRL 1": ["dataset1"],
    "FEBRL 2": ["dataset2"],
    "FEBRL 3": ["dataset3"],
    "FEBRL 4": ["dataset4a", "dataset4b"],
}


@dataclass
class Result:
    name: str
    records: int
    true_pairs: int
    candidates: int
    blocking_recall: float
    precision: float
    recall: float
    f1: float
    seconds: float


def read(path: Path) -> pl.DataFrame:
    """Read one CSV as strings, trimmed, blanks as null; unique_id is rec_id."""
    df = pl.read_csv(path, infer_schema_length=0)
    df = df.rename({c: c.strip() for c in df.columns})
    df = df.select(pl.all().str.strip_chars().replace("", None))
    entity = pl.col("rec_id").str.extract(r"^rec-(\d+)-").cast(pl.Int64).alias("entity")
    return df.with_columns(entity).rename({"rec_id": "unique_id"})


def comparisons() -> list:
    """Comparisons suited to FEBRL's fields; term frequencies on names, suburb and state."""
    names = [
        cl.JaroWinklerAtThresholds(c, [0.92, 0.8]).configure(term_frequency_adjustments=True)
        for c in ("given_name", "surname")
    ]
    return [
        *names,
        cl.DateOfBirthComparison(
            "date_of_birth",
            input_is_string=True,
            datetime_format="%Y%m%d",
            invalid_dates_as_null=False,
            datetime_thresholds=[10],
            datetime_metrics=["year"],
        ),
        cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1]),
        cl.DamerauLevenshteinAtThresholds("street_number", [1]),
        cl.JaroWinklerAtThresholds("address_1", [0.9]),
        cl.JaroWinklerAtThresholds("address_2", [0.9]),
        cl.JaroWinklerAtThresholds("suburb", [0.9]).configure(term_frequency_adjustments=True),
        cl.DamerauLevenshteinAtThresholds("postcode", [1]),
        cl.ExactMatch("state").configure(term_frequency_adjustments=True),
    ]


BLOCKING = [
    block_on("given_name"),
    block_on("surname"),
    block_on("date_of_birth"),
    block_on("soc_sec_id"),
    block_on("postcode"),
    block_on("suburb"),
    block_on("address_1"),
    "l.given_name = r.surname",  # the two names swapped
    "l.surname = r.given_name",
]


def train(linker: Linker) -> None:
    """Unsupervised: prior from strict rules, u by random sampling, m by EM on two blocks."""
    strict = [
        block_on("given_name", "surname", "date_of_birth"),
        block_on("soc_sec_id", "date_of_birth"),
    ]
    linker.training.estimate_probability_two_random_records_match(strict, recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=5e6, seed=SEED)
    for rule in (block_on("date_of_birth"), block_on("given_name", "surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)


def ordered(df: pl.DataFrame, left: str, right: str) -> pl.DataFrame:
    """Pairs as (l, r) with l < r, so truth and predictions compare whatever the side."""
    lo, hi = pl.min_horizontal(left, right), pl.max_horizontal(left, right)
    return df.with_columns(l=lo, r=hi).drop(left, right)


def truth_pairs(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """True pairs: records sharing an entity (across the two files when linking)."""
    tagged = [f.select("unique_id", "entity", src=pl.lit(i)) for i, f in enumerate(frames)]
    both = pl.concat(tagged)
    pairs = both.join(both, on="entity", suffix="_r")
    cross = pl.col("src") < pl.col("src_r")
    within = (pl.col("src") == pl.col("src_r")) & (pl.col("unique_id") < pl.col("unique_id_r"))
    pairs = pairs.filter(cross if len(frames) > 1 else within)
    return ordered(pairs.select("unique_id", "unique_id_r"), "unique_id", "unique_id_r")


def scored_pairs(linker: Linker) -> pl.DataFrame:
    """All blocked (candidate) pairs with their match probability."""
    rel = linker.inference.predict().as_duckdbpyrelation()
    df = pl.from_arrow(rel.select("unique_id_l", "unique_id_r", "match_probability").arrow())
    return ordered(df, "unique_id_l", "unique_id_r")


def run(name: str, files: list[str], data: Path, threshold: float) -> Result:
    """Train, predict and score one task; the wall time covers everything but reading the CSVs."""
    frames = [read(data / f"{f}.csv") for f in files]
    start = time.perf_counter()
    db = DuckDBAPI()
    tables = [
        db.register(f.drop("entity").to_arrow(), dataset_display_name=n)
        for f, n in zip(frames, files, strict=True)
    ]
    link_type = "link_only" if len(files) > 1 else "dedupe_only"
    settings = SettingsCreator(
        link_type=link_type,
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=BLOCKING,
        retain_matching_columns=False,
    )
    linker = Linker(tables, settings, log_level=logging.WARNING)
    train(linker)
    scored = scored_pairs(linker)
    seconds = time.perf_counter() - start
    records = sum(f.height for f in frames)
    result = score(name, records, truth_pairs(frames), scored, threshold)
    result.seconds = seconds
    return result


def score(
    name: str, records: int, truth: pl.DataFrame, scored: pl.DataFrame, threshold: float
) -> Result:
    """Blocking recall over all candidates; precision, recall and F1 at the threshold."""
    found = truth.join(scored, on=["l", "r"], how="inner")
    predicted = scored.filter(pl.col("match_probability") >= threshold).height
    tp = found.filter(pl.col("match_probability") >= threshold).height
    precision = tp / predicted if predicted else 0.0
    recall = tp / truth.height
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    blocking_recall = found.height / truth.height
    return Result(
        name, records, truth.height, scored.height, blocking_recall, precision, recall, f1, 0.0
    )


HEADER = "| data set | records | true pairs | candidate pairs | blocking recall | precision | recall | F1 | wall s |"


def row(r: Result) -> str:
    cells = [r.name, f"{r.records:,}", f"{r.true_pairs:,}", f"{r.candidates:,}"]
    cells += [f"{r.blocking_recall:.4f}", f"{r.precision:.4f}", f"{r.recall:.4f}", f"{r.f1:.4f}"]
    return "| " + " | ".join(cells) + f" | {r.seconds:.1f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--threshold", type=float, default=0.9)
    args = parser.parse_args()
    print(f"Splink {splink.__version__}, DuckDB {duckdb.__version__}, threshold {args.threshold}")
    results = []
    for name, files in TASKS.items():
        r = run(name, files, args.data, args.threshold)
        print(
            f"{name}: {r.records:,} records, {r.true_pairs:,} true pairs, {r.candidates:,} candidates,"
            f" blocking recall {r.blocking_recall:.4f}; P {r.precision:.4f} R {r.recall:.4f}"
            f" F1 {r.f1:.4f} in {r.seconds:.1f} s",
            flush=True,
        )
        results.append(r)
    print()
    print(HEADER)
    print("|---|" + "---:|" * 8)
    for r in results:
        print(row(r))


if __name__ == "__main__":
    main()
