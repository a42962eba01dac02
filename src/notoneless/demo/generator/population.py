"""Children and their families: students from the schools' seats, children on hukou who are not in the
county's schools, twins, families with guardians, and the adults of those families.

Dates are integer days since 1970-01-01 (numpy ``int64``) until they are written out.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.demo.generator import scales
from notoneless.demo.generator.scales import NoiseRates

DAY0 = np.datetime64("1970-01-01", "D")
# Age reached by 31 August 2020, per stage and grade (小班 3, 一年级 6, 高一 15).
AGE_BASE = {"preschool": 2, "primary": 5, "junior": 5, "senior": 14, "vocational": 14}
OLDER = {  # share one year older (late start, repeated year); vocational also two years
    "preschool": (0.0, 0.0),
    "primary": (0.03, 0.0),
    "junior": (0.04, 0.0),
    "senior": (0.05, 0.0),
    "vocational": (0.12, 0.03),
}
STAGE_CODES = {s: i for i, s in enumerate(scales.STAGES)}


def days(text: str) -> int:
    return int((np.datetime64(text, "D") - DAY0).astype(np.int64))


def sept_first(years: np.ndarray) -> np.ndarray:
    """Days of 1 September of each year."""
    months = (years - 1970).astype("datetime64[Y]").astype("datetime64[M]") + 8
    return (months.astype("datetime64[D]") - DAY0).astype(np.int64)


def birth_for_age(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """A birth date at which a child has turned ``age`` by 31 August 2020 (and not ``age + 1``)."""
    start = sept_first(2020 - age - 1)
    end = sept_first(2020 - age)
    return start + np.floor(rng.random(len(age)) * (end - start)).astype(np.int64)


def ages(stage: np.ndarray, grade: np.ndarray) -> np.ndarray:
    base = np.select([stage == s for s in AGE_BASE], list(AGE_BASE.values()), 0)
    return base + grade


def students_from_seats(
    rng: np.random.Generator, seats: pl.DataFrame, schools: pl.DataFrame, villages: pl.DataFrame
) -> pl.DataFrame:
    """One row per student: school, stage, grade, sex, birth date and hukou village (-1 outside)."""
    n_per = seats["n"].to_numpy()
    s_idx = np.repeat(seats["s_idx"].to_numpy(), n_per)
    stage = np.repeat(seats["stage"].to_numpy().astype(str), n_per)
    grade = np.repeat(seats["grade"].to_numpy(), n_per)
    n = len(s_idx)
    age = ages(stage, grade)
    older1 = np.zeros(n)
    older2 = np.zeros(n)
    for st, (p1, p2) in OLDER.items():
        older1[stage == st] = p1
        older2[stage == st] = p2
    u = rng.random(n)
    age = age + (u < older1 + older2).astype(np.int64) + (u < older2).astype(np.int64)
    birth = birth_for_age(rng, age)
    male = rng.random(n) < 0.515
    v_idx = _hukou_villages(rng, s_idx, stage, schools, villages)
    return pl.DataFrame(
        {
            "kind": ["student"] * n,
            "s_idx": s_idx,
            "stage": stage,
            "grade": grade,
            "birth": birth,
            "male": male,
            "v_idx": v_idx,
            "twin_of": np.full(n, -1, dtype=np.int64),
        }
    )


def _hukou_villages(
    rng: np.random.Generator,
    s_idx: np.ndarray,
    stage: np.ndarray,
    schools: pl.DataFrame,
    villages: pl.DataFrame,
) -> np.ndarray:
    """Where each student's hukou is: near the school, in the city, elsewhere in the county, or outside."""
    v_loc = villages["locality"].to_numpy().astype(str)
    v_town = villages["t_idx"].to_numpy()
    v_all = villages["v_idx"].to_numpy()
    urban_v = v_all[v_loc == "urban"]
    rural_v = v_all[v_loc != "urban"]
    if len(urban_v) == 0:
        urban_v = v_all
    if len(rural_v) == 0:
        rural_v = v_all
    sch_loc = schools["locality"].to_numpy().astype(str)[s_idx]
    sch_town = schools["t_idx"].to_numpy()[s_idx]
    upper = np.isin(stage, ["senior", "vocational"])
    n = len(s_idx)
    u = rng.random(n)
    out = np.full(n, -1, dtype=np.int64)
    pick_urban = urban_v[rng.integers(0, len(urban_v), n)]
    pick_rural = rural_v[rng.integers(0, len(rural_v), n)]
    pick_any = v_all[rng.integers(0, len(v_all), n)]
    city = (sch_loc == "urban") | upper
    outside_p = np.where(city, 0.05, 0.012)
    urban_p = np.where(upper, 0.40, 0.55)
    is_out = u < outside_p
    out[city] = np.where(rng.random(n) < urban_p, pick_urban, pick_rural)[city]
    local = ~city
    for t in np.unique(sch_town[local]):
        mask = local & (sch_town == t)
        own = v_all[v_town == t]
        own_pick = own[rng.integers(0, len(own), mask.sum())]
        far = rng.random(mask.sum()) < 0.12
        out[mask] = np.where(far, pick_any[mask], own_pick)
    out[is_out] = -1
    return out


def add_twins(rng: np.random.Generator, kids: pl.DataFrame, rate: float) -> pl.DataFrame:
    """Pair neighbours in one school and grade as twins: same birth date and village (one of a pair
    of twins is ``rate`` of students)."""
    order = np.lexsort((rng.random(len(kids)), kids["grade"].to_numpy(), kids["s_idx"].to_numpy()))
    s = kids["s_idx"].to_numpy()[order]
    g = kids["grade"].to_numpy()[order]
    first = np.arange(0, len(order) - 1, 2)
    same = (s[first] == s[first + 1]) & (g[first] == g[first + 1])
    candidates = first[same]
    n_pairs = min(len(candidates), round(len(kids) * rate / 2))
    chosen = (
        rng.choice(candidates, size=n_pairs, replace=False)
        if n_pairs
        else np.array([], dtype=np.int64)
    )
    a, b = order[chosen], order[chosen + 1]
    birth = kids["birth"].to_numpy().copy()
    v_idx = kids["v_idx"].to_numpy().copy()
    twin_of = kids["twin_of"].to_numpy().copy()
    birth[b] = birth[a]
    v_idx[b] = v_idx[a]
    twin_of[b] = a
    return kids.with_columns(
        pl.Series("birth", birth), pl.Series("v_idx", v_idx), pl.Series("twin_of", twin_of)
    )


def extras(
    rng: np.random.Generator, students: pl.DataFrame, factor: float, noise: NoiseRates
) -> pl.DataFrame:
    """Children on hukou who are not in the county's schools: studying elsewhere, out of school
    (compulsory age, never enrolled), and not enrolled outside compulsory age."""
    local = students.filter(pl.col("v_idx") >= 0)
    e = noise.studying_elsewhere
    compulsory = local.filter(pl.col("stage").is_in(["primary", "junior"]))
    preschool = local.filter(pl.col("stage") == "preschool")
    upper = local.filter(pl.col("stage").is_in(["senior", "vocational"]))
    groups = [
        ("elsewhere", local, round(e / (1 - e) * local.height)),
        ("out_of_school", compulsory, round(noise.out_of_school / (1 - e) * compulsory.height)),
        (
            "not_enrolled",
            preschool,
            round(scales.PRESCHOOL_NOT_ENROLLED / (1 - e) * preschool.height),
        ),
        ("not_enrolled", upper, round(scales.SENIOR_AGE_NOT_ENROLLED / (1 - e) * upper.height)),
    ]
    parts = []
    for kind, pool, count in groups:
        if count == 0 or pool.is_empty():
            continue
        pick = rng.integers(0, pool.height, count)
        template = pool[pick]
        stage = template["stage"].to_numpy().astype(str)
        grade = template["grade"].to_numpy()
        parts.append(
            pl.DataFrame(
                {
                    "kind": [kind] * count,
                    "s_idx": np.full(count, -1),
                    "stage": stage,
                    "grade": grade,
                    "birth": birth_for_age(rng, ages(stage, grade)),
                    "male": rng.random(count) < 0.515,
                    "v_idx": template["v_idx"].to_numpy(),
                    "twin_of": np.full(count, -1, dtype=np.int64),
                }
            )
        )
    n18 = scales.scaled(scales.HUKOU_AGE_18_NOT_IN_SCHOOL, factor)
    if n18 and not local.is_empty():
        v = local["v_idx"].to_numpy()[rng.integers(0, local.height, n18)]
        parts.append(
            pl.DataFrame(
                {
                    "kind": ["not_enrolled"] * n18,
                    "s_idx": np.full(n18, -1),
                    "stage": [""] * n18,
                    "grade": np.zeros(n18, dtype=np.int64),
                    "birth": birth_for_age(rng, np.full(n18, 18)),
                    "male": rng.random(n18) < 0.515,
                    "v_idx": v,
                    "twin_of": np.full(n18, -1, dtype=np.int64),
                }
            )
        )
    return pl.concat(parts) if parts else students.clear()


def form_families(
    rng: np.random.Generator, kids: pl.DataFrame, schools: pl.DataFrame
) -> np.ndarray:
    """Family index per child: siblings share a village (or, outside the county, a school's township),
    are born at least ~10 months apart, twins together; 1-4 children per family."""
    n = kids.height
    twin_of = kids["twin_of"].to_numpy()
    unit = np.where(twin_of >= 0, twin_of, np.arange(n))
    v_idx = kids["v_idx"].to_numpy()
    s_idx = kids["s_idx"].to_numpy()
    s_town = schools["t_idx"].to_numpy()
    pseudo = np.where(s_idx >= 0, -2 - s_town[np.maximum(s_idx, 0)], -1)
    place = np.where(v_idx >= 0, v_idx, pseudo)
    heads = np.flatnonzero(unit == np.arange(n))
    order = heads[np.lexsort((rng.random(len(heads)), place[heads]))]
    new_place = np.ones(len(order), dtype=bool)
    new_place[1:] = place[order[1:]] != place[order[:-1]]
    starts = new_place | (rng.random(len(order)) < 0.55)
    chunk = np.cumsum(starts) - 1
    # within a chunk, siblings sorted by birth; a gap under 300 days opens a new family
    births = kids["birth"].to_numpy()[order]
    by_birth = np.lexsort((births, chunk))
    c_sorted, b_sorted = chunk[by_birth], births[by_birth]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (c_sorted[1:] != c_sorted[:-1]) | (b_sorted[1:] - b_sorted[:-1] < 300)
    # at most four children's units per family
    fam_sorted = np.cumsum(new) - 1
    pos = np.arange(len(order)) - np.flatnonzero(new)[fam_sorted]
    new |= pos % 4 == 0
    fam_sorted = np.cumsum(new) - 1
    family_of_unit = np.empty(n, dtype=np.int64)
    family_of_unit[order[by_birth]] = fam_sorted
    return family_of_unit[unit]


GUARDIANS = ("父亲", "母亲", "祖父", "祖母", "其他")


def family_table(
    rng: np.random.Generator, kids: pl.DataFrame, family: np.ndarray, villages: pl.DataFrame
) -> pl.DataFrame:
    """Per family: village, hukou type, guardian relation, left-behind."""
    n_fam = int(family.max()) + 1
    v_idx = np.full(n_fam, -1, dtype=np.int64)
    v_idx[family] = kids["v_idx"].to_numpy()
    loc = np.full(n_fam, "outside", dtype=object)
    inside = v_idx >= 0
    loc[inside] = villages["locality"].to_numpy()[v_idx[inside]]
    rural_p = np.select([loc == "urban", loc == "town", loc == "rural"], [0.15, 0.5, 0.95], 0.75)
    hukou_rural = rng.random(n_fam) < rural_p
    guardian = rng.choice(len(GUARDIANS), size=n_fam, p=[0.55, 0.30, 0.06, 0.06, 0.03])
    guardian_far = guardian >= 2
    left_behind = hukou_rural & np.where(
        guardian_far, rng.random(n_fam) < 0.9, rng.random(n_fam) < 0.03
    )
    size = np.bincount(family, minlength=n_fam)
    return pl.DataFrame(
        {
            "family": np.arange(n_fam),
            "v_idx": v_idx,
            "hukou_rural": hukou_rural,
            "guardian": np.array(GUARDIANS)[guardian],
            "left_behind": left_behind,
            "size": size,
            "orphan": np.zeros(n_fam, dtype=bool),
        }
    )


def choose_orphans(
    rng: np.random.Generator, kids: pl.DataFrame, families: pl.DataFrame, plan: dict[str, int]
) -> pl.DataFrame:
    """Orphan families: single-child families, guardian a grandparent or another relative."""
    fam = kids["family"].to_numpy()
    single = families["size"].to_numpy()[fam] == 1
    kind = kids["kind"].to_numpy().astype(str)
    stage = kids["stage"].to_numpy().astype(str)
    inside = kids["v_idx"].to_numpy() >= 0
    orphan = families["orphan"].to_numpy().copy()
    guardian = families["guardian"].to_numpy().astype(object).copy()
    for st, count in plan.items():
        pool = np.flatnonzero(single & inside & (kind == "student") & (stage == st))
        pick = rng.choice(pool, size=min(count, len(pool)), replace=False)
        orphan[fam[pick]] = True
    extra_pool = np.flatnonzero(single & inside & (kind != "student"))
    n_extra = max(1, round(sum(plan.values()) * 0.1))
    if len(extra_pool):
        orphan[fam[rng.choice(extra_pool, size=min(n_extra, len(extra_pool)), replace=False)]] = (
            True
        )
    idx = np.flatnonzero(orphan)
    guardian[idx] = np.array(["祖父", "祖母", "其他"])[
        rng.choice(3, size=len(idx), p=[0.4, 0.4, 0.2])
    ]
    left = families["left_behind"].to_numpy().copy()
    left[idx] = False
    return families.with_columns(
        pl.Series("orphan", orphan),
        pl.Series("guardian", guardian.astype(str)),
        pl.Series("left_behind", left),
    )


def family_adults(
    rng: np.random.Generator, kids: pl.DataFrame, families: pl.DataFrame
) -> pl.DataFrame:
    """Fathers and mothers (none for orphans), grandparents and relatives who are guardians."""
    n_fam = families.height
    oldest = np.full(n_fam, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(oldest, kids["family"].to_numpy(), kids["birth"].to_numpy())
    year = 365.25
    mother_birth = oldest - (rng.uniform(20, 34, n_fam) * year).astype(np.int64)
    father_birth = mother_birth - (rng.uniform(-1, 6, n_fam) * year).astype(np.int64)
    grand_birth = father_birth - (rng.uniform(22, 32, n_fam) * year).astype(np.int64)
    guardian = families["guardian"].to_numpy().astype(str)
    orphan = families["orphan"].to_numpy()
    fam = np.arange(n_fam)
    parts = []

    def add(mask: np.ndarray, role: str, birth: np.ndarray, male: np.ndarray) -> None:
        idx = np.flatnonzero(mask)
        parts.append(
            pl.DataFrame(
                {
                    "family": fam[idx],
                    "role": [role] * len(idx),
                    "birth": birth[idx],
                    "male": male[idx],
                }
            )
        )

    ones = np.ones(n_fam, dtype=bool)
    add(~orphan, "father", father_birth, ones)
    add(~orphan, "mother", mother_birth, ~ones)
    grand = (guardian == "祖父") | (guardian == "祖母")
    partner = grand & (rng.random(n_fam) < 0.7)
    add(grand & ((guardian == "祖父") | partner), "grandfather", grand_birth, ones)
    add(
        grand & ((guardian == "祖母") | partner),
        "grandmother",
        grand_birth + (rng.uniform(0, 4, n_fam) * year).astype(np.int64),
        ~ones,
    )
    relative_male = rng.random(n_fam) < 0.5
    add(
        guardian == "其他",
        "relative",
        father_birth + (rng.uniform(-5, 5, n_fam) * year).astype(np.int64),
        relative_male,
    )
    return pl.concat(parts)
