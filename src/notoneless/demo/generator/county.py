"""One county, from divisions to people with names and IDs: the state every register is cut from."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import polars as pl

from notoneless.demo.generator import divisions, hardship, ids, people, population, scales, schools
from notoneless.demo.generator.divisions import County
from notoneless.demo.generator.scales import STAGES, NoiseRates, Scale

# poverty-household statuses (hardship.CATEGORIES, 1-based; 0 none)
POOR, POOR_DIBAO, DIBAO_RURAL, DIBAO_URBAN = 1, 2, 3, 4
TEKUN_ADULTS = 1_500
UNIVERSITY_IN_POOR_HOUSEHOLDS = 0.15


class Streams:
    """Independent random streams per step, so one step's draws never shift another's."""

    def __init__(self, seed: int, county_index: int) -> None:
        self.seed = seed
        self.county_index = county_index

    def __call__(self, step: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.county_index, zlib.crc32(step.encode())])


@dataclass
class CountyState:
    county: County
    index: int
    factor: float
    noise: NoiseRates
    townships: pl.DataFrame
    villages: pl.DataFrame
    schools: pl.DataFrame
    persons: pl.DataFrame  # pid = row; children first
    families: pl.DataFrame  # family = row
    students: pl.DataFrame  # one row per student with the clean facts
    n_children: int
    rng: Streams
    _arrays: dict[str, np.ndarray] | None = None

    def arr(self, column: str) -> np.ndarray:
        """A persons column as numpy (strings as ``str``), converted once."""
        if self._arrays is None:
            self._arrays = {}
        if column not in self._arrays:
            values = self.persons[column].to_numpy()
            self._arrays[column] = values.astype(str) if values.dtype == object else values
        return self._arrays[column]


def build(
    county: County, index: int, scale: Scale, factor: float, seed: int, noise: NoiseRates
) -> CountyState:
    rng = Streams(seed, index)
    townships, villages = divisions.build(county, scale, rng("divisions"))
    counts = {
        k: max(1, round(v * factor)) if scale.name == "province" else v
        for k, v in scale.schools.items()
    }
    school_frame = schools.build(county, counts, townships, villages, rng("schools"))
    seats = schools.seats(school_frame, scales.stage_totals(factor), rng("seats"))

    students = population.students_from_seats(rng("students"), seats, school_frame, villages)
    students = population.add_twins(rng("twins"), students, noise.twins)
    kids = pl.concat([students, population.extras(rng("extras"), students, factor, noise)])
    family = population.form_families(rng("families"), kids, school_frame)
    kids = kids.with_columns(pl.Series("family", family))
    families = population.family_table(rng("family-table"), kids, family, villages)
    plan = hardship.plan(factor)
    families = population.choose_orphans(
        rng("orphans"), kids, families, {s: plan[s]["orphan"] for s in STAGES}
    )

    boarder = hardship.assign_boarders(rng("boarders"), kids, school_frame, families)
    status = hardship.choose_households(rng("households"), kids, families, factor)
    families = families.with_columns(pl.Series("status", status))
    s_idx = kids["s_idx"].to_numpy()
    special = (s_idx >= 0) & (
        school_frame["type"].to_numpy().astype(str)[np.maximum(s_idx, 0)] == "special"
    )
    flags = hardship.person_flags(rng("flags"), kids, families, boarder, factor, special)
    major, category = hardship.majors(rng("majors"), kids, school_frame)
    level = hardship.grades(rng("grades"), kids, families, flags, boarder, category, factor)
    kids = kids.with_columns(
        pl.lit("child").alias("role"),
        pl.Series("boarder", boarder),
        pl.Series("tekun", flags["tekun"]),
        pl.Series("disabled", flags["disabled"]),
        pl.Series("level", level),
        pl.Series("major", major),
        pl.Series("category", category),
    )
    adults = population.family_adults(rng("adults"), kids, families)
    persons, families = _register_people(rng, kids, adults, families, villages, factor)
    persons = people.name_everyone(rng("names"), persons, families.height)
    persons = people.assign_ids(rng("ids"), persons, county, foreign=not scale.csv)
    persons = persons.with_columns(pl.int_range(0, pl.len(), dtype=pl.Int64).alias("pid"))
    families = _family_links(persons, families)
    state = CountyState(
        county,
        index,
        factor,
        noise,
        townships,
        villages,
        school_frame,
        persons,
        families,
        pl.DataFrame(),
        kids.height,
        rng,
    )
    state.students = _student_facts(state)
    return state


def _register_people(
    rng: Streams,
    kids: pl.DataFrame,
    adults: pl.DataFrame,
    families: pl.DataFrame,
    villages: pl.DataFrame,
    factor: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Everyone: children, family adults, and the people who are only on external registers."""
    loc = villages["locality"].to_numpy().astype(str)
    v_all = villages["v_idx"].to_numpy()
    rural_v = v_all[loc != "urban"] if (loc != "urban").any() else v_all
    urban_v = v_all[loc != "rural"] if (loc != "rural").any() else v_all
    status = families["status"].to_numpy()
    fam_of_kid = kids["family"].to_numpy()
    fam_of_adult = adults["family"].to_numpy()
    poor_fams = np.isin(status, [POOR, POOR_DIBAO])
    poor_members = int(poor_fams[fam_of_kid].sum() + poor_fams[fam_of_adult].sum())
    next_family = families.height
    parts_f, parts_m = [], []

    def take(f: pl.DataFrame, m: pl.DataFrame) -> None:
        nonlocal next_family
        parts_f.append(f)
        parts_m.append(m)
        next_family += f.height

    n_hh = scales.scaled(scales.POVERTY_HOUSEHOLDS, factor) - int(poor_fams.sum())
    n_members = scales.scaled(scales.POVERTY_MEMBERS, factor) - poor_members
    r = rng("register-households")
    n_both = round(n_hh * 0.25)
    take(
        *people.register_households(
            r,
            n_hh - n_both,
            round(n_members * 0.75),
            status=POOR,
            villages=rural_v,
            rural=True,
            first_family=next_family,
        )
    )
    both_f, both_m = people.register_households(
        r,
        n_both,
        n_members - round(n_members * 0.75),
        status=POOR_DIBAO,
        villages=rural_v,
        rural=True,
        first_family=next_family,
    )
    take(both_f, both_m)
    # 低保 households without children in school: what the assistance list needs beyond the others
    dibao_fams = np.isin(status, [POOR_DIBAO, DIBAO_RURAL, DIBAO_URBAN])
    on_list = int(dibao_fams[fam_of_kid].sum() + dibao_fams[fam_of_adult].sum()) + both_m.height
    on_list += int(kids["tekun"].sum()) + int(families["orphan"].to_numpy()[fam_of_kid].sum())
    n_tekun = scales.scaled(TEKUN_ADULTS, factor)
    left = max(0, scales.scaled(scales.ASSISTANCE_RECORDS, factor) - on_list - n_tekun)
    take(
        *people.register_households(
            r,
            round(left * 0.7 / 2.3),
            round(left * 0.7),
            status=DIBAO_RURAL,
            villages=rural_v,
            rural=True,
            first_family=next_family,
        )
    )
    take(
        *people.register_households(
            r,
            round(left * 0.3 / 2.0),
            round(left * 0.3),
            status=DIBAO_URBAN,
            villages=urban_v,
            rural=False,
            first_family=next_family,
        )
    )
    s = rng("singles")
    take(
        *people.singles(
            s,
            n_tekun,
            "tekun",
            oldest=92,
            youngest=45,
            villages=rural_v,
            rural_share=0.9,
            first_family=next_family,
        )
    )
    disabled_kids = int(kids["disabled"].sum())
    n_dis = max(0, scales.scaled(scales.DISABILITY_RECORDS, factor) - disabled_kids)
    n_parents = round(n_dis * 0.2)
    take(
        *people.singles(
            s,
            n_dis - n_parents,
            "disabled",
            oldest=90,
            youngest=19,
            villages=v_all,
            rural_share=0.7,
            first_family=next_family,
        )
    )
    take(
        *people.singles(
            s,
            scales.scaled(scales.TEACHERS, factor, 2),
            "teacher",
            oldest=59,
            youngest=22,
            villages=np.array([], dtype=np.int64),
            rural_share=0.3,
            first_family=next_family,
        )
    )
    n_uni = scales.scaled(scales.SEED_FIGURES["student_loan"], factor, 1)
    uni_f, uni_m = people.singles(
        s,
        n_uni,
        "university",
        oldest=22,
        youngest=18,
        villages=rural_v,
        rural_share=0.8,
        first_family=next_family,
    )
    # some university students belong to a registered-poor household
    poor_reg = pl.concat([f for f in parts_f if f.height and f["status"][0] in (POOR, POOR_DIBAO)])
    k = min(poor_reg.height, round(n_uni * UNIVERSITY_IN_POOR_HOUSEHOLDS))
    home = s.choice(poor_reg["family"].to_numpy(), size=k, replace=False)
    uni_m = uni_m.with_columns(
        pl.Series("family", np.concatenate([home, uni_m["family"].to_numpy()[k:]]))
    )
    take(uni_f, uni_m)

    families = pl.concat(
        [
            families,
            *[
                f.with_columns(
                    pl.lit("").alias("guardian"),
                    pl.lit(False).alias("left_behind"),
                    pl.lit(0).cast(families["size"].dtype).alias("size"),
                    pl.lit(False).alias("orphan"),
                ).select(families.columns)
                for f in parts_f
            ],
        ]
    )
    families = families.with_columns(pl.col("family").cast(pl.Int64))
    registered = pl.concat(parts_m)
    adults_all = pl.concat([adults, registered.select(adults.columns)])
    persons = pl.concat([kids, adults_all], how="diagonal_relaxed")
    persons = persons.with_columns(
        pl.col("twin_of").fill_null(-1),
        pl.col("s_idx").fill_null(-1),
        pl.col("kind").fill_null(""),
        pl.col("stage").fill_null(""),
        pl.col("grade").fill_null(0),
        pl.col("boarder").fill_null(False),
        pl.col("tekun").fill_null(False),
        pl.col("disabled").fill_null(False),
        pl.col("level").fill_null(0),
        pl.col("major").fill_null(""),
        pl.col("category").fill_null(""),
    )
    # the family's village for everyone; the disabled adults that are parents
    v_of = families["v_idx"].to_numpy()
    persons = persons.with_columns(pl.Series("v_idx", v_of[persons["family"].to_numpy()]))
    roles = persons["role"].to_numpy().astype(str)
    parents = np.flatnonzero(np.isin(roles, ["father", "mother"]))
    d = rng("disabled-parents")
    disabled = persons["disabled"].to_numpy().copy()
    disabled[d.choice(parents, size=min(n_parents, len(parents)), replace=False)] = True
    persons = persons.with_columns(pl.Series("disabled", disabled | (roles == "disabled")))
    return persons, families


def _family_links(persons: pl.DataFrame, families: pl.DataFrame) -> pl.DataFrame:
    """The guardian's and the head's person for each family."""
    n_fam = families.height
    role = persons["role"].to_numpy().astype(str)
    fam = persons["family"].to_numpy()
    pid = persons["pid"].to_numpy()
    by_role = {}
    for r in ("father", "mother", "grandfather", "grandmother", "relative", "head"):
        arr = np.full(n_fam, -1, dtype=np.int64)
        mask = role == r
        arr[fam[mask]] = pid[mask]
        by_role[r] = arr
    guardian_rel = families["guardian"].to_numpy().astype(str)
    relation_role = {
        "父亲": "father",
        "母亲": "mother",
        "祖父": "grandfather",
        "祖母": "grandmother",
        "其他": "relative",
    }
    guardian = np.full(n_fam, -1, dtype=np.int64)
    for rel, r in relation_role.items():
        mask = guardian_rel == rel
        guardian[mask] = by_role[r][mask]
    head = by_role["head"].copy()
    for r in ("grandfather", "grandmother", "father", "mother", "relative"):
        head = np.where(head >= 0, head, by_role[r])
    return families.with_columns(pl.Series("guardian_pid", guardian), pl.Series("head_pid", head))


def _student_facts(state: CountyState) -> pl.DataFrame:
    """One row per student with everything the rules and the registers need, in roster order."""
    p = state.persons.slice(0, state.n_children).filter(pl.col("kind") == "student")
    fam = state.families
    status = fam["status"].to_numpy()[p["family"].to_numpy()]
    hukou_rural = fam["hukou_rural"].to_numpy()[p["family"].to_numpy()]
    orphan = fam["orphan"].to_numpy()[p["family"].to_numpy()]
    s_idx = p["s_idx"].to_numpy()
    tuition = state.schools["tuition"].to_numpy()[s_idx] * 100
    dibao = np.select(
        [np.isin(status, [POOR_DIBAO, DIBAO_RURAL]), status == DIBAO_URBAN], ["rural", "urban"], ""
    )
    number, shown_id = _student_numbers(state, p)
    return p.with_columns(
        pl.Series("poor", np.isin(status, [POOR, POOR_DIBAO])),
        pl.Series("dibao", dibao),
        pl.Series("hukou_rural", hukou_rural),
        pl.Series("orphan", orphan),
        pl.Series("tuition_fen", tuition),
        pl.Series("school_code", state.schools["code"].to_numpy()[s_idx]),
        pl.Series("student_number", number, dtype=pl.String),
        pl.Series("shown_id", shown_id, dtype=pl.String),
    )


def _student_numbers(state: CountyState, p: pl.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """'G' + ID; for the students the school has no ID for, 'J' + an ID-like number or 'L' + digits."""
    r = state.rng("student-numbers")
    n = p.height
    real = p["id"].to_numpy().astype(str)
    missing = r.random(n) < state.noise.student_missing_id
    j_kind = r.random(n) < 0.5
    region = np.full(n, int(state.county.code), dtype=np.int64)
    j_body = ids.first17(region, p["birth"].to_numpy(), r.integers(900, 1000, n))
    j_numbers = np.char.add("J", ids.id_strings(j_body).to_numpy().astype(str))
    l_numbers = np.char.add(
        f"L{state.county.code}20", np.char.zfill(r.integers(0, 10**8, n).astype(str), 8)
    )
    number = np.where(
        missing, np.where(j_kind, j_numbers, l_numbers), np.char.add("G", real)
    ).astype("<U24")
    # a J or L number must be unique too
    _, first = np.unique(number, return_index=True)
    dup = np.setdiff1d(np.arange(n), first)
    number[dup] = np.char.add(number[dup], "1")
    return number, np.where(missing, "", real)
