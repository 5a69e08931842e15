"""Slow work runs in a few processes of its own, at the lowest CPU priority, started once and reused."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from concurrent.futures.process import BrokenProcessPool

import pytest

from app.core import slow_work
from app.core.errors import ValidationProblem
from tests.coroutines import run_apart


def _process_and_priorities() -> tuple[int, int, int]:
    """This process's id, its thread's CPU priority and that of a thread it starts (as libargon2 starts its lanes)."""
    started: list[int] = []
    lane = threading.Thread(target=lambda: started.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
    lane.start()
    lane.join()
    return os.getpid(), os.getpriority(os.PRIO_PROCESS, threading.get_native_id()), started[0]


def _bad_row() -> None:
    raise ValidationProblem("entries[3]: note: too long", errors=[{"loc": ["body", "entries", 3], "row": "entries[3]"}])


def _die() -> None:
    os._exit(3)


async def _many(count: int) -> list[tuple[int, int, int]]:
    return list(await asyncio.gather(*(slow_work.run(_process_and_priorities) for _ in range(count))))


@pytest.mark.skipif(sys.platform != "linux", reason="a thread's own CPU priority is Linux's")
def test_work_runs_in_other_processes_at_the_lowest_priority_and_so_do_the_threads_it_starts() -> None:
    caller = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    answers = run_apart(_many(8))
    assert {(priority, started) for _, priority, started in answers} == {(19, 19)}
    assert os.getpid() not in {pid for pid, _, _ in answers}
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == caller


def test_the_processes_are_started_once_and_reused() -> None:
    first = {pid for pid, _, _ in run_apart(_many(8))}
    again = {pid for pid, _, _ in run_apart(_many(8))}
    assert len(first | again) <= slow_work.SLOW_WORK_PROCESSES


def test_a_problem_comes_back_whole() -> None:
    with pytest.raises(ValidationProblem) as raised:
        run_apart(slow_work.run(_bad_row))
    assert raised.value.status == 422
    assert raised.value.detail == "entries[3]: note: too long"
    assert raised.value.extra == {"errors": [{"loc": ["body", "entries", 3], "row": "entries[3]"}]}


def test_after_a_process_dies_the_next_work_gets_new_ones() -> None:
    with pytest.raises(BrokenProcessPool):
        run_apart(slow_work.run(_die))
    pid, _, _ = run_apart(slow_work.run(_process_and_priorities))
    assert pid != os.getpid()


def _gone(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"  # ended, not yet reaped
    except FileNotFoundError:
        return True


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_processes_end_when_their_server_is_killed_outright() -> None:
    with subprocess.Popen(  # noqa: S603 - this Python on our own script
        [sys.executable, "-c", SERVER_THAT_STARTS_SLOW_WORK],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    ) as server:
        try:
            assert server.stdout is not None
            worker = int(server.stdout.readline())
            assert not _gone(worker)
        finally:
            server.kill()
    deadline = time.monotonic() + 10 * slow_work.SERVER_CHECK_SECONDS
    while not _gone(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _gone(worker)


SERVER_THAT_STARTS_SLOW_WORK = """
import asyncio, os, time
from app.core import slow_work
print(asyncio.run(slow_work.run(os.getpid)), flush=True)
time.sleep(600)
"""
