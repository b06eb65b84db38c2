"""Chinese-looking pinyin names and short readable codes for generated scenarios.

Counties are Yancheng's own nine county-level divisions (with their real seats'
coordinates in EPSG:32651); streets 街道, towns 镇 and villages 村 get two-syllable
pinyin names drawn without repetition, so ids such as ``JH-NY-0012`` stay readable.
"""

from __future__ import annotations

import numpy as np

# name, code, seat easting, seat northing (UTM 51N, from the seats' lon/lat via pyproj)
COUNTIES: tuple[tuple[str, str, float, float], ...] = (
    ("Tinghu", "TH", 235_700.0, 3_693_700.0),
    ("Yandu", "YD", 224_000.0, 3_708_000.0),
    ("Xiangshui", "XS", 184_800.0, 3_789_600.0),
    ("Binhai", "BH", 210_000.0, 3_765_600.0),
    ("Funing", "FN", 196_000.0, 3_740_000.0),
    ("Sheyang", "SY", 246_300.0, 3_741_100.0),
    ("Jianhu", "JH", 198_000.0, 3_704_000.0),
    ("Dafeng", "DF", 263_200.0, 3_676_300.0),
    ("Dongtai", "DT", 249_200.0, 3_637_800.0),
)

_SYLLABLES = (
    "an", "bao", "bei", "chang", "chen", "cheng", "chun", "da", "dong", "fang", "feng",
    "fu", "gang", "gao", "guang", "hai", "he", "heng", "hong", "hu", "hua", "huai", "ji",
    "jia", "jin", "jing", "kang", "lian", "lin", "long", "ma", "mei", "ming", "nan",
    "ning", "ping", "qiao", "qing", "quan", "rong", "sha", "shang", "sheng", "shi",
    "shui", "tai", "tang", "tian", "wan", "wu", "xi", "xia", "xin", "xing", "yan",
    "yang", "yi", "yong", "yu", "yuan", "ze", "zhen", "zhong", "zhou", "zhuang",
)


class NamePool:
    """Unique two-syllable names (``Nanyang``) with unique two-letter codes (``NY``)
    within one scope (a county for streets/towns, a town for villages)."""

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._names: set[str] = set()
        self._codes: set[str] = set()

    def take(self) -> tuple[str, str]:
        for _ in range(10_000):
            a, b = self._rng.choice(len(_SYLLABLES), size=2, replace=False)
            s1, s2 = _SYLLABLES[int(a)], _SYLLABLES[int(b)]
            name = (s1 + s2).capitalize()
            if name in self._names:
                continue
            code = (s1[0] + s2[0]).upper()
            n = 2
            while code in self._codes:  # "NY", "NY2", ...
                code = (s1[0] + s2[0]).upper() + str(n)
                n += 1
            self._names.add(name)
            self._codes.add(code)
            return name, code
        raise RuntimeError("name pool exhausted")  # pragma: no cover
