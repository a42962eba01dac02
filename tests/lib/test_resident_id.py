"""Resident ID numbers: the check character decides, region findings only warn."""

from datetime import date

import pytest
from stdnum.cn import ric

from notoneless.lib import resident_id
from notoneless.lib.resident_id import ERROR, OK, WARNING, check

BOY = "610802201003050013"  # 榆阳区, born 2010-03-05, serial 001 (odd: male)
GIRL = "610802201003050021"  # serial 002 (even: female)


def test_a_valid_number_is_ok_with_birth_date_sex_and_region():
    result = check(BOY)
    assert result.status == OK
    assert result.reasons == []
    assert result.birth_date == date(2010, 3, 5)
    assert result.sex == "M"
    assert result.region_code == "610802"
    assert result.region == "陕西省榆林市榆阳区"
    assert result.usable


def test_an_even_serial_is_female():
    assert check(GIRL).sex == "F"


@pytest.mark.parametrize(
    "raw",
    [
        "６１０８０２２０１００３０５００１３",  # full-width digits
        " 610802 20100305 0013 ",  # spaces
        "610802-20100305-0013",  # separators
        "610802201003050013\n",
    ],
)
def test_everyday_input_is_normalised(raw):
    result = check(raw)
    assert result.normalised == BOY
    assert result.status == OK


def test_lower_case_and_full_width_x_become_upper_case_x():
    assert resident_id.normalise("61080220100305003x") == "61080220100305003X"
    assert resident_id.normalise("６１０８０２２０１００３０５００３ｘ") == "61080220100305003X"
    result = check("61080220100305003x")
    assert result.status == OK
    assert result.normalised == "61080220100305003X"
    assert result.sex == "M"


def test_check_character_matches_python_stdnum():
    for first17 in [
        "61080220100305001",
        "11010319800101001",
        "99999920100101001",
        "37011620150101001",
    ]:
        assert resident_id.check_character(first17) == ric.calc_check_digit(first17 + "0")


def test_a_wrong_check_character_is_an_error_naming_the_right_one():
    result = check("610802201003050014")
    assert result.status == ERROR
    assert not result.usable
    assert "should be 3" in result.reasons[0]
    assert result.birth_date is None


def test_two_transposed_digits_are_caught_by_the_check_character():
    assert check("610802201003050103").status == ERROR


def test_a_fifteen_digit_number_is_upgraded_with_a_warning():
    result = check("110103800101001")
    assert result.normalised == "110103198001010013"
    assert result.birth_date == date(1980, 1, 1)
    assert result.sex == "M"
    assert result.status == WARNING
    assert "15-digit" in result.reasons[0]
    assert ric.is_valid(result.normalised)


def test_upgrade_15_inserts_the_century_and_appends_the_check_character():
    assert resident_id.upgrade_15("110103800101001") == "110103198001010013"


def test_a_region_code_newer_than_the_birth_year_warns_and_is_not_rejected():
    # 370116 (莱芜区) exists since 2018; python-stdnum rejects this number outright.
    result = check("370116201501010014")
    assert not ric.is_valid("370116201501010014")
    assert result.status == WARNING
    assert result.usable
    assert "since 2018" in result.reasons[0]
    assert result.birth_date == date(2015, 1, 1)
    assert result.region == "山东省济南市莱芜区"


def test_a_region_code_retired_before_the_birth_year_warns():
    result = check("612721200501010015")  # 榆林县, code retired in 1988
    assert result.status == WARNING
    assert "retired in 1988" in result.reasons[0]


def test_an_unknown_region_code_warns():
    result = check("999999201001010016")
    assert result.status == WARNING
    assert result.region == ""
    assert "unknown" in result.reasons[0]
    assert result.birth_date == date(2010, 1, 1)


def test_an_impossible_birth_date_is_an_error():
    result = check("610802201013320013")
    assert result.status == ERROR
    assert "20101332" in result.reasons[0]


def test_a_birth_date_in_the_future_is_an_error():
    result = check("610802300001010011")
    assert result.status == ERROR
    assert "future" in result.reasons[0]


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "61080220100305001",
        "6108022010030500133",
        "61080220100305001A",
        "６１０８０２",
        "٦١٠٨٠٢٢٠١٠٠٣٠٥٠٠١٣",
    ],
)
def test_wrong_length_or_characters_is_an_error(raw):
    result = check(raw)
    assert result.status == ERROR
    assert "18" in result.reasons[0]


def test_as_dict_is_json_ready():
    data = check(BOY).as_dict()
    assert data == {
        "input": BOY,
        "normalised": BOY,
        "status": "ok",
        "reasons": [],
        "birth_date": "2010-03-05",
        "sex": "M",
        "region_code": "610802",
        "region": "陕西省榆林市榆阳区",
    }


def test_a_code_newer_than_a_birth_before_1984_is_normal_not_a_warning():
    # 370116 is in use since 2018; someone born in 1970 received a then-current code at issuance.
    first17 = "37011619700101001"
    assert check(first17 + resident_id.check_character(first17)).status == "ok"
