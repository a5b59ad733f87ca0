"""Long pure-Python work on the event loop, a few milliseconds at a time.

A worker thread does not keep the window responsive for Python work: it shares the GIL
with the GUI thread, and each Python call Qt makes while painting (data(), index()...)
then waits up to the interpreter's switch interval (5 ms) for the worker to let go. A
paint of ~700 data() calls took 0.2 s with the report's search texts being made in a
thread. So such work is a generator that yields between small steps (Steps), and
run_sliced() runs steps until a slice of time is used, then lets the loop paint and
handle input before the next slice. drain() runs the same steps at once (tests, CLI).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Generator
from typing import TypeVar

T = TypeVar("T")
Steps = Generator[None, None, T]

SLICE_S = 0.002


def drain(steps: Steps[T]) -> T:
    """Run every step now; return what the generator returns."""
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]


async def run_sliced(steps: Steps[T], slice_s: float = SLICE_S) -> T:
    """Run the steps in slices of about slice_s, yielding to the event loop in between."""
    deadline = time.perf_counter() + slice_s
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value  # type: ignore[no-any-return]
        if time.perf_counter() >= deadline:
            await asyncio.sleep(0)
            deadline = time.perf_counter() + slice_s
