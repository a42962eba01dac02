"""Money files: the bank cards aid is paid to, and the university students' loans."""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.demo.generator import ids
from notoneless.demo.generator.county import CountyState
from notoneless.demo.generator.registers import Register

# (bank label, card prefix, card length, weight) by who holds the card
STUDENT_BANKS = (
    ("中国建设银行（社会保障卡）", "621700", 19, 0.4),
    ("中国农业银行", "622848", 19, 0.3),
    ("中国邮政储蓄银行", "621799", 19, 0.2),
    ("长安银行", "621237", 16, 0.1),
)
GUARDIAN_BANKS = (
    ("中国农业银行", "622848", 19, 0.35),
    ("陕西信合", "623076", 19, 0.3),
    ("中国邮政储蓄银行", "621799", 19, 0.2),
    ("中国建设银行", "621700", 19, 0.1),
    ("中国工商银行", "621226", 19, 0.05),
)
FAMILY_CARD_BANKS = (
    ("陕西信合（惠民一卡通）", "623076", 19, 0.7),
    ("中国农业银行（惠民一卡通）", "622848", 19, 0.2),
    ("中国邮政储蓄银行（惠民一卡通）", "622188", 18, 0.1),
)
UNIVERSITIES = (
    "榆林学院",
    "延安大学",
    "西北大学",
    "陕西师范大学",
    "西安交通大学",
    "长安大学",
    "西安石油大学",
    "陕西科技大学",
    "西安工业大学",
    "西安理工大学",
    "西北农林科技大学",
    "榆林职业技术学院",
    "陕西能源职业技术学院",
    "西安医学院",
    "宝鸡文理学院",
    "咸阳师范学院",
    "渭南师范学院",
    "内蒙古大学",
    "兰州大学",
    "太原理工大学",
)


def _cards(
    rng: np.random.Generator, n: int, banks: tuple[tuple[str, str, int, float], ...]
) -> tuple[np.ndarray, np.ndarray]:
    """(bank label, card number) for n new cards."""
    w = np.array([b[3] for b in banks])
    pick = rng.choice(len(banks), size=n, p=w / w.sum())
    labels = np.array([b[0] for b in banks])[pick]
    numbers = np.zeros(n, dtype="U19")
    for i, (_, prefix, length, _) in enumerate(banks):
        mask = pick == i
        numbers[mask] = ids.card_numbers(rng, prefix, length, int(mask.sum()))
    return labels, numbers


def bank_accounts(state: CountyState, entitled: pl.DataFrame) -> tuple[Register, list[str]]:
    """One row per student entitled to a card-paid program, except the planted few with no card.
    Siblings paid to the guardian share the guardian's card (or the family's 一卡通)."""
    r = state.rng("bank-accounts")
    facts = state.students.join(entitled.select("pid"), on="pid", how="semi").sort("pid")
    no_card = r.random(facts.height) < state.noise.no_bank_account
    missing = facts.filter(pl.Series(no_card))["student_number"].to_list()
    facts = facts.filter(~pl.Series(no_card))
    n = facts.height
    p = state.persons
    stage = facts["stage"].to_numpy().astype(str)
    upper = np.isin(stage, ["senior", "vocational"])
    u = r.random(n)
    holder = np.where(
        upper,
        np.select([u < 0.6, u < 0.85], ["本人", "监护人"], "一卡通"),
        np.where(u < 0.7, "监护人", "一卡通"),
    )
    family = facts["family"].to_numpy()
    guardian = state.families["guardian_pid"].to_numpy()[family]
    holder = np.where(
        (holder == "本人") & (facts["shown_id"].to_numpy().astype(str) == ""), "监护人", holder
    )
    holder = np.where((holder != "本人") & (guardian < 0), "本人", holder)
    holder_pid = np.where(holder == "本人", facts["pid"].to_numpy(), guardian)
    # one card per holder and kind: the guardian's own card, the family's 一卡通, the student's own
    own_bank, own_card = _cards(r, n, STUDENT_BANKS)
    families, slot = np.unique(family, return_inverse=True)
    g_bank, g_card = _cards(r, len(families), GUARDIAN_BANKS)
    f_bank, f_card = _cards(r, len(families), FAMILY_CARD_BANKS)
    bank = np.select([holder == "本人", holder == "监护人"], [own_bank, g_bank[slot]], f_bank[slot])
    card = np.select([holder == "本人", holder == "监护人"], [own_card, g_card[slot]], f_card[slot])
    frame = pl.DataFrame(
        {
            "学籍号": facts["student_number"],
            "学生姓名": facts["name"],
            "开户行": bank,
            "户名": p["name"].gather(holder_pid),
            "卡号": card,
            "持卡人关系": holder,
            "持卡人身份证号": p["id"].gather(holder_pid),
            "_school": facts["school_code"],
            "_pid": facts["pid"],
        }
    ).sort(["_school", "学籍号"])
    return Register(
        "bank-accounts", frame.drop("_school", "_pid"), frame["_pid"].to_numpy()
    ), missing


def loans(state: CountyState) -> Register:
    p = state.persons
    pids = np.flatnonzero(p["role"].to_numpy().astype(str) == "university")
    r = state.rng("loans")
    n = len(pids)
    amount = np.where(r.random(n) < 0.8, 8000, r.choice([4000, 5000, 6000, 7000], size=n))
    frame = pl.DataFrame(
        {
            "姓名": p["name"].gather(pids),
            "身份证号": p["id"].gather(pids),
            "高校名称": np.array(UNIVERSITIES)[r.integers(0, len(UNIVERSITIES), n)],
            "贷款金额": amount.astype(np.int64),
            "学年": np.full(n, 2020, dtype=np.int64),
        }
    )
    return Register("loans", frame, pids)
