"""Generating a county (or a province of counties) and writing its files and truth.json."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from notoneless.demo.generator import (
    aid_files,
    attendance,
    county,
    eligibility,
    facilities,
    registers,
    responsibles,
    scales,
    truth,
)
from notoneless.demo.generator.divisions import PROVINCE_COUNTIES, YUYANG, divisions_frame
from notoneless.demo.generator.registers import Register
from notoneless.demo.generator.scales import SCALES, NoiseRates
from notoneless.demo.generator.schools import schools_frame
from notoneless.demo.generator.teachers import teachers
from notoneless.demo.generator.writers import write_csv, write_xlsx

Progress = Callable[[str], None]


@dataclass
class Summary:
    scale: str
    seed: int
    out: Path
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    eligible: dict[str, dict[str, int]] = field(default_factory=dict)
    seed_comparison: dict[str, dict[str, int]] = field(default_factory=dict)
    counties: int = 1


@dataclass
class CountyFiles:
    registers: list[Register]
    absences: dict[str, pl.DataFrame]  # attendance-YYYY-MM frames
    dropouts: list[attendance.Dropout]
    eligible: dict[str, pl.DataFrame]
    no_card: list[str]
    loans: Register


def cut(state: county.CountyState) -> CountyFiles:
    """Every file's frame for one county."""
    seats = state.students.group_by("s_idx", "stage").len().rename({"len": "n"})
    empty = np.array([], dtype=np.int64)
    poor_households = registers.poverty_households(state)
    eligible = eligibility.eligible(state.students)
    card_paid = pl.concat([eligible[c].select("pid") for c in eligibility.CARD_PAID]).unique()
    bank, no_card = aid_files.bank_accounts(state, card_paid)
    loans = aid_files.loans(state)
    staff = teachers(state)
    roster = registers.students(state, poor_households)
    coords = facilities.coordinates(state)
    regs = [
        Register(
            "divisions", divisions_frame(state.county, state.townships, state.villages), empty
        ),
        Register("schools", schools_frame(state.schools, state.townships, seats, coords), empty),
        staff,
        responsibles.responsibles(state, poor_households, roster, staff),
        roster,
        registers.households(state, poor_households),
        registers.assistance(state, poor_households),
        registers.disability(state),
        registers.hukou(state),
        registers.elsewhere(state),
        bank,
        loans,
        facilities.conditions(state),
        facilities.projects(state),
        facilities.recruitment(state),
        facilities.training(state, staff),
        facilities.honours(state, staff),
        facilities.travel_times(state, coords),
    ]
    rows, dropouts = attendance.absences(state)
    return CountyFiles(
        regs, attendance.monthly_frames(state, rows), dropouts, eligible, no_card, loans
    )


def generate(
    scale_name: str,
    seed: int,
    out: Path,
    noise: NoiseRates | None = None,
    progress: Progress | None = None,
) -> Summary:
    scale = SCALES[scale_name]
    noise = noise or NoiseRates()
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    say = progress or (lambda _msg: None)
    summary = (
        province(scale, seed, out, noise, say)
        if scale.csv
        else one_county(scale, seed, out, noise, say)
    )
    summary.seconds = time.monotonic() - started
    return summary


def one_county(
    scale: scales.Scale, seed: int, out: Path, noise: NoiseRates, say: Progress
) -> Summary:
    say("people")
    state = county.build(YUYANG, 0, scale, scale.factor, seed, noise)
    say("registers")
    files = cut(state)
    names = {reg.file: f"{reg.file}.xlsx" for reg in files.registers}
    for reg in files.registers:
        say(names[reg.file])
        write_xlsx(out / names[reg.file], reg.frame)
    for name, frame in files.absences.items():
        write_csv(out / f"{name}.csv", frame.drop("_pid"))
    summary = _summary(scale.name, seed, out, files, state.factor)
    say("truth.json")
    links = {
        names[reg.file]: truth.person_keys(reg.pids) for reg in files.registers if len(reg.pids)
    }
    links.update(
        {
            f"{name}.csv": truth.person_keys(frame["_pid"].to_numpy())
            for name, frame in files.absences.items()
        }
    )
    document: dict[str, Any] = {
        "generator": "notoneless generate",
        "scale": scale.name,
        "seed": seed,
        "term": scales.TERM,
        "county": {"code": state.county.code, "name": state.county.name},
        "row_numbers": truth.ROW_NUMBERS,
        "noise_rates": noise.as_dict(),
        "counts": summary.counts,
        "seed_comparison": summary.seed_comparison,
        "noise_counts": truth.noise_counts(files.registers),
        "persons": truth.persons_table(state),
        "links": links,
        "noise": truth.noise_section(files.registers, names),
        **truth.special_groups(state),
        "no_bank_account": files.no_card,
        "eligible": truth.eligible_section(files.eligible, files.loans, state),
        "planted_dropouts": truth.dropouts_section(files.dropouts),
    }
    truth.write(out / "truth.json", document)
    return summary


def _summary(scale: str, seed: int, out: Path, files: CountyFiles, factor: float) -> Summary:
    counts = {f"{reg.file}": reg.frame.height for reg in files.registers}
    counts.update({name: frame.height for name, frame in files.absences.items()})
    eligible = eligibility.summary(files.eligible)
    eligible["student_loan"] = {
        "count": files.loans.frame.height,
        "fen": int(files.loans.frame["贷款金额"].sum()) * 100,
    }
    comparison = truth.seed_comparison(factor, eligible, files.loans.frame.height)
    return Summary(scale, seed, out, counts=counts, eligible=eligible, seed_comparison=comparison)


def province(
    scale: scales.Scale, seed: int, out: Path, noise: NoiseRates, say: Progress
) -> Summary:
    """County by county, appended to CSV files: never more than one county in memory."""
    for old in out.glob("*.csv"):
        old.unlink()
    total = Summary(scale.name, seed, out, counties=0)
    counties: list[dict[str, Any]] = []
    for index, (c, factor) in enumerate(
        zip(PROVINCE_COUNTIES, scales.PROVINCE_COUNTY_FACTORS, strict=True)
    ):
        say(f"county {index + 1}/{len(PROVINCE_COUNTIES)}: {c.name}")
        state = county.build(c, index, scale, factor, seed, noise)
        files = cut(state)
        for reg in files.registers:
            write_csv(out / f"{reg.file}.csv", reg.frame, append=True)
        for name, frame in files.absences.items():
            write_csv(out / f"{name}.csv", frame.drop("_pid"), append=True)
        part = _summary(scale.name, seed, out, files, factor)
        counties.append(
            {
                "code": c.code,
                "name": c.name,
                "factor": factor,
                "counts": part.counts,
                "eligible": part.eligible,
                "seed_comparison": part.seed_comparison,
                "noise_counts": truth.noise_counts(files.registers),
                "twins": int((state.persons["twin_of"] >= 0).sum()),
                "studying_elsewhere": int((state.persons["kind"] == "elsewhere").sum()),
                "out_of_school": int((state.persons["kind"] == "out_of_school").sum()),
                "no_bank_account": files.no_card,
                "planted_dropouts": truth.dropouts_section(files.dropouts),
            }
        )
        _add(total, part)
        del state, files
    truth.write(
        out / "truth.json",
        {
            "generator": "notoneless generate",
            "scale": scale.name,
            "seed": seed,
            "term": scales.TERM,
            "compact": "province: per-county counts, eligible counts and planted dropouts; no per-row links, "
            "persons or per-row noise (see docs/demo-data.md)",
            "noise_rates": noise.as_dict(),
            "counts": total.counts,
            "eligible": total.eligible,
            "counties": counties,
        },
    )
    return total


def _add(total: Summary, part: Summary) -> None:
    total.counties += 1
    for name, rows in part.counts.items():
        total.counts[name] = total.counts.get(name, 0) + rows
    for code, found in part.eligible.items():
        acc = total.eligible.setdefault(code, {"count": 0, "fen": 0})
        acc["count"] += found["count"]
        acc["fen"] += found["fen"]
    for figure, pair in part.seed_comparison.items():
        both = total.seed_comparison.setdefault(figure, {"target": 0, "eligible": 0})
        both["target"] += pair["target"]
        both["eligible"] += pair["eligible"]
