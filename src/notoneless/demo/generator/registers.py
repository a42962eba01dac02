"""The files, cut from one county's people: each a frame in the import layout, the person behind
every row, and (for the external registers) the noise each row carries."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import polars as pl

from notoneless.demo.generator import ids, noise
from notoneless.demo.generator.county import DIBAO_RURAL, DIBAO_URBAN, POOR, POOR_DIBAO, CountyState
from notoneless.demo.generator.hardship import GRADE_LABELS
from notoneless.demo.generator.schools import CLASS_SIZE, STAGE_LABELS

_CN = "一二三四五六七八九"
PROVINCE = "陕西省"
CITY_OF = {"6108": "榆林市", "6106": "延安市", "6105": "渭南市", "6104": "咸阳市", "6101": "西安市"}


@dataclass
class Register:
    file: str
    frame: pl.DataFrame
    pids: np.ndarray
    noise: list[list[str]] | None = field(default=None)


def grade_label(stage: np.ndarray, grade: np.ndarray, chu_style: np.ndarray) -> np.ndarray:
    """年级 as rosters write it: 小班/中班/大班, 一年级…九年级 (or 初一…初三), 高一…高三."""
    cn = np.array(["", *_CN])[np.clip(grade, 0, 9)]
    pre = np.array(["", "小班", "中班", "大班"])[np.clip(grade, 0, 3)]
    senior = np.array(["", "高一", "高二", "高三"])[np.clip(grade, 0, 3)]
    chu = np.array(["", "初一", "初二", "初三"])[np.clip(grade - 6, 0, 3)]
    years = np.char.add(cn, "年级")
    return np.select(
        [stage == "preschool", stage == "senior", (stage == "junior") & chu_style],
        [pre, senior, chu],
        years,
    )


class Places:
    """Names of villages and townships by village index (-1: outside the county)."""

    def __init__(self, state: CountyState) -> None:
        v = state.villages
        t_names = state.townships["name"]
        self.n = v.height
        self.village = pl.concat([v["name"], pl.Series([""])])
        self.township = pl.concat([t_names.gather(v["t_idx"]), pl.Series([""])])
        self.is_village = np.append(v["level"].to_numpy().astype(str) == "村", False)
        self.county = state.county.name
        self.city = CITY_OF.get(state.county.code[:4], "")

    def _index(self, v_idx: np.ndarray) -> np.ndarray:
        return np.where(v_idx >= 0, v_idx, self.n)

    def at(self, v_idx: np.ndarray) -> tuple[pl.Series, pl.Series]:
        i = self._index(v_idx)
        return self.village.gather(i), self.township.gather(i)

    def addresses(self, rng: np.random.Generator, v_idx: np.ndarray) -> pl.Series:
        village, township = self.at(v_idx)
        n = len(v_idx)
        frame = pl.DataFrame(
            {
                "t": township,
                "v": village,
                "rural": self.is_village[self._index(v_idx)],
                "a": rng.integers(1, 9, n),
                "b": rng.integers(1, 80, n),
                "c": rng.integers(1, 30, n),
                "d": rng.integers(101, 1802, n),
            }
        )
        head = PROVINCE + self.city + self.county
        return frame.select(
            pl.concat_str(
                [
                    pl.lit(head),
                    pl.col("t"),
                    pl.col("v"),
                    pl.when(pl.col("rural"))
                    .then(pl.concat_str([pl.col("a"), pl.lit("组"), pl.col("b"), pl.lit("号")]))
                    .otherwise(
                        pl.concat_str([pl.col("c"), pl.lit("号楼"), pl.col("d"), pl.lit("号")])
                    ),
                ]
            )
        ).to_series()


def blank_unless(values: pl.Series, keep: np.ndarray) -> pl.Series:
    return pl.select(
        pl.when(pl.lit(pl.Series(keep))).then(pl.lit(values)).otherwise(pl.lit(""))
    ).to_series()


def poverty_households(state: CountyState) -> pl.DataFrame:
    """Household number, status and years for every registered-poor family (one row per family)."""
    fam = state.families
    r = state.rng("poverty-households")
    poor = fam.filter(pl.col("status").is_in([POOR, POOR_DIBAO]))
    n = poor.height
    v_code = np.append(state.villages["code"].to_numpy().astype(str), state.county.code + "000000")
    village = v_code[np.where(poor["v_idx"].to_numpy() >= 0, poor["v_idx"].to_numpy(), -1)]
    order = np.lexsort((r.random(n), village))
    seq = np.empty(n, dtype=np.int64)
    ranks = np.arange(n) - np.searchsorted(village[order], village[order], side="left")
    seq[order] = ranks + 1
    number = np.char.add(village, np.char.zfill(seq.astype(str), 4))
    reg_year = r.choice([2014, 2015, 2016, 2017, 2018], size=n, p=[0.6, 0.2, 0.1, 0.06, 0.04])
    exited = r.random(n) < 0.85
    exit_year = np.maximum(
        reg_year + 1,
        r.choice([2016, 2017, 2018, 2019, 2020], size=n, p=[0.15, 0.2, 0.3, 0.3, 0.05]),
    )
    exit_year = np.minimum(exit_year, 2020)
    monitored = np.where(exited, r.random(n) < 0.1, r.random(n) < 0.05)
    return pl.DataFrame(
        {
            "family": poor["family"],
            "number": number,
            "exited": exited,
            "reg_year": reg_year,
            "exit_year": np.where(exited, exit_year, 0),
            "monitored": monitored,
        }
    )


def _classes(
    r: np.random.Generator, s_idx: np.ndarray, stage: np.ndarray, grade: np.ndarray
) -> np.ndarray:
    """Per school and grade, students dealt into classes of about CLASS_SIZE."""
    n = len(s_idx)
    size = np.vectorize(CLASS_SIZE.get)(stage)
    key = s_idx * 100 + np.select([stage == s for s in CLASS_SIZE], range(5), 0) * 10 + grade
    order = np.lexsort((r.random(n), key))
    sorted_key = key[order]
    start = np.searchsorted(sorted_key, sorted_key, side="left")
    end = np.searchsorted(sorted_key, sorted_key, side="right")
    n_classes = np.maximum(1, np.ceil((end - start) / size[order]).astype(np.int64))
    class_no = np.empty(n, dtype=np.int64)
    class_no[order] = (np.arange(n) - start) % n_classes + 1
    return class_no


def students(state: CountyState, households: pl.DataFrame) -> Register:
    facts = state.students
    p = state.persons
    fam = state.families
    r = state.rng("students-file")
    n = facts.height
    family = facts["family"].to_numpy()
    stage = facts["stage"].to_numpy().astype(str)
    grade = facts["grade"].to_numpy()
    s_idx = facts["s_idx"].to_numpy()
    chu_schools = r.random(state.schools.height) < 0.3
    class_no = _classes(r, s_idx, stage, grade)
    guardian = fam["guardian_pid"].to_numpy()[family]
    g_ok = guardian >= 0
    g = np.where(g_ok, guardian, 0)
    village, township = Places(state).at(facts["v_idx"].to_numpy())
    hh = np.full(fam.height, "", dtype=object)
    hh[households["family"].to_numpy()] = households["number"].to_numpy()
    hh_number = hh[family]
    hh_number[r.random(n) >= 0.9] = ""
    ethnic = np.array(["汉族", "回族", "蒙古族", "满族", "土家族"])[
        r.choice(5, size=fam.height, p=[0.993, 0.003, 0.002, 0.001, 0.001])
    ][family]
    phone = ids.phones(state.rng("phones"), p.height).gather(g)
    yes_no = np.array(["否", "是"])
    frame = pl.DataFrame(
        {
            "学籍号": facts["student_number"],
            "姓名": facts["name"],
            "性别": np.where(facts["male"].to_numpy(), "男", "女"),
            "身份证号": facts["shown_id"],
            "出生日期": noise.date_strings(facts["birth"].to_numpy()),
            "民族": ethnic,
            "学校标识码": facts["school_code"],
            "学校名称": state.schools["name"].gather(s_idx),
            "年级": grade_label(stage, grade, chu_schools[s_idx]),
            "班级": pl.Series(class_no).cast(pl.String) + "班",
            "是否寄宿": yes_no[facts["boarder"].to_numpy().astype(int)],
            "户口性质": np.where(facts["hukou_rural"].to_numpy(), "农村", "城镇"),
            "户籍村": village,
            "乡镇": township,
            "专业": facts["major"],
            "专业类别": facts["category"],
            "监护人姓名": blank_unless(p["name"].gather(g), g_ok),
            "监护人身份证号": blank_unless(p["id"].gather(g), g_ok & (r.random(n) >= 0.03)),
            "监护人电话": blank_unless(phone, g_ok),
            "监护人关系": fam["guardian"].gather(family),
            "家庭困难等级": np.array(GRADE_LABELS)[facts["level"].to_numpy()],
            "是否孤儿": yes_no[facts["orphan"].to_numpy().astype(int)],
            "是否留守儿童": yes_no[fam["left_behind"].to_numpy()[family].astype(int)],
            "户编号": pl.Series(hh_number.tolist(), dtype=pl.String),
            "_class": class_no,
            "_grade": grade,
            "_pid": facts["pid"],
        }
    )
    frame = frame.sort(["学校标识码", "_grade", "_class", "学籍号"])
    return Register("students", frame.drop("_class", "_grade", "_pid"), frame["_pid"].to_numpy())


def _identity_noise(
    state: CountyState, pids: np.ndarray, step: str
) -> tuple[dict[str, pl.Series], list[list[str]]]:
    p = state.persons
    return noise.apply(
        state.rng(step),
        p["name"].gather(pids).to_list(),
        p["surname"].gather(pids).to_list(),
        p["id"].gather(pids).to_list(),
        state.arr("male")[pids],
        state.arr("birth")[pids],
        state.noise,
    )


def _relations(state: CountyState, pids: np.ndarray) -> np.ndarray:
    """与户主关系 for members of a household, seen from its head."""
    role = state.arr("role")
    family = state.arr("family")[pids]
    head = state.families["head_pid"].to_numpy()[family]
    head_role = role[np.maximum(head, 0)]
    mine = role[pids]
    m = state.arr("male")[pids]
    under_grand = np.isin(head_role, ["grandfather", "grandmother"])
    son_daughter = np.where(m, "之子", "之女")
    grandchild = np.where(m, "孙子", "孙女")
    return np.select(
        [
            pids == head,
            np.isin(mine, ["spouse", "mother"]) & ~under_grand,
            np.isin(mine, ["grandfather", "grandmother"]) & under_grand,
            (mine == "father") & under_grand,
            (mine == "mother") & under_grand,
            np.isin(mine, ["grandfather", "grandmother"]),
            (mine == "child") & under_grand,
            np.isin(mine, ["child", "university"]),
            mine == "grandchild",
        ],
        [
            "户主",
            "配偶",
            "配偶",
            "之子",
            "儿媳",
            np.where(m, "父亲", "母亲"),
            grandchild,
            son_daughter,
            grandchild,
        ],
        "其他",
    )


def households(state: CountyState, poor_households: pl.DataFrame) -> Register:
    p = state.persons
    family = state.arr("family")
    hh = poor_households
    row_of = np.full(state.families.height, -1, dtype=np.int64)
    row_of[hh["family"].to_numpy()] = np.arange(hh.height)
    pids = np.flatnonzero(row_of[family] >= 0)
    rel = _relations(state, pids)
    rank = np.select([rel == "户主", rel == "配偶"], [0, 1], 2)
    hrow = row_of[family[pids]]
    order = np.lexsort((state.arr("birth")[pids], rank, hrow))
    # households in the order of their numbers
    number_rank = np.argsort(
        np.argsort(hh["number"].to_numpy().astype(str), kind="stable"), kind="stable"
    )
    order = order[np.argsort(number_rank[hrow[order]], kind="stable")]
    pids, rel, hrow = pids[order], rel[order], hrow[order]
    head = state.families["head_pid"].to_numpy()[family[pids]]
    village, township = Places(state).at(state.arr("v_idx")[pids])
    identity, kinds = _identity_noise(state, pids, "noise-households")
    exited = hh["exited"].to_numpy()[hrow]
    frame = pl.DataFrame(
        {
            "户编号": hh["number"].gather(hrow),
            "户主姓名": p["name"].gather(np.maximum(head, 0)),
            "与户主关系": rel,
            **identity,
            "乡镇": township,
            "村": village,
            "贫困户状态": np.where(exited, "已脱贫", "未脱贫"),
            "识别年度": hh["reg_year"].to_numpy()[hrow].astype(str),
            "脱贫年度": np.where(exited, hh["exit_year"].to_numpy()[hrow].astype(str), ""),
            "是否监测对象": np.where(hh["monitored"].to_numpy()[hrow], "是", "否"),
        }
    )
    frame = frame.select(
        [
            "户编号",
            "户主姓名",
            "与户主关系",
            "姓名",
            "身份证号",
            "性别",
            "出生日期",
            "乡镇",
            "村",
            "贫困户状态",
            "识别年度",
            "脱贫年度",
            "是否监测对象",
        ]
    )
    return Register("households", frame, pids, kinds)


ASSISTANCE_ORDER = ("农村低保", "城市低保", "特困供养", "孤儿")


def assistance(state: CountyState, poor_households: pl.DataFrame) -> Register:
    family = state.arr("family")
    status = state.families["status"].to_numpy()[family]
    role = state.arr("role")
    orphan = state.families["orphan"].to_numpy()[family] & (role == "child")
    tekun = state.arr("tekun") | (role == "tekun")
    category = np.select(
        [np.isin(status, [POOR_DIBAO, DIBAO_RURAL]), status == DIBAO_URBAN, tekun, orphan],
        [0, 1, 2, 3],
        -1,
    )
    pids = np.flatnonzero(category >= 0)
    row_of = np.full(state.families.height, -1, dtype=np.int64)
    row_of[poor_households["family"].to_numpy()] = np.arange(poor_households.height)
    numbers = pl.concat([poor_households["number"], pl.Series([""])])
    r = state.rng("assistance-file")
    hrow = row_of[family[pids]]
    hrow = np.where((hrow >= 0) & (r.random(len(pids)) < 0.9), hrow, poor_households.height)
    v_idx = state.arr("v_idx")[pids]
    order = np.lexsort((pids, v_idx, category[pids]))
    pids, hrow, v_idx = pids[order], hrow[order], v_idx[order]
    village, township = Places(state).at(v_idx)
    identity, kinds = _identity_noise(state, pids, "noise-assistance")
    frame = pl.DataFrame(
        {
            "类别": np.array(ASSISTANCE_ORDER)[category[pids]],
            **identity,
            "乡镇": township,
            "村": village,
            "户编号": numbers.gather(hrow),
        }
    ).select(["类别", "姓名", "身份证号", "性别", "出生日期", "乡镇", "村", "户编号"])
    return Register("assistance", frame, pids, kinds)


DISABILITY_TYPES = (
    "视力",
    "听力",
    "言语",
    "肢体",
    "智力",
    "精神",
    "多重",
)  # certificate digits 1-7
GRADE_NAMES = ("一级", "二级", "三级", "四级")


def disability(state: CountyState) -> Register:
    pids = np.flatnonzero(state.arr("disabled"))
    r = state.rng("disability-file")
    n = len(pids)
    child = state.arr("role")[pids] == "child"
    s_idx = state.arr("s_idx")[pids]
    special = (s_idx >= 0) & (
        state.schools["type"].to_numpy().astype(str)[np.maximum(s_idx, 0)] == "special"
    )
    kid_types = r.choice(7, size=n, p=[0.08, 0.12, 0.10, 0.25, 0.30, 0.05, 0.10])
    adult_types = r.choice(7, size=n, p=[0.15, 0.15, 0.03, 0.45, 0.07, 0.10, 0.05])
    special_types = r.choice([0, 1, 4, 6], size=n, p=[0.15, 0.25, 0.45, 0.15])
    dtype = np.where(special, special_types, np.where(child, kid_types, adult_types))
    grade = np.where(
        special,
        r.choice(4, size=n, p=[0.3, 0.4, 0.2, 0.1]),
        r.choice(4, size=n, p=[0.15, 0.25, 0.30, 0.30]),
    )
    v_idx = state.arr("v_idx")[pids]
    order = np.lexsort((pids, v_idx))
    pids, dtype, grade, v_idx = pids[order], dtype[order], grade[order], v_idx[order]
    certificate = state.persons["id"].gather(pids) + pl.Series((dtype + 1) * 10 + grade + 1).cast(
        pl.String
    )
    village, township = Places(state).at(v_idx)
    identity, kinds = _identity_noise(state, pids, "noise-disability")
    frame = pl.DataFrame(
        {
            "残疾证号": certificate,
            **identity,
            "残疾类别": np.array(DISABILITY_TYPES)[dtype],
            "残疾等级": np.array(GRADE_NAMES)[grade],
            "乡镇": township,
            "村": village,
        }
    ).select(
        ["残疾证号", "姓名", "身份证号", "性别", "出生日期", "残疾类别", "残疾等级", "乡镇", "村"]
    )
    return Register("disability", frame, pids, kinds)


def hukou(state: CountyState) -> Register:
    v = state.arr("v_idx")[: state.n_children]
    pids = np.flatnonzero(v >= 0)
    order = np.lexsort((state.arr("birth")[pids], v[pids]))
    pids = pids[order]
    village, township = Places(state).at(v[pids])
    family = state.arr("family")[pids]
    guardian = state.families["guardian_pid"].to_numpy()[family]
    identity, kinds = _identity_noise(state, pids, "noise-hukou")
    frame = pl.DataFrame(
        {
            **identity,
            "乡镇": township,
            "村": village,
            "户籍地址": Places(state).addresses(state.rng("addresses"), v[pids]),
            "监护人姓名": blank_unless(
                state.persons["name"].gather(np.maximum(guardian, 0)), guardian >= 0
            ),
            "户口性质": np.where(state.families["hukou_rural"].to_numpy()[family], "农村", "城镇"),
        }
    ).select(
        ["姓名", "身份证号", "性别", "出生日期", "乡镇", "村", "户籍地址", "监护人姓名", "户口性质"]
    )
    return Register("hukou", frame, pids, kinds)


ELSEWHERE_PLACES = (
    ("陕西省西安市", "西安市", 0.30),
    ("陕西省榆林市神木市", "神木市", 0.15),
    ("内蒙古自治区鄂尔多斯市", "鄂尔多斯市", 0.15),
    ("陕西省延安市", "延安市", 0.08),
    ("陕西省咸阳市", "咸阳市", 0.05),
    ("陕西省榆林市横山区", "横山区", 0.07),
    ("宁夏回族自治区银川市", "银川市", 0.05),
    ("山西省太原市", "太原市", 0.04),
    ("北京市", "北京市", 0.04),
    ("天津市", "天津市", 0.03),
    ("内蒙古自治区包头市", "包头市", 0.04),
)
EVIDENCE = ("学籍证明", "在读证明", "转学证明", "借读证明")
ELSEWHERE_SCHOOL_KIND = {
    "preschool": "幼儿园",
    "primary": "小学",
    "junior": "中学",
    "senior": "中学",
    "vocational": "职业中学",
}


def elsewhere(state: CountyState) -> Register:
    kind = state.arr("kind")[: state.n_children]
    pids = np.flatnonzero(kind == "elsewhere")
    pids = pids[np.lexsort((pids, state.arr("v_idx")[pids]))]
    r = state.rng("elsewhere-file")
    n = len(pids)
    stage = state.arr("stage")[pids]
    grade = state.arr("grade")[pids]
    w = np.array([x[2] for x in ELSEWHERE_PLACES])
    place_i = r.choice(len(w), size=n, p=w / w.sum())
    city = np.array([x[1] for x in ELSEWHERE_PLACES])[place_i]
    school_kind = np.array([ELSEWHERE_SCHOOL_KIND.get(s, "学校") for s in stage], dtype=str)
    number = np.array(list(_CN))[r.integers(0, 9, n)]
    school = np.char.add(np.char.add(np.char.add(city, "第"), number), school_kind)
    village, township = Places(state).at(state.arr("v_idx")[pids])
    identity, kinds = _identity_noise(state, pids, "noise-elsewhere")
    frame = pl.DataFrame(
        {
            **identity,
            "乡镇": township,
            "村": village,
            "就读学校": school,
            "就读地": np.array([x[0] for x in ELSEWHERE_PLACES])[place_i],
            "学段": np.array([STAGE_LABELS.get(s, "") for s in stage], dtype=str),
            "年级": grade_label(stage, grade, np.zeros(n, dtype=bool)),
            "证明材料": np.array(EVIDENCE)[r.choice(4, size=n, p=[0.5, 0.3, 0.12, 0.08])],
        },
        schema_overrides={k: pl.String for k in ("就读学校", "就读地", "学段", "年级", "证明材料")},
    )
    frame = frame.select(
        [
            "姓名",
            "身份证号",
            "性别",
            "出生日期",
            "乡镇",
            "村",
            "就读学校",
            "就读地",
            "学段",
            "年级",
            "证明材料",
        ]
    )
    return Register("enrolled-elsewhere", frame, pids, kinds)
