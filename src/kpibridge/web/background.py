"""Long pages built in the background: the first request starts the work in a thread and
gets a page that says what is being built and refreshes itself; the result is served when
ready. Used by the review pack, which runs the monitor and the evidence screens over every
KPI (about a minute on the full demo): a request must not hang that long without a sign."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass
class Build:
    """One run of a background build: when it started, and how it ended."""

    started: float = field(default_factory=time.monotonic)
    thread: threading.Thread | None = None
    error: BaseException | None = None

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    @property
    def seconds(self) -> int:
        return int(time.monotonic() - self.started)


class Builds:
    """At most one build per name at a time; a finished build's error is reported once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._builds: dict[str, Build] = {}

    def start(self, name: str, work: Callable[[], object]) -> Build:
        """The running build of ``name``, or a new one running ``work`` in a daemon thread.
        A build that failed is returned once (with its ``error``) and then forgotten, so that
        the next request tries again."""
        with self._lock:
            build = self._builds.get(name)
            if build is not None and (build.running or build.error is not None):
                if build.error is not None:
                    del self._builds[name]
                return build
            build = Build()

            def run() -> None:
                try:
                    work()
                except Exception as error:  # reported to the next request, and logged
                    logger.exception("background build %s failed", name)
                    build.error = error

            build.thread = threading.Thread(target=run, name=f"build-{name}", daemon=True)
            self._builds[name] = build
            build.thread.start()
            return build
