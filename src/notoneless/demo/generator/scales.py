"""Scales and calibration: the reference district Yuyang (Yulin, Shaanxi) and the rates of noise.

Every count here is for one county at ``factor`` 1 (Yuyang in autumn 2020); a scale multiplies them.
The published figures come from the seed document (2020 autumn term, Yuyang District).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

TERM = "2020-autumn"
REFERENCE_DATE = "2020-09-01"  # the first day of the term; ages and grades are counted to 31 August

STAGES = ("preschool", "primary", "junior", "senior", "vocational")

# Students over all stages: 173,958 (seed), split as the district's statistics roughly do.
STAGE_TOTALS = {
    "preschool": 31_000,
    "primary": 72_000,
    "junior": 33_000,
    "senior": 27_000,
    "vocational": 10_958,
}

# Figures published in the seed for the autumn term of 2020 (students, yuan where noted).
SEED_FIGURES = {
    "schools": 357,
    "students": 173_958,
    "registered_poor_students": 1_485,
    "preschool_living": 8_535,
    "compulsory_living": 21_866,  # boarding and non-boarding subsidies together
    "senior_grant": 4_260,
    "senior_tuition_waiver": 2_198,
    "vocational_grant": 2_480,
    "student_loan": 1_483,
    "student_loan_yuan": 11_050_600,
}

# School types per county at factor 1 (Yuyang: 357 schools).
YUYANG_SCHOOLS = {
    "kindergarten": 156,
    "primary": 85,
    "teaching_point": 40,
    "junior": 22,
    "nine_year": 30,
    "complete_secondary": 8,
    "senior": 10,
    "vocational": 5,
    "special": 1,
}

# Hardship planted among students at factor 1, per stage (see hardship.py for how each is used).
# poor: registered-poor households (1,485 in all); a share of them is also on rural 低保.
HARDSHIP_PLAN = {
    #            poor  poor+dibao dibao_r dibao_u tekun orphan disabled
    "preschool": (105, 45, 550, 300, 15, 20, 60),
    "primary": (364, 156, 2_800, 650, 50, 110, 380),
    "junior": (210, 90, 1_400, 300, 30, 70, 220),
    "senior": (245, 105, 1_550, 250, 30, 60, -1),  # -1: disabled fill the tuition-waiver target
    "vocational": (115, 50, 400, 80, 10, 30, 60),
}
COMPULSORY_BOARDER_SHARE = 0.31  # of compulsory students, all at boarding schools

# External registers at factor 1.
POVERTY_HOUSEHOLDS = 18_000
POVERTY_MEMBERS = 60_000
ASSISTANCE_RECORDS = 40_000
DISABILITY_RECORDS = 5_000
TEACHERS = 12_000
HUKOU_AGE_18_NOT_IN_SCHOOL = 14_000  # 18-year-olds on the hukou extract (working, at home)
PRESCHOOL_NOT_ENROLLED = 0.10  # of preschool-age children on hukou
SENIOR_AGE_NOT_ENROLLED = 0.14  # of 15-17-year-olds on hukou
OUT_OF_COUNTY_STUDENTS = 0.03  # students whose hukou is outside the county


@dataclass(frozen=True)
class NoiseRates:
    """Per register record (poverty, assistance, disability, hukou, enrolled-elsewhere) unless noted."""

    typed_digit: float = 0.02
    swapped_digits: float = 0.02
    missing_id: float = 0.06
    traditional: float = 0.05
    homophone: float = 0.03
    blank_sex: float = 0.01
    blank_birth_date: float = 0.01
    twins: float = 0.01  # of children: one of a twin pair
    studying_elsewhere: float = 0.05  # of school-age children on hukou
    out_of_school: float = 0.003  # of compulsory-age children on hukou
    student_missing_id: float = 0.01  # students.xlsx: J/L number and blank 身份证号
    no_bank_account: float = 0.005  # of students entitled to a card-paid program

    def with_overrides(self, overrides: dict[str, float]) -> NoiseRates:
        known = {f.name for f in fields(self)}
        unknown = set(overrides) - known
        if unknown:
            raise ValueError(f"unknown noise kind(s): {', '.join(sorted(unknown))}")
        for name, value in overrides.items():
            if not 0 <= value <= 0.5:
                raise ValueError(f"noise rate {name}={value} must be between 0 and 0.5")
        return replace(self, **overrides)

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class Scale:
    name: str
    counties: int
    factor: float  # students and registers of one county, relative to Yuyang
    urban_townships: int  # 街道
    rural_townships: int  # 镇 and 乡
    communities_per_urban: int
    villages_per_rural: int  # 村, plus one 社区 at the township seat
    schools: dict[str, int] = field(default_factory=dict)
    csv: bool = False  # stream every file to CSV (province)

    @property
    def townships(self) -> int:
        return self.urban_townships + self.rural_townships


SCALES = {
    "tiny": Scale(
        "tiny",
        1,
        1_200 / 173_958,
        1,
        1,
        4,
        7,
        {
            "kindergarten": 3,
            "primary": 2,
            "teaching_point": 1,
            "junior": 1,
            "nine_year": 1,
            "complete_secondary": 1,
            "senior": 1,
            "vocational": 1,
            "special": 1,
        },
    ),
    "small": Scale(
        "small",
        1,
        12_000 / 173_958,
        2,
        2,
        6,
        12,
        {
            "kindergarten": 17,
            "primary": 10,
            "teaching_point": 4,
            "junior": 2,
            "nine_year": 3,
            "complete_secondary": 1,
            "senior": 1,
            "vocational": 1,
            "special": 1,
        },
    ),
    "yuyang": Scale("yuyang", 1, 1.0, 5, 12, 8, 20, dict(YUYANG_SCHOOLS)),
    "province": Scale(
        "province",
        40,
        1.0,
        5,
        12,
        8,
        20,
        {
            "kindergarten": 100,
            "primary": 60,
            "teaching_point": 30,
            "junior": 18,
            "nine_year": 20,
            "complete_secondary": 6,
            "senior": 8,
            "vocational": 4,
            "special": 1,
        },
        csv=True,
    ),
}

# Province: county sizes around Yuyang's (mean 1.0), so the province holds ~40x Yuyang's students.
PROVINCE_COUNTY_FACTORS = (
    1.0,
    0.6,
    1.3,
    0.8,
    1.1,
    0.7,
    1.4,
    0.9,
    1.2,
    0.5,
    1.0,
    1.5,
    0.8,
    0.9,
    1.1,
    1.3,
    0.6,
    1.0,
    1.2,
    0.7,
    1.0,
    0.9,
    1.1,
    1.4,
    0.8,
    1.2,
    0.6,
    1.0,
    1.3,
    0.9,
    0.7,
    1.1,
    1.0,
    1.2,
    0.8,
    1.5,
    0.9,
    1.0,
    0.6,
    1.0,
)


def scaled(count: float, factor: float, minimum: int = 0) -> int:
    return max(minimum, round(count * factor))


def stage_totals(factor: float) -> dict[str, int]:
    return {stage: scaled(n, factor, 1) for stage, n in STAGE_TOTALS.items()}


def seed_targets(factor: float) -> dict[str, int]:
    """The seed's eligible counts for a county of this size (what the hardship planting aims at)."""
    keys = (
        "preschool_living",
        "compulsory_living",
        "senior_grant",
        "senior_tuition_waiver",
        "vocational_grant",
        "student_loan",
        "registered_poor_students",
    )
    return {k: scaled(SEED_FIGURES[k], factor, 1) for k in keys}


# Closing the gap (精准补短), the seed's figures for the five years 2016-2020 (十三五), at factor 1.
FIVE_YEARS = (2016, 2017, 2018, 2019, 2020)
BUILDING_YUAN = 486_000_000  # 累计投入4.86亿元 … 新建改扩建、维修等项目百余个
BUILDING_PROJECTS = 110
EQUIPMENT_YUAN = 69_218_000  # 投入6921.8万元 … 设施设备、远程互动资源
EQUIPMENT_PROJECTS = 160
RECRUITED = 2_404  # 通过校园招聘和特岗教师考试补充教师2404名
TRAINING_PERSON_TIMES = 50_000  # 累计培训教师达5万人次, 人均五轮
HONOURS = {  # kind: (count, levels it is given at)
    "名校长": (24, ("市级", "区级")),
    "名教师": (75, ("市级", "区级")),
    "名班主任": (30, ("市级", "区级")),
    "师德标兵": (50, ("市级", "区级")),
    "骨干教师": (600, ("省级", "市级", "区级")),
}
