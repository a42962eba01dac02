"""Noise in the external registers, as clerks make it, recorded per row for truth.json.

Per record: the ID mistyped (one digit), two adjacent digits transposed, or missing (at most one of
the three); a homophone in the given name; the name in traditional characters; sex or birth date
left blank. Birth dates come in the formats real registers use (2008-03-05, 2008/3/5, 20080305).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.demo.generator import ids, names
from notoneless.demo.generator.scales import NoiseRates

ID_KINDS = ("missing_id", "typed_digit", "swapped_digits")


def date_strings(days: np.ndarray, rng: np.random.Generator | None = None) -> pl.Series:
    """ISO dates; with ``rng``, about 8% as 2008/3/5 and 6% as 20080305."""
    dates = pl.Series(np.asarray(days, dtype=np.int64).astype("datetime64[D]"))
    iso = dates.dt.strftime("%Y-%m-%d")
    if rng is None:
        return iso
    u = rng.random(len(days))
    slash = dates.dt.strftime("%Y/%-m/%-d").to_numpy()
    compact = dates.dt.strftime("%Y%m%d").to_numpy()
    out = np.where(u < 0.08, slash, np.where(u > 0.94, compact, iso.to_numpy()))
    return pl.Series(out, dtype=pl.String)


def _adjusted(rng: np.random.Generator, eligible: np.ndarray, rate: float) -> np.ndarray:
    """Rows chosen so that ``rate`` of all rows get the noise, drawn only among rows it can change."""
    share = eligible.mean() if len(eligible) else 0.0
    p = min(1.0, rate / share) if share > 0 else 0.0
    return eligible & (rng.random(len(eligible)) < p)


def _noisy_ids(
    rng: np.random.Generator, id_clean: list[str], rates: NoiseRates, kinds: list[list[str]]
) -> list[str]:
    """At most one of missing, one digit mistyped, two adjacent digits swapped."""
    u = rng.random(len(id_clean))
    edges = np.cumsum([rates.missing_id, rates.typed_digit, rates.swapped_digits])
    which = np.searchsorted(edges, u, side="right")  # 0 missing, 1 typed, 2 swapped, 3 none
    out = list(id_clean)
    for code, kind in enumerate(ID_KINDS):
        rows = np.flatnonzero(which == code)
        picked = [id_clean[i] for i in rows]
        if kind == "missing_id":
            changed = [""] * len(rows)
        elif kind == "typed_digit":
            changed = ids.typed_digit(picked, rng)
        else:
            changed = ids.swapped_digits(picked, rng)
        for i, value in zip(rows, changed, strict=True):
            out[i] = value
            kinds[i].append(kind)
    return out


def _noisy_names(
    rng: np.random.Generator,
    names_clean: list[str],
    surnames: list[str],
    rates: NoiseRates,
    kinds: list[list[str]],
) -> list[str]:
    """A homophone in the given name, then traditional characters."""
    out = list(names_clean)
    s_len = [len(s) for s in surnames]
    can_sound = np.array(
        [names.has_homophone(nm, k) for nm, k in zip(out, s_len, strict=True)], dtype=bool
    )
    picks = rng.random(len(out))
    for i in np.flatnonzero(_adjusted(rng, can_sound, rates.homophone)):
        out[i] = names.homophone_variant(out[i], s_len[i], float(picks[i]))
        kinds[i].append("homophone")
    trad = names.to_traditional(out)
    can_trad = np.array([t != s for t, s in zip(trad, out, strict=True)], dtype=bool)
    for i in np.flatnonzero(_adjusted(rng, can_trad, rates.traditional)):
        out[i] = trad[i]
        kinds[i].append("traditional")
    return out


def apply(
    rng: np.random.Generator,
    names_clean: list[str],
    surnames: list[str],
    id_clean: list[str],
    male: np.ndarray,
    birth: np.ndarray,
    rates: NoiseRates,
) -> tuple[dict[str, pl.Series], list[list[str]]]:
    """The four identity columns as the register shows them, and the noise kinds per row."""
    n = len(names_clean)
    kinds: list[list[str]] = [[] for _ in range(n)]
    id_out = _noisy_ids(rng, id_clean, rates, kinds)
    name_out = _noisy_names(rng, names_clean, surnames, rates, kinds)
    blank_sex = rng.random(n) < rates.blank_sex
    dates = date_strings(birth, rng)
    blank_birth = rng.random(n) < rates.blank_birth_date
    for i in np.flatnonzero(blank_sex):
        kinds[i].append("blank_sex")
    for i in np.flatnonzero(blank_birth):
        kinds[i].append("blank_birth_date")
    columns = {
        "姓名": pl.Series(name_out, dtype=pl.String),
        "身份证号": pl.Series(id_out, dtype=pl.String),
        "性别": pl.Series(np.where(blank_sex, "", np.where(male, "男", "女")), dtype=pl.String),
        "出生日期": pl.Series(np.where(blank_birth, "", dates.to_numpy()), dtype=pl.String),
    }
    return columns, kinds
