"""``python -m optimizer``: the command line. Its time limit counts from the process's
start (:func:`optimizer.search.clock.process_age_s`; where that is unknown, from here):
the interpreter and imports take 1.3-3 s of it, and its exit skips the interpreter's
teardown (:mod:`optimizer.cli.leave`)."""

import time

_FIRST = time.perf_counter()

from optimizer.cli.leave import leave  # noqa: E402
from optimizer.cli.main import main  # noqa: E402
from optimizer.search.clock import process_age_s  # noqa: E402

# leave: no interpreter teardown after the work (0.6-0.8 s at load: optimizer/cli/leave.py)
leave(main(started=min(_FIRST, time.perf_counter() - process_age_s())))
