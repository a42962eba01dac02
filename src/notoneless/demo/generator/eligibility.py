"""Who is really eligible in the autumn term of 2020, from the clean facts (truth.json's ``eligible``).

Amounts are yuan per year in the rules, half paid per term; results are fen for the term.
"Hardship group": registered-poor (incl. exited in transition), 低保 (rural or urban), 特困, orphan,
disabled. "Strong" groups: registered-poor, disabled, rural 低保, rural 特困.
"""

from __future__ import annotations

import polars as pl

PROGRAMS = {
    # code: (Chinese name, paid to a card)
    "preschool_living": ("学前教育家庭经济困难幼儿生活补助", True),
    "preschool_fee_waiver": ("学前教育保教费减免", False),
    "compulsory_boarding": ("义务教育家庭经济困难寄宿生生活补助", True),
    "compulsory_non_boarding": ("义务教育家庭经济困难非寄宿生生活补助", True),
    "senior_grant": ("普通高中国家助学金", True),
    "senior_tuition_waiver": ("普通高中免学费", False),
    "vocational_grant": ("中等职业教育国家助学金", True),
    "vocational_tuition_waiver": ("中等职业教育免学费", False),
    "yulu": ("雨露计划", True),
    "student_loan": ("生源地信用助学贷款", False),
}
CARD_PAID = tuple(code for code, (_, card) in PROGRAMS.items() if card)
FARM = "农林牧渔类"


def _fen_per_term(yuan_per_year: int) -> int:
    return yuan_per_year * 100 // 2


def eligible(facts: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Per program: (student_number, fen) of every eligible student, in the facts' order."""
    c = pl.col
    hardship = c("poor") | (c("dibao") != "") | c("tekun") | c("orphan") | c("disabled")
    strong = c("poor") | c("disabled") | (c("hukou_rural") & ((c("dibao") == "rural") | c("tekun")))
    graded = c("level") > 0
    needy = graded | hardship
    primary = c("stage") == "primary"
    tier = (
        pl.when(c("level") == 1)
        .then(2500)
        .when(c("level") == 2)
        .then(2000)
        .when(c("level") == 3)
        .then(1500)
        .when(c("poor"))
        .then(2500)
        .otherwise(2000)
    )
    tuition = c("tuition_fen")
    rules: dict[str, tuple[pl.Expr, pl.Expr]] = {
        "preschool_living": ((c("stage") == "preschool") & needy, pl.lit(_fen_per_term(750))),
        "preschool_fee_waiver": (
            (c("stage") == "preschool") & ((c("grade") == 3) | c("orphan") | c("disabled")),
            tuition,
        ),
        "compulsory_boarding": (
            c("stage").is_in(["primary", "junior"]) & c("boarder") & needy,
            pl.when(primary).then(_fen_per_term(1000)).otherwise(_fen_per_term(1250)),
        ),
        "compulsory_non_boarding": (
            c("stage").is_in(["primary", "junior"]) & ~c("boarder") & strong,
            pl.when(primary).then(_fen_per_term(500)).otherwise(_fen_per_term(625)),
        ),
        "senior_grant": ((c("stage") == "senior") & needy, tier * 50),
        "senior_tuition_waiver": ((c("stage") == "senior") & strong, tuition),
        "vocational_grant": (
            (c("stage") == "vocational") & (c("grade") <= 2) & (needy | (c("category") == FARM)),
            pl.lit(_fen_per_term(2000)),
        ),
        "vocational_tuition_waiver": (
            (c("stage") == "vocational")
            & (c("grade") <= 3)
            & (c("hukou_rural") | (c("category") == FARM) | needy)
            & ~c("major").str.contains("表演"),
            tuition,
        ),
        "yulu": ((c("stage") == "vocational") & c("poor"), pl.lit(_fen_per_term(3000))),
    }
    out = {}
    for code, (condition, amount) in rules.items():
        out[code] = facts.filter(condition).select(
            c("student_number"), amount.cast(pl.Int64).alias("fen"), c("pid")
        )
    return out


def summary(result: dict[str, pl.DataFrame]) -> dict[str, dict[str, int]]:
    return {
        code: {"count": frame.height, "fen": int(frame["fen"].sum() or 0)}
        for code, frame in result.items()
    }
