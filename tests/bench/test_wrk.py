"""The wrk driver's parsing and arithmetic: durations, the report, percentiles, CPU from /proc and per request."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from bench import wrk

REPORT = """Running 10s test @ http://127.0.0.1:8000
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.31ms    4.02ms  61.00ms   81.20%
    Req/Sec     1.30k   120.00     1.50k    70.00%
  Latency Distribution
     50%   11.52ms
     75%   13.90ms
     90%  810.00us
     99%    1.02s
  12998 requests in 10.01s, 25.41MB read
  Socket errors: connect 0, read 2, write 0, timeout 3
  Non-2xx or 3xx responses: 4
Requests/sec:   1298.50
Transfer/sec:      2.54MB
"""


@pytest.mark.parametrize(
    ("text", "expected"), [("810.00us", 0.81), ("11.52ms", 11.52), ("1.02s", 1020.0), ("2.00m", 120_000.0)]
)
def test_durations_are_read_in_milliseconds(text: str, expected: float) -> None:
    assert wrk.duration_ms(text) == pytest.approx(expected)


def test_a_duration_wrk_would_not_print_is_refused() -> None:
    with pytest.raises(ValueError, match="not a wrk duration"):
        wrk.duration_ms("12 ms")


def test_the_report_gives_requests_seconds_failures_and_percentiles() -> None:
    output = wrk.parse_wrk(REPORT)
    assert output.requests == 12998 and output.seconds == pytest.approx(10.01)
    assert (output.non_2xx, output.socket_errors) == (4, 5)
    assert output.percentiles_ms == {50: 11.52, 75: 13.9, 90: pytest.approx(0.81), 99: 1020.0}
    assert output.rate == pytest.approx(12998 / 10.01)


def test_a_clean_report_has_no_failures() -> None:
    clean = "\n".join(line for line in REPORT.splitlines() if "errors" not in line and "Non-2xx" not in line)
    output = wrk.parse_wrk(clean)
    assert (output.non_2xx, output.socket_errors, output.requests) == (0, 0, 12998)


def test_a_report_without_a_request_count_is_refused() -> None:
    with pytest.raises(ValueError, match="no request count"):
        wrk.parse_wrk("unable to connect to 127.0.0.1:8000 Connection refused")


@pytest.mark.parametrize(
    ("share", "expected"), [(50, 50.0), (99, 99.0), (100, 100.0), (1, 1.0), (99.5, 100.0), (0, 1.0)]
)
def test_percentiles_are_by_nearest_rank(share: float, expected: float) -> None:
    values = [float(value) for value in range(100, 0, -1)]  # unordered on purpose
    assert wrk.percentile(values, share) == expected


def test_percentiles_of_few_values() -> None:
    assert wrk.percentile([7.0], 99) == 7.0
    assert wrk.percentile([1.0, 2.0, 3.0], 50) == 2.0
    assert wrk.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0
    assert math.isnan(wrk.percentile([], 50))


def test_latencies_are_read_from_every_threads_file_in_milliseconds(tmp_path: Path) -> None:
    (tmp_path / "latencies.0").write_text("1500\n250\n")
    (tmp_path / "latencies.1").write_text("2000000\n")
    (tmp_path / "latencies-other").write_text("9\n")
    assert sorted(wrk.read_latencies_ms(tmp_path / "latencies")) == [0.25, 1.5, 2000.0]


def test_cpu_time_counts_user_and_system_ticks_after_an_odd_command_name() -> None:
    fields = ["S", "1"] + ["0"] * 9 + ["250", "50"] + ["0"] * 30  # fields 3..: state, ppid, ..., utime (14), stime (15)
    stat = "4242 (synclog (serve) x) " + " ".join(fields)
    assert wrk.cpu_seconds_of_stat(stat) == 300 / wrk.CLOCK_TICKS
    assert wrk.cpu_seconds(os.getpid()) > 0


def test_the_process_tree_holds_the_root_and_every_descendant() -> None:
    parents = {10: 1, 11: 10, 12: 10, 13: 11, 20: 1, 21: 20}
    assert wrk.process_tree(10, parents) == [10, 11, 12, 13]
    assert wrk.process_tree(13, parents) == [13]


def test_cpu_per_request_and_failures() -> None:
    output = wrk.parse_wrk(REPORT)
    # 12 998 answered and 16 still in flight when wrk stopped, served by the time the server is idle.
    result = wrk.LoadResult("cold", 16, output, server_cpu_seconds=6.507)
    assert result.cpu_ms_per_request == pytest.approx(0.5)
    assert (result.failures, result.answered_2xx) == (9, 12994)
    row = result.row()
    assert (row["p50_ms"], row["p99_ms"], row["rate"], row["target_rate"]) == (11.52, 1020.0, 1298.5, None)


def test_a_paced_run_takes_its_percentiles_from_its_own_latencies() -> None:
    output = wrk.parse_wrk(REPORT)
    latencies = [float(value) for value in range(1, 201)]
    # 20 a second over wrk's 10.01 s: 200 due, 200 answered.
    result = wrk.LoadResult("paced", 16, output, server_cpu_seconds=1.0, target_rate=20.0, latencies_ms=latencies)
    row = result.row()
    assert (row["p50_ms"], row["p99_ms"], row["target_rate"], row["unanswered"]) == (100.0, 198.0, 20.0, 0)


@pytest.mark.parametrize(
    ("rate", "answered", "connections", "missing"),
    [(100.0, 1000, 16, 0), (100.0, 968, 16, 0), (100.0, 967, 16, 1), (100.0, 0, 16, 968), (0.5, 0, 1, 3)],
)
def test_requests_due_but_never_answered_beyond_two_per_connection_are_unanswered(
    rate: float, answered: int, connections: int, missing: int
) -> None:
    assert wrk.unanswered(rate, 10.0, answered=answered, connections=connections) == missing


def test_unanswered_requests_waited_at_least_since_they_fell_due() -> None:
    assert wrk.unanswered_bounds_ms(100.0, 3) == [10.0, 20.0, 30.0]
    assert wrk.unanswered_bounds_ms(100.0, 0) == []


def test_a_stalled_paced_run_counts_its_unanswered_requests_as_waiting_since_due() -> None:
    output = wrk.parse_wrk(REPORT)  # 10.01 s
    # 100 a second: 1 001 due; 500 answered in 1 ms, 32 allowed in flight, 469 never answered (10 ms … 4.69 s).
    result = wrk.LoadResult("paced", 16, output, 1.0, target_rate=100.0, latencies_ms=[1.0] * 500)
    assert result.unanswered == 469
    assert (result.latency_ms(50), result.latency_ms(99)) == (1.0, 4600.0)
    nothing = wrk.LoadResult("paced", 16, output, 1.0, target_rate=100.0, latencies_ms=[])
    assert (nothing.latency_ms(50), nothing.row()["unanswered"]) == (4850.0, 969)
