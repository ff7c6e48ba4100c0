"""The hostile suite: bad media, odd files and odd states that a test makes for itself (nothing
large is committed), each case under a time limit so that a hang fails its test, not the CI run.

Every case holds filmmaker to one standard: a clear message naming the file (and, for the
screenplay, line, column and field) and the fix, exit status 2, no traceback, no hang, nothing
half-written under a final name, and the previous good output left in place.
"""

from __future__ import annotations

import signal

import pytest

CASE_SECONDS = 60  # no case here needs more; a hang is caught well before CI's own limit


@pytest.fixture(autouse=True)
def time_limit(request):
    """Fail (rather than hang) a case that runs past its limit: SIGALRM interrupts the test in
    this process. `@pytest.mark.seconds(N)` gives a case another limit."""
    marker = request.node.get_closest_marker("seconds")
    seconds = marker.args[0] if marker else CASE_SECONDS

    def expire(signum, frame):
        raise TimeoutError(f"{request.node.name} ran past its {seconds} s limit (a hang?)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
