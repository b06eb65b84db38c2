"""Recursive spanning-tree cuts (optimizer/districting/treepart.py): every district
connected and within the bounds, every node in one, the same districts for the same
seed, and None (not a wrong plan) when the arithmetic allows no k districts."""

from __future__ import annotations

import random

from optimizer.districting.treepart import tree_partition
from optimizer.graph import components
from optimizer.model.piece import piece_data
from optimizer.scenario.build import grid_scenario

GRID = [[120, 80, 150, 90, 60, 110], [70, 130, 100, 140, 90, 80],
        [110, 60, 120, 70, 150, 100], [90, 140, 80, 130, 60, 120]]


def _data():  # type: ignore[no-untyped-def]
    s = grid_scenario(GRID, kind="rural")
    [comp] = components(s)
    return piece_data(s, comp.key, comp.units)


def _connected(nodes: list[int], nbrs) -> bool:  # type: ignore[no-untyped-def]
    inside, seen, stack = set(nodes), {nodes[0]}, [nodes[0]]
    while stack:
        u = stack.pop()
        for v in nbrs[u]:
            if int(v) in inside and int(v) not in seen:
                seen.add(int(v))
                stack.append(int(v))
    return seen == inside


def test_districts_are_connected_within_bounds_and_cover_every_node() -> None:
    data = _data()
    k = -(-data.total // data.hi)
    got = tree_partition(data, k, random.Random(1))
    assert got.districts is not None and len(got.districts) == k
    assert sorted(v for d in got.districts for v in d) == list(range(data.n))
    for d in got.districts:
        assert data.lo <= sum(int(data.weights[v]) for v in d) <= data.hi
        assert _connected(d, data.nbrs)
    assert got.work_s > 0
    again = tree_partition(data, k, random.Random(1))
    assert again.districts == got.districts and again.work_s == got.work_s


def test_no_whole_number_of_districts_gives_none() -> None:
    data = _data()
    k = data.total // data.lo + 1          # too many: each would be below the minimum
    assert tree_partition(data, k, random.Random(0)).districts is None
