"""Numbers, vectorised: resident IDs (GB 11643), their typing errors, phones and bank cards."""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.lib.resident_id import CHECK_CHARS, WEIGHTS

_CHECK = np.array(list(CHECK_CHARS))
_WEIGHTS = np.array(WEIGHTS, dtype=np.int64)
_POW10 = 10 ** np.arange(16, -1, -1, dtype=np.int64)
EPOCH = np.datetime64("1970-01-01", "D")


def ymd(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 to the integer YYYYMMDD."""
    d = days.astype("datetime64[D]") if days.dtype != "datetime64[D]" else days
    years = d.astype("datetime64[Y]").astype(np.int64) + 1970
    months = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    mday = (d - d.astype("datetime64[M]")).astype(np.int64) + 1
    return years * 10_000 + months * 100 + mday


def check_chars(first17: np.ndarray) -> np.ndarray:
    """MOD 11-2 check characters for 17-digit integers."""
    digits = (first17[:, None] // _POW10[None, :]) % 10
    return _CHECK[(digits * _WEIGHTS[None, :]).sum(axis=1) % 11]


def first17(region: np.ndarray, birth_days: np.ndarray, serial: np.ndarray) -> np.ndarray:
    return region.astype(np.int64) * 10**11 + ymd(birth_days) * 1_000 + serial.astype(np.int64)


def id_strings(numbers17: np.ndarray) -> pl.Series:
    body = pl.Series(numbers17).cast(pl.String).str.zfill(17)
    return body + pl.Series(check_chars(numbers17))


def serials(rng: np.random.Generator, male: np.ndarray) -> np.ndarray:
    """Three-digit serials 001-999, odd for males, even for females."""
    half = rng.integers(0, 499, len(male))  # 0..498
    return np.where(male, 2 * half + 1, 2 * half + 2)


def make_unique(
    rng: np.random.Generator,
    region: np.ndarray,
    birth: np.ndarray,
    serial: np.ndarray,
    male: np.ndarray,
) -> np.ndarray:
    """Redraw serials until (region, birth date, serial) is unique (the first of a clash keeps its own)."""
    serial = serial.copy()
    base = first17(region, birth, np.zeros(len(serial), dtype=np.int64))
    for _ in range(100):
        key = base + serial
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        later = order[1:][sorted_key[1:] == sorted_key[:-1]]
        if len(later) == 0:
            return serial
        serial[later] = serials(rng, male[later])
    raise RuntimeError("could not make resident IDs unique")


def typed_digit(ids: list[str], rng: np.random.Generator) -> list[str]:
    """One of the first 17 digits mistyped: the check character is then wrong."""
    pos = rng.integers(0, 17, len(ids))
    shift = rng.integers(1, 10, len(ids))
    out = []
    for value, p, s in zip(ids, pos, shift, strict=True):
        digit = (int(value[p]) + int(s)) % 10
        out.append(value[:p] + str(digit) + value[p + 1 :])
    return out


def swapped_digits(ids: list[str], rng: np.random.Generator) -> list[str]:
    """Two adjacent, different digits among the first 17 transposed (MOD 11-2 always notices)."""
    out = []
    starts = rng.integers(0, 16, len(ids))
    for value, start in zip(ids, starts, strict=True):
        for k in range(16):
            p = (int(start) + k) % 16
            if value[p] != value[p + 1]:
                value = value[:p] + value[p + 1] + value[p] + value[p + 2 :]
                break
        out.append(value)
    return out


_MOBILE_PREFIXES = np.array(
    [
        130,
        131,
        132,
        133,
        135,
        136,
        137,
        138,
        139,
        150,
        151,
        152,
        153,
        155,
        156,
        157,
        158,
        159,
        177,
        180,
        181,
        182,
        183,
        185,
        186,
        187,
        188,
        189,
        191,
        199,
    ]
)


def phones(rng: np.random.Generator, n: int) -> pl.Series:
    prefix = _MOBILE_PREFIXES[rng.integers(0, len(_MOBILE_PREFIXES), n)].astype(np.int64)
    number = prefix * 10**8 + rng.integers(0, 10**8, n)
    return pl.Series(number).cast(pl.String)


def _digits_to_strings(digits: np.ndarray) -> np.ndarray:
    """Rows of digits (0-9) to strings, without a Python loop."""
    width = digits.shape[1]
    raw = np.ascontiguousarray((digits + 48).astype(np.uint8)).view(f"S{width}").ravel()
    return raw.astype(f"U{width}")


def card_numbers(rng: np.random.Generator, prefix: str, length: int, n: int) -> np.ndarray:
    """Bank card numbers: issuer prefix, random account digits and a Luhn check digit."""
    head = np.array([int(c) for c in prefix], dtype=np.int64)
    body = np.concatenate(
        [np.tile(head, (n, 1)), rng.integers(0, 10, (n, length - 1 - len(prefix)))], axis=1
    )
    doubled = body[:, ::-1].copy()
    doubled[:, 0::2] *= 2
    doubled[doubled > 9] -= 9
    check = (10 - doubled.sum(axis=1) % 10) % 10
    return _digits_to_strings(np.concatenate([body, check[:, None]], axis=1))
