"""Ids and file names made from planners' text: readable, safe, unique by construction.

Street and county names are data: two names may differ only in punctuation or case
("a/b" and "a_b"; "Fuwan Town" and "fuwan town"), and any name may hold path
separators, ``..``, control characters or be very long. Whatever we derive from them
(community ids, map file names) goes through :func:`unique_names`, which detects
every collision and disambiguates it deterministically:

- each key gets its natural (readable) name; names are compared after
  :func:`fold` (Unicode NFKC + casefold), since planners' Windows and macOS file
  systems, and Excel lookups, do not tell case apart;
- within a group of keys whose natural names fold alike, the first key in sorted
  order keeps the natural name, the others get ``<name><sep>2``, ``<sep>3``, ...
  skipping any candidate that folds like a name already taken.

So the same input always gives the same names, a name without a collision is exactly
the natural one (the demo's ids and files do not change), and no two names fold alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)

# Characters a spreadsheet may read as the start of a formula (CSV injection), and
# the control characters that make a cell start like one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Windows device names: reserved with any extension, in any case.
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"COM{i}" for i in "123456789¹²³"), *(f"LPT{i}" for i in "123456789¹²³")}
MAX_STEM_BYTES = 120   # a file name's stem, in UTF-8 bytes (file systems allow 255)
_NOT_STEM = re.compile(r"[^\w\u4e00-\u9fff-]+")


def fold(text: str) -> str:
    """The form two names are compared in: NFKC-normalized and casefolded."""
    return unicodedata.normalize("NFKC", text).casefold()


def unique_names(keys: Iterable[K], natural: Callable[[K], str], sep: str = "_",
                 order: Callable[[K], Any] | None = None) -> dict[K, str]:
    """A distinct name per key, no two alike after :func:`fold` (module docstring).

    ``natural(key)`` is the readable name; ``order`` sorts the keys of a colliding
    group (default: the keys themselves), which decides who keeps the natural name.
    The result lists the keys in the order given.
    """
    keys = list(dict.fromkeys(keys))
    base = {k: natural(k) for k in keys}
    groups: dict[str, list[K]] = {}
    for k in keys:
        groups.setdefault(fold(base[k]), []).append(k)
    taken = set(groups)
    out: dict[K, str] = {}
    for folded in sorted(groups):
        members = sorted(groups[folded], key=order or _itself)
        out[members[0]] = base[members[0]]
        n = 1
        for k in members[1:]:
            while True:
                n += 1
                candidate = f"{base[k]}{sep}{n}"
                if fold(candidate) not in taken:
                    break
            taken.add(fold(candidate))
            out[k] = candidate
    return {k: out[k] for k in keys}


def _itself(key: Any) -> Any:
    return key


def safe_stem(text: str, max_bytes: int = MAX_STEM_BYTES) -> str:
    """A file name stem from any text, safe on Linux, Windows and macOS.

    Only letters, digits, ``_``, ``-`` and CJK ideographs are kept (runs of anything
    else, path separators, dots, spaces and control characters among them, become one
    ``_``), so the result has no ``/``, ``\\``, ``..`` nor trailing dot or space. It is
    NFC-normalized, cut to ``max_bytes`` UTF-8 bytes, never empty and never a Windows
    device name (``CON``, ``NUL``, ``COM1``...). Uniqueness is :func:`unique_names`'s job.
    """
    stem = _NOT_STEM.sub("_", unicodedata.normalize("NFC", text)).strip("_")
    raw = stem.encode("utf-8")
    if len(raw) > max_bytes:
        stem = raw[:max_bytes].decode("utf-8", errors="ignore").rstrip("_")
    if not stem:
        stem = "x"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem


def starts_like_formula(text: str) -> bool:
    """True when a spreadsheet opening a CSV could read ``text`` as a formula."""
    return text.startswith(FORMULA_START)


# Administrative suffixes of a place name written in pinyin, and their Chinese.
_SUFFIX_ZH = (("Subdistrict", "街道"), ("Street", "街道"), ("Township", "乡"), ("Town", "镇"),
              ("District", "区"), ("County", "县"), ("City", "市"))
_CJK = re.compile(r"[\u3400-\u9fff]")


def has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def place_zh(name: str) -> str:
    """A place name in Chinese as far as it can be: a name in Chinese as it is, a pinyin
    name with its English suffix rendered (``Fuwan Town`` -> ``Fuwan镇``); a pinyin name
    has no single Chinese spelling, so the rest is kept."""
    if has_cjk(name):
        return name
    for en, zh in _SUFFIX_ZH:
        m = re.fullmatch(rf"(.+?)\s+{en}", name.strip())
        if m:
            return m.group(1) + zh
    return name
