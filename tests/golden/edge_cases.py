"""Hand-written golden cases: the edges of SPEC §6 (DST nights, day start, week start, grace,
pauses, weekly windows, targets above 1). Each says in ``about`` what it is there for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from tests.golden.cases import Case, CaseBuilder, days, utc

EDGE_CASES: list[Callable[[], Case]] = []


def edge(function: Callable[[], Case]) -> Callable[[], Case]:
    EDGE_CASES.append(function)
    return function


def _daily(name: str, as_of: str, about: str, logged: list[str], grace: int = 0) -> Case:
    return CaseBuilder(name, as_of, about, grace_days=grace).on(logged).done()


@edge
def empty_log() -> Case:
    return CaseBuilder("empty-log", "2026-11-20", "No entries: every figure is zero, no streak.").done()


@edge
def one_entry_today() -> Case:
    return _daily("one-entry-today", "2026-11-20", "One entry on as_of: an active streak of 1.", ["2026-11-20"])


@edge
def one_entry_yesterday() -> Case:
    return _daily("one-entry-yesterday", "2026-11-20", "Yesterday only: at_risk, length 1.", ["2026-11-19"])


def _gap_cases() -> None:
    for grace in range(4):
        for gap in range(grace + 3):
            last = f"2026-11-{20 - gap:02d}"
            logged = days(f"2026-11-{20 - gap - 2:02d}", 3)

            def build(grace: int = grace, gap: int = gap, logged: list[str] = logged, last: str = last) -> Case:
                about = f"Three days ending {gap} days before as_of with grace {grace}: active, at_risk or none."
                return _daily(f"current-gap-{gap}-grace-{grace}", "2026-11-20", about, logged, grace)

            edge(build)


_gap_cases()


def _grace_cases() -> None:
    pattern = ["2026-10-01", "2026-10-02", "2026-10-04", "2026-10-05", "2026-10-08", "2026-10-12", "2026-10-13"]
    for grace in range(4):

        def build(grace: int = grace) -> Case:
            about = "Gaps of 1, 2 and 3 days inside one log: grace joins the runs whose gaps it covers."
            return _daily(f"grace-bridges-gaps-{grace}", "2026-10-14", about, pattern, grace)

        edge(build)


_grace_cases()


@edge
def best_five_with_ties() -> Case:
    logged = [
        *days("2026-01-01", 3),
        *days("2026-01-10", 5),
        *days("2026-01-20", 3),
        *days("2026-02-01", 7),
        *days("2026-02-15", 5),
        *days("2026-03-01", 2),
        *days("2026-03-10", 5),
        *days("2026-04-01", 1),
    ]
    about = "Eight runs with ties: best lists five, longest first and ties latest first; longest is the latest 7."
    return _daily("best-five-with-ties", "2026-04-05", about, logged)


@edge
def entries_after_as_of_ignored() -> Case:
    about = "Entries after as_of are left out of every figure, the heatmap included."
    return _daily("entries-after-as-of", "2026-06-10", about, [*days("2026-06-08", 3), "2026-06-12", "2026-06-20"])


@edge
def many_entries_a_day() -> Case:
    builder = CaseBuilder("many-a-day", "2026-05-31", "Several entries a day: counts, heatmap max and totals.")
    for number, day in enumerate(days("2026-05-01", 31)):
        builder.on([day], times=1 + number % 4, hour=f"{8 + number % 12:02d}:15")
    return builder.done()


@edge
def window_edges() -> Case:
    about = "Entries exactly 6/7, 29/30 and 364/365 days before as_of: last_7_days, last_30_days and the heatmap."
    logged = ["2025-06-01", "2025-06-02", "2026-05-02", "2026-05-03", "2026-05-25", "2026-05-26", "2026-05-31"]
    return _daily("window-edges", "2026-05-31", about, logged)


def _day_start_cases() -> None:
    for hour in (0, 3, 4, 12, 23):

        def build(hour: int = hour) -> Case:
            builder = CaseBuilder(
                f"day-start-{hour}",
                "2026-03-05",
                "Entries around the day start hour fall on the day before or on it.",
                timezone="Europe/Berlin",
                day_start_hour=hour,
            )
            for day in days("2026-03-01", 5):
                builder.on([day], hour="00:30").on([day], hour="03:59").on([day], hour="23:30")
            return builder.on(["2026-03-05"], hour=f"{max(hour - 1, 0):02d}:10").done()

        edge(build)


_day_start_cases()

# DST nights: instants in UTC around each change, shown on the zone's wall clock.
DST_NIGHTS = [
    ("Europe/Berlin", "2025-03-30T01:00"),
    ("Europe/Berlin", "2025-10-26T01:00"),
    ("America/New_York", "2025-03-09T07:00"),
    ("America/New_York", "2025-11-02T06:00"),
    ("Australia/Lord_Howe", "2025-04-05T15:00"),
    ("Australia/Lord_Howe", "2025-10-04T15:30"),
]


def _dst_cases() -> None:
    for zone, change in DST_NIGHTS:
        for hour in (0, 2, 3):

            def build(zone: str = zone, change: str = change, hour: int = hour) -> Case:
                name = f"dst-{zone.split('/')[1].lower()}-{change[:10]}-day-start-{hour}"
                about = f"Entries every 20 minutes across the DST change of {zone}, day start {hour}, after two days."
                builder = CaseBuilder(name, change[:10], about, timezone=zone, day_start_hour=hour)
                moment = utc(change)
                builder.at_instant(moment - timedelta(days=2)).at_instant(moment - timedelta(days=1))
                for step in range(-9, 10):
                    builder.at_instant(moment + timedelta(minutes=20 * step))
                return builder.done()

            edge(build)


_dst_cases()


@edge
def travel_across_zones() -> Case:
    about = "Entries in Tokyo, Honolulu and Kathmandu for a Berlin user: each day is the date where it happened."
    builder = CaseBuilder("travel-across-zones", "2026-08-06", about, timezone="Europe/Berlin", day_start_hour=2)
    builder.at("2026-08-01 01:30", "Asia/Tokyo").at("2026-08-01 23:50", "Asia/Tokyo")
    builder.at("2026-08-02 01:00", "Pacific/Honolulu").at("2026-08-03 22:00", "Pacific/Honolulu")
    builder.at("2026-08-05 05:40", "Asia/Kathmandu").at("2026-08-06 01:59")
    return builder.done()


@edge
def apia_skipped_day() -> Case:
    about = "Samoa skipped 30 December 2011: the calendar day still breaks a daily streak without grace."
    builder = CaseBuilder("apia-skipped-day", "2012-01-02", about, timezone="Pacific/Apia")
    return builder.on(["2011-12-27", "2011-12-28", "2011-12-29", "2011-12-31", "2012-01-01"]).done()


def _week_start_cases() -> None:
    for week_start in ("monday", "sunday"):
        for target in (1, 2, 3):

            def build(week_start: str = week_start, target: int = target) -> Case:
                about = f"A weekly goal of {target} with entries on Sundays and Mondays; weeks begin on {week_start}."
                name = f"weekly-{week_start}-target-{target}"
                builder = CaseBuilder(name, "2026-10-28", about, week_start=week_start)
                goal = builder.goal("weekly", target)
                sundays = days("2026-09-06", 8, 7)
                builder.on(sundays, goals=[goal]).on(days("2026-09-14", 3, 7), goals=[goal], times=2)
                return builder.on(["2026-10-26"], goals=[goal]).done()

            edge(build)


_week_start_cases()


def _weekly_current_cases() -> None:
    for as_of in ("2026-11-02", "2026-11-08", "2026-11-09", "2026-11-15", "2026-11-16", "2026-11-23"):

        def build(as_of: str = as_of) -> Case:
            about = "A weekly run ending the week of 26 October, seen from later weeks: active, at_risk, then none."
            builder = CaseBuilder(f"weekly-current-as-of-{as_of}", as_of, about, grace_days=2)
            goal = builder.goal("weekly", 2)
            builder.on(days("2026-10-05", 4, 7), goals=[goal], times=2)
            return builder.on(["2026-11-04"], goals=[goal]).done()

        edge(build)


_weekly_current_cases()


@edge
def targets_above_one() -> Case:
    about = "Daily goals of 2 and 3 and weekly goals of 5, 7 and 12: unmet days break runs; f = min(target, p)/p."
    builder = CaseBuilder("targets-above-one", "2026-07-31", about, grace_days=1)
    two, three = builder.goal("daily", 2), builder.goal("daily", 3)
    five, seven, twelve = builder.goal("weekly", 5), builder.goal("weekly", 7), builder.goal("weekly", 12)
    for number, day in enumerate(days("2026-07-01", 31)):
        times = number % 4
        builder.on([day], goals=[two, three, five, seven, twelve][: 1 + number % 5], times=times)
    return builder.done()


@edge
def archived_goal() -> Case:
    about = "An archived goal is not listed, yet its entries count in the overall log."
    builder = CaseBuilder("archived-goal", "2026-09-10", about)
    archived = builder.goal("daily", 1, status="archived")
    active = builder.goal("weekly", 1)
    return builder.on(days("2026-09-01", 10), goals=[archived]).on(["2026-09-09"], goals=[active]).done()


@edge
def long_streak() -> Case:
    about = "A 400-day daily streak: momentum close to 1, best of one run, history of full weeks."
    return _daily("long-streak", "2026-06-30", about, days("2025-05-27", 400))


@edge
def momentum_decay() -> Case:
    about = "Forty days logged, then thirty days of nothing: momentum decays, the history shows the fall."
    return _daily("momentum-decay", "2026-04-10", about, days("2026-01-01", 40))


@edge
def weekly_momentum_window() -> Case:
    about = "A weekly goal logged on changing weekdays: the 14-day window against twice the target."
    builder = CaseBuilder("weekly-momentum-window", "2026-06-30", about)
    goal = builder.goal("weekly", 1)
    return builder.on(
        ["2026-04-06", "2026-04-19", "2026-04-20", "2026-05-03", "2026-05-04", "2026-05-31"], [goal]
    ).done()


@edge
def pause_bridges_missed_day() -> Case:
    about = "A whole-log pause over a missed day joins the days around it without grace; paused_days 1."
    builder = CaseBuilder("pause-bridges-missed-day", "2026-11-20", about)
    return builder.on(["2026-11-17", "2026-11-18", "2026-11-20"]).pause("2026-11-19", "2026-11-19").done()


@edge
def pause_over_logged_days() -> Case:
    about = "A pause over days with entries: a logged day is never paused."
    builder = CaseBuilder("pause-over-logged-days", "2026-11-20", about)
    return builder.on(days("2026-11-10", 5)).on(["2026-11-18", "2026-11-20"]).pause("2026-11-12", "2026-11-19").done()


@edge
def pause_until_today() -> Case:
    about = "A pause from the day after the last entry through as_of: the streak stays active; momentum is frozen."
    builder = CaseBuilder("pause-until-today", "2026-11-20", about)
    return builder.on(days("2026-11-01", 10)).pause("2026-11-11", "2026-11-25").done()


@edge
def pause_then_gap() -> Case:
    about = "A pause and then two unpaused missed days with grace 1: at_risk, then none a day later."
    builder = CaseBuilder("pause-then-gap", "2026-11-20", about, grace_days=1)
    return builder.on(days("2026-11-05", 5)).pause("2026-11-10", "2026-11-17").done()


@edge
def goal_pause_leaves_overall() -> Case:
    about = "A pause of one goal bridges that goal only; the overall log and the other goal still break."
    builder = CaseBuilder("goal-pause-only", "2026-11-20", about)
    paused_goal, other = builder.goal("daily", 1), builder.goal("daily", 1)
    builder.on(["2026-11-14", "2026-11-15", "2026-11-19", "2026-11-20"], goals=[paused_goal, other])
    return builder.pause("2026-11-16", "2026-11-18", paused_goal).done()


@edge
def planned_pause_this_week() -> Case:
    about = "A planned pause later this week lowers this week's requirement: ceil(target × unpaused days / 7)."
    builder = CaseBuilder("planned-pause-this-week", "2026-11-17", about)
    goal = builder.goal("weekly", 5)
    builder.on(days("2026-11-02", 5), goals=[goal]).on(["2026-11-16", "2026-11-17"], goals=[goal])
    return builder.pause("2026-11-19", "2026-11-22").done()


@edge
def skipped_week_bridges() -> Case:
    about = "A fully paused week is skipped: the weekly run goes on across it; a paused current week is active."
    builder = CaseBuilder("skipped-week-bridges", "2026-11-25", about, week_start="sunday")
    goal = builder.goal("weekly", 2)
    builder.on(days("2026-10-05", 3, 7), goals=[goal], times=2).on(["2026-11-03", "2026-11-04"], goals=[goal])
    return (
        builder.pause("2026-10-25", "2026-10-31")
        .pause("2026-11-08", "2026-11-14", goal)
        .pause("2026-11-22", "2026-11-30")
        .done()
    )


@edge
def overlapping_pauses() -> Case:
    about = "Overlapping and adjacent pauses merge; a pause in the far past and a future one change nothing else."
    builder = CaseBuilder("overlapping-pauses", "2026-11-20", about, grace_days=1)
    builder.on(["2026-11-01", "2026-11-02", "2026-11-09", "2026-11-12", "2026-11-20"])
    builder.pause("2026-11-03", "2026-11-05").pause("2026-11-05", "2026-11-07").pause("2026-11-08", "2026-11-08")
    return builder.pause("2020-01-01", "2020-12-31").pause("2026-12-01", "2026-12-10").done()


@edge
def weekly_goal_partial_pause_met() -> Case:
    about = "A week half paused needs fewer entries: 3 of ceil(5 × 4/7) = 3 meets it."
    builder = CaseBuilder("weekly-partial-pause", "2026-11-20", about)
    goal = builder.goal("weekly", 5)
    builder.on(days("2026-11-02", 3), goals=[goal]).on(days("2026-11-09", 5), goals=[goal])
    return builder.pause("2026-11-05", "2026-11-07", goal).done()
