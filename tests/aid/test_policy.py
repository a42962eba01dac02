"""Policy packs: the shipped pack loads; a broken pack is refused with every problem located."""

from __future__ import annotations

import pytest

from notoneless.aid.packs_store import install_pack
from notoneless.aid.policy import PackError, load_pack, pack_path, parse_pack, term_key

DEFAULT = pack_path("shaanxi-2020").read_text(encoding="utf-8")


def problems(text: str) -> list[str]:
    with pytest.raises(PackError) as caught:
        parse_pack(text, "test.toml")
    return caught.value.problems


def test_the_shipped_pack_defines_every_program_of_the_issue():
    pack = load_pack(pack_path("shaanxi-2020"))
    assert [p.code for p in pack.programs] == [
        "preschool_living",
        "preschool_fee_waiver",
        "compulsory_boarding",
        "compulsory_non_boarding",
        "senior_grant",
        "senior_tuition_waiver",
        "vocational_grant",
        "vocational_tuition_waiver",
        "yulu",
        "student_loan",
    ]
    assert {p.code for p in pack.programs if p.spec.payee == "recorded"} == {"yulu", "student_loan"}


def test_an_unknown_field_is_named():
    found = problems(
        DEFAULT.replace('notice_label = "生活补助"', 'notice_label = "生活补助"\ncolour = "red"', 1)
    )
    assert any("programs.0.colour" in p and "unknown field" in p for p in found)


def test_a_condition_on_a_fact_that_does_not_exist_is_named():
    found = problems(
        DEFAULT.replace('{ fact = "boarding", is = true }', '{ fact = "boards", is = true }')
    )
    assert any("unknown fact 'boards'" in p and "compulsory_boarding" in p for p in found)


def test_a_negative_amount_is_refused():
    found = problems(DEFAULT.replace("yuan_per_year = 750", "yuan_per_year = -750"))
    assert any("programs.0.amount" in p and "negative" in p for p in found)


def test_a_non_numeric_amount_is_refused():
    found = problems(DEFAULT.replace("yuan_per_year = 750", 'yuan_per_year = "seven fifty"'))
    assert any(p.startswith("programs.0.amount") for p in found)


def test_two_programs_with_the_same_code_are_refused():
    found = problems(
        DEFAULT.replace('code = "compulsory_non_boarding"', 'code = "compulsory_boarding"')
    )
    assert any("2 programs have the code 'compulsory_boarding'" in p for p in found)


def test_a_program_ending_before_it_starts_is_refused():
    text = DEFAULT.replace(
        'code = "yulu"', 'code = "yulu"\nfirst_term = "2021-autumn"\nlast_term = "2020-autumn"'
    )
    assert any("yulu" in p and "before" in p for p in problems(text))


def test_a_wrong_value_for_a_choice_fact_is_refused():
    found = problems(
        DEFAULT.replace(
            '{ fact = "hukou_type", eq = "rural" }', '{ fact = "hukou_type", eq = "农村" }', 1
        )
    )
    assert any("'农村' is not a valid choice value" in p for p in found)


def test_a_reference_to_an_undefined_condition_is_refused():
    found = problems(DEFAULT.replace('when = { ref = "needy" }', 'when = { ref = "needier" }', 1))
    assert any("needier" in p for p in found)


def test_invalid_toml_is_refused_with_the_parser_message():
    assert problems("code = ")[0].startswith("not valid TOML")


def test_terms_order_autumn_before_its_spring():
    assert term_key("2020-autumn") < term_key("2020-spring") < term_key("2021-autumn")


@pytest.mark.django_db
def test_a_pack_overlapping_an_active_pack_of_another_code_is_refused_and_nothing_is_stored():
    install_pack(text=DEFAULT, source="shaanxi-2020.toml", acting_user=None)
    other = DEFAULT.replace('code = "shaanxi-2020"', 'code = "other-2021"').replace(
        'first_term = "2020-autumn"', 'first_term = "2021-autumn"', 1
    )
    with pytest.raises(PackError) as caught:
        install_pack(text=other, source="other.toml", acting_user=None)
    assert "overlap" in caught.value.problems[0]
    from notoneless.aid.models import PolicyPack

    assert list(PolicyPack.objects.values_list("code", flat=True)) == ["shaanxi-2020"]


@pytest.mark.django_db
def test_a_new_version_retires_the_old_one_and_a_changed_file_needs_a_new_version():
    install_pack(text=DEFAULT, source="a.toml", acting_user=None)
    changed = DEFAULT.replace("yuan_per_year = 750", "yuan_per_year = 1000")
    with pytest.raises(PackError):
        install_pack(text=changed, source="b.toml", acting_user=None)
    v2 = install_pack(
        text=changed.replace("version = 1", "version = 2"), source="c.toml", acting_user=None
    )
    from notoneless.aid.models import PolicyPack

    assert v2.active
    assert list(PolicyPack.objects.filter(active=True)) == [v2]
