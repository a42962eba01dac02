"""Schools of a county: types, townships, boarding, tuition, teaching points, and seats per grade."""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.demo.generator.divisions import County
from notoneless.demo.generator.names import words

TYPE_LABELS = {
    "kindergarten": "幼儿园",
    "primary": "小学",
    "teaching_point": "教学点",
    "junior": "初级中学",
    "nine_year": "九年一贯制学校",
    "complete_secondary": "完全中学",
    "senior": "高级中学",
    "vocational": "中等职业学校",
    "special": "特殊教育学校",
}
STAGE_LABELS = {
    "preschool": "学前",
    "primary": "小学",
    "junior": "初中",
    "senior": "高中",
    "vocational": "中职",
}
TYPE_STAGES = {
    "kindergarten": ("preschool",),
    "primary": ("primary",),
    "teaching_point": ("primary",),
    "junior": ("junior",),
    "nine_year": ("primary", "junior"),
    "complete_secondary": ("junior", "senior"),
    "senior": ("senior",),
    "vocational": ("vocational",),
    "special": ("primary", "junior"),
}
URBAN_SHARE = {
    "kindergarten": 0.55,
    "primary": 0.35,
    "teaching_point": 0.0,
    "junior": 0.45,
    "nine_year": 0.2,
    "complete_secondary": 0.75,
    "senior": 0.8,
    "vocational": 0.8,
    "special": 1.0,
}
LOCALITY_LABELS = {"urban": "城区", "town": "镇区", "rural": "乡村"}
GRADES = {
    "preschool": (1, 2, 3),
    "primary": (1, 2, 3, 4, 5, 6),
    "junior": (7, 8, 9),
    "senior": (1, 2, 3),
    "vocational": (1, 2, 3),
}
CLASS_SIZE = {"preschool": 30, "primary": 45, "junior": 50, "senior": 55, "vocational": 45}

_KG_BRANDS = words(
    "阳光 小天使 金太阳 育才 启明星 蓝天 童心 博雅 贝贝 七彩 小太阳 爱心 春苗 新星 "
    "未来星 小精灵 智慧树 快乐岛 英才 红黄蓝 艺术 双语 东方 朝阳 花朵 星光 童话 "
    "彩虹 百合 明珠 金色摇篮 小海豚 小白鸽 聪聪 乐乐 苗苗"
)
_VOCATIONAL_YUYANG = (
    "榆阳区职业教育中心",
    "榆林市艺术学校",
    "榆林农业技术学校",
    "榆林市第一职业中学",
    "榆林能源化工职业学校",
    "榆林卫生学校",
    "榆林市交通职业学校",
    "榆林工贸职业学校",
)
_CN_DIGITS = "零一二三四五六七八九"
_SUFFIXES = (
    "九年制学校",
    "职业中学",
    "初级中学",
    "高级中学",
    "幼儿园",
    "教学点",
    "小学",
    "中学",
    "学校",
)


def cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def allocate(total: int, weights: np.ndarray) -> np.ndarray:
    """Integers proportional to ``weights`` that add up to ``total`` (largest remainder)."""
    if total <= 0 or len(weights) == 0:
        return np.zeros(len(weights), dtype=np.int64)
    share = weights / weights.sum() * total
    base = np.floor(share).astype(np.int64)
    rest = total - base.sum()
    order = np.argsort(-(share - base), kind="stable")
    base[order[:rest]] += 1
    return base


class _Namer:
    def __init__(self, county: County) -> None:
        self.county = county
        self.city = "榆林市" if county.code.startswith("6108") else county.name
        self.prefix = county.name
        self.counters: dict[str, int] = {}
        self.taken: set[str] = set()

    def next(self, key: str) -> int:
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def unique(self, name: str) -> str:
        """A second school of the same name becomes 第二…: 王家沟小学, 王家沟第二小学."""
        base, k = name, 2
        suffix = next((s for s in _SUFFIXES if base.endswith(s)), "")
        while name in self.taken:
            stem = base[: len(base) - len(suffix)]
            name = f"{stem}第{cn_number(k)}{suffix}" if suffix else f"{base}{cn_number(k)}"
            k += 1
        self.taken.add(name)
        return name


def _urban_name(namer: _Namer, school_type: str, township: str, rng: np.random.Generator) -> str:
    road = township.removesuffix("街道")
    if school_type == "kindergarten":
        if rng.random() < 0.35:
            return f"{namer.prefix}第{cn_number(namer.next('kg'))}幼儿园"
        return f"{_KG_BRANDS[rng.integers(0, len(_KG_BRANDS))]}幼儿园"
    if school_type == "primary":
        if rng.random() < 0.4:
            return f"{road}小学"
        return f"{namer.prefix}第{cn_number(namer.next('primary'))}小学"
    if school_type in ("junior", "complete_secondary", "senior"):
        if (
            school_type == "senior"
            and namer.next("senior_named") == 1
            and namer.county.code == "610802"
        ):
            return "榆林中学"
        return f"{namer.city}第{cn_number(namer.next('middle'))}中学"
    if school_type == "nine_year":
        return f"{namer.prefix}{road}九年制学校"
    if school_type == "vocational":
        k = namer.next("vocational")
        if namer.county.code == "610802" and k <= len(_VOCATIONAL_YUYANG):
            return _VOCATIONAL_YUYANG[k - 1]
        return f"{namer.prefix}第{cn_number(k)}职业中学" if k > 1 else f"{namer.prefix}职业教育中心"
    if school_type == "special":
        return f"{namer.prefix}特殊教育学校"
    raise ValueError(school_type)


def _rural_name(namer: _Namer, school_type: str, township: str, village: str, first: bool) -> str:
    stem = township[:-1]
    vstem = village.removesuffix("村").removesuffix("社区")
    match school_type:
        case "kindergarten":
            return f"{township}中心幼儿园" if first else f"{vstem}幼儿园"
        case "primary":
            return f"{township}中心小学" if first else f"{vstem}小学"
        case "teaching_point":
            return f"{township}{vstem}教学点"
        case "junior":
            return f"{township}初级中学" if first else f"{township}第二初级中学"
        case "nine_year":
            return f"{township}九年制学校" if first else f"{vstem}九年制学校"
        case "complete_secondary":
            return f"{stem}中学"
        case "senior":
            return f"{stem}高级中学"
        case "vocational":
            return f"{township}职业中学"
    raise ValueError(school_type)


def _tuition(school_type: str, name: str, locality: str, rng: np.random.Generator) -> int:
    if school_type == "kindergarten":
        public = "中心幼儿园" in name or "第" in name
        if locality == "rural":
            return 600
        if public:
            return int(rng.choice([600, 800]))
        return int(rng.choice([1000, 1200, 1500]))
    if school_type in ("senior", "complete_secondary"):
        return 1000 if rng.random() < 0.1 else 800
    if school_type == "vocational":
        return 1000
    return 0


def _boarding(school_type: str, locality: str, rng: np.random.Generator) -> bool:
    if school_type in ("kindergarten", "teaching_point"):
        return False
    if school_type in ("nine_year", "complete_secondary", "senior", "vocational", "special"):
        return True
    if school_type == "primary":
        return locality == "town" or (locality == "rural" and rng.random() < 0.5)
    return locality != "urban" or rng.random() < 0.6  # junior


def _homes(
    school_type: str, n: int, townships: pl.DataFrame, rng: np.random.Generator
) -> list[tuple[int, bool]]:
    """(township, urban) for each school of a type: a share in the 街道, the rest spread over the
    rural townships in a random order (so each gets its central school first)."""
    urban_t = townships.filter(pl.col("urban"))["t_idx"].to_list()
    rural_t = townships.filter(~pl.col("urban"))["t_idx"].to_numpy()
    n_urban = n if len(rural_t) == 0 else round(n * URBAN_SHARE[school_type])
    if not urban_t:
        n_urban = 0
    homes = [(int(urban_t[i % len(urban_t)]), True) for i in range(n_urban)]
    rural_order = rng.permutation(rural_t)
    return homes + [(int(rural_order[i % len(rural_order)]), False) for i in range(n - n_urban)]


def build(
    county: County,
    counts: dict[str, int],
    townships: pl.DataFrame,
    villages: pl.DataFrame,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """One row per school, in a stable order (type by type)."""
    namer = _Namer(county)
    rural_villages = {
        t: villages.filter((pl.col("t_idx") == t) & (pl.col("level") == "村"))["name"].to_list()
        for t in townships.filter(~pl.col("urban"))["t_idx"].to_list()
    }
    rows: list[dict[str, object]] = []
    per_township: dict[tuple[str, int], int] = {}
    for school_type in TYPE_LABELS:
        for t_idx, urban in _homes(school_type, counts.get(school_type, 0), townships, rng):
            township = str(townships["name"][t_idx])
            k = per_township.get((school_type, t_idx), 0)
            per_township[(school_type, t_idx)] = k + 1
            if urban:
                name, locality = _urban_name(namer, school_type, township, rng), "urban"
            else:
                vills = rural_villages[t_idx] or [township]
                village = vills[int(rng.integers(0, len(vills)))]
                name = _rural_name(namer, school_type, township, village, first=k == 0)
                seat = (k == 0 and school_type != "teaching_point") or school_type in (
                    "complete_secondary",
                    "senior",
                    "vocational",
                )
                locality = "town" if seat else "rural"
            rows.append(
                {
                    "type": school_type,
                    "name": namer.unique(name),
                    "t_idx": t_idx,
                    "locality": locality,
                }
            )
    frame = pl.DataFrame(rows).with_row_index("s_idx").with_columns(pl.col("s_idx").cast(pl.Int64))
    codes = rng.choice(np.arange(1000, 10_000), size=len(frame), replace=False)
    types, names, localities = (
        frame["type"].to_list(),
        frame["name"].to_list(),
        frame["locality"].to_list(),
    )
    frame = frame.with_columns(
        pl.Series("code", [f"61{county.code[2:]}{c}" for c in codes]),
        pl.Series(
            "boarding", [_boarding(t, loc, rng) for t, loc in zip(types, localities, strict=True)]
        ),
        pl.Series(
            "tuition",
            [
                _tuition(t, nm, loc, rng)
                for t, nm, loc in zip(types, names, localities, strict=True)
            ],
        ),
    )
    return _attach_central(frame)


def _attach_central(frame: pl.DataFrame) -> pl.DataFrame:
    """Each teaching point belongs to its township's central primary (or nine-year) school."""
    central: list[int] = []
    for row in frame.iter_rows(named=True):
        if row["type"] != "teaching_point":
            central.append(-1)
            continue
        same = frame.filter(
            (pl.col("t_idx") == row["t_idx"])
            & (pl.col("locality") == "town")
            & pl.col("type").is_in(["primary", "nine_year"])
        )
        if same.is_empty():
            same = frame.filter(
                pl.col("type").is_in(["primary", "nine_year"]) & (pl.col("locality") != "urban")
            )
        if same.is_empty():
            same = frame.filter(pl.col("type").is_in(["primary", "nine_year"]))
        central.append(int(same["s_idx"][0]))
    return frame.with_columns(pl.Series("central", central, dtype=pl.Int64))


_STAGE_WEIGHTS = {
    # (type, locality) -> weight of the school's share of the stage's students
    "preschool": {
        ("kindergarten", "urban"): 1.3,
        ("kindergarten", "town"): 1.2,
        ("kindergarten", "rural"): 0.3,
    },
    "primary": {
        ("primary", "urban"): 8.0,
        ("primary", "town"): 2.0,
        ("primary", "rural"): 0.5,
        ("nine_year", "urban"): 3.5,
        ("nine_year", "town"): 1.2,
        ("nine_year", "rural"): 0.6,
    },
    "junior": {
        ("junior", "urban"): 4.0,
        ("junior", "town"): 1.5,
        ("nine_year", "urban"): 1.8,
        ("nine_year", "town"): 0.8,
        ("nine_year", "rural"): 0.4,
        ("complete_secondary", "urban"): 2.5,
        ("complete_secondary", "town"): 1.2,
    },
    "senior": {
        ("complete_secondary", "urban"): 1.6,
        ("complete_secondary", "town"): 0.9,
        ("senior", "urban"): 2.5,
        ("senior", "town"): 1.5,
    },
    "vocational": {("vocational", "urban"): 1.0, ("vocational", "town"): 0.7},
}


def seats(schools: pl.DataFrame, totals: dict[str, int], rng: np.random.Generator) -> pl.DataFrame:
    """(s_idx, stage, grade, n): how many students each school has in each grade."""
    out: list[pl.DataFrame] = []
    types = schools["type"].to_numpy()
    locs = schools["locality"].to_numpy()
    s_idx = schools["s_idx"].to_numpy()
    for stage, total in totals.items():
        fixed = np.zeros(len(schools), dtype=np.int64)
        grade_sets = {i: GRADES[stage] for i in range(len(schools))}
        if stage == "primary":
            tp = types == "teaching_point"
            fixed[tp] = rng.integers(8, 36, tp.sum())
            for i in np.flatnonzero(tp):
                grade_sets[int(i)] = (1, 2, 3, 4) if rng.random() < 0.3 else (1, 2, 3)
        if stage in ("primary", "junior"):
            special = types == "special"
            fixed[special] = max(1, round(total * (0.0012 if stage == "primary" else 0.0015)))
        fixed_total = min(int(fixed.sum()), total)
        weights = np.array(
            [_STAGE_WEIGHTS[stage].get((t, loc), 0.0) for t, loc in zip(types, locs, strict=True)]
        )
        weights = weights * rng.uniform(0.7, 1.3, len(weights))
        if weights.sum() == 0:
            continue
        counts = fixed + allocate(total - fixed_total, weights)
        for i in np.flatnonzero(counts):
            grades = grade_sets[int(i)]
            gw = rng.uniform(0.93, 1.07, len(grades))
            per_grade = allocate(int(counts[i]), gw)
            out.append(
                pl.DataFrame(
                    {
                        "s_idx": np.full(len(grades), s_idx[i]),
                        "stage": [stage] * len(grades),
                        "grade": np.array(grades, dtype=np.int64),
                        "n": per_grade,
                    }
                )
            )
    return pl.concat(out).filter(pl.col("n") > 0)


def schools_frame(
    schools: pl.DataFrame,
    townships: pl.DataFrame,
    seats_frame: pl.DataFrame,
    coordinates: pl.DataFrame,
) -> pl.DataFrame:
    """The rows of schools.xlsx, with each school's longitude and latitude."""
    code_of = dict(zip(schools["s_idx"].to_list(), schools["code"].to_list(), strict=True))
    town_names = townships["name"].to_list()
    stage_sets = (
        seats_frame.select("s_idx", "stage").unique().group_by("s_idx").agg(pl.col("stage"))
    )
    stages_of = {
        int(s): set(v) for s, v in zip(stage_sets["s_idx"], stage_sets["stage"], strict=True)
    }
    order = list(STAGE_LABELS)
    where = {r["s_idx"]: (r["lon"], r["lat"]) for r in coordinates.iter_rows(named=True)}
    rows = []
    for row in schools.iter_rows(named=True):
        own = stages_of.get(row["s_idx"]) or set(TYPE_STAGES[row["type"]])
        rows.append(
            {
                "学校标识码": row["code"],
                "学校名称": row["name"],
                "办学类型": TYPE_LABELS[row["type"]],
                "学段": ",".join(STAGE_LABELS[s] for s in order if s in own),
                "乡镇": town_names[row["t_idx"]],
                "城乡类型": LOCALITY_LABELS[row["locality"]],
                "是否寄宿": "是" if row["boarding"] else "否",
                "学费标准": row["tuition"],
                "中心校标识码": code_of[row["central"]] if row["central"] >= 0 else "",
                "经度": f"{where[row['s_idx']][0]:.6f}",
                "纬度": f"{where[row['s_idx']][1]:.6f}",
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "学校标识码": pl.String,
            "学校名称": pl.String,
            "办学类型": pl.String,
            "学段": pl.String,
            "乡镇": pl.String,
            "城乡类型": pl.String,
            "是否寄宿": pl.String,
            "学费标准": pl.Int64,
            "中心校标识码": pl.String,
            "经度": pl.String,
            "纬度": pl.String,
        },
    )
