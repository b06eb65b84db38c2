"""A synthetic communities_today.csv for a generated scenario (issue 17): what a county's
bureau knows of today's communities, drawn from a seed so that the reported targets
(ORGS-5, VOLUNTEER-15-10, PRO-80-50, MGMT-2013, HARMONY-90-80, SELFGOV-95) and the X
services (SERVICES-6-8) have data to be measured against. Made-up figures of a
plausible order, not statistics: a scenario gets them only when asked
(``generate --today``, :func:`write_today`).

``known`` is the share of cells filled: below 1 some cells stay empty, "not known",
as in a bureau's real table.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import numpy as np

from optimizer.scenario.today import TODAY_FIELDS, TODAY_FILE

X_SERVICES = ("助餐服务", "托幼服务", "法律咨询", "电商服务", "农技推广", "家政服务", "心理咨询")


def today_csv(current: list[str | None], households: list[int], urban: list[bool], seed: int,
              known: float = 1.0) -> str:
    """The file's text for the units' current communities (one row each, by name)."""
    rng = np.random.default_rng(seed)
    hh: Counter[str] = Counter()
    kind: dict[str, bool] = {}
    for c, h, u in zip(current, households, urban, strict=True):
        if c:
            hh[c] += int(h)
            kind.setdefault(c, bool(u))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("current_community", *TODAY_FIELDS))
    for name in sorted(hh):
        people = hh[name] * 2.94
        share = rng.uniform(0.04, 0.20) if kind[name] else rng.uniform(0.03, 0.14)
        workers = int(rng.integers(5, 11))
        cells: list[object] = [
            int(rng.poisson(4.5)), int(people * share), workers,
            int(rng.binomial(workers, 0.75 if kind[name] else 0.5)),
            bool(rng.random() < 0.8), bool(rng.random() < 0.75), bool(rng.random() < 0.85),
            "；".join(rng.choice(X_SERVICES, size=int(rng.integers(0, 3)), replace=False)),
        ]
        row = [("true" if v else "false") if isinstance(v, bool) else v for v in cells]
        row = [v if rng.random() < known else "" for v in row]
        w.writerow((name, *row))
    return buf.getvalue()


def write_today(folder: str | Path, seed: int, known: float = 1.0) -> Path:
    """Write communities_today.csv into the scenario ``folder`` (its units' current
    communities); return the file's path."""
    from optimizer.scenario.load import load_scenario

    folder = Path(folder)
    path = folder / TODAY_FILE
    path.unlink(missing_ok=True)       # the scenario is read without an old one
    s = load_scenario(folder)
    if s.current_community is None:
        raise ValueError(f"{folder}: the units have no current_community")
    text = today_csv(list(s.current_community), s.households.tolist(), s.urban.tolist(),
                     seed, known)
    path.write_text(text, encoding="utf-8")
    return path
