"""The assignment of a proposal, on plain inputs (no database): OR-Tools' min-cost flow.

The network is source → student (capacity 1) → service (capacity 1 per allowed pair) →
sink (capacity = the service's free places). `SimpleMinCostFlow.solve_max_flow_with_min_cost`
first pushes the largest possible flow — the most students placed — and among all flows of
that size finds one of least cost. So the first goal is the algorithm's, not a weight.

The other goals are lexicographic too, held by the weights of `pair_cost`:

    cost = p·W_PREFERRED + d·W_KM + t·W_TRANSPORT

with p = 0 for a preferred service (else 1), d = whole kilometres (unknown or farther than
MAX_KM: MAX_KM), t = 0 when one of the student's transport modes reaches that far (else
1), and, for n students in the problem (no flow places more than n),

    W_TRANSPORT = 1
    W_KM        = n·W_TRANSPORT + 1                    > any sum of t-terms (at most n)
    W_PREFERRED = n·(MAX_KM·W_KM + W_TRANSPORT) + 1    > any sum of d- and t-terms

Two assignments of the same size F ≤ n differ by at least W_PREFERRED in the p-part as
soon as their numbers of non-preferred pairs differ, while their d- and t-parts together
differ by less than that; so fewer non-preferred pairs always wins, then fewer kilometres
(the same argument one level down), then fewer pairs without a fitting transport mode.
With n = 5,000 and MAX_KM = 300 the largest arc cost is about 7.5·10⁹ and a whole flow's
cost about 3.8·10¹³, far inside OR-Tools' 64-bit costs (it scales them by the number of
nodes, still below 10¹⁸; a cost range it cannot take is reported, never wrapped).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MAX_KM = 300  # farther than anywhere in Belgium from anywhere else: "unknown" costs this


class SolverError(Exception):
    """OR-Tools did not report an optimal flow (never expected: every network here is
    feasible, the empty flow included)."""


@dataclass(frozen=True)
class Pair:
    """A pair the proposal may use: `service` may see and has not refused `student`."""

    student: int
    service: int
    preferred: bool = False
    distance_km: int | None = None
    transport_fits: bool = False


@dataclass(frozen=True)
class Weights:
    preferred: int
    km: int
    transport: int


def weights_for(student_count: int) -> Weights:
    """The weights that keep the order for a problem of `student_count` students."""
    n = max(student_count, 1)
    transport = 1
    km = n * transport + 1
    preferred = n * (MAX_KM * km + transport) + 1
    return Weights(preferred=preferred, km=km, transport=transport)


def pair_cost(pair: Pair, weights: Weights) -> int:
    km = MAX_KM if pair.distance_km is None else min(max(int(pair.distance_km), 0), MAX_KM)
    return (
        (0 if pair.preferred else weights.preferred)
        + km * weights.km
        + (0 if pair.transport_fits else weights.transport)
    )


def solve(pairs: Iterable[Pair], free_places: Mapping[int, int]) -> list[Pair]:
    """The chosen pairs: each student at most once, each service at most its free places,
    as many students as possible, then the costs above as low as possible.

    Pairs whose service has no free place (or is not in `free_places`) are ignored."""
    import numpy as np
    from ortools.graph.python import min_cost_flow

    usable = [p for p in pairs if free_places.get(p.service, 0) > 0]
    if not usable:
        return []
    students = sorted({p.student for p in usable})
    services = sorted({p.service for p in usable})
    weights = weights_for(len(students))
    source, sink = 0, 1
    student_node = {s: 2 + i for i, s in enumerate(students)}
    service_node = {s: 2 + len(students) + i for i, s in enumerate(services)}

    n_students, n_pairs, n_services = len(students), len(usable), len(services)
    tails = np.empty(n_students + n_pairs + n_services, dtype=np.int32)
    heads = np.empty_like(tails)
    capacities = np.ones(len(tails), dtype=np.int64)
    costs = np.zeros(len(tails), dtype=np.int64)
    tails[:n_students] = source
    heads[:n_students] = [student_node[s] for s in students]
    pair_slice = slice(n_students, n_students + n_pairs)
    tails[pair_slice] = [student_node[p.student] for p in usable]
    heads[pair_slice] = [service_node[p.service] for p in usable]
    costs[pair_slice] = [pair_cost(p, weights) for p in usable]
    tails[n_students + n_pairs :] = [service_node[s] for s in services]
    heads[n_students + n_pairs :] = sink
    capacities[n_students + n_pairs :] = [min(free_places[s], n_students) for s in services]

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_node_supply(source, n_students)
    flow.set_node_supply(sink, -n_students)
    status = flow.solve_max_flow_with_min_cost()
    if status != flow.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status}")
    used = flow.flows(arcs[pair_slice])
    return [pair for pair, amount in zip(usable, used, strict=True) if amount > 0]
