"""Motifs (SPEC §6): number patterns a person keeps noticing, found in an entry's inner, note and tags.

A motif is named by its digits (``11:11`` → ``1111``) and is one of:

- a clock time (``H:MM`` or ``HH:MM``, hours 0–23) whose digits repeat (``12:12``), mirror (``10:01``),
  are all one digit (``3:33``) or ascend by one (``12:34``);
- a number (a run of ASCII digits that is not part of a clock time) of three or more digits, all
  equal (``333``) or each one more than the one before (``1234``); of at most 12 digits.

Numbers are matched whole, so a year (``2026``), an amount (``1000``) or a short number (``12``) is no
motif. A clock-time motif carries ``base_rate``, the chance that one glance at a clock shows that
time: 1/720 for a time a 12-hour clock shows (1:00–12:59), 1/1440 for one only a 24-hour clock shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

MAX_DIGITS = 12
TWELVE_HOUR = Fraction(1, 720)
TWENTY_FOUR_HOUR = Fraction(1, 1440)
# A clock time standing alone (not inside 11:11:11 or 1.11:11), else a run of digits.
_TOKEN = re.compile(r"(?<![0-9:.])([0-9]{1,2}):([0-9]{2})(?![0-9:])|[0-9]+")
# Every token starts with a digit: finding the first is one quick scan, where ``_TOKEN`` tries at every character
# (a 50-character note without one: 0.3 us instead of 5 us; an import checks 100 000 entries' texts).
_DIGIT = re.compile(r"[0-9]")


@dataclass(frozen=True, slots=True)
class Motif:
    """A motif as found: its digits, and whether it was written as a clock time (``11:11``)."""

    digits: str
    clock: bool = False

    @property
    def written(self) -> str:
        """As the entry shows it: a clock time with its colon."""
        return f"{self.digits[:-2]}:{self.digits[-2:]}" if self.clock else self.digits


def _equal(digits: str) -> bool:
    return len(set(digits)) == 1


def _ascending(digits: str) -> bool:
    """Each digit one more than the one before: a run of ``0123456789``."""
    return digits in "0123456789"


def is_number_motif(digits: str) -> bool:
    """Three to 12 digits, all equal or ascending by one."""
    return 3 <= len(digits) <= MAX_DIGITS and (_equal(digits) or _ascending(digits))


def is_clock_motif(hours: str, minutes: str) -> bool:
    """A valid time whose digits repeat (hours = minutes), mirror, are all equal or ascend."""
    if int(hours) > 23 or int(minutes) > 59:
        return False
    digits = hours + minutes
    return hours == minutes or digits == digits[::-1] or _equal(digits) or _ascending(digits)


def find_motifs(texts: Iterable[str]) -> list[Motif]:
    """The motifs in ``texts`` (an entry's inner, note and tags), each once, in the order first found."""
    found: dict[str, Motif] = {}
    for text in texts:
        first = _DIGIT.search(text)
        if first is None:
            continue
        for match in _TOKEN.finditer(text, first.start()):  # a lookbehind still sees the text before ``pos``
            hours, minutes = match.group(1), match.group(2)
            if hours is not None and is_clock_motif(hours, minutes):
                motif = Motif(hours + minutes, clock=True)
            elif hours is None and is_number_motif(match.group(0)):
                motif = Motif(match.group(0))
            else:
                continue
            # Seen once as a clock time, a motif keeps its base rate.
            if motif.digits not in found or (motif.clock and not found[motif.digits].clock):
                found[motif.digits] = motif
    return list(found.values())


def base_rate(written: str) -> float | None:
    """The chance one glance at a clock shows this clock-time motif (as written, ``11:11``); else None."""
    if ":" not in written:
        return None
    hours = int(written.split(":")[0])
    return float(TWELVE_HOUR if 1 <= hours <= 12 else TWENTY_FOUR_HOUR)
