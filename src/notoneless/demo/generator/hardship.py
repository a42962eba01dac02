"""Planting hardship so that, under the aid rules, the eligible counts land on the seed's figures.

Household statuses (registered-poor, 低保) are chosen family by family, accepting a family only when
none of its students would overshoot its stage's target; person statuses (特困, disability) and the
hardship grades schools identify then fill the remaining gaps exactly:

- preschool living subsidy = graded or hardship group: grades fill up to the target;
- compulsory: boarders graded or in a hardship group, plus non-boarders in the "strong" groups
  (registered-poor, disabled, rural 低保, rural 特困): grades among boarders fill up to the target;
- senior tuition waiver = strong groups: disabled seniors fill up to the target; the grant
  (graded or hardship group) is then filled by grades;
- vocational grant (years 1-2) = graded, hardship group or farm major: grades fill up to the target.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.demo.generator import scales
from notoneless.demo.generator.scales import STAGES

CATEGORIES = ("poor", "poor_dibao", "dibao_rural", "dibao_urban")
GRADE_LABELS = ("", "特别困难", "困难", "一般困难")
FILL_TIERS = (
    0.15,
    0.35,
    0.5,
)  # grades schools give beyond the hardship groups: senior grants average ~2,000

VOCATIONAL_MAJORS = (
    # (major, category, weight)
    ("现代农艺技术", "农林牧渔类", 3),
    ("畜牧兽医", "农林牧渔类", 2),
    ("园林技术", "农林牧渔类", 1.5),
    ("设施农业生产技术", "农林牧渔类", 1),
    ("农业机械使用与维护", "农林牧渔类", 1),
    ("机电技术应用", "加工制造类", 8),
    ("数控技术应用", "加工制造类", 5),
    ("焊接技术应用", "加工制造类", 3),
    ("计算机应用", "信息技术类", 10),
    ("计算机网络技术", "信息技术类", 4),
    ("电子技术应用", "信息技术类", 3),
    ("汽车运用与维修", "交通运输类", 9),
    ("护理", "医药卫生类", 10),
    ("药剂", "医药卫生类", 3),
    ("会计", "财经商贸类", 5),
    ("电子商务", "财经商贸类", 6),
    ("学前教育", "教育类", 8),
    ("舞蹈表演", "文化艺术类", 2),
    ("音乐表演", "文化艺术类", 2),
    ("戏曲表演", "文化艺术类", 0.5),
    ("美术设计与制作", "文化艺术类", 2),
    ("高星级饭店运营与管理", "旅游服务类", 3),
    ("煤炭综合利用", "资源环境类", 3),
    ("化学工艺", "石油化工类", 4),
)
FARM = "农林牧渔类"


def plan(factor: float) -> dict[str, dict[str, int]]:
    """Per stage: counts of students to plant in each status at this county size."""
    keys = ("poor", "poor_dibao", "dibao_rural", "dibao_urban", "tekun", "orphan", "disabled")
    return {
        stage: {
            k: (v if v < 0 else scales.scaled(v, factor)) for k, v in zip(keys, row, strict=True)
        }
        for stage, row in scales.HARDSHIP_PLAN.items()
    }


def efraimidis(rng: np.random.Generator, weights: np.ndarray, k: int) -> np.ndarray:
    """k indices drawn without replacement with probability proportional to weights."""
    positive = np.flatnonzero(weights > 0)
    k = min(k, len(positive))
    if k <= 0:
        return np.array([], dtype=np.int64)
    keys = rng.exponential(size=len(positive)) / weights[positive]
    return positive[np.argpartition(keys, k - 1)[:k]] if k < len(positive) else positive


def assign_boarders(
    rng: np.random.Generator, kids: pl.DataFrame, schools: pl.DataFrame, families: pl.DataFrame
) -> np.ndarray:
    """Boarders: a fixed share of compulsory students, all at boarding schools, older and rural
    children first; 60% of senior and vocational students at boarding schools."""
    n = kids.height
    s_idx = kids["s_idx"].to_numpy()
    stage = kids["stage"].to_numpy().astype(str)
    grade = kids["grade"].to_numpy()
    at_boarding = (s_idx >= 0) & schools["boarding"].to_numpy()[np.maximum(s_idx, 0)]
    rural = families["hukou_rural"].to_numpy()[kids["family"].to_numpy()]
    compulsory = np.isin(stage, ["primary", "junior"]) & (s_idx >= 0)
    weight = (
        np.select([stage == "junior", grade >= 5, grade >= 3], [1.0, 0.9, 0.75], 0.35)
        * np.where(rural, 1.5, 0.4)
        * (at_boarding & compulsory)
    )
    target = round(scales.COMPULSORY_BOARDER_SHARE * compulsory.sum())
    boarder = np.zeros(n, dtype=bool)
    boarder[efraimidis(rng, weight, target)] = True
    upper = np.isin(stage, ["senior", "vocational"]) & at_boarding
    boarder |= upper & (rng.random(n) < 0.6)
    return boarder


def choose_households(
    rng: np.random.Generator, kids: pl.DataFrame, families: pl.DataFrame, factor: float
) -> np.ndarray:
    """Status per family (index into ``CATEGORIES`` + 1; 0 none), hitting the per-stage targets."""
    p = plan(factor)
    n_fam = families.height
    fam = kids["family"].to_numpy()
    is_student = kids["kind"].to_numpy().astype(str) == "student"
    stage_code = np.array(
        [
            scales.STAGES.index(s) if s in scales.STAGES else -1
            for s in kids["stage"].to_numpy().astype(str)
        ]
    )
    counts = np.zeros((n_fam, len(STAGES)), dtype=np.int64)
    sel = is_student & (stage_code >= 0)
    np.add.at(counts, (fam[sel], stage_code[sel]), 1)
    eligible = (families["v_idx"].to_numpy() >= 0) & ~families["orphan"].to_numpy()
    rural = families["hukou_rural"].to_numpy()
    status = np.zeros(n_fam, dtype=np.int64)
    count_rows = [tuple(int(x) for x in row) for row in counts]
    for c, category in enumerate(CATEGORIES):
        need = [p[s][category] for s in STAGES]
        wanted_rural = category != "dibao_urban"
        pool = np.flatnonzero(
            eligible & (rural == wanted_rural) & (status == 0) & (counts.sum(axis=1) > 0)
        )
        for f in rng.permutation(pool):
            row = count_rows[f]
            if all(r <= q for r, q in zip(row, need, strict=True)):
                status[f] = c + 1
                need = [q - r for r, q in zip(row, need, strict=True)]
                if not any(need):
                    break
    # a few poor and 低保 families whose children are not in the county's schools
    no_students = np.flatnonzero(eligible & rural & (status == 0) & (counts.sum(axis=1) == 0))
    for c in (1, 3):
        k = round((status == c).sum() * 0.08)
        pick = rng.choice(no_students, size=min(k, len(no_students)), replace=False)
        status[pick] = c
        no_students = np.setdiff1d(no_students, pick)
    return status


def person_flags(
    rng: np.random.Generator,
    kids: pl.DataFrame,
    families: pl.DataFrame,
    boarder: np.ndarray,
    factor: float,
    special_school: np.ndarray,
) -> dict[str, np.ndarray]:
    """特困 and disability for students (and a few other children); disabled seniors fill the
    tuition-waiver target."""
    p = plan(factor)
    n = kids.height
    fam = kids["family"].to_numpy()
    fam_status = families["status"].to_numpy()[fam]
    rural = families["hukou_rural"].to_numpy()[fam]
    inside = kids["v_idx"].to_numpy() >= 0
    stage = kids["stage"].to_numpy().astype(str)
    student = kids["kind"].to_numpy().astype(str) == "student"
    orphan = families["orphan"].to_numpy()[fam]
    tekun = np.zeros(n, dtype=bool)
    disabled = special_school.copy()
    free = student & inside & (fam_status == 0)
    for st in STAGES:
        in_stage = stage == st
        pool = np.flatnonzero(free & in_stage & ~orphan)
        weights = np.where(rural[pool], 0.85, 0.15)
        tekun[pool[efraimidis(rng, weights, p[st]["tekun"])]] = True
        if st == "senior":
            continue
        need = p[st]["disabled"] - int((disabled & in_stage).sum())
        pool = np.flatnonzero(student & in_stage & ~disabled & ~tekun)
        if need > 0:
            disabled[rng.choice(pool, size=min(need, len(pool)), replace=False)] = True
    strong = _strong(fam_status, tekun, rural, disabled)
    seniors = student & (stage == "senior")
    target = scales.seed_targets(factor)["senior_tuition_waiver"]
    need = target - int((strong & seniors).sum())
    pool = np.flatnonzero(seniors & ~strong)
    if need > 0:
        disabled[rng.choice(pool, size=min(need, len(pool)), replace=False)] = True
    # children who are not students: some out-of-school children are severely disabled
    kind = kids["kind"].to_numpy().astype(str)
    oos = np.flatnonzero(kind == "out_of_school")
    disabled[rng.choice(oos, size=round(len(oos) * 0.3), replace=False)] = True
    other = np.flatnonzero((kind == "not_enrolled") | (kind == "elsewhere"))
    disabled[rng.choice(other, size=round(len(other) * 0.01), replace=False)] = True
    return {"tekun": tekun, "disabled": disabled, "orphan": orphan}


def _strong(
    fam_status: np.ndarray, tekun: np.ndarray, rural: np.ndarray, disabled: np.ndarray
) -> np.ndarray:
    """Registered-poor, disabled, rural 低保, rural 特困."""
    return np.isin(fam_status, [1, 2, 3]) | disabled | (tekun & rural)


def hardship_any(fam_status: np.ndarray, flags: dict[str, np.ndarray]) -> np.ndarray:
    return (fam_status > 0) | flags["tekun"] | flags["disabled"] | flags["orphan"]


def majors(
    rng: np.random.Generator, kids: pl.DataFrame, schools: pl.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Major and category for vocational students; art schools teach 表演, farm schools 农林牧渔类."""
    n = kids.height
    stage = kids["stage"].to_numpy().astype(str)
    s_idx = kids["s_idx"].to_numpy()
    names = schools["name"].to_numpy().astype(str)[np.maximum(s_idx, 0)]
    w = np.array([m[2] for m in VOCATIONAL_MAJORS], dtype=float)
    art = np.array(["表演" in m[0] or "美术" in m[0] for m in VOCATIONAL_MAJORS])
    farm = np.array([m[1] == FARM for m in VOCATIONAL_MAJORS])
    pick = rng.choice(len(w), size=n, p=w / w.sum())
    art_pick = rng.choice(np.flatnonzero(art), size=n)
    farm_pick = rng.choice(np.flatnonzero(farm), size=n)
    is_art = np.char.find(names, "艺术") >= 0
    is_farm = np.char.find(names, "农业") >= 0
    pick = np.where(is_art & (rng.random(n) < 0.8), art_pick, pick)
    pick = np.where(is_farm & (rng.random(n) < 0.7), farm_pick, pick)
    major = np.array([m[0] for m in VOCATIONAL_MAJORS])[pick]
    category = np.array([m[1] for m in VOCATIONAL_MAJORS])[pick]
    voc = stage == "vocational"
    return np.where(voc, major, ""), np.where(voc, category, "")


def grades(
    rng: np.random.Generator,
    kids: pl.DataFrame,
    families: pl.DataFrame,
    flags: dict[str, np.ndarray],
    boarder: np.ndarray,
    category: np.ndarray,
    factor: float,
) -> np.ndarray:
    """家庭困难等级 (0 none, 1 特别困难, 2 困难, 3 一般困难), filling each program's target."""
    n = kids.height
    fam = kids["family"].to_numpy()
    fam_status = families["status"].to_numpy()[fam]
    rural = families["hukou_rural"].to_numpy()[fam]
    student = kids["kind"].to_numpy().astype(str) == "student"
    stage = kids["stage"].to_numpy().astype(str)
    grade_no = kids["grade"].to_numpy()
    hard = hardship_any(fam_status, flags) & student
    grade = np.zeros(n, dtype=np.int64)
    u = rng.random(n)
    poor = np.isin(fam_status, [1, 2])
    grade[hard & poor & (u < 0.7)] = 1
    other = hard & ~poor & (u < 0.6)
    grade[other] = np.where(rng.random(n) < 0.3, 1, 2)[other]
    targets = scales.seed_targets(factor)
    strong = _strong(fam_status, flags["tekun"], rural, flags["disabled"])
    compulsory = np.isin(stage, ["primary", "junior"]) & student
    non_boarding = int((compulsory & ~boarder & strong).sum())
    cells = [
        (student & (stage == "preschool"), targets["preschool_living"], hard),
        (compulsory & boarder, targets["compulsory_living"] - non_boarding, hard),
        (student & (stage == "senior"), targets["senior_grant"], hard),
        (
            student & (stage == "vocational") & (grade_no <= 2),
            targets["vocational_grant"],
            hard | (category == FARM),
        ),
    ]
    tiers = np.array([1, 2, 3])
    for cell, target, counted in cells:
        need = target - int((cell & counted).sum())
        pool = np.flatnonzero(cell & ~counted)
        if need > 0 and len(pool):
            pick = rng.choice(pool, size=min(need, len(pool)), replace=False)
            grade[pick] = tiers[rng.choice(3, size=len(pick), p=FILL_TIERS)]
    # schools also identify some needy students where no program depends on it
    quiet = (
        student
        & ~hard
        & (grade == 0)
        & ((compulsory & ~boarder) | ((stage == "vocational") & (grade_no == 3)))
    )
    rate = np.where(stage == "vocational", 0.3, 0.06)
    chosen = quiet & (rng.random(n) < rate)
    grade[chosen] = tiers[rng.choice(3, size=n, p=FILL_TIERS)][chosen]
    return grade
