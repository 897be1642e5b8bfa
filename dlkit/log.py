"""``mx.log``: loggers that print like MXNet's C++ core (``W0505 00:29:47 ...]``).

``get_logger(name)`` returns the standard ``logging.Logger`` of that name, set up once:
one handler (the terminal, or ``filename``) and the level asked for. A record prints
as a coloured header, then the message::

    W0505 00:29:47 3525 train.py:main:12] Hello World
    ^ ^    ^        ^    ^
    | date time     pid  where the call was
    level letter (C, E, W, I, D; U for a level between these)

Notebook logging (``Module.fit``'s progress lines) is set up elsewhere, in
``logging_setup.py``; this module only mirrors MXNet's small helper.
"""
import logging
import warnings

__all__ = ["get_logger", "getLogger", "CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG",
           "NOTSET"]

CRITICAL = logging.CRITICAL
ERROR = logging.ERROR
WARNING = logging.WARNING
INFO = logging.INFO
DEBUG = logging.DEBUG
NOTSET = logging.NOTSET

_LABELS = {CRITICAL: "C", ERROR: "E", WARNING: "W", INFO: "I", DEBUG: "D"}
_RED, _GREEN, _BLUE, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[34m", "\x1b[0m"


class _Formatter(logging.Formatter):
    """MXNet's header: colour by severity, level letter, date, pid,
    file:function:line."""

    def __init__(self):
        super().__init__(datefmt="%m%d %H:%M:%S")

    def format(self, record):
        if record.levelno >= WARNING:
            color = _RED
        elif record.levelno >= INFO:
            color = _GREEN
        else:
            color = _BLUE
        label = _LABELS.get(record.levelno, "U")
        self._style._fmt = (f"{color}{label}%(asctime)s %(process)d "
                            f"%(pathname)s:%(funcName)s:%(lineno)d]{_RESET} "
                            "%(message)s")
        return super().format(record)


def get_logger(name=None, filename=None, filemode=None, level=WARNING):
    """A logger with MXNet's header format, configured the first time it is asked for.

    Parameters
    ----------
    name : str, optional
        The logger's name. ``None`` gives the root logger, returned unchanged (as in
        MXNet: only named loggers are set up).
    filename : str, optional
        Write to this file (plain text, no colours or header) instead of the terminal.
    filemode : str, optional
        The file's open mode, ``'a'`` by default.
    level : int, default WARNING
        The logger's level.

    Returns
    -------
    logging.Logger

    Example
    -------
    >>> logger = mx.log.get_logger("train", level=mx.log.INFO)
    >>> logger.info("epoch 1")   # I0505 00:29:47 3525 <stdin>:<module>:1] epoch 1
    """
    logger = logging.getLogger(name)
    if name is None or getattr(logger, "_init_done", False):
        return logger
    logger._init_done = True
    if filename:
        handler = logging.FileHandler(filename, filemode or "a")
    else:
        # the colour escapes suit a terminal, not a file: only this handler gets them
        handler = logging.StreamHandler()
        handler.setFormatter(_Formatter())
    logger.addHandler(handler)
    logger.setLevel(level)
    return logger


def getLogger(name=None, filename=None, filemode=None, level=WARNING):
    """Deprecated spelling of ``get_logger`` (warns, as MXNet does)."""
    warnings.warn("getLogger is deprecated, Use get_logger instead.",
                  DeprecationWarning, stacklevel=2)
    return get_logger(name, filename, filemode, level)
