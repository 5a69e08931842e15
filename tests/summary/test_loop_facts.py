"""Loop Habit Tracker's own unit tests, restated as facts about SPEC §6 (inputs and expected numbers).

The numbers come from iSoron/uhabits, uhabits-core/src/jvmTest/.../core/models: ScoreTest.kt,
ScoreListTest.kt, StreakListTest.kt and SkipDaysTest.kt, whose clock stands at 2015-01-25. Loop's
yes/no check is one entry against target 1; its numerical habits (target 2 000, counted in
thousandths) are entries against target 2; its skip days are paused days. Tolerance 1e-6, as
in Loop, before rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import pytest

from app.summary.momentum import daily_scores, decay, momentum
from app.summary.paused_days import PausedDays
from app.summary.streaks import Cadence, StreakRule, compute_streaks

TODAY = date(2015, 1, 25)
E = 1e-6

# Scores on today, yesterday, ... for a daily habit done on the 20 days ending today.
TWENTY_DAYS = [
    0.655747, 0.636894, 0.617008, 0.596033, 0.573910, 0.550574, 0.525961, 0.500000,
    0.472617, 0.443734, 0.413270, 0.381137, 0.347244, 0.311495, 0.273788, 0.234017,
    0.192067, 0.147820, 0.101149, 0.051922, 0.000000, 0.000000, 0.000000,
]  # fmt: skip


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def on(offsets: Iterable[int], each: int = 1) -> dict[date, int]:
    """``each`` entries on each day that many days before TODAY."""
    return {ago(offset): each for offset in offsets}


def pauses(offsets: Iterable[int]) -> PausedDays:
    return PausedDays.from_days(ago(offset) for offset in offsets)


def score(
    counts: dict[date, int], cadence: Cadence = "daily", target: int = 1, paused: PausedDays | None = None
) -> float:
    (value,) = daily_scores(counts, cadence=cadence, target=target, days=[TODAY], paused=paused or PausedDays())
    return value


def scores_back(
    counts: dict[date, int], days: int, cadence: Cadence = "daily", target: int = 1, paused: PausedDays | None = None
) -> list[float]:
    """Scores on TODAY, the day before, ... for ``days`` days, newest first as Loop lists them."""
    wanted = [ago(offset) for offset in range(days - 1, -1, -1)]
    found = daily_scores(counts, cadence=cadence, target=target, days=wanted, paused=paused or PausedDays())
    return found[::-1]


# ScoreTest: one step of the score at f = 1 from a previous score, with and without the check.
@pytest.mark.parametrize(
    ("previous", "credit", "expected"),
    [
        (0.0, 1, 0.051922),
        (0.5, 1, 0.525961),
        (0.75, 1, 0.762981),
        (0.0, 0, 0.0),
        (0.5, 0, 0.474039),
        (0.75, 0, 0.711058),
    ],
)
def test_a_single_step(previous: float, credit: int, expected: float) -> None:
    m = decay("daily", 1)
    assert previous * m + credit * (1 - m) == pytest.approx(expected, abs=E)


def test_the_twenty_three_day_daily_series() -> None:
    assert scores_back(on(range(20)), 23) == pytest.approx(TWENTY_DAYS, abs=E)


def test_target_two_with_two_entries_a_day_is_the_same_series() -> None:
    assert scores_back(on(range(20), each=2), 23, target=2) == pytest.approx(TWENTY_DAYS, abs=E)
    assert score(on(range(20), each=2), target=2) == pytest.approx(0.655747, abs=E)


def test_two_days_of_target_two() -> None:
    assert score(on(range(2), each=2), target=2) == pytest.approx(0.101149, abs=E)
    assert score(on(range(2))) == pytest.approx(0.101149, abs=E)


def test_partial_credit_half_and_quarter_of_the_target() -> None:
    # Loop: 1 000 of 2 000 a day for 500 days reaches 0.5; 500 of 2 000 reaches 0.25.
    assert score(on(range(500)), target=2) == pytest.approx(0.5, abs=E)
    assert score(on(range(500)), target=4) == pytest.approx(0.25, abs=E)


def test_more_than_the_target_earns_no_more_than_the_target() -> None:
    assert score({TODAY: 10_000}, target=2) == pytest.approx(0.051922, abs=E)


def test_adding_then_removing_an_entry() -> None:
    assert score({}) == 0.0
    assert score({TODAY: 1}) == pytest.approx(0.051922, abs=E)
    assert score({TODAY: 0}) == 0.0


def test_paused_days_in_the_daily_series_hold_the_score() -> None:
    expected = [
        0.596033, 0.573910, 0.550574, 0.525961, 0.500000, 0.472617, 0.472617, 0.443734,
        0.413270, 0.381137, 0.347244, 0.347244, 0.347244, 0.311495, 0.273788, 0.234017,
        0.192067, 0.147820, 0.101149, 0.051922, 0.000000, 0.000000, 0.000000,
    ]  # fmt: skip
    logged = on(set(range(20)) - {5, 10, 11})
    assert scores_back(logged, 23, paused=pauses([5, 10, 11])) == pytest.approx(expected, abs=E)


def test_a_paused_day_right_after_the_only_entry() -> None:
    expected = [0.041949, 0.044247, 0.046670, 0.049226, 0.051922, 0.051922, 0.0]
    assert scores_back(on([5]), 7, paused=pauses([4])) == pytest.approx(expected, abs=E)


def test_paused_days_in_a_target_two_series_hold_the_score() -> None:
    expected = [
        0.617008, 0.596033, 0.573910, 0.550574, 0.525961, 0.500000, 0.472617, 0.443734,
        0.413270, 0.381137, 0.347244, 0.347244, 0.311495, 0.273788, 0.234017, 0.192067,
        0.192067, 0.147820, 0.101149, 0.051922, 0.000000, 0.000000, 0.000000,
    ]  # fmt: skip
    logged = on(set(range(20)) - {10, 15}, each=2)
    assert scores_back(logged, 23, target=2, paused=pauses([10, 15])) == pytest.approx(expected, abs=E)


def test_paused_days_are_as_if_they_never_existed() -> None:
    initial = score(on(range(500)), target=2)
    assert score(on(range(500)), target=2, paused=pauses(range(500, 1000))) == pytest.approx(initial, abs=E)
    split = on([*range(300), *range(500, 700)])
    assert score(split, target=2, paused=pauses(range(300, 500))) == pytest.approx(initial, abs=E)


def test_paused_days_in_a_six_a_week_series_use_the_unpaused_window() -> None:
    expected = [
        0.365222, 0.333100, 0.299354, 0.263899, 0.226651, 0.191734, 0.159268, 0.129375,
        0.102187, 0.077839, 0.056477, 0.056477, 0.056477, 0.056477, 0.038251, 0.023319,
        0.011848, 0.004014, 0.000000, 0.000000, 0.000000,
    ]  # fmt: skip
    logged = on(set(range(18)) - {10, 11, 12})
    assert scores_back(logged, 21, "weekly", 6, paused=pauses([10, 11, 12])) == pytest.approx(expected, abs=E)


@pytest.mark.parametrize(("cadence", "target"), [("daily", 1), ("weekly", 6)])
def test_done_or_paused_every_day_converges_to_one(cadence: Cadence, target: int) -> None:
    weekends = {offset for week in range(100) for offset in (7 * week + 5, 7 * week + 6)}
    logged = on(set(range(500)) - weekends)
    assert score(logged, cadence, target, paused=pauses(weekends)) == pytest.approx(1.0, abs=E)


def test_two_of_three_a_week_converges_to_two_thirds_and_two_of_four_to_a_half() -> None:
    logged = on(offset for week in range(100) for offset in (7 * week, 7 * week + 1))
    assert score(logged, "weekly", 3) == pytest.approx(2 / 3, abs=E)
    assert score(logged, "weekly", 4) == pytest.approx(0.5, abs=E)


def test_once_a_week_on_changing_weekdays_converges_to_one() -> None:
    logged = on(offset for block in range(100) for offset in (14 * block, 14 * block + 13))
    assert score(logged, "weekly", 1) == pytest.approx(1.0, abs=1e-3)
    assert momentum(logged, cadence="weekly", target=1, as_of=TODAY) == 1.0


def test_high_scores_in_reasonable_time() -> None:
    assert score(on(range(90))) > 0.99
    assert score(on(7 * week for week in range(39)), "weekly", 1) > 0.99


def test_target_fifty_a_perfect_year_then_three_missed_days() -> None:
    m = decay("daily", 50)
    expected = (1 - m**365) * m**3
    assert expected == pytest.approx(0.852180, abs=E)
    assert score(on(range(3, 368), each=50), target=50) == pytest.approx(expected, abs=1e-12)
    assert momentum(on(range(3, 368), each=50), cadence="daily", target=50, as_of=TODAY) == 0.8522


# StreakListTest: Loop's long habit, done on these days before today, counted daily.
LONG_HABIT = [
    0, 1, 3, 5, 7, 8, 9, 10, 12, 14, 15, 17, 19, 20, 26, 27, 28, 50, 51, 52, 53, 54,
    58, 60, 63, 65, 70, 71, 72, 73, 74, 75, 80, 81, 83, 89, 90, 91, 95, 102, 103, 108, 109, 120,
]  # fmt: skip


def test_daily_streaks_of_the_long_habit() -> None:
    streaks = compute_streaks(on(LONG_HABIT), StreakRule(), TODAY)
    assert len(streaks.runs) == 22
    assert [run.length for run in streaks.runs[::-1][:4]] == [2, 1, 1, 4]
    assert streaks.current.length == 2 and streaks.current.status == "active"


def test_best_streaks_of_the_long_habit() -> None:
    best = compute_streaks(on(LONG_HABIT), StreakRule(), TODAY).best
    assert [(streak.length, streak.start, streak.end) for streak in best] == [
        (6, ago(75), ago(70)),
        (5, ago(54), ago(50)),
        (4, ago(10), ago(7)),
        (3, ago(28), ago(26)),  # the later of the two runs of 3, as Loop picks it for its best four
        (3, ago(91), ago(89)),
    ]


def test_one_entry_is_one_best_streak() -> None:
    best = compute_streaks({TODAY: 1}, StreakRule(), TODAY).best
    assert [streak.length for streak in best] == [1]


def test_a_paused_weekend_joins_friday_and_monday() -> None:
    monday = date(2015, 1, 26)
    friday = monday - timedelta(days=3)
    weekend = PausedDays.from_ranges([(friday + timedelta(days=1), monday - timedelta(days=1))])
    streaks = compute_streaks({friday: 1, monday: 1}, StreakRule(), monday, paused=weekend)
    assert streaks.best[0].length == 4
    assert streaks.best[0].paused_days == 2
