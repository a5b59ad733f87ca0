"""The task registry: every coroutine the GUI starts runs here, held by a strong reference.

qasync 0.28's asyncSlot does not keep its tasks alive and loses their exceptions, so slots
stay one line (`self.tasks.start("run", self.run_extraction())`) and this registry
- keeps each task referenced until it ends (no garbage-collection mid-run),
- reports any exception but cancellation to a callback (logged and shown to the user),
- runs "preemptive" named tasks: starting "probe" again cancels the previous "probe",
- cancels and awaits everything on window close, so no task outlives the window,
- emits `changed` whenever a task starts or ends, for any reason (finished, failed,
  cancelled), so the window recomputes its actions from one place.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

T = TypeVar("T")

ErrorReporter = Callable[[str, BaseException], None]


class TaskRegistry(QObject):
    """Strong references to running tasks, by name.

    Signals:
        changed(str): the task of this name started or ended. Emitted after a task ended,
            so running(name) is already False for it.

    Attributes:
        on_error: called with (task name, exception) for every task that fails.
    """

    changed = Signal(str)

    def __init__(self, on_error: ErrorReporter | None = None) -> None:
        super().__init__()
        self.on_error = on_error
        self._tasks: set[asyncio.Task[object]] = set()
        self._named: dict[str, asyncio.Task[object]] = {}
        self._closed = False

    def start(
        self, name: str, coro: Coroutine[Any, Any, T], *, preempt: bool = True
    ) -> asyncio.Task[T] | None:
        """Run coro as a task called name; with preempt, cancel an earlier one of that name.

        Returns None (and closes the coroutine) once the registry is closed.
        """
        if self._closed:
            coro.close()
            return None
        if preempt and (old := self._named.get(name)) is not None and not old.done():
            old.cancel()
        task: asyncio.Task[T] = asyncio.get_event_loop().create_task(coro, name=name)
        self._tasks.add(task)
        self._named[name] = task
        task.add_done_callback(self._finished)
        self.changed.emit(name)
        return task

    def running(self, name: str) -> bool:
        task = self._named.get(name)
        return task is not None and not task.done()

    def get(self, name: str) -> asyncio.Task[object] | None:
        """The latest task started under this name, running or finished."""
        return self._named.get(name)

    def cancel(self, name: str) -> bool:
        task = self._named.get(name)
        if task is None or task.done():
            return False
        task.cancel()
        return True

    @property
    def active(self) -> list[asyncio.Task[object]]:
        return [t for t in self._tasks if not t.done()]

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        name = task.get_name()
        try:
            self._report_end(name, task)
        finally:
            self.changed.emit(name)

    def _report_end(self, name: str, task: asyncio.Task[Any]) -> None:
        # The finished task stays in _named (one per name) so callers can read its result.
        if task.cancelled():
            log.debug("task %s cancelled", name)
            return
        exc = task.exception()
        if exc is None:
            return
        log.error("task %s failed", name, exc_info=exc)
        if self.on_error is not None:
            try:
                self.on_error(name, exc)
            except Exception:  # a broken reporter must not hide the original error
                log.exception("reporting the failure of task %s failed", name)

    async def cancel_all(self, timeout_s: float = 10.0) -> None:
        """Refuse new tasks, cancel the running ones and wait for them to finish."""
        self._closed = True
        tasks = [t for t in self._tasks if not t.done()]
        for t in tasks:
            t.cancel()
        if tasks:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout_s):
                    await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.sleep(0)  # their done callbacks (and `changed`) run before we return
        still = [t.get_name() for t in self._tasks if not t.done()]
        if still:
            log.warning("tasks still running after close: %s", ", ".join(still))
