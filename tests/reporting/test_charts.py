from reporting import charts


def test_axis_maximum_is_round_and_never_below_the_data():
    for value in (0, 1, 3, 7, 12, 19, 99, 101, 2400, 100_000):
        top = charts.nice_max(value)
        assert top >= value and top >= 1
        assert top <= max(2 * value, 1)
    assert charts.nice_max(12) == 15
    assert charts.nice_max(2400) == 2500


def test_ticks_are_whole_and_even():
    for top in (1, 2, 3, 15, 25, 40, 60, 80, 150, 2500):
        ticks = charts.tick_values(top)
        assert ticks[0] == 0 and ticks[-1] == top
        steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1
