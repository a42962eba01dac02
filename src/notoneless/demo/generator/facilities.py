"""The schools area's files (精准补短): school coordinates, conditions per year, the five years'
projects, recruitment, training and honours, and a few measured road times. Calibrated to the seed:
4.86亿 of building projects and 6,921.8万 of equipment over 2016-2020, 2,404 teachers recruited,
50,000 person-times of training (five rounds each on average), and the honours it lists, all scaled
by the county's size."""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from notoneless.demo.generator.county import CountyState
from notoneless.demo.generator.registers import Register
from notoneless.demo.generator.scales import (
    BUILDING_PROJECTS,
    BUILDING_YUAN,
    EQUIPMENT_PROJECTS,
    EQUIPMENT_YUAN,
    FIVE_YEARS,
    HONOURS,
    RECRUITED,
    TRAINING_PERSON_TIMES,
)
from notoneless.demo.generator.schools import allocate

CENTRE = (109.734, 38.285)  # 榆阳区 (longitude, latitude)
KM_PER_DEGREE_LAT = 111.0
EMPTY = np.array([], dtype=np.int64)
# yuan per student of each balance measure, around the national thresholds (primary, junior)
THRESHOLDS = {
    "floor": (4.5, 5.8),
    "sports": (7.5, 10.2),
    "equipment": (2000.0, 2500.0),
    "multimedia": (2.3, 2.4),  # per 100 students
}
COMPULSORY_TYPES = (
    "primary",
    "junior",
    "nine_year",
    "complete_secondary",
    "teaching_point",
    "special",
)


def _offset(
    lon: float, lat: float, km: np.ndarray, angle: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    dlat = km * np.sin(angle) / KM_PER_DEGREE_LAT
    dlon = km * np.cos(angle) / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return lon + dlon, lat + dlat


def coordinates(state: CountyState) -> pl.DataFrame:
    """Longitude and latitude of every school (s_idx, lon, lat): 街道 schools in the town, each rural
    township's seat 15-55 km out, its town schools at the seat and village schools 3-14 km around."""
    r = state.rng("school-coordinates")
    towns = state.townships
    n_towns = towns.height
    ring = r.uniform(15, 55, n_towns)
    angle = r.uniform(0, 2 * math.pi, n_towns)
    seat_lon, seat_lat = _offset(*CENTRE, ring, angle)
    urban = towns["urban"].to_numpy()
    seat_lon = np.where(urban, CENTRE[0], seat_lon)
    seat_lat = np.where(urban, CENTRE[1], seat_lat)
    schools = state.schools
    t_idx = schools["t_idx"].to_numpy()
    locality = schools["locality"].to_numpy().astype(str)
    n = schools.height
    spread = np.select([locality == "urban", locality == "town"], [4.0, 1.0], 14.0)
    near = np.where(locality == "rural", 3.0, 0.0)
    km = near + r.uniform(0, 1, n) * (spread - near)
    lon, lat = _offset(0.0, 0.0, km, r.uniform(0, 2 * math.pi, n))
    return pl.DataFrame(
        {
            "s_idx": schools["s_idx"],
            "lon": np.round(seat_lon[t_idx] + lon, 6),
            "lat": np.round(seat_lat[t_idx] + lat, 6),
        }
    )


def _students_at(state: CountyState) -> np.ndarray:
    size = state.students.group_by("s_idx").len().sort("s_idx")
    out = np.zeros(state.schools.height, dtype=np.int64)
    out[size["s_idx"].to_numpy()] = size["len"].to_numpy()
    return out


def _junior_share(state: CountyState) -> np.ndarray:
    """Per school, the share of its students in junior or higher stages (thresholds are higher)."""
    s = state.students
    upper = (
        s.filter(pl.col("stage").is_in(["junior", "senior", "vocational"])).group_by("s_idx").len()
    )
    out = np.zeros(state.schools.height)
    out[upper["s_idx"].to_numpy()] = upper["len"].to_numpy()
    return out / np.maximum(_students_at(state), 1)


def _text(values: np.ndarray, places: int) -> list[str]:
    """Decimals as the text a sheet shows (the fast sheet writer writes text and whole numbers)."""
    return [f"{v:.{places}f}" for v in values]


def _draw(
    r: np.random.Generator, upper: np.ndarray, key: str, centre: float, sd: float
) -> np.ndarray:
    """Per school, a value per student around the stage's threshold (``upper``: share of juniors)."""
    low, high = THRESHOLDS[key]
    threshold = low + (high - low) * upper
    return threshold * np.clip(r.normal(centre, sd, upper.size), 0.3, None)


def conditions(state: CountyState, years: tuple[int, ...] = (2019, 2020)) -> Register:
    """Facilities per school and year: per-student values drawn around the national thresholds
    (urban schools short of space, village schools roomy but with fixed minimums, a few schools short
    of equipment); 教学仪器设备值 in 万元 as the statistics forms give it."""
    r = state.rng("school-conditions")
    schools = state.schools
    n = schools.height
    students = np.maximum(_students_at(state), 1)
    upper = _junior_share(state)
    locality = schools["locality"].to_numpy().astype(str)
    urban = locality == "urban"
    rows = []
    for y, year in enumerate(years):
        growth = 1 + 0.04 * (y - len(years) + 1)  # earlier years a little poorer
        floor = _draw(r, upper, "floor", 1.2, 0.25) * growth * np.where(urban, 0.85, 1.05)
        sports = _draw(r, upper, "sports", 1.15, 0.3) * growth * np.where(urban, 0.75, 1.1)
        equipment = _draw(r, upper, "equipment", 1.2, 0.35) * growth
        multimedia = _draw(r, upper, "multimedia", 1.25, 0.3) * growth
        equipment_yuan = np.maximum(equipment * students, 30_000)
        computers = np.maximum(2, np.round(students * r.uniform(0.08, 0.16, n)))
        rows.append(
            pl.DataFrame(
                {
                    "学校标识码": schools["code"],
                    "学校名称": schools["name"],
                    "年度": np.full(n, year),
                    "教学及辅助用房面积（平方米）": _text(np.maximum(floor * students, 240), 2),
                    "体育运动场馆面积（平方米）": _text(np.maximum(sports * students, 400), 2),
                    "教学仪器设备值（万元）": _text(equipment_yuan / 10_000, 4),
                    "网络多媒体教室（间）": np.maximum(
                        1, np.round(multimedia * students / 100)
                    ).astype(np.int64),
                    "图书（册）": np.round(students * r.uniform(22, 40, n)).astype(np.int64),
                    "计算机（台）": computers.astype(np.int64),
                    "专用教室（间）": r.integers(2, 11, n),
                    "远程互动教室（间）": np.where(urban, r.integers(0, 2, n), r.integers(1, 3, n)),
                }
            )
        )
    frame = pl.concat(rows)
    return Register("school-conditions", frame, EMPTY)


def _split(total_yuan: int, n: int, r: np.random.Generator) -> np.ndarray:
    """``n`` amounts in whole hundreds of yuan that add up to ``total_yuan`` exactly."""
    hundreds = total_yuan // 100
    parts = allocate(hundreds, r.gamma(1.2, 1.0, n)) * 100
    parts[-1] += total_yuan - parts.sum()
    return parts


def projects(state: CountyState) -> Register:
    """The five years' building and equipment projects at rural schools, their amounts adding up to
    the seed's totals (scaled), all completed; and a few 2021 projects still under way."""
    r = state.rng("projects")
    schools = state.schools.filter(pl.col("locality") != "urban")
    if schools.height == 0:
        schools = state.schools
    factor = state.factor
    rows = []
    plan = (
        ("building", max(1, round(BUILDING_PROJECTS * factor)), round(BUILDING_YUAN * factor)),
        ("equipment", max(1, round(EQUIPMENT_PROJECTS * factor)), round(EQUIPMENT_YUAN * factor)),
    )
    for group, count, total in plan:
        amounts = _split(total, count, r)
        kinds = (
            r.choice(["新建", "改扩建", "维修改造"], count, p=[0.25, 0.35, 0.4])
            if group == "building"
            else r.choice(["设施设备", "远程互动资源"], count, p=[0.75, 0.25])
        )
        for i in range(count):
            year = int(FIVE_YEARS[i % len(FIVE_YEARS)])
            school = schools.row(int(r.integers(0, schools.height)), named=True)
            start = f"{year}-{int(r.integers(3, 7)):02d}-{int(r.integers(1, 28)):02d}"
            end = f"{year}-{int(r.integers(8, 13)):02d}-{int(r.integers(1, 28)):02d}"
            rows.append(
                (group, kinds[i], year, school, int(amounts[i]), amounts[i], "已完工", start, end)
            )
    for i in range(max(1, round(12 * factor))):
        school = schools.row(int(r.integers(0, schools.height)), named=True)
        budget = int(r.integers(50, 400)) * 10_000
        spent = round(budget * float(r.uniform(0.1, 0.8)), -2)
        status = "在建" if i % 3 else "计划"
        rows.append(
            (
                "building",
                "改扩建",
                2021,
                school,
                budget,
                spent if i % 3 else 0,
                status,
                "2021-04-01",
                "",
            )
        )
    frame = pl.DataFrame(
        {
            "项目编号": [f"YY{row[2]}-{i + 1:04d}" for i, row in enumerate(rows)],
            "项目名称": [f"{row[3]['name']}{row[1]}项目" for row in rows],
            "项目类别": [row[1] for row in rows],
            "学校标识码": [row[3]["code"] for row in rows],
            "资金来源": r.choice(
                ["中央", "省级", "市级", "区县"], len(rows), p=[0.3, 0.3, 0.1, 0.3]
            ),
            "年度": [row[2] for row in rows],
            "总投资（万元）": [f"{row[4] / 10_000:.4f}" for row in rows],
            "已完成投资（万元）": [f"{float(row[5]) / 10_000:.4f}" for row in rows],
            "状态": [row[6] for row in rows],
            "开工日期": [row[7] for row in rows],
            "完工日期": [row[8] for row in rows],
        }
    )
    return Register("projects", frame, EMPTY)


def recruitment(state: CountyState) -> Register:
    """Teachers recruited 2016-2020 (the seed's 2,404, scaled): campus recruitment for town schools,
    special-post teachers (特岗) for village schools, by subject."""
    r = state.rng("recruitment")
    schools = state.schools.filter(pl.col("type").is_in(list(COMPULSORY_TYPES)))
    total = max(1, round(RECRUITED * state.factor))
    subjects = np.array(["语文", "数学", "英语", "音乐", "体育", "美术", "信息技术", "科学"])
    s = r.integers(0, schools.height, total)
    rural = schools["locality"].to_numpy().astype(str)[s] == "rural"
    channel = np.where(rural & (r.random(total) < 0.8), "特岗教师", "校园招聘")
    frame = (
        pl.DataFrame(
            {
                "年度": r.choice(np.array(FIVE_YEARS), total),
                "补充渠道": channel,
                "学校标识码": schools["code"].to_numpy()[s],
                "学科": subjects[
                    r.choice(len(subjects), total, p=[0.2, 0.2, 0.12, 0.1, 0.12, 0.1, 0.08, 0.08])
                ],
            }
        )
        .group_by("年度", "补充渠道", "学校标识码", "学科")
        .len("人数")
        .sort("年度", "补充渠道", "学校标识码", "学科")
    )
    return Register("recruitment", frame, EMPTY)


def training(state: CountyState, staff: Register) -> Register:
    """One round of the district's training a year, 2016-2020, each teacher taking part with the
    chance that gives the seed's 50,000 person-times (scaled); a few short school-based courses
    that do not count as a round."""
    r = state.rng("training")
    teachers = staff.frame
    n = teachers.height
    rounds = len(FIVE_YEARS)
    target = TRAINING_PERSON_TIMES * state.factor
    share = min(1.0, target / max(1, n * rounds))
    took = r.random((n, rounds)) < share
    who, which = np.nonzero(took)
    levels = r.choice(["国培", "省培", "市培", "区培"], who.size, p=[0.1, 0.15, 0.2, 0.55])
    frame = pl.DataFrame(
        {
            "身份证号": teachers["身份证号"].to_numpy()[who],
            "姓名": teachers["姓名"].to_numpy()[who],
            "年度": np.array(FIVE_YEARS)[which],
            "培训项目": [
                f"第{'一二三四五'[k]}轮全员培训（{levels[i]}）" for i, k in enumerate(which)
            ],
            "培训级别": levels,
            "轮次": which + 1,
            "学时": r.choice([24, 36, 48, 72], who.size, p=[0.2, 0.3, 0.3, 0.2]),
        }
    )
    short = r.random(n) < 0.05
    extra = pl.DataFrame(
        {
            "身份证号": teachers["身份证号"].to_numpy()[short],
            "姓名": teachers["姓名"].to_numpy()[short],
            "年度": np.full(short.sum(), 2020),
            "培训项目": ["校本研修（专题讲座）"] * int(short.sum()),
            "培训级别": ["校本"] * int(short.sum()),
            "轮次": np.full(short.sum(), rounds),
            "学时": np.full(short.sum(), 8),
        }
    )
    return Register("training", pl.concat([frame, extra]), EMPTY)


def honours(state: CountyState, staff: Register) -> Register:
    """The seed's honours (scaled), given to teachers of compulsory and senior schools, larger schools
    more often; backbone titles in 2018-2020, the others over the five years."""
    r = state.rng("honours")
    teachers = staff.frame
    rows = []
    for kind, (count, levels) in HONOURS.items():
        wanted = max(1, round(count * state.factor))
        pool = np.flatnonzero(teachers["岗位"].to_numpy().astype(str) != "教辅人员")
        if kind == "名校长":
            pool = np.flatnonzero(
                np.isin(teachers["岗位"].to_numpy().astype(str), ["校长", "副校长"])
            )
        picks = r.choice(pool, min(wanted, pool.size), replace=False)
        years = (2018, 2019, 2020) if kind == "骨干教师" else FIVE_YEARS
        for i in picks:
            rows.append(
                {
                    "身份证号": teachers["身份证号"][int(i)],
                    "姓名": teachers["姓名"][int(i)],
                    "荣誉类别": kind,
                    "级别": str(
                        r.choice(
                            np.array(levels), p=None if kind != "骨干教师" else [0.1, 0.3, 0.6]
                        )
                    ),
                    "年度": int(r.choice(np.array(years))),
                }
            )
    frame = pl.DataFrame(
        rows,
        schema={
            "身份证号": pl.String,
            "姓名": pl.String,
            "荣誉类别": pl.String,
            "级别": pl.String,
            "年度": pl.Int64,
        },
    )
    return Register("honours", frame, EMPTY)


def travel_times(state: CountyState, coords: pl.DataFrame) -> Register:
    """Road times measured for each teaching point to its central school: the straight-line estimate
    plus a detour (a river, a hill road), so the table's pairs differ from what coordinates give."""
    r = state.rng("travel-times")
    schools = state.schools.join(coords, on="s_idx")
    points = schools.filter(pl.col("central") >= 0)
    code_of = dict(zip(schools["s_idx"].to_list(), schools["code"].to_list(), strict=True))
    where = {row["s_idx"]: (row["lon"], row["lat"]) for row in schools.iter_rows(named=True)}
    rows = []
    for row in points.iter_rows(named=True):
        (lon1, lat1), (lon2, lat2) = where[row["s_idx"]], where[row["central"]]
        dx = (lon2 - lon1) * KM_PER_DEGREE_LAT * math.cos(math.radians(lat1))
        dy = (lat2 - lat1) * KM_PER_DEGREE_LAT
        km = math.hypot(dx, dy) * 1.3
        minutes = math.ceil(km / 30 * 60) + int(r.integers(5, 16))
        rows.append(
            {
                "起点学校标识码": code_of[row["central"]],
                "终点学校标识码": code_of[row["s_idx"]],
                "路程时间（分钟）": str(minutes),
            }
        )
    frame = pl.DataFrame(
        rows,
        schema={
            "起点学校标识码": pl.String,
            "终点学校标识码": pl.String,
            "路程时间（分钟）": pl.String,
        },
    )
    return Register("travel-times", frame, EMPTY)
