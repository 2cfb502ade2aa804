"""Allow ``python -m generator`` as well as the ``badgedir`` script.

A Ctrl-C or SIGTERM while Python is still loading badgedir (a second or
more on a busy machine) stops it before anything was touched; it ends with
the same message and status as one during the build, not a traceback from
inside an import.  :func:`generator.cli.main` puts its own handlers in place.
"""

import signal
import sys


def _stopped_while_starting(signum: int, frame: object) -> None:
    interrupted = signum == signal.SIGINT
    print(f"badgedir: {'interrupted' if interrupted else 'terminated'}; the output folder was left as it was",
          file=sys.stderr)
    sys.exit(130 if interrupted else 143)


signal.signal(signal.SIGTERM, _stopped_while_starting)
if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
    signal.signal(signal.SIGINT, _stopped_while_starting)

from .cli import run  # noqa: E402 - after the handlers, on purpose

run()
