"""Everyone in one table: children, their families' adults, the adults who are only on the external
registers (poor and 低保 households without school children, 特困, disabled adults), teachers and
university students; then names and resident IDs for all of them.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.demo.generator import ids, names
from notoneless.demo.generator.divisions import County
from notoneless.demo.generator.population import DAY0

YEAR = 365.25
OTHER_SHAANXI = np.array(
    [
        "610822",
        "610824",
        "610825",
        "610826",
        "610827",
        "610828",
        "610829",
        "610830",
        "610831",
        "610102",
        "610113",
        "610602",
        "610702",
        "610502",
        "610402",
    ]
)
LATE_CODES = (("610881", 2017), ("610803", 2015), ("610681", 2019))  # (code, first year in use)
OLD_YULIN = np.array(
    ["612722", "612723", "612724", "612725", "612726", "612727", "612728", "612729"]
)


def _birth_between(rng: np.random.Generator, n: int, oldest: int, youngest: int) -> np.ndarray:
    """Birth dates for ages in [youngest, oldest] on 2020-09-01."""
    ref = int((np.datetime64("2020-09-01") - DAY0).astype(np.int64))
    age_days = rng.uniform(youngest * YEAR, (oldest + 1) * YEAR - 1, n)
    return ref - age_days.astype(np.int64)


def register_households(
    rng: np.random.Generator,
    n_households: int,
    n_members: int,
    *,
    status: int,
    villages: np.ndarray,
    rural: bool,
    first_family: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Households without school-age children: (families, members). Sizes average n_members/n_households."""
    if n_households <= 0:
        return _empty_families(), _empty_members()
    mean = max(1.0, n_members / n_households)
    sizes = np.clip(rng.poisson(max(mean - 1, 0.01), n_households) + 1, 1, 7)
    fam = first_family + np.arange(n_households)
    head_age = rng.uniform(30, 85, n_households)
    head_male = rng.random(n_households) < 0.82
    fam_of = np.repeat(fam, sizes)
    pos = np.arange(len(fam_of)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    h_age = np.repeat(head_age, sizes)
    h_male = np.repeat(head_male, sizes)
    n = len(fam_of)
    role = np.where(
        pos == 0, "head", np.where((pos == 1) & (rng.random(n) < 0.85), "spouse", "child")
    )
    grandchild = (role == "child") & (h_age > 55) & (rng.random(n) < 0.25)
    role = np.where(grandchild, "grandchild", role)
    male = np.where(
        role == "head", h_male, np.where(role == "spouse", ~h_male, rng.random(n) < 0.5)
    )
    age = np.select(
        [role == "head", role == "spouse", role == "grandchild"],
        [h_age, h_age + rng.uniform(-6, 3, n), rng.uniform(0, 2.9, n)],
        np.clip(h_age - rng.uniform(20, 35, n), 19, 60),
    )
    age = np.clip(age, 0, 95)
    ref = int((np.datetime64("2020-09-01") - DAY0).astype(np.int64))
    birth = ref - (age * YEAR).astype(np.int64) - rng.integers(0, 365, n)
    # an adult child must be 19 or more (the hukou extract stops at 18); a grandchild under 3
    birth = np.where(role == "child", np.minimum(birth, ref - 19 * 366), birth)
    birth = np.where(role == "grandchild", np.maximum(birth, ref - 3 * 365 + 5), birth)
    v = villages[rng.integers(0, len(villages), n_households)]
    families = pl.DataFrame(
        {
            "family": fam,
            "v_idx": v,
            "hukou_rural": np.full(n_households, rural),
            "status": np.full(n_households, status),
        }
    )
    members = pl.DataFrame({"family": fam_of, "role": role, "birth": birth, "male": male})
    return families, members


def _empty_families() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "family": pl.Int64,
            "v_idx": pl.Int64,
            "hukou_rural": pl.Boolean,
            "status": pl.Int64,
        }
    )


def _empty_members() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"family": pl.Int64, "role": pl.String, "birth": pl.Int64, "male": pl.Boolean}
    )


def singles(
    rng: np.random.Generator,
    n: int,
    role: str,
    *,
    oldest: int,
    youngest: int,
    villages: np.ndarray,
    rural_share: float,
    first_family: int,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """People on their own: 特困 adults, disabled adults, teachers (no village), university students."""
    fam = first_family + np.arange(n)
    v = villages[rng.integers(0, len(villages), n)] if len(villages) else np.full(n, -1)
    families = pl.DataFrame(
        {
            "family": fam,
            "v_idx": v.astype(np.int64),
            "hukou_rural": rng.random(n) < rural_share,
            "status": np.zeros(n, dtype=np.int64),
        }
    )
    members = pl.DataFrame(
        {
            "family": fam,
            "role": [role] * n,
            "birth": _birth_between(rng, n, oldest, youngest),
            "male": rng.random(n) < (0.45 if role == "teacher" else 0.5),
        }
    )
    return families, members


def name_everyone(rng: np.random.Generator, persons: pl.DataFrame, n_families: int) -> pl.DataFrame:
    """Family surnames for children, fathers, grandfathers, heads and their children; own surnames
    for spouses, mothers, grandmothers and people on their own."""
    family_surname = names.surnames(rng, n_families)
    n = persons.height
    role = persons["role"].to_numpy().astype(str)
    own = names.surnames(rng, n)
    fam = persons["family"].to_numpy()
    inherits = np.isin(role, ["child", "father", "grandfather", "head", "grandchild"])
    inherits |= (role == "relative") & (rng.random(n) < 0.5)
    surname = np.where(inherits, family_surname[fam], own)
    male = persons["male"].to_numpy()
    birth = persons["birth"].to_numpy()
    young = birth > int((np.datetime64("1988-01-01") - DAY0).astype(np.int64))
    given = np.where(young, names.given_names(rng, male), names.given_names(rng, male, adult=True))
    return persons.with_columns(
        pl.Series("surname", surname), pl.Series("name", np.char.add(surname, given))
    )


def regions(
    rng: np.random.Generator, persons: pl.DataFrame, county: County, *, foreign: bool
) -> np.ndarray:
    """The six-digit region code each person's ID carries. ``foreign``: some carry other Shaanxi
    counties' codes (off for the province, whose counties must not share IDs)."""
    n = persons.height
    birth = persons["birth"].to_numpy()
    year = birth.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970
    own = np.full(n, county.code)
    if county.previous_code:
        own = np.where(year < county.since, county.previous_code, own)
    u = rng.random(n)
    other = OTHER_SHAANXI[rng.integers(0, len(OTHER_SHAANXI), n)]
    code = np.where((u < 0.06) & foreign, other, own)
    late_choice = rng.integers(0, len(LATE_CODES), n)
    late_code = np.array([c for c, _ in LATE_CODES])[late_choice]
    late_since = np.array([s for _, s in LATE_CODES])[late_choice]
    role = persons["role"].to_numpy().astype(str)
    late = (role == "child") & (u > 0.98) & (year < late_since) & foreign
    code = np.where(late, late_code, code)
    if county.yulin_1990s:
        old = year < 1999
        neighbour = OLD_YULIN[rng.integers(0, len(OLD_YULIN), n)]
        older_code = np.where((rng.random(n) < 0.85) | (not foreign), county.yulin_1990s, neighbour)
        if county.code == "610802":
            older_code = np.where((year < 1988) & (rng.random(n) < 0.8), "612721", older_code)
        code = np.where(old & (role != "child"), older_code, code)
    twin_of = persons["twin_of"].to_numpy()
    twins = np.flatnonzero(twin_of >= 0)
    code[twins] = code[twin_of[twins]]
    return code


def assign_ids(
    rng: np.random.Generator, persons: pl.DataFrame, county: County, *, foreign: bool
) -> pl.DataFrame:
    """Unique, valid 18-character IDs agreeing with birth date and sex (twins: same region and date)."""
    region = regions(rng, persons, county, foreign=foreign)
    male = persons["male"].to_numpy()
    birth = persons["birth"].to_numpy()
    serial = ids.make_unique(rng, region.astype(np.int64), birth, ids.serials(rng, male), male)
    number = ids.first17(region.astype(np.int64), birth, serial)
    return persons.with_columns(ids.id_strings(number).alias("id"))
