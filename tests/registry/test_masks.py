import polars as pl

from notoneless.lib import protect
from notoneless.registry.imports.masks import mask

from .conftest import ZHANG


def masked(values: list[str | None], kind: str) -> list[str]:
    return (
        pl.DataFrame({"v": values}, schema={"v": pl.String})
        .select(mask("v", kind).alias("m"))["m"]
        .to_list()
    )


def test_column_masks_agree_with_the_single_value_masks():
    assert masked([ZHANG], "id_number") == [protect.mask_id_number(ZHANG)]
    assert masked(["6228480012345678901"], "card") == [
        protect.mask_card_number("6228480012345678901")
    ]
    assert masked(["13800001234"], "phone") == [protect.mask_phone("13800001234")]
    assert masked([f"G{ZHANG}"], "student_number") == [protect.mask_student_number(f"G{ZHANG}")]


def test_a_value_too_short_to_mask_is_starred_whole_and_blank_stays_blank():
    assert masked(["6108021234", None], "id_number") == ["**********", ""]


def test_temporary_student_numbers_are_shown():
    assert masked(["L1234567"], "student_number") == ["L1234567"]
