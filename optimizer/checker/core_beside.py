"""The checker's proof that a core of units breaks the size rule in a piece with units
above the maximum, the communities of those units included (SIZE-URBAN/SIZE-RURAL).

A piece holding units above the maximum has no split within the bounds because of
those units alone, and the rest of the piece can join their communities, so a size
exemption on a community without such a unit is no proof on that ground
(:func:`optimizer.checker.proofs.not_the_big_ones`). That reasoning counts households
only: joining also needs a legal center in the communities it grows (ONE-STATION,
AREA-PER-HH, PIPELINE). bench/wild.py seed 231 (Tinghu (east)): the rooms coming of
U0134 (480 m²) and U0183 (437 m²) must be the center of any community holding them, so
no community of a unit above the maximum (3,001 households or more) can hold either,
and no non-overlapping communities of 2,000..3,000 with legal centers hold U0134, U0183
and U0185 together: some community holding one of them breaks the bounds whatever the
plan (the independent model bench/exact_piece.py found no plan of the whole piece).

Here the checker proves such a core on its own, without the solver's code: a CP-SAT
model whose plans are sets of non-overlapping connected communities, each either of
lo..hi households holding a unit of the core with a legal center (listed: every
connected set holding a core unit, exactly), or the community of one unit above the
maximum (its units free, connected by a flow from that unit, one center among them
serving its households), that hold every unit of the core. The center rules are
:func:`optimizer.checker.forced.legal`'s (PIPELINE first, else any unit that can hold
a center; NEWDEV-FIRST is not asked, a relaxation): every legal plan is one of its
plans, so INFEASIBLE proves the core. Anything else (a plan, the limits) proves
nothing: the exemption stays unjustified. Deterministic (one worker, a deterministic
time limit), so a plan's verdict does not change with the load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence

from ortools.sat.python import cp_model

from optimizer.checker.claims import Claim
from optimizer.checker.forced import legal
from optimizer.checker.pipeline import imposed
from optimizer.checker.pricing import required_area_m2, site_reach_m2
from optimizer.checker.proofs import Pieces, Verdict, _names, above_max_units, not_the_big_ones
from optimizer.checker.stranded import cut_off_parts
from optimizer.scenario.model import Scenario

MAX_UNITS = 1_000         # a piece's units, at most, for the model
MAX_GROUPS = 50_000       # connected sets holding a core unit listed, at most
MAX_DET_TIME = 5.0        # CP-SAT's deterministic time limit (seed 231: 0.09; 0.7 s wall
                          # at load 9, the model built: the check runs in the CLI's tail)
UNBOUNDED = 10 ** 9
CORE_MARK = "can hold all of"     # the core's words (optimizer.checker.claims._CORE)


def _most(s: Scenario, u: int, pipeline: bool) -> int:
    """The most households a center in unit ``u`` can serve: a pipeline site it holds
    that PIPELINE imposes (``pipeline``), else any center (-1: none); the threshold of
    :func:`optimizer.checker.center.can_hold_center`, which grows harder with them."""
    if not pipeline and not (s.is_no_build(u) and not s.is_new_development(u)):
        return UNBOUNDED
    ks = imposed(s, u) if pipeline else list(s.sites_by_unit.get(u, ()))
    if not ks:
        return -1
    reach = max(site_reach_m2(float(s.sites.area_m2[k]), float(s.sites.max_area_m2[k]))
                for k in ks)
    lo, hi = -1, 10 ** 7
    while lo < hi:              # the required area grows with the households
        mid = (lo + hi + 1) // 2
        if required_area_m2(max(mid, 0), s.policy) <= reach:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _groups(core: Sequence[int], free: set[int], hh: Mapping[int, int],
            nb: Mapping[int, list[int]], hi: int) -> Iterator[frozenset[int]] | None:
    """Every connected set of ``free`` units holding a unit of ``core``, of at most
    ``hi`` households (None past MAX_GROUPS): grown from each core unit, a unit once
    left out of a branch never coming back (each set once per core unit)."""
    out: set[frozenset[int]] = set()
    for root in core:
        stack = [([root], hh[root], sorted(v for v in nb[root] if v in free),
                  {root, *nb[root]})]
        while stack:
            current, total, cand, banned = stack.pop()
            out.add(frozenset(current))
            if len(out) > MAX_GROUPS:
                return None
            cand = list(cand)
            banned = set(banned)
            while cand:
                v = cand.pop()
                if total + hh[v] > hi:
                    continue
                new = [w for w in nb[v] if w in free and w not in banned]
                stack.append((current + [v], total + hh[v], cand + new, banned | set(new)))
    return iter(out)


def _model(s: Scenario, units: list[int], big: list[int], core: list[int], lo: int,
           hi: int) -> bool | None:
    """Whether non-overlapping communities of the kinds above hold all of ``core``
    (None: past the limits)."""
    inside = set(units)
    free = inside - set(big)
    hh = {u: int(s.households[u]) for u in units}
    nb = {u: [int(v) for v in s.neighbours[u].tolist() if int(v) in inside] for u in units}
    listed = _groups(core, free, hh, nb, hi)
    if listed is None:
        return None
    m = cp_model.CpModel()
    cover: dict[int, list[cp_model.IntVar]] = {u: [] for u in free}
    for i, g in enumerate(listed):
        h = sum(hh[u] for u in g)
        if h >= lo and legal(s, set(g)):
            var = m.new_bool_var(f"g{i}")
            for u in g:
                cover[u].append(var)
    n = len(units)
    for o in big:
        x = {u: m.new_bool_var(f"x{o}_{u}") for u in sorted(free)}
        held: dict[int, cp_model.IntVar | int] = {o: 1, **x}
        for u, var in x.items():
            cover[u].append(var)
        flow = {(a, b): m.new_int_var(0, n, f"f{o}_{a}_{b}")
                for a in (o, *x) for b in nb[a] if b in x}
        for (a, b), var in flow.items():
            m.add(var <= n * held[b])
            if a != o:
                m.add(var <= n * held[a])
        for u, var in x.items():       # each unit it holds takes one unit of the flow
            m.add(sum(flow[a, u] for a in nb[u] if (a, u) in flow)
                  - sum(flow[u, b] for b in nb[u] if (u, b) in flow) == var)
        total = hh[o] + cp_model.LinearExpr.weighted_sum(list(x.values()),
                                                         [hh[u] for u in x])
        rooms = [held[u] for u in (o, *x) if imposed(s, u)]
        piped = m.new_bool_var(f"p{o}")
        for r in rooms:
            m.add(piped >= r)
        m.add(piped <= sum(rooms))
        centers = []
        for u in (o, *x):
            for pipeline in (True, False):
                most = _most(s, u, pipeline)
                if most < hh[o]:
                    continue
                c = m.new_bool_var(f"c{o}_{u}_{pipeline}")
                if u != o:
                    m.add_implication(c, x[u])
                if most < UNBOUNDED:
                    m.add(total <= most).only_enforce_if(c)
                if not pipeline:            # PIPELINE: its rooms coming come first
                    m.add_implication(c, piped.Not())
                centers.append(c)
        m.add_exactly_one(centers)
    for u in free:
        if u in core:
            m.add_exactly_one(cover[u])
        else:
            m.add_at_most_one(cover[u])
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = MAX_DET_TIME
    solver.parameters.random_seed = 0
    status = solver.solve(m)
    if status == cp_model.INFEASIBLE:
        return False
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return True
    return None


def core_beside(s: Scenario, pieces: Pieces, members: set[int], claims: Sequence[Claim],
                companions: Callable[[], Mapping[int, int]],
                memo: dict[object, object] | None = None) -> Verdict | None:
    """The size exemption of a community holding none of its piece's units above the
    maximum, proved by its ``core`` claim with their communities included (None: the
    claims are not such a core and what it says of its part, so this proof does not
    apply: a piece without units above the maximum, or a community holding one).
    ``companions``: those the oversized communities claim, found when needed (with the
    units above the maximum they cut the part off whose counts a "no split" claim states);
    ``memo``: the model's verdicts by piece and core, a pure function of the scenario
    (the caller's cache: communities claiming one core search it once)."""
    core = next((c for c in claims if c.kind == "core"), None)
    if core is None or any(c.kind not in ("core", "no-split") for c in claims) \
            or not_the_big_ones(s, pieces, members) is None:
        return None
    if core.unknown or not core.units:
        return False, f"it names units that are not the scenario's: {', '.join(core.unknown)}"
    p = pieces.piece_of[min(members)]
    units = sorted(pieces.units[p])
    big = above_max_units(s, pieces, p)
    lo, hi = s.policy.bounds(bool(s.urban[units[0]]))
    names = _names(s, set(core.units))
    if not set(core.units) <= set(units) - set(big):
        return False, f"it names {names}, not all units within the maximum of its piece"
    if not members & set(core.units):
        return False, (f"it names {names} as units no communities can hold together, and "
                       "holds none of them: only a community holding one is exempt on that "
                       "ground")
    if core.bounds != (lo, hi):
        return False, f"it states the bounds {core.bounds}; the piece's are {lo}..{hi}"
    part = next((q for q in cut_off_parts(s, pieces, p, frozenset(companions()))
                 if set(q) & members), ())
    ph = int(s.households[list(part)].sum())
    for c in claims:
        if c.kind == "no-split" and ((c.n_units is not None and c.n_units != len(part))
                                     or (c.households is not None and c.households != ph)):
            return False, (f"it says its piece has {c.n_units} units ({c.households} "
                           f"households); the part the units above the maximum cut off "
                           f"holding its units has {len(part)} ({ph})")
    if len(units) > MAX_UNITS:
        return False, (f"its piece has {len(units)} units, more than the {MAX_UNITS} the "
                       "checker's model of the core beside units above the maximum takes")
    key = ("core_beside", p, tuple(sorted(core.units)))
    cache: dict[object, object] = {} if memo is None else memo
    if key not in cache:
        cache[key] = _model(s, units, big, sorted(core.units), lo, hi)
    got = cache[key]
    if got is None:
        return False, (f"the checker's model around {names} passed its limits, so it cannot "
                       "prove that no communities hold them all")
    if got:
        return False, (f"non-overlapping connected communities, of {lo}..{hi} households or "
                       f"of a unit above the maximum ({_names(s, big)}), each with a legal "
                       f"center, can hold all of {names}")
    return True, (f"no non-overlapping connected communities of {lo}..{hi} households each "
                  f"with a legal center, nor the communities of the units above the maximum "
                  f"({_names(s, big)}) with theirs, hold all of {names} (the checker's exact "
                  "model): whatever the plan, a community holding one of them breaks the "
                  "bounds or has no legal center")


__all__ = ["CORE_MARK", "MAX_DET_TIME", "MAX_GROUPS", "MAX_UNITS", "core_beside"]
