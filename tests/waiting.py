"""Waiting for something to happen, with a deadline: never a fixed pause."""

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
