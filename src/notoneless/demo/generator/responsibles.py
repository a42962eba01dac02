"""The county's assignment table for dropout control (控辍保学责任人), as a county office keeps it: per
township a township head and a bureau contact, per village a village head, for each rural village its
group leaders and a resident task-force member, a first secretary where registered-poor households live,
per school its principal and per class a head teacher (teachers of the school, from the teacher file)."""

from __future__ import annotations

import numpy as np
import polars as pl

from notoneless.demo.generator import ids, names
from notoneless.demo.generator.county import CountyState
from notoneless.demo.generator.registers import Register

COLUMNS = ("职责", "镇/村", "所属乡镇", "学校标识码", "年级", "班级", "姓名", "电话")


def _people(r: np.random.Generator, n: int) -> tuple[np.ndarray, pl.Series]:
    male = r.random(n) < 0.7
    full = np.char.add(names.surnames(r, n), names.given_names(r, male, adult=True))
    return full, ids.phones(r, n)


def _place_rows(
    state: CountyState, poor_households: pl.DataFrame, r: np.random.Generator
) -> pl.DataFrame:
    towns = state.townships
    villages = state.villages
    town_names = towns["name"].to_numpy().astype(str)
    v_town = town_names[villages["t_idx"].to_numpy()]
    v_name = villages["name"].to_numpy().astype(str)
    rural = villages["level"].to_numpy().astype(str) == "村"
    families_v = state.families["v_idx"].to_numpy()
    poor_v = set(families_v[poor_households["family"].to_numpy()].tolist())
    duty, place, town = [], [], []

    def add(label: str, where: np.ndarray, township: np.ndarray) -> None:
        duty.extend([label] * len(where))
        place.extend(where.tolist())
        town.extend(township.tolist())

    add("镇（街道）负责人", town_names, town_names)
    add("教体局联系人", town_names, town_names)
    add("村委会主任", v_name, v_town)
    groups = r.integers(2, 5, size=len(v_name))
    groups[~rural] = 0
    add("村民小组长", np.repeat(v_name, groups), np.repeat(v_town, groups))
    add("驻村工作队员", v_name[rural], v_town[rural])
    poor = np.array([i in poor_v for i in range(len(v_name))], dtype=bool)
    add("第一书记", v_name[poor], v_town[poor])
    person, phone = _people(r, len(duty))
    return pl.DataFrame(
        {
            "职责": duty,
            "镇/村": place,
            "所属乡镇": town,
            "学校标识码": "",
            "年级": "",
            "班级": "",
            "姓名": person,
            "电话": phone,
        }
    )


def _school_rows(
    students: pl.DataFrame, teachers: pl.DataFrame, r: np.random.Generator
) -> pl.DataFrame:
    """The principal (the teacher the teacher file lists as 校长) and one head teacher per class, taken
    from the school's other teachers in turn, made up when a school has too few."""
    staff = teachers.select(
        pl.col("学校标识码"), pl.col("姓名"), pl.col("联系电话").alias("电话"), pl.col("岗位")
    )
    principals = staff.filter(pl.col("岗位") == "校长").unique(
        "学校标识码", keep="first", maintain_order=True
    )
    classes = (
        students.select("学校标识码", "年级", "班级")
        .unique(maintain_order=True)
        .with_columns(pl.int_range(pl.len()).over("学校标识码").alias("_n"))
    )
    others = (
        staff.filter(pl.col("岗位") != "校长")
        .with_columns(pl.int_range(pl.len()).over("学校标识码").alias("_n"))
        .drop("岗位")
    )
    heads = classes.join(others, on=["学校标识码", "_n"], how="left", maintain_order="left")
    missing = heads["姓名"].is_null()
    made, phones = _people(r, int(missing.sum()))
    fill = np.array(heads["姓名"].to_list(), dtype=object)
    tel = np.array(heads["电话"].to_list(), dtype=object)
    fill[missing.to_numpy()] = made
    tel[missing.to_numpy()] = phones.to_numpy()
    heads = heads.with_columns(
        pl.Series("姓名", fill.astype(str)),
        pl.Series("电话", tel.astype(str)),
        pl.lit("班主任").alias("职责"),
    )
    chiefs = principals.select(
        pl.lit("校长").alias("职责"),
        "学校标识码",
        pl.lit("").alias("年级"),
        pl.lit("").alias("班级"),
        "姓名",
        "电话",
    )
    both = pl.concat([chiefs, heads.select(chiefs.columns)])
    return both.with_columns(pl.lit("").alias("镇/村"), pl.lit("").alias("所属乡镇")).select(
        COLUMNS
    )


def responsibles(
    state: CountyState, poor_households: pl.DataFrame, students: Register, teachers: Register
) -> Register:
    r = state.rng("responsibles")
    frame = pl.concat(
        [_place_rows(state, poor_households, r), _school_rows(students.frame, teachers.frame, r)]
    )
    return Register("responsibles", frame, np.array([], dtype=np.int64))
