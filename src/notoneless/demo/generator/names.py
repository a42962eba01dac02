"""People's names: northern-Shaanxi surnames, given names by sex, homophones and traditional forms."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np


def words(text: str) -> list[str]:
    """A table written as space-separated words."""
    return text.split()


# Surname weights for Yulin (高 and 杨 frequent), with the heteronym surnames 曾 单 解 仇 now and then.
_SURNAMES = words(
    "高 8.0 王 7.5 李 7.0 张 6.0 刘 6.0 杨 5.5 马 4.0 郭 "
    "3.0 白 3.0 贺 2.5 赵 2.0 陈 1.8 霍 1.5 冯 1.5 薛 1.2 "
    "乔 1.2 曹 1.2 常 1.2 田 1.2 孙 1.2 郝 1.2 苗 1.0 雷 "
    "1.0 康 1.0 崔 1.0 胡 1.0 任 1.0 韩 1.0 闫 1.0 武 1.0 "
    "石 1.0 周 1.0 惠 0.8 尚 0.8 吴 0.8 徐 0.8 朱 0.8 魏 "
    "0.8 宋 0.8 牛 0.8 侯 0.8 姬 0.6 黄 0.6 许 0.6 丁 0.6 "
    "袁 0.6 党 0.6 艾 0.5 呼 0.5 邓 0.5 申 0.5 谢 0.5 方 "
    "0.4 拓 0.4 余 0.4 钟 0.4 梁 0.4 罗 0.4 何 0.4 訾 0.2 "
    "折 0.3 井 0.3 延 0.3 曾 0.15 单 0.15 解 0.1 仇 0.08"
)
SURNAMES = np.array(_SURNAMES[0::2])
SURNAME_WEIGHTS = np.array([float(w) for w in _SURNAMES[1::2]])
SURNAME_WEIGHTS /= SURNAME_WEIGHTS.sum()

MALE_CHARS = np.array(
    list(
        "伟强军杰涛明超磊鹏浩宇博文斌辉刚勇毅俊峰晨轩豪凯瑞泽睿航旭阳林龙飞鑫亮波华建国平东兵宁帅翔哲恒振远"
        "鸿锦铭昊然天子嘉奕宸逸煜钧彬栋虎荣洋涛志永海春生成江山"
    )
)
FEMALE_CHARS = np.array(
    list(
        "丽静敏燕娟艳婷雪琳芳娜欣怡悦萱涵璐瑶佳梦莉倩洁颖慧霞红玲萍晶琪雅婧妍蕊彤诗语若欢蓉月茹薇岚菲可馨媛"
        "晴玉春梅兰凤英娇瑞媛丹宁美秀"
    )
)
LEADING_CHARS = np.array(list("子梓佳嘉欣思雨一浩宇晓小俊文家天明春海建志永雅若诗梦紫欣晨亚"))
# Older adults' names lean on other characters.
ADULT_MALE_CHARS = np.array(
    list("军平强建国忠明伟刚林华生富贵成福荣新民利胜德文海山云东宝才有发金义")
)
ADULT_FEMALE_CHARS = np.array(list("兰英芳梅秀凤霞琴珍玲花香萍丽娥翠莲桂芬春燕艳红娟叶"))

# Characters of one syllable a clerk may write for another (tones may differ).
HOMOPHONE_GROUPS = (
    "伟玮炜韦",
    "静婧靖",
    "丽莉俐",
    "军君钧均",
    "华桦骅",
    "杰洁婕",
    "敏珉闵",
    "明铭鸣",
    "宇雨语羽禹",
    "涛韬滔",
    "浩昊皓灏",
    "波博",
    "辉晖徽",
    "峰锋丰枫",
    "晨辰宸臣",
    "磊蕾",
    "鹏朋彭",
    "斌彬滨",
    "俊骏峻",
    "婷亭庭",
    "娟鹃",
    "燕艳雁",
    "琳林霖麟",
    "芳方",
    "娜纳",
    "怡仪宜颐",
    "悦月越岳",
    "萱轩宣",
    "涵晗寒含",
    "璐露路鹭",
    "瑶遥尧",
    "佳嘉家",
    "梦孟",
    "倩茜",
    "颖莹盈",
    "玲灵凌铃",
    "萍平苹",
    "晶菁京",
    "琪琦棋淇祺",
    "雅亚娅",
    "妍颜研",
    "彤童桐",
    "欣新心馨鑫",
    "泽则",
    "瑞睿锐",
    "航杭",
    "旭煦栩",
    "阳洋扬",
    "龙隆",
    "飞菲霏",
    "凯恺楷",
    "哲喆",
    "远源元园",
    "鸿宏弘",
    "锦瑾",
    "然冉",
    "子梓紫",
    "奕毅亦艺逸",
    "煜昱钰玉",
    "东冬",
    "荣蓉融",
    "兰岚",
    "英鹰",
    "梅玫",
    "红虹",
    "霞侠",
    "国果",
    "林琳",
    "春椿",
    "海",
    "志智治",
    "永勇",
    "强蔷",
    "刚钢",
    "建剑健",
)
HOMOPHONES: dict[str, str] = {}
for _group in HOMOPHONE_GROUPS:
    for _char in _group:
        if len(_group) > 1 and _char not in HOMOPHONES:
            HOMOPHONES[_char] = _group


def surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    return SURNAMES[rng.choice(len(SURNAMES), size=n, p=SURNAME_WEIGHTS)]


def given_names(rng: np.random.Generator, male: np.ndarray, *, adult: bool = False) -> np.ndarray:
    """One or two characters, drawn by sex; children's names more often two characters."""
    n = len(male)
    m_pool = ADULT_MALE_CHARS if adult else MALE_CHARS
    f_pool = ADULT_FEMALE_CHARS if adult else FEMALE_CHARS
    second = np.where(
        male, m_pool[rng.integers(0, len(m_pool), n)], f_pool[rng.integers(0, len(f_pool), n)]
    )
    first_own = np.where(
        male, m_pool[rng.integers(0, len(m_pool), n)], f_pool[rng.integers(0, len(f_pool), n)]
    )
    first = np.where(
        rng.random(n) < 0.4, LEADING_CHARS[rng.integers(0, len(LEADING_CHARS), n)], first_own
    )
    single = rng.random(n) < (0.35 if adult else 0.22)
    return np.where(single, second, np.char.add(first, second))


@cache
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def to_traditional(names: list[str]) -> list[str]:
    """Simplified to traditional in one call for a whole column (OpenCC s2t)."""
    if not names:
        return []
    out = _s2t().convert("\n".join(names)).split("\n")
    if len(out) != len(names):  # pragma: no cover - OpenCC keeps line breaks
        raise RuntimeError("OpenCC changed the number of lines")
    return out


def homophone_variant(name: str, surname_len: int, pick: float) -> str:
    """The name with one given-name character replaced by a homophone; unchanged when none fits."""
    positions = [i for i in range(surname_len, len(name)) if name[i] in HOMOPHONES]
    if not positions:
        return name
    i = positions[int(pick * len(positions)) % len(positions)]
    group = HOMOPHONES[name[i]].replace(name[i], "")
    replacement = group[int(pick * 997) % len(group)]
    return name[:i] + replacement + name[i + 1 :]


def has_homophone(name: str, surname_len: int) -> bool:
    return any(c in HOMOPHONES for c in name[surname_len:])
