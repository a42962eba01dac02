"""Early warning, evaluated honestly: the risk rules (``retention/rules/risk.toml``) against baselines and a
learned model, on generated multi-term data with a temporal split.

    uv run python benchmarks/early_warning.py [--seed 1] [--seeds 3] [--townships 20] [--per-township 1500]

No database: the script builds the features frame of each term itself and runs the production code on it
(``notoneless.retention.risk.score`` and ``rank``), so what is measured is what the page shows.

The generated county (numpy; every coefficient is below, in ``Hazard``):
- townships of ``--per-township`` compulsory students (grades 1-9) in five schools each, seven terms
  (2017 autumn to 2020 autumn); each autumn everyone moves up a grade unless held back, grade 9 leaves by
  graduating, a new grade-1 cohort enters;
- per student: fixed special-group and hardship flags (correlated: registered-poor families are more
  often on 低保, have more left-behind children), late school entry, boarding and distance from home; an
  unobserved motivation/family factor; a school effect; a per-term engagement that drifts (AR(1));
- every school day simulated: absence as a two-state chain (absences cluster), each absence excused or
  unexcused, from which the term's attendance rate and longest unexcused run are measured exactly as
  ``retention.bulk`` measures them;
- the dropout hazard of the next term is a logistic function of the *continuous* absence share, the run
  length, junior-secondary grade, over-age (worse in junior secondary), the groups and hardship (their own
  sizes, not the rule weights, some near zero), an interaction of poverty with distance, the unobserved
  factor and the school effect; plus families that leave the county without a word (nothing predicts
  them). The rules never see the unobserved parts, and neither does the model.

Temporal split: features at the end of each term, outcome = dropout during the next term. Terms 1-5 give
the training pairs (the learned model and the fitted weights; the regularisation is chosen on pair 5
after fitting on 1-4); the last pair (features at the end of the sixth term, outcome in the seventh) is
evaluated, never seen before.

Measured at k = ``follow_up_per_township`` of the rules file (the follow-up capacity: students a
township's officers and teachers can visit and follow in a month), per township, pooled over the county:
precision (dropouts among the k flagged) and recall (flagged among the township's dropouts), for
- random choice (its expected precision is the dropout rate),
- attendance alone (lowest attendance first),
- the rules as shipped,
- the rules with weights fitted on the training terms (logistic regression on the rules' own factor
  tests, rounded to whole points: still rules as data),
- a learned model: L2 logistic regression on the raw features (continuous attendance, run length,
  over-age, grade, every flag).
The learned model is kept only if it beats the shipped rules at the same k with a township-bootstrap 95%
interval of the difference above zero.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("NOTONELESS_DATA_DIR", tempfile.mkdtemp(prefix="notoneless-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notoneless.settings")

import django

django.setup()

from notoneless.retention import risk  # noqa: E402

TERMS = 7
DAYS = 90  # school days in a term
SCHOOLS_PER_TOWNSHIP = 5


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class Hazard:
    """The next term's dropout log-odds. Deliberately not the rules: continuous where the rules cut, with
    an interaction, a grade effect the rules lack, and unobserved causes."""

    intercept: float = -7.6
    absence_share: float = 8.0  # times the share of school days absent (0.10 -> +0.8)
    log_run: float = 0.55  # times log(1 + longest unexcused run)
    junior: float = 1.1  # grades 7-9
    over_age: float = 0.25  # per year over age
    over_age_junior: float = (
        0.5  # extra when over age >= 2 in junior secondary (old enough to work)
    )
    repeated: float = 0.45
    changed_school: float = 0.6
    registered_poor: float = 0.5
    dibao: float = 0.25
    tekun: float = 0.4
    orphan: float = 0.5
    left_behind: float = 0.1
    single_parent: float = 0.3
    disabled: float = 0.8
    in_distress: float = 0.5
    boarding: float = -0.05  # boarding subsidies: no risk of its own here
    far_from_home: float = 0.25
    poor_and_far: float = 0.5
    unobserved: float = 0.9  # times a standard normal per student
    school_sd: float = 0.35
    vanish: float = 0.0008  # per term: the family leaves without a word; nothing predicts it


@dataclass
class Students:
    township: np.ndarray
    school: np.ndarray
    grade: np.ndarray
    flags: dict[str, np.ndarray]
    poverty: np.ndarray  # bool: registered
    delay: np.ndarray  # years of late entry
    repeats: np.ndarray
    repeated_last: np.ndarray
    changed: np.ndarray
    u: np.ndarray
    engagement: np.ndarray
    student_id: np.ndarray


def new_students(
    rng: np.random.Generator, n: int, township: np.ndarray, grade: np.ndarray, first_id: int
) -> Students:
    rural = (township % 3 != 0).astype(float)  # two townships in three are rural
    poverty = rng.random(n) < 0.05 + 0.07 * rural
    flags = {
        "dibao": rng.random(n) < np.where(poverty, 0.35, 0.025),
        "tekun": rng.random(n) < np.where(poverty, 0.04, 0.004),
        "orphan": rng.random(n) < 0.01,
        "left_behind": rng.random(n) < np.where(poverty, 0.35, 0.18) * (0.6 + 0.6 * rural),
        "single_parent": rng.random(n) < 0.07,
        "disabled": rng.random(n) < np.where(poverty, 0.04, 0.012),
        "in_distress": rng.random(n) < 0.012,
        "far_from_home": rng.random(n) < 0.08 + 0.1 * rural,
    }
    delay = rng.choice([0, 1, 2, 3], size=n, p=[0.86, 0.10, 0.03, 0.01]) + (
        (poverty | flags["disabled"]) & (rng.random(n) < 0.2)
    )
    return Students(
        township=township,
        school=township * SCHOOLS_PER_TOWNSHIP + rng.integers(0, SCHOOLS_PER_TOWNSHIP, n),
        grade=grade,
        flags=flags,
        poverty=poverty,
        delay=delay.astype(int),
        repeats=np.zeros(n, int),
        repeated_last=rng.random(n) < 0.03,
        changed=np.zeros(n, bool),
        u=rng.standard_normal(n),
        engagement=rng.standard_normal(n),
        student_id=np.arange(first_id, first_id + n),
    )


def take(s: Students, keep: np.ndarray) -> Students:
    return Students(
        township=s.township[keep],
        school=s.school[keep],
        grade=s.grade[keep],
        flags={k: v[keep] for k, v in s.flags.items()},
        poverty=s.poverty[keep],
        delay=s.delay[keep],
        repeats=s.repeats[keep],
        repeated_last=s.repeated_last[keep],
        changed=s.changed[keep],
        u=s.u[keep],
        engagement=s.engagement[keep],
        student_id=s.student_id[keep],
    )


def join(a: Students, b: Students) -> Students:
    return Students(
        township=np.concatenate([a.township, b.township]),
        school=np.concatenate([a.school, b.school]),
        grade=np.concatenate([a.grade, b.grade]),
        flags={k: np.concatenate([a.flags[k], b.flags[k]]) for k in a.flags},
        poverty=np.concatenate([a.poverty, b.poverty]),
        delay=np.concatenate([a.delay, b.delay]),
        repeats=np.concatenate([a.repeats, b.repeats]),
        repeated_last=np.concatenate([a.repeated_last, b.repeated_last]),
        changed=np.concatenate([a.changed, b.changed]),
        u=np.concatenate([a.u, b.u]),
        engagement=np.concatenate([a.engagement, b.engagement]),
        student_id=np.concatenate([a.student_id, b.student_id]),
    )


def attend(
    rng: np.random.Generator, s: Students, school_effect: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A term of school days: (share of days absent, longest run of unexcused days)."""
    n = s.grade.size
    f = s.flags
    lean = (
        -4.4
        + 0.55 * s.engagement
        + 0.45 * s.u
        + 0.35 * s.poverty
        + 0.25 * f["left_behind"]
        + 0.6 * f["disabled"]
        + 0.2 * f["far_from_home"]
        + 0.3 * (s.grade >= 7)
        + school_effect[s.school]
    )
    start = sigmoid(lean)  # absent today after a day present
    stay = sigmoid(-0.9 + 0.8 * s.u + 0.6 * s.engagement)  # absent again after a day absent
    unexcused = sigmoid(-1.0 + 0.9 * s.u + 0.5 * s.engagement + 0.4 * s.poverty)
    absent = np.zeros(n, bool)
    days_absent = np.zeros(n, int)
    run = np.zeros(n, int)
    longest = np.zeros(n, int)
    for _ in range(DAYS):
        p = np.where(absent, stay, start)
        absent = rng.random(n) < p
        skipped = absent & (rng.random(n) < unexcused)
        days_absent += absent
        run = np.where(skipped, run + 1, 0)
        longest = np.maximum(longest, run)
    return days_absent / DAYS, longest


def frame_of(s: Students, share: np.ndarray, longest: np.ndarray) -> pl.DataFrame:
    """The features frame production builds (``risk.FEATURE_SCHEMA``)."""
    stage = np.where(s.grade >= 7, "junior", "primary")
    data = {
        "student_id": s.student_id,
        "person_id": s.student_id,
        "school_id": s.school,
        "township_id": s.township,
        "stage": stage,
        "grade": s.grade,
        "attendance_rate": 1 - share,
        "unexcused_days": np.zeros(s.grade.size),
        "longest_run": longest.astype(float),
        "repeated_grade": s.repeated_last,
        "years_over_age": (s.delay + s.repeats).astype(float),
        "changed_school": s.changed,
        "orphan": s.flags["orphan"],
        "left_behind": s.flags["left_behind"],
        "single_parent": s.flags["single_parent"],
        "disabled": s.flags["disabled"],
        "in_distress": s.flags["in_distress"],
        "poverty_status": np.where(s.poverty, "registered", "none"),
        "dibao": s.flags["dibao"],
        "tekun": s.flags["tekun"],
        "boarding": (s.grade >= 7) & (s.flags["far_from_home"] | (s.township % 3 != 0)),
        "far_from_home": s.flags["far_from_home"],
    }
    return pl.DataFrame(data).cast(risk.FEATURE_SCHEMA)  # type: ignore[arg-type]


def hazard(h: Hazard, frame: pl.DataFrame, s: Students, school_effect: np.ndarray) -> np.ndarray:
    share = 1 - frame["attendance_rate"].to_numpy()
    over = frame["years_over_age"].to_numpy()
    junior = s.grade >= 7
    far = s.flags["far_from_home"]
    boarding = frame["boarding"].to_numpy()
    logit = (
        h.intercept
        + h.absence_share * share
        + h.log_run * np.log1p(frame["longest_run"].to_numpy())
        + h.junior * junior
        + h.over_age * over
        + h.over_age_junior * (junior & (over >= 2))
        + h.repeated * s.repeated_last
        + h.changed_school * s.changed
        + h.registered_poor * s.poverty
        + sum(
            getattr(h, k) * s.flags[k]
            for k in (
                "dibao",
                "tekun",
                "orphan",
                "left_behind",
                "single_parent",
                "disabled",
                "in_distress",
            )
        )
        + h.boarding * boarding
        + h.far_from_home * far
        + h.poor_and_far * (s.poverty & far)
        + h.unobserved * s.u
        + school_effect[s.school]
    )
    return 1 - (1 - sigmoid(logit)) * (1 - h.vanish)


def simulate(
    seed: int, townships: int, per_township: int, h: Hazard
) -> list[tuple[pl.DataFrame, np.ndarray]]:
    """(features at the end of term t, dropped out during term t+1) for t = 1 .. TERMS-1."""
    rng = np.random.default_rng(seed)
    school_effect = rng.normal(0, h.school_sd, townships * SCHOOLS_PER_TOWNSHIP)
    n = townships * per_township
    s = new_students(rng, n, rng.integers(0, townships, n), rng.integers(1, 10, n), 0)
    next_id = n
    pairs = []
    previous: tuple[pl.DataFrame, Students] | None = None
    for term in range(TERMS):
        autumn = term % 2 == 0
        if (
            autumn and term > 0
        ):  # a new school year: move up or be held back, grade 9 leaves, grade 1 enters
            share_last = (
                1 - previous[0]["attendance_rate"].to_numpy()
                if previous
                else np.zeros(s.grade.size)
            )
            held = rng.random(s.grade.size) < sigmoid(
                -5.2 + 9 * share_last - 0.5 * s.u + 0.5 * s.flags["disabled"]
            )
            held &= s.grade < 9
            s.repeated_last = held
            s.repeats = s.repeats + held
            s.grade = np.where(held, s.grade, s.grade + 1)
            s = take(s, s.grade <= 9)
            cohort = n // 9
            s = join(
                s,
                new_students(
                    rng, cohort, rng.integers(0, townships, cohort), np.ones(cohort, int), next_id
                ),
            )
            next_id += cohort
        elif not autumn:
            s.repeated_last = s.repeated_last & (
                rng.random(s.grade.size) < 1
            )  # still this school year
        s.engagement = 0.7 * s.engagement + 0.71 * rng.standard_normal(s.grade.size)
        if (
            previous is not None
        ):  # who left during this term: the outcome of the previous term's features
            frame, before = previous
            p = hazard(h, frame, before, school_effect)
            dropped = rng.random(p.size) < p
            pairs.append((frame, dropped))
            gone = set(before.student_id[dropped].tolist())
            s = take(s, ~np.isin(s.student_id, list(gone)))
        moved = rng.random(s.grade.size) < 0.015 + 0.03 * s.flags["left_behind"]
        s.changed = moved
        other = (
            s.school + rng.integers(1, SCHOOLS_PER_TOWNSHIP, s.grade.size)
        ) % SCHOOLS_PER_TOWNSHIP
        s.school = np.where(moved, s.township * SCHOOLS_PER_TOWNSHIP + other, s.school)
        share, longest = attend(rng, s, school_effect)
        previous = (frame_of(s, share, longest), take(s, np.ones(s.grade.size, bool)))
    return pairs


# --- rankers -----------------------------------------------------------------------------------------


def top_k(frame: pl.DataFrame, value: np.ndarray, k: int) -> np.ndarray:
    """The first k per township by ``value`` (highest first; ties by student id)."""
    ordered = (
        frame.select("student_id", "township_id")
        .with_columns(pl.Series("v", value), pl.int_range(frame.height).alias("i"))
        .sort(["v", "student_id"], descending=[True, False])
        .with_columns((pl.int_range(pl.len()).over("township_id") < k).alias("flag"))
        .sort("i")
    )
    return ordered["flag"].to_numpy()


def rules_flags(frame: pl.DataFrame, rules: risk.RiskRules) -> np.ndarray:
    """The production ranking: ``risk.score`` then ``risk.rank``; flagged = within follow-up capacity."""
    ranked = risk.rank(risk.score(frame, rules), rules)
    flagged = frame.select("student_id").join(
        ranked.select("student_id", "follow_up"), on="student_id", how="left"
    )
    return flagged["follow_up"].to_numpy()


RAW = [
    "attendance_rate",
    "longest_run",
    "years_over_age",
    "grade",
    "repeated_grade",
    "changed_school",
    "orphan",
    "left_behind",
    "single_parent",
    "disabled",
    "in_distress",
    "dibao",
    "tekun",
    "boarding",
    "far_from_home",
]


def design_raw(frame: pl.DataFrame) -> np.ndarray:
    x = frame.select(
        (1 - pl.col("attendance_rate")).alias("absence"),
        pl.col("longest_run").log1p(),
        pl.col("years_over_age").clip(0, 5),
        (pl.col("grade") >= 7).cast(pl.Float64).alias("junior"),
        pl.col("grade").cast(pl.Float64) / 9,
        (pl.col("poverty_status") == "registered").cast(pl.Float64).alias("poor"),
        *[pl.col(c).cast(pl.Float64) for c in RAW[4:]],
    ).fill_null(0)
    return x.to_numpy()


def design_factors(frame: pl.DataFrame, rules: risk.RiskRules) -> np.ndarray:
    return frame.select([f.holds().cast(pl.Float64).alias(f.key) for f in rules.factors]).to_numpy()


class Logistic:
    """L2-penalised logistic regression by Newton's method (IRLS); features standardised."""

    def __init__(self, penalty: float, *, standardise: bool = True) -> None:
        self.penalty = penalty
        self.standardise = standardise

    def fit(self, x: np.ndarray, y: np.ndarray) -> Logistic:
        sd = x.std(0)
        self.mean, self.sd = x.mean(0), np.where(sd > 0, sd, 1.0)
        if not self.standardise:  # 0/1 factor tests: penalise the log-odds themselves
            self.mean, self.sd = np.zeros(x.shape[1]), np.ones(x.shape[1])
        z = np.column_stack([np.ones(len(x)), (x - self.mean) / self.sd])
        w = np.zeros(z.shape[1])
        w[0] = np.log(y.mean() / (1 - y.mean()))
        ridge = self.penalty * np.eye(z.shape[1])
        ridge[0, 0] = 0
        for _ in range(25):
            p = sigmoid(z @ w)
            grad = z.T @ (p - y) + ridge @ w
            hess = (z * (p * (1 - p))[:, None]).T @ z + ridge
            step = np.clip(np.linalg.solve(hess, grad), -1, 1)  # damped: no overshoot on rare flags
            w -= step
            if np.abs(step).max() < 1e-8:
                break
        self.w = w
        return self

    def predict(self, x: np.ndarray) -> np.ndarray:
        return sigmoid(np.column_stack([np.ones(len(x)), (x - self.mean) / self.sd]) @ self.w)

    @property
    def raw_coefficients(self) -> np.ndarray:
        return self.w[1:] / self.sd


def fitted_rules(
    rules: risk.RiskRules, x: np.ndarray, y: np.ndarray, penalty: float
) -> risk.RiskRules:
    """The rules with weights from a logistic regression on their own factor tests, in half log-odds
    points rounded to whole points; factors the data give no positive weight are dropped."""
    coef = Logistic(penalty, standardise=False).fit(x, y).raw_coefficients
    factors = [
        f.model_copy(update={"weight": int(np.rint(2 * c))})
        for f, c in zip(rules.factors, coef, strict=True)
        if np.rint(2 * c) >= 1
    ]
    return rules.model_copy(
        update={"factors": tuple(factors), "version": rules.version + "-fitted"}
    )


# --- measuring ---------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    flags: np.ndarray

    def measure(self, y: np.ndarray) -> tuple[float, float, int]:
        hits = int((self.flags & y).sum())
        return hits / max(self.flags.sum(), 1), hits / max(y.sum(), 1), hits


def per_township_hits(flags: np.ndarray, y: np.ndarray, township: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(township[flags & y], minlength=n)


def bootstrap_difference(
    a: np.ndarray, b: np.ndarray, flagged: np.ndarray, rng: np.random.Generator, draws: int = 4000
) -> tuple[float, float]:
    """95% interval of precision(a) - precision(b), resampling townships."""
    n = a.size
    idx = rng.integers(0, n, (draws, n))
    diff = (a[idx].sum(1) - b[idx].sum(1)) / np.maximum(flagged[idx].sum(1), 1)
    lo, hi = np.percentile(diff, [2.5, 97.5])
    return float(lo), float(hi)


def run(
    seed: int, townships: int, per_township: int, *, verbose: bool
) -> dict[str, tuple[float, float]]:
    rules = risk.default_risk_rules()
    k = rules.ranking.follow_up_per_township
    started = time.perf_counter()
    pairs = simulate(seed, townships, per_township, Hazard())
    train, test = pairs[:-1], pairs[-1]
    if verbose:
        print(
            f"seed {seed}: {townships} townships x ~{per_township} students, {TERMS} terms, "
            f"generated in {time.perf_counter() - started:.1f} s"
        )
        for t, (frame, y) in enumerate(pairs, start=1):
            print(
                f"  pair {t}: {frame.height:,} students, {int(y.sum())} dropped out next term "
                f"({y.mean():.2%}){'  <- evaluation' if t == len(pairs) else ''}"
            )

    # choose the penalty on the last training pair, fitted on the ones before; then refit on all
    def stack(
        chunk: list[tuple[pl.DataFrame, np.ndarray]], design
    ) -> tuple[np.ndarray, np.ndarray]:
        return np.vstack([design(f) for f, _ in chunk]), np.concatenate([y for _, y in chunk])

    fit_pairs, check = train[:-1], train[-1]
    best = {}
    for label, design in (("raw", design_raw), ("factors", lambda f: design_factors(f, rules))):
        x, y = stack(fit_pairs, design)
        scores = {}
        for penalty in (0.1, 10.0, 1000.0):
            model = Logistic(penalty, standardise=label == "raw").fit(x, y)
            flagged = top_k(check[0], model.predict(design(check[0])), k)
            scores[penalty] = (flagged & check[1]).sum()
        best[label] = max(scores, key=lambda p: (scores[p], p))
    x_raw, y_all = stack(train, design_raw)
    model = Logistic(best["raw"]).fit(x_raw, y_all)
    x_fac, _ = stack(train, lambda f: design_factors(f, rules))
    fitted = fitted_rules(rules, x_fac, y_all, best["factors"])

    frame, y = test
    rng = np.random.default_rng(seed + 1000)
    results = [
        Result("random (expected)", np.zeros(frame.height, bool)),
        Result("attendance alone", top_k(frame, -frame["attendance_rate"].to_numpy(), k)),
        Result(f"rules as shipped ({rules.version})", rules_flags(frame, rules)),
        Result("rules, weights fitted on terms 1-5", rules_flags(frame, fitted)),
        Result("learned: logistic regression", top_k(frame, model.predict(design_raw(frame)), k)),
    ]
    flagged_total = int(results[2].flags.sum())
    town = frame["township_id"].to_numpy()
    sizes = np.bincount(town, minlength=townships)
    out: dict[str, tuple[float, float]] = {}
    if verbose:
        print(
            f"\nevaluation term: {frame.height:,} students, {int(y.sum())} dropouts ({y.mean():.2%}); "
            f"k = {k} per township (follow-up capacity), {flagged_total} flagged "
            f"({flagged_total / frame.height:.1%} of students)"
        )
        print(f"  {'ranking':<38}{'precision@k':>12}{'recall@k':>10}{'hits':>6}{'lift':>7}")
    expected_precision = float(
        sum(min(k, s) * (y[town == t].mean() if s else 0) for t, s in enumerate(sizes))
        / flagged_total
    )
    expected_recall = expected_precision * flagged_total / max(int(y.sum()), 1)
    for r in results:
        if r.name.startswith("random"):
            precision, recall, hits = (
                expected_precision,
                expected_recall,
                round(expected_precision * flagged_total),
            )
        else:
            precision, recall, hits = r.measure(y)
        out[r.name] = (precision, recall)
        if verbose:
            print(
                f"  {r.name:<38}{precision:>12.1%}{recall:>10.1%}{hits:>6}{precision / expected_precision:>6.1f}x"
            )

    shipped, learned = results[2], results[4]
    a = per_township_hits(learned.flags, y, town, townships)
    b = per_township_hits(shipped.flags, y, town, townships)
    flagged = np.bincount(town[shipped.flags], minlength=townships)
    lo, hi = bootstrap_difference(a, b, flagged, rng)
    out["difference"] = (lo, hi)
    if verbose:
        print(
            f"\n  learned minus shipped rules, precision@k: {(a.sum() - b.sum()) / flagged.sum():+.1%} "
            f"(95% township bootstrap {lo:+.1%} to {hi:+.1%})"
        )
        c = per_township_hits(results[3].flags, y, town, townships)
        lo2, hi2 = bootstrap_difference(c, b, flagged, rng)
        print(
            f"  fitted minus shipped rules, precision@k:  {(c.sum() - b.sum()) / flagged.sum():+.1%} "
            f"(95% township bootstrap {lo2:+.1%} to {hi2:+.1%})"
        )
        print(f"  fitted weights: {fitted.weights}")
        print(
            f"  penalties chosen on pair {len(train)}: model {best['raw']}, fitted rules {best['factors']}"
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--seeds", type=int, default=3, help="further seeds summarised after the first"
    )
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--per-township", type=int, default=1500)
    args = parser.parse_args()
    started = time.perf_counter()
    first = run(args.seed, args.townships, args.per_township, verbose=True)
    summary = [first]
    for seed in range(args.seed + 1, args.seed + args.seeds):
        summary.append(run(seed, args.townships, args.per_township, verbose=False))
    if len(summary) > 1:
        print(
            f"\nover seeds {args.seed}-{args.seed + len(summary) - 1} (mean precision@k / recall@k):"
        )
        for name in first:
            if name == "difference":
                continue
            p = np.mean([s[name][0] for s in summary])
            r = np.mean([s[name][1] for s in summary])
            print(f"  {name:<38}{p:>12.1%}{r:>10.1%}")
        wins = sum(s["difference"][0] > 0 for s in summary)
        print(
            f"  learned beats shipped rules (interval above zero) in {wins} of {len(summary)} seeds"
        )
    keep = first["difference"][0] > 0
    print(
        f"\nverdict: the learned model {'BEATS' if keep else 'does not beat'} the rules at the same k"
        f" on seed {args.seed}: {'keep it' if keep else 'ship rules only'}"
    )
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
