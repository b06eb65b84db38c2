"""Place names in the planner's language.

Yancheng's nine county-level divisions have official Chinese names (2013: Dafeng and
Dongtai were county-level cities 县级市). Other names are data and are kept as the
scenario spells them; in Chinese only an English administrative suffix is rendered
(``Fuwan Town`` -> ``Fuwan镇``), since a pinyin name has no single Chinese spelling.
"""

from __future__ import annotations

import re

from optimizer.names import has_cjk, place_zh

COUNTIES_ZH: dict[str, str] = {
    "Tinghu": "亭湖区", "Yandu": "盐都区", "Xiangshui": "响水县", "Binhai": "滨海县",
    "Funing": "阜宁县", "Sheyang": "射阳县", "Jianhu": "建湖县", "Dafeng": "大丰市",
    "Dongtai": "东台市",
}
__all__ = ["COUNTIES_ZH", "county_name", "has_cjk", "street_name"]


def county_name(name: str, lang: str) -> str:
    """``Jianhu`` -> ``建湖县`` in Chinese; other names as given (suffix rendered)."""
    if lang != "zh" or has_cjk(name):
        return name
    key = re.sub(r"\s+(County|District|City)$", "", name.strip())
    return COUNTIES_ZH.get(key) or street_name(name, lang)


def street_name(name: str, lang: str) -> str:
    """``Fuwan Town`` -> ``Fuwan镇``, ``Huaqing Street`` -> ``Huaqing街道`` in Chinese."""
    return place_zh(name) if lang == "zh" else name
