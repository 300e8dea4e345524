"""Waiting for something to happen, with a deadline: never a fixed pause."""

import os
import time


def wait_for(condition, what: str, timeout: float = 60.0, every: float = 0.02):
    """Poll `condition` until it returns something true and return that, or fail after `timeout` seconds
    naming `what` (a string, or a function giving one, called only then)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what() if callable(what) else what}")
        time.sleep(every)  # the polling interval, not a pause: the condition is checked again at once after


def settled(*paths) -> None:
    """Wait until each of `paths` last changed longer ago than a tick of the
    file clock, so that build_cache's KnownDigests remember it when they read it."""
    from file_digests import KnownDigests

    changed = max(os.stat(path).st_ctime_ns for path in paths)
    racy = KnownDigests.COARSE_RACY_NS if changed % 1_000_000_000 == 0 else KnownDigests.RACY_NS
    wait_for(lambda: time.time_ns() > changed + racy, "the files to be older than a tick of the file clock")
