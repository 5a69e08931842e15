"""The Lua scripts wrk runs: what each request is, and (paced) when it is due.

wrk gives every thread a Lua state of its own. Thread ``i`` of ``n`` numbers its requests
``i, i + n, i + 2n, …``: paths are sent in that turn, and a ``unique_header`` gets
``<run prefix>-<number>``, so no two requests of a run share a value (an ``Idempotency-Key``
reused with the same body would be answered from the store instead of written). Paced
scripts read ``CLOCK_MONOTONIC`` through LuaJIT's FFI (wrk has no clock of its own).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """What wrk sends: ``paths`` in turn, with ``method``, ``headers`` and ``body``."""

    paths: tuple[str, ...]
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None
    # A header given a value never sent before on every request.
    unique_header: str | None = None


def lua_string(text: str) -> str:
    """``text`` as a Lua string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return '"' + escaped + '"'


_REQUESTS = """
local started = 0
function setup(thread)
  thread:set("first", started)
  started = started + 1
end

local counter = 0
function init(args)
  counter = first
end

function request()
  local path = paths[(counter % #paths) + 1]
  if unique_header then
    wrk.headers[unique_header] = unique_prefix .. counter
  end
  counter = counter + step
  if pace then
    sent = now_us()
  end
  return wrk.format(nil, path)
end
"""

_PACED = """
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")
function now_us()
  ffi.C.clock_gettime(1, clock)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local next_due, due = nil, nil
function delay()
  local now = now_us()
  if next_due == nil then
    -- The connections' schedules are spread over one interval, not all due at once.
    next_due = now + interval_us * first / step
  end
  due = next_due
  next_due = next_due + interval_us
  if due <= now then
    return 0
  end
  return math.floor((due - now) / 1000)
end

local out = nil
function response(status, headers, body)
  -- From when it was due (sent late: it waited for its connection) or sent (early, by delay()'s whole ms).
  local start = sent
  if due ~= nil and due < sent then
    start = due
  end
  if out == nil then
    -- A file per thread (wrk cannot hand a thread's table to done()); flushed when wrk exits.
    out = io.open(latencies_file .. "." .. first, "w")
  end
  out:write(string.format("%.0f\\n", now_us() - start))
end
"""


def script(
    target: Target,
    *,
    threads: int = 1,
    interval_us: float | None = None,
    latencies_file: Path | None = None,
    prefix: str | None = None,
) -> str:
    """The wrk script for ``target``; with ``interval_us``, each connection sends one request every that often.

    A paced script (``interval_us``) needs one connection per thread and writes its latencies
    (microseconds, one a line) to ``latencies_file.<thread>``.
    """
    lines = []
    if target.method != "GET":
        lines.append(f"wrk.method = {lua_string(target.method)}")
    if target.body is not None:
        lines.append(f"wrk.body = {lua_string(target.body)}")
    lines += [f"wrk.headers[{lua_string(name)}] = {lua_string(value)}" for name, value in target.headers.items()]
    lines.append("paths = {" + ", ".join(lua_string(path) for path in target.paths) + "}")
    lines.append(f"step = {threads}")
    unique = lua_string(target.unique_header) if target.unique_header else "nil"
    lines.append(f"unique_header = {unique}")
    lines.append(f"unique_prefix = {lua_string((prefix or uuid.uuid4().hex) + '-')}")
    lines.append(f"pace = {'true' if interval_us else 'false'}")
    if interval_us:
        if latencies_file is None:
            raise ValueError("a paced script needs a file for its latencies")
        lines.append(f"interval_us = {interval_us:.1f}")
        lines.append(f"latencies_file = {lua_string(str(latencies_file))}")
        lines.append(_PACED)
    lines.append(_REQUESTS)
    return "\n".join(lines)
