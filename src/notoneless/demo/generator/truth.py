"""truth.json: who every row really is, what noise it carries, and who is really eligible."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from notoneless.demo.generator import scales
from notoneless.demo.generator.attendance import Dropout
from notoneless.demo.generator.county import DIBAO_URBAN, CountyState
from notoneless.demo.generator.eligibility import PROGRAMS
from notoneless.demo.generator.registers import Register

ROW_NUMBERS = "spreadsheet rows: the header is row 1, the first data row is row 2"


def person_keys(pids: np.ndarray, prefix: str = "P") -> list[str]:
    return [f"{prefix}{int(p):07d}" for p in pids]


def persons_table(state: CountyState) -> dict[str, list[Any]]:
    """The clean attributes of every person, column by column (``key`` is the person key)."""
    p = state.persons
    v_code = np.append(state.villages["code"].to_numpy().astype(str), "")
    v = p["v_idx"].to_numpy()
    return {
        "key": person_keys(p["pid"].to_numpy()),
        "role": p["role"].to_list(),
        "kind": p["kind"].to_list(),
        "name": p["name"].to_list(),
        "sex": np.where(p["male"].to_numpy(), "M", "F").tolist(),
        "birth_date": pl.Series(p["birth"].to_numpy().astype("datetime64[D]"))
        .dt.strftime("%Y-%m-%d")
        .to_list(),
        "id_number": p["id"].to_list(),
        "village_code": v_code[np.where(v >= 0, v, -1)].tolist(),
        "family": p["family"].to_list(),
    }


def _keys_where(state: CountyState, mask: np.ndarray) -> list[str]:
    return person_keys(state.persons["pid"].to_numpy()[mask])


def special_groups(state: CountyState) -> dict[str, Any]:
    p = state.persons
    kind = p["kind"].to_numpy().astype(str)
    twin_of = p["twin_of"].to_numpy()
    b = np.flatnonzero(twin_of >= 0)
    facts = state.students
    poor = facts["poor"].to_numpy()
    dibao = facts["dibao"].to_numpy().astype(str)
    keys = person_keys(facts["pid"].to_numpy())
    status = state.families["status"].to_numpy()

    def pick(mask: np.ndarray) -> list[str]:
        return [k for k, m in zip(keys, mask, strict=True) if m]

    return {
        "twins": [[a, c] for a, c in zip(person_keys(twin_of[b]), person_keys(b), strict=True)],
        "studying_elsewhere": _keys_where(state, kind == "elsewhere"),
        "out_of_school": _keys_where(state, kind == "out_of_school"),
        "not_enrolled_outside_compulsory_age": _keys_where(state, kind == "not_enrolled"),
        "student_hardship": {
            "registered_poor": pick(poor),
            "dibao_rural": pick(dibao == "rural"),
            "dibao_urban": pick(dibao == "urban"),
            "tekun": pick(facts["tekun"].to_numpy()),
            "orphan": pick(facts["orphan"].to_numpy()),
            "disabled": pick(facts["disabled"].to_numpy()),
        },
        "households_by_status": {
            "registered_poor": int(np.isin(status, [1, 2]).sum()),
            "dibao": int(np.isin(status, [2, 3, DIBAO_URBAN]).sum()),
        },
    }


def eligible_section(
    eligible: dict[str, pl.DataFrame], loans: Register, state: CountyState
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for code, frame in eligible.items():
        name, card = PROGRAMS[code]
        out[code] = {
            "name": name,
            "paid_to_card": card,
            "count": frame.height,
            "fen": int(frame["fen"].sum() or 0),
            "students": [
                [n, f]
                for n, f in zip(
                    frame["student_number"].to_list(), frame["fen"].to_list(), strict=True
                )
            ],
        }
    name, card = PROGRAMS["student_loan"]
    amounts = loans.frame["贷款金额"].to_numpy() * 100
    out["student_loan"] = {
        "name": name,
        "paid_to_card": card,
        "count": loans.frame.height,
        "fen": int(amounts.sum()),
        "note": "university students, by resident ID (no student number in these files); fen for the year",
        "students": [
            [i, int(a)] for i, a in zip(loans.frame["身份证号"].to_list(), amounts, strict=True)
        ],
    }
    return out


def dropouts_section(dropouts: list[Dropout]) -> list[dict[str, Any]]:
    return [
        {
            "student_number": d.student_number,
            "person": f"P{d.pid:07d}",
            "school_code": d.school_code,
            "pattern": d.pattern,
            "days": len(d.dates),
            "dates": d.dates,
        }
        for d in dropouts
    ]


def noise_section(
    registers: list[Register], file_names: dict[str, str]
) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for reg in registers:
        if reg.noise is None:
            continue
        out[file_names[reg.file]] = {
            str(i + 2): kinds for i, kinds in enumerate(reg.noise) if kinds
        }
    return out


def noise_counts(registers: list[Register]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for reg in registers:
        if reg.noise is None:
            continue
        counts: dict[str, int] = {}
        for kinds in reg.noise:
            for k in kinds:
                counts[k] = counts.get(k, 0) + 1
        out[reg.file] = dict(sorted(counts.items()))
    return out


def seed_comparison(
    factor: float, summary: dict[str, dict[str, int]], loans: int
) -> dict[str, Any]:
    targets = scales.seed_targets(factor)
    got = {
        "preschool_living": summary["preschool_living"]["count"],
        "compulsory_living": summary["compulsory_boarding"]["count"]
        + summary["compulsory_non_boarding"]["count"],
        "senior_grant": summary["senior_grant"]["count"],
        "senior_tuition_waiver": summary["senior_tuition_waiver"]["count"],
        "vocational_grant": summary["vocational_grant"]["count"],
        "student_loan": loans,
    }
    return {k: {"target": targets[k], "eligible": v} for k, v in got.items()}


def write(path: Path, truth: dict[str, Any]) -> None:
    # dumps, not dump: only the one-shot encoder runs in C
    path.write_text(json.dumps(truth, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
