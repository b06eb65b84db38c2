"""``python -m optimizer``: the command line. Its time limit counts from the process's
start (:func:`optimizer.search.clock.process_age_s`; where that is unknown, from here):
the interpreter and imports take 1.3-3 s of it."""

import sys
import time

_FIRST = time.perf_counter()

from optimizer.cli.main import main  # noqa: E402
from optimizer.search.clock import process_age_s  # noqa: E402

sys.exit(main(started=min(_FIRST, time.perf_counter() - process_age_s())))
