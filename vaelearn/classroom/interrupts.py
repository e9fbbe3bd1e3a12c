"""Stop cleanly on Ctrl-C, SIGTERM and SIGHUP.

By default SIGTERM and SIGHUP end Python at once, without running ``finally`` blocks, so
a download or a write in progress leaves its temporary file behind. Within
:func:`signals_raised` each of the three signals raises :class:`Interrupted` instead (a
KeyboardInterrupt), so cleanup code runs and the command can exit with the code a shell
expects (128 + the signal number).
"""

import signal
from contextlib import contextmanager

from ..errors import Interrupted

__all__ = ["SIGNALS", "signals_raised"]

SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextmanager
def signals_raised():
    """Within the block, SIGINT, SIGTERM and SIGHUP raise :class:`Interrupted`.

    Yields the list of signals received, which a caller can check when a library has
    caught the exception and turned it into another one. Outside the main thread, where
    Python cannot set handlers, signals keep their handlers and the list stays empty.
    """
    received = []

    def handler(signum, frame):
        received.append(signum)
        raise Interrupted(signum)

    previous = {}
    try:
        for signum in SIGNALS:
            previous[signum] = signal.signal(signum, handler)
    except ValueError:  # not the main thread
        pass
    try:
        yield received
    finally:
        for signum, old in previous.items():
            signal.signal(signum, signal.SIG_DFL if old is None else old)
