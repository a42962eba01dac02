"""Resident identity numbers (GB 11643), without Django.

The check character (ISO 7064 MOD 11-2) is the hard test. A region code that is unknown, newer
than the birth year or retired before it is a warning and never a rejection: late household
registration is common among exactly the children this product exists to find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")
_SEPARATORS = re.compile(r"[\s\-‐－—]")
# ASCII digits only: \d would also accept the digits of other scripts.
_EIGHTEEN = re.compile(r"^[0-9]{17}[0-9X]$")
_FIFTEEN = re.compile(r"^[0-9]{15}$")

OK, WARNING, ERROR = "ok", "warning", "error"
FIRST_ISSUE_YEAR = 1984


def check_character(first17: str) -> str:
    """The MOD 11-2 check character for the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """Strip spaces and separators, full-width digits to ASCII, the check 'x' upper-case.

    (The stored form uses upper-case 'X', as GB 11643 prints it; input in lower case is accepted.)
    """
    return _SEPARATORS.sub("", str(raw).translate(FULL_WIDTH)).upper()


def upgrade_15(number15: str) -> str:
    """A 15-digit number (year in two digits, born 19xx) upgraded to 18 characters."""
    first17 = number15[:6] + "19" + number15[6:]
    return first17 + check_character(first17)


@dataclass
class IdCheck:
    raw: str
    normalised: str
    status: str
    reasons: list[str] = field(default_factory=list)
    birth_date: date | None = None
    sex: str = ""
    region_code: str = ""
    region: str = ""

    @property
    def usable(self) -> bool:
        """Good enough to store and to link on: the check character is right."""
        return self.status in (OK, WARNING)

    def as_dict(self) -> dict[str, object]:
        return {
            "input": self.raw,
            "normalised": self.normalised,
            "status": self.status,
            "reasons": self.reasons,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "sex": self.sex,
            "region_code": self.region_code,
            "region": self.region,
        }


def check(raw: str) -> IdCheck:
    value = normalise(raw)
    result = IdCheck(raw=str(raw), normalised=value, status=OK)
    if _FIFTEEN.match(value):
        value = upgrade_15(value)
        result.normalised = value
        result.status = WARNING
        result.reasons.append(
            "15-digit number upgraded to 18; without a check character typos go unnoticed "
            "/ 15位号码已升级为18位，无校验码，无法发现录入错误"
        )
    if not _EIGHTEEN.match(value):
        return _error(
            result, "not 18 characters of digits (last may be X) / 不是18位数字(末位可为X)"
        )
    if check_character(value[:17]) != value[17]:
        return _error(
            result, f"check character should be {check_character(value[:17])} / 校验码错误"
        )
    birth = _birth_date(value[6:14])
    if birth is None:
        return _error(result, f"birth date {value[6:14]} is not a date / 出生日期无效")
    if birth > date.today():
        return _error(result, f"birth date {birth.isoformat()} is in the future / 出生日期晚于今天")
    result.birth_date = birth
    result.sex = "M" if int(value[16]) % 2 else "F"
    result.region_code = value[:6]
    _check_region(result, birth)
    return result


def _error(result: IdCheck, reason: str) -> IdCheck:
    result.status = ERROR
    result.reasons.append(reason)
    return result


def _birth_date(digits: str) -> date | None:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return born if date(1900, 1, 1) <= born else None


def _check_region(result: IdCheck, birth: date) -> None:
    result.region = region_period(result.region_code)[0]
    finding = region_warning(result.region_code, birth.year)
    if finding:
        result.status = WARNING
        result.reasons.append(f"{finding[1]} / {finding[0]}")


def region_warning(code: str, birth_year: int) -> tuple[str, str] | None:
    """(Chinese, English) when a valid ID's region code is unknown or was not in use in the birth year:
    a warning, never a rejection (late household registration is common)."""
    name, since, until = region_period(code)
    if not name:
        return f"地区码{code}未知", f"region code {code} unknown"
    # Before resident IDs were first issued (1984), everyone got a code newer than their birth year:
    # the finding only says something about people born since.
    if since and since > birth_year >= FIRST_ISSUE_YEAR:
        return (
            f"地区码{since}年启用，晚于出生年份（可能为补登户口）",
            f"region code in use since {since}, after the birth year (late registration?)",
        )
    if until and until < birth_year:
        return (
            f"地区码{until}年已撤销，早于出生年份",
            f"region code retired in {until}, before the birth year",
        )
    return None


_YEARS = re.compile(r"^\[(\d{4})?-(\d{4})?\]")


_GENERIC = {"市辖区", "县", "市区", "郊区", "省直辖县级行政单位", "省直辖县级行政区划"}


def region_info(code: str) -> tuple[str, int | None]:
    """(name, first year in use) for a 6-digit region code; ("", None) when unknown."""
    name, since, _ = region_period(code)
    return name, since


@lru_cache(maxsize=4096)
def region_period(code: str) -> tuple[str, int | None, int | None]:
    """(name, first year, last year) of a 6-digit region code, from python-stdnum's GB/T 2260 table.

    The name runs province, prefecture, county (陕西省榆林市榆阳区); either year is None when the
    table gives none.
    """
    province, county = _lookup(code)
    if not province or county is None:
        return "", None, None
    county_name, since, until = county
    names = [province]
    if code[4:] != "00":
        prefecture = _lookup(code[:4] + "00")[1]
        if prefecture and prefecture[0] not in _GENERIC:
            names.append(prefecture[0])
    if county_name not in _GENERIC or len(names) == 1:
        names.append(county_name)
    return "".join(dict.fromkeys(names)), since, until


def _lookup(code: str) -> tuple[str, tuple[str, int | None, int | None] | None]:
    """(province name, (county name, since, until)) as the table has them."""
    from stdnum import numdb

    province = ""
    county: tuple[str, int | None, int | None] | None = None
    for _, props in numdb.get("cn/loc").info(code):
        if "province" in props:
            province = _strip_years(props["province"])[0]
        if "county" in props:
            county = _strip_years(props["county"])
    return province, county


def _strip_years(text: str) -> tuple[str, int | None, int | None]:
    match = _YEARS.match(text)
    if not match:
        return text, None, None
    since, until = match.group(1), match.group(2)
    return text[match.end() :], int(since) if since else None, int(until) if until else None
