"""Which ops the tests in this folder exercise (checked against docs/ops.md by test_docs.py)."""

from __future__ import annotations

COVERED: dict[str, list[str]] = {}


def register(where: str, *names: str) -> None:
    for name in names:
        COVERED.setdefault(name, []).append(where)


def covers(*names: str):
    """Decorator for a test function that checks ``names``."""
    def decorate(fn):
        register(f"{fn.__module__}.{fn.__name__}", *names)
        return fn
    return decorate
