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
    """The county's divisions, schools and everyone in it, with hardship planted and IDs assigned."""
    rng = Streams(seed, index)
    townships, villages = divisions.build(county, scale, rng("divisions"))
    counts = {k: max(1, round(v * factor)) if scale.csv else v for k, v in scale.schools.items()}
    school_frame = schools.build(county, counts, townships, villages, rng("schools"))
    seats = schools.seats(school_frame, scales.stage_totals(factor), rng("seats"))
    students = population.students_from_seats(rng("students"), seats, school_frame, villages)
    students = population.add_twins(rng("twins"), students, noise.twins)
    kids = pl.concat([students, population.extras(rng("extras"), students, factor, noise)])
    family = population.form_families(rng("families"), kids, school_frame)
    kids = kids.with_columns(pl.Series("family", family))
    families = population.family_table(rng("family-table"), kids, family, villages)
    plan = hardship.plan(factor)
    orphans = {s: plan[s]["orphan"] for s in STAGES}
    families = population.choose_orphans(rng("orphans"), kids, families, orphans)
    kids, families = _plant_hardship(rng, kids, families, school_frame, factor)
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


def _plant_hardship(
    rng: Streams,
    kids: pl.DataFrame,
    families: pl.DataFrame,
    school_frame: pl.DataFrame,
    factor: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Boarders, household statuses, 特困 and disability, majors and hardship grades (hardship.py)."""
    boarder = hardship.assign_boarders(rng("boarders"), kids, school_frame, families)
    status = hardship.choose_households(rng("households"), kids, families, factor)
    families = families.with_columns(pl.Series("status", status))
    s_idx = kids["s_idx"].to_numpy()
    types = school_frame["type"].to_numpy().astype(str)
    special = (s_idx >= 0) & (types[np.maximum(s_idx, 0)] == "special")
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
    return kids, families


class _Parts:
    """Families and members of the people who are only on external registers, numbered on."""

    def __init__(self, first_family: int) -> None:
        self.next_family = first_family
        self.families: list[pl.DataFrame] = []
        self.members: list[pl.DataFrame] = []

    def add(self, parts: tuple[pl.DataFrame, pl.DataFrame]) -> tuple[pl.DataFrame, pl.DataFrame]:
        self.families.append(parts[0])
        self.members.append(parts[1])
        self.next_family += parts[0].height
        return parts


def _village_pools(villages: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(all, rural and town, urban and town) village indices."""
    loc = villages["locality"].to_numpy().astype(str)
    v_all = villages["v_idx"].to_numpy()
    rural_v = v_all[loc != "urban"] if (loc != "urban").any() else v_all
    urban_v = v_all[loc != "rural"] if (loc != "rural").any() else v_all
    return v_all, rural_v, urban_v


def _register_households(
    rng: Streams,
    parts: _Parts,
    kids: pl.DataFrame,
    adults: pl.DataFrame,
    families: pl.DataFrame,
    villages: pl.DataFrame,
    factor: float,
) -> None:
    """Poor and 低保 households without children in the county's schools, so that the registers reach
    their sizes (18,000 poor households of 60,000 members, 40,000 assistance records at Yuyang)."""
    _, rural_v, urban_v = _village_pools(villages)
    status = families["status"].to_numpy()
    in_family = np.concatenate([kids["family"].to_numpy(), adults["family"].to_numpy()])
    poor_fams = np.isin(status, [POOR, POOR_DIBAO])
    n_hh = scales.scaled(scales.POVERTY_HOUSEHOLDS, factor) - int(poor_fams.sum())
    n_members = scales.scaled(scales.POVERTY_MEMBERS, factor) - int(poor_fams[in_family].sum())
    r = rng("register-households")
    n_both, m_poor = round(n_hh * 0.25), round(n_members * 0.75)

    def households(n: int, members: int, code: int, pool: np.ndarray, rural: bool) -> pl.DataFrame:
        made = people.register_households(
            r, n, members, status=code, villages=pool, rural=rural, first_family=parts.next_family
        )
        return parts.add(made)[1]

    households(n_hh - n_both, m_poor, POOR, rural_v, True)
    both = households(n_both, n_members - m_poor, POOR_DIBAO, rural_v, True)
    # 低保 households without school children: what the assistance list needs beyond the others
    dibao_fams = np.isin(status, [POOR_DIBAO, DIBAO_RURAL, DIBAO_URBAN])
    on_list = int(dibao_fams[in_family].sum()) + both.height + int(kids["tekun"].sum())
    on_list += int(families["orphan"].to_numpy()[kids["family"].to_numpy()].sum())
    left = max(
        0,
        scales.scaled(scales.ASSISTANCE_RECORDS, factor)
        - on_list
        - scales.scaled(TEKUN_ADULTS, factor),
    )
    households(round(left * 0.7 / 2.3), round(left * 0.7), DIBAO_RURAL, rural_v, True)
    households(round(left * 0.3 / 2.0), round(left * 0.3), DIBAO_URBAN, urban_v, False)


def _people_on_their_own(
    rng: Streams, parts: _Parts, kids: pl.DataFrame, villages: pl.DataFrame, factor: float
) -> int:
    """特困 adults, disabled adults, teachers and university students (some in a poor household);
    returns how many disabled adults are to be found among the children's parents."""
    v_all, rural_v, _ = _village_pools(villages)
    s = rng("singles")

    def singles(
        n: int, role: str, ages: tuple[int, int], pool: np.ndarray, rural: float
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        return people.singles(
            s,
            n,
            role,
            oldest=ages[1],
            youngest=ages[0],
            villages=pool,
            rural_share=rural,
            first_family=parts.next_family,
        )

    parts.add(singles(scales.scaled(TEKUN_ADULTS, factor), "tekun", (45, 92), rural_v, 0.9))
    n_dis = max(0, scales.scaled(scales.DISABILITY_RECORDS, factor) - int(kids["disabled"].sum()))
    n_parents = round(n_dis * 0.2)
    parts.add(singles(n_dis - n_parents, "disabled", (19, 90), v_all, 0.7))
    parts.add(
        singles(
            scales.scaled(scales.TEACHERS, factor, 2),
            "teacher",
            (22, 59),
            np.array([], dtype=np.int64),
            0.3,
        )
    )
    n_uni = scales.scaled(scales.SEED_FIGURES["student_loan"], factor, 1)
    uni_f, uni_m = singles(n_uni, "university", (18, 22), rural_v, 0.8)
    poor = pl.concat(
        [f for f in parts.families if f.height and f["status"][0] in (POOR, POOR_DIBAO)]
    )
    k = min(poor.height, round(n_uni * UNIVERSITY_IN_POOR_HOUSEHOLDS))
    home = s.choice(poor["family"].to_numpy(), size=k, replace=False)
    uni_m = uni_m.with_columns(
        pl.Series("family", np.concatenate([home, uni_m["family"].to_numpy()[k:]]))
    )
    parts.add((uni_f, uni_m))
    return n_parents


_CHILD_DEFAULTS = {
    "twin_of": -1,
    "s_idx": -1,
    "kind": "",
    "stage": "",
    "grade": 0,
    "boarder": False,
    "tekun": False,
    "disabled": False,
    "level": 0,
    "major": "",
    "category": "",
}


def _register_people(
    rng: Streams,
    kids: pl.DataFrame,
    adults: pl.DataFrame,
    families: pl.DataFrame,
    villages: pl.DataFrame,
    factor: float,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Everyone: children, family adults, and the people who are only on external registers."""
    parts = _Parts(families.height)
    _register_households(rng, parts, kids, adults, families, villages, factor)
    n_parents = _people_on_their_own(rng, parts, kids, villages, factor)
    extra = [
        f.with_columns(
            pl.lit("").alias("guardian"),
            pl.lit(False).alias("left_behind"),
            pl.lit(0).cast(families["size"].dtype).alias("size"),
            pl.lit(False).alias("orphan"),
        ).select(families.columns)
        for f in parts.families
    ]
    families = pl.concat([families, *extra]).with_columns(pl.col("family").cast(pl.Int64))
    adults_all = pl.concat([adults, pl.concat(parts.members).select(adults.columns)])
    persons = pl.concat([kids, adults_all], how="diagonal_relaxed").with_columns(
        pl.col(name).fill_null(value) for name, value in _CHILD_DEFAULTS.items()
    )
    # the family's village for everyone; some parents are the disabled adults
    persons = persons.with_columns(
        pl.Series("v_idx", families["v_idx"].to_numpy()[persons["family"].to_numpy()])
    )
    roles = persons["role"].to_numpy().astype(str)
    parents = np.flatnonzero(np.isin(roles, ["father", "mother"]))
    disabled = persons["disabled"].to_numpy().copy()
    disabled[
        rng("disabled-parents").choice(parents, size=min(n_parents, len(parents)), replace=False)
    ] = True
    return persons.with_columns(pl.Series("disabled", disabled | (roles == "disabled"))), families


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
