"""Counties, townships (街道, 镇, 乡) and villages (社区, 村) with 12-digit statistical codes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from notoneless.demo.generator.names import SURNAME_WEIGHTS, SURNAMES, words
from notoneless.demo.generator.scales import Scale


@dataclass(frozen=True)
class County:
    code: str  # GB/T 2260, 6 digits
    name: str
    previous_code: str = ""  # the code before a recent change (children born before ``since``)
    since: int = 0
    yulin_1990s: str = ""  # the 榆林地区 code adults born before 1999 carry (Yulin counties)


YUYANG = County("610802", "榆阳区", yulin_1990s="612701")
PROVINCE_COUNTIES = (
    YUYANG,
    County("610803", "横山区", "610823", 2015, "612724"),
    County("610822", "府谷县", yulin_1990s="612723"),
    County("610824", "靖边县", yulin_1990s="612725"),
    County("610825", "定边县", yulin_1990s="612726"),
    County("610826", "绥德县", yulin_1990s="612727"),
    County("610827", "米脂县", yulin_1990s="612728"),
    County("610828", "佳县", yulin_1990s="612729"),
    County("610829", "吴堡县", yulin_1990s="612730"),
    County("610830", "清涧县", yulin_1990s="612731"),
    County("610831", "子洲县", yulin_1990s="612732"),
    County("610881", "神木市", "610821", 2017, "612722"),
    County("610602", "宝塔区"),
    County("610603", "安塞区", "610624", 2016),
    County("610621", "延长县"),
    County("610622", "延川县"),
    County("610625", "志丹县"),
    County("610626", "吴起县"),
    County("610627", "甘泉县"),
    County("610628", "富县"),
    County("610629", "洛川县"),
    County("610630", "宜川县"),
    County("610631", "黄龙县"),
    County("610632", "黄陵县"),
    County("610681", "子长市", "610623", 2019),
    County("610502", "临渭区"),
    County("610503", "华州区", "610521", 2015),
    County("610522", "潼关县"),
    County("610523", "大荔县"),
    County("610524", "合阳县"),
    County("610525", "澄城县"),
    County("610526", "蒲城县"),
    County("610527", "白水县"),
    County("610528", "富平县"),
    County("610581", "韩城市"),
    County("610582", "华阴市"),
    County("610402", "秦都区"),
    County("610404", "渭城区"),
    County("610422", "三原县"),
    County("610423", "泾阳县"),
)

# Yuyang's own townships with their 3-digit codes; the small scales take the first ones of each list.
YUYANG_URBAN = (
    ("鼓楼街道", "001"),
    ("青山路街道", "002"),
    ("上郡路街道", "003"),
    ("新明楼街道", "004"),
    ("驼峰路街道", "005"),
    ("崇文路街道", "006"),
    ("航宇路街道", "007"),
    ("沙河路街道", "008"),
    ("金沙路街道", "009"),
    ("长城路街道", "010"),
)
YUYANG_RURAL = (
    ("巴拉素镇", "107"),
    ("孟家湾乡", "200"),
    ("牛家梁镇", "104"),
    ("鱼河镇", "100"),
    ("镇川镇", "102"),
    ("上盐湾镇", "101"),
    ("麻黄梁镇", "103"),
    ("金鸡滩镇", "105"),
    ("小纪汗镇", "112"),
    ("芹河镇", "113"),
    ("小壕兔乡", "201"),
    ("岔河则乡", "202"),
    ("马合镇", "106"),
    ("鱼河峁镇", "108"),
    ("青云镇", "109"),
    ("古塔镇", "110"),
    ("大河塔镇", "111"),
    ("补浪河乡", "203"),
    ("红石桥乡", "204"),
)
# Villages the seed names, kept first in their township.
KNOWN_VILLAGES = {"巴拉素镇": ("巴拉素村", "新庙滩村", "白城台村", "讨讨滩村")}

_LANDFORMS = [*"沟湾峁畔梁坬洼墕岔塔庄坪河滩渠寨堡岭", "圪崂", "圪台"]
_PREFIXES = [
    *"大小东西南北前后上下新红白黑黄石柳榆杏枣沙高长双马羊牛刘王李张杨高贺",
    *words("三岔 五里 十里 柳树 榆树 杏树 枣林 沙家 马家 石板"),
]
_STREETS = words(
    "新建路 文化 东沙 西沙 南门 北门 鼓楼 青山 长城 人民路 航宇 沙河 金沙 崇文 "
    "上郡 新明楼 驼峰 明珠 榆阳 凌霄 建业 肤施 兴中 红山 二街 三街 四街 五里墩 "
    "东环 西环 南郊 北郊 广济 钟楼 桃园 春晖 阳光 龙湾 文昌 永安"
)
_TOWN_STEMS = words(
    "城关 张家 王家 石湾 马坊 龙镇 杨桥 红柳 新店 东坪 西川 南塬 北岔 高庙 柳林 "
    "石门 枣园 沙坪 白家 刘家 李家 贺家 郭家 何家 双河 三川 五里 青龙 黄河 清水 "
    "梁家 寺沟 官庄 瓦窑 安定 宁塞 永宁 太平 延水 金盆"
)


def _village_names(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        if rng.random() < 0.55:
            stem = str(SURNAMES[rng.choice(len(SURNAMES), p=SURNAME_WEIGHTS)]) + "家"
        else:
            stem = _PREFIXES[rng.integers(0, len(_PREFIXES))]
        name = stem + _LANDFORMS[rng.integers(0, len(_LANDFORMS))] + "村"
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _community_names(rng: np.random.Generator, n: int, taken: set[str]) -> list[str]:
    out: list[str] = []
    streets = list(_STREETS)
    rng.shuffle(streets)
    i = 0
    while len(out) < n:
        base = streets[i % len(streets)]
        name = base + ("社区" if i < len(streets) else f"{i // len(streets) + 1}社区")
        i += 1
        if name not in taken:
            taken.add(name)
            out.append(name)
    return out


def _townships(
    county: County, scale: Scale, rng: np.random.Generator
) -> list[tuple[str, str, bool]]:
    """(name, 3-digit code, urban) for a county."""
    if county.code == YUYANG.code:
        urban = [(n, c, True) for n, c in YUYANG_URBAN[: scale.urban_townships]]
        rural = [(n, c, False) for n, c in YUYANG_RURAL[: scale.rural_townships]]
        return urban + rural
    stems = list(_TOWN_STEMS)
    rng.shuffle(stems)
    urban = [(f"{stems[i]}街道", f"{i + 1:03d}", True) for i in range(scale.urban_townships)]
    rural = []
    for j in range(scale.rural_townships):
        stem = stems[scale.urban_townships + j]
        is_xiang = j >= scale.rural_townships - 2
        code = f"{200 + j - scale.rural_townships + 2:03d}" if is_xiang else f"{100 + j:03d}"
        rural.append((stem + ("乡" if is_xiang else "镇"), code, False))
    return urban + rural


def _village_list(
    t_name: str, urban: bool, scale: Scale, rng: np.random.Generator, taken: set[str]
) -> list[tuple[str, str]]:
    """(name, 社区 or 村) for one township: 社区 in a 街道; a seat 社区 and 村 in a 镇 or 乡."""
    if urban:
        return [(n, "社区") for n in _community_names(rng, scale.communities_per_urban, taken)]
    stem = t_name[:-1]
    seat = f"{stem}社区" if f"{stem}社区" not in taken else f"{stem}街社区"
    taken.add(seat)
    known = [v for v in KNOWN_VILLAGES.get(t_name, ()) if v not in taken][
        : scale.villages_per_rural
    ]
    taken.update(known)
    made = _village_names(rng, scale.villages_per_rural - len(known), taken)
    return [(seat, "社区"), *((v, "村") for v in (*known, *made))]


def build(
    county: County, scale: Scale, rng: np.random.Generator
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(townships, villages); each village row knows its township index and its locality."""
    township_rows = []
    village_rows = []
    taken: set[str] = set()
    for t_idx, (t_name, t_code, urban) in enumerate(_townships(county, scale, rng)):
        code9 = county.code + t_code
        township_rows.append(
            {
                "t_idx": t_idx,
                "code": code9 + "000",
                "name": t_name,
                "level": "街道" if urban else "乡镇",
                "parent_code": county.code + "000000",
                "urban": urban,
            }
        )
        community_no, village_no = 1, 200
        for name, kind in _village_list(t_name, urban, scale, rng, taken):
            if kind == "社区":
                suffix, community_no = f"{community_no:03d}", community_no + 1
            else:
                suffix, village_no = f"{village_no:03d}", village_no + 1
            locality = "urban" if urban else ("town" if kind == "社区" else "rural")
            village_rows.append(
                {
                    "t_idx": t_idx,
                    "code": code9 + suffix,
                    "name": name,
                    "level": kind,
                    "parent_code": code9 + "000",
                    "locality": locality,
                }
            )
    villages = (
        pl.DataFrame(village_rows)
        .with_row_index("v_idx")
        .with_columns(pl.col("v_idx").cast(pl.Int64))
    )
    return pl.DataFrame(township_rows), villages


def divisions_frame(
    county: County, townships: pl.DataFrame, villages: pl.DataFrame
) -> pl.DataFrame:
    """The rows of divisions.xlsx: county, townships, villages."""
    head = pl.DataFrame(
        {
            "区划代码": [county.code + "000000"],
            "名称": [county.name],
            "级别": ["县"],
            "上级区划代码": [""],
        }
    )
    t = townships.select(
        pl.col("code").alias("区划代码"),
        pl.col("name").alias("名称"),
        pl.col("level").alias("级别"),
        pl.col("parent_code").alias("上级区划代码"),
    )
    v = villages.select(
        pl.col("code").alias("区划代码"),
        pl.col("name").alias("名称"),
        pl.col("level").alias("级别"),
        pl.col("parent_code").alias("上级区划代码"),
    )
    return pl.concat([head, t, v])
