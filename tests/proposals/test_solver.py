"""The solver on small cases worked out by hand, and the weights' order checked against a
brute force over every assignment of small random problems."""

import itertools
import random

import pytest

from proposals.solver import MAX_KM, Pair, pair_cost, solve, weights_for


def chosen(pairs, places):
    return sorted((p.student, p.service) for p in solve(pairs, places))


def test_capacity_is_respected():
    # Three students want A (2 free places); B has one place but only student 3 may go there.
    pairs = [
        Pair(1, "A", preferred=True, distance_km=5),
        Pair(2, "A", preferred=True, distance_km=6),
        Pair(3, "A", preferred=True, distance_km=7),
        Pair(3, "B", distance_km=40),
    ]
    assert chosen(pairs, {"A": 2, "B": 1}) == [(1, "A"), (2, "A"), (3, "B")]
    # With B full nobody more fits: two placed, never three at A.
    result = chosen(pairs, {"A": 2, "B": 0})
    assert len(result) == 2 and all(service == "A" for _s, service in result)


def test_a_pair_not_offered_is_never_chosen():
    # Student 1 refused by A (so the pair is not in the problem): only B is possible.
    pairs = [Pair(1, "B", distance_km=90), Pair(2, "A", distance_km=1)]
    assert chosen(pairs, {"A": 5, "B": 5}) == [(1, "B"), (2, "A")]
    # And without any pair the student stays unplaced rather than being put anywhere.
    assert chosen([Pair(2, "A", distance_km=1)], {"A": 5, "B": 5}) == [(2, "A")]


def test_preferred_beats_distance():
    pairs = [Pair(1, "A", preferred=True, distance_km=80), Pair(1, "B", distance_km=1)]
    assert chosen(pairs, {"A": 1, "B": 1}) == [(1, "A")]


def test_distance_beats_transport_and_transport_breaks_a_tie():
    farther_with_bike = [
        Pair(1, "A", distance_km=10, transport_fits=False),
        Pair(1, "B", distance_km=11, transport_fits=True),
    ]
    assert chosen(farther_with_bike, {"A": 1, "B": 1}) == [(1, "A")]
    same_distance = [
        Pair(1, "A", distance_km=10, transport_fits=False),
        Pair(1, "B", distance_km=10, transport_fits=True),
    ]
    assert chosen(same_distance, {"A": 1, "B": 1}) == [(1, "B")]


def test_any_place_beats_none():
    # Far, not preferred, no fitting transport, unknown distance: still placed.
    assert chosen([Pair(1, "A", distance_km=None)], {"A": 1}) == [(1, "A")]


def test_the_most_students_placed_even_if_one_loses_its_preferred_service():
    # 1 prefers A but can go to B; 2 can only go to A. Giving 1 its preferred A leaves 2
    # without a place; the solver places both: 1 at B, 2 at A.
    pairs = [
        Pair(1, "A", preferred=True, distance_km=1),
        Pair(1, "B", distance_km=50),
        Pair(2, "A", distance_km=60),
    ]
    assert chosen(pairs, {"A": 1, "B": 1}) == [(1, "B"), (2, "A")]


def test_fewer_non_preferred_pairs_beat_many_kilometres_summed_over_students():
    # Two students, two services of one place. Option X: both preferred, 2 x 300 km.
    # Option Y: one preferred at 0 km and one not preferred at 0 km. X has fewer
    # non-preferred pairs and wins although it drives 600 km more.
    pairs = [
        Pair(1, "A", preferred=True, distance_km=MAX_KM),
        Pair(2, "B", preferred=True, distance_km=MAX_KM),
        Pair(1, "B", distance_km=0, transport_fits=True),
        Pair(2, "A", preferred=True, distance_km=0, transport_fits=True),
    ]
    assert chosen(pairs, {"A": 1, "B": 1}) == [(1, "A"), (2, "B")]


def _key(assignment):
    """The lexicographic goal of the issue, as a tuple to minimise."""
    km = sum(MAX_KM if p.distance_km is None else min(p.distance_km, MAX_KM) for p in assignment)
    return (
        -len(assignment),
        sum(not p.preferred for p in assignment),
        km,
        sum(not p.transport_fits for p in assignment),
    )


def _brute_force(pairs, places):
    best = None
    by_student = {}
    for pair in pairs:
        by_student.setdefault(pair.student, []).append(pair)
    options = [[None, *choices] for choices in by_student.values()]
    for combo in itertools.product(*options):
        picked = [p for p in combo if p is not None]
        used = {}
        for p in picked:
            used[p.service] = used.get(p.service, 0) + 1
        if any(n > places.get(s, 0) for s, n in used.items()):
            continue
        key = _key(picked)
        if best is None or key < best:
            best = key
    return best


@pytest.mark.parametrize("seed", range(60))
def test_weights_keep_the_order_on_random_small_problems(seed):
    rng = random.Random(seed)
    services = ["A", "B", "C"][: rng.randint(1, 3)]
    places = {s: rng.randint(0, 2) for s in services}
    pairs = []
    for student in range(1, rng.randint(2, 6)):
        for service in services:
            if rng.random() < 0.7:
                pairs.append(
                    Pair(
                        student,
                        service,
                        preferred=rng.random() < 0.3,
                        distance_km=rng.choice([None, 0, 1, 2, 5, 40, 120, MAX_KM, 400]),
                        transport_fits=rng.random() < 0.5,
                    )
                )
    result = solve(pairs, places)
    assert len({p.student for p in result}) == len(result)
    assert _key(result) == _brute_force(pairs, places)


def test_weights_separate_the_levels():
    n = 5000
    w = weights_for(n)
    # All transport penalties of n students stay below one kilometre's weight, and all
    # kilometres and transport penalties of n students below one non-preferred pair.
    assert n * w.transport < w.km
    assert n * (MAX_KM * w.km + w.transport) < w.preferred
    worst = Pair(1, "A", preferred=False, distance_km=None, transport_fits=False)
    assert pair_cost(worst, w) * n < 2**62
