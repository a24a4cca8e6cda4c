"""Shared helpers: run kcore and Keras 3 side by side on one backend, time, print ratios."""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
from typing import Callable


def setup(default_backend: str = "jax") -> str:
    """Point kcore and keras at the same backend (``--backend NAME`` or ``KCORE_BACKEND``)."""
    backend = default_backend
    if "--backend" in sys.argv:
        backend = sys.argv[sys.argv.index("--backend") + 1]
    else:
        backend = os.environ.get("KCORE_BACKEND", backend)
    os.environ["KCORE_BACKEND"] = backend
    os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return backend


def timeit(fn: Callable[[], object], repeat: int = 5, number: int = 1, sync: Callable[[object], object] | None = None) -> float:
    """Median seconds per call of ``fn`` over ``repeat`` rounds of ``number`` calls."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = None
        for _ in range(number):
            out = fn()
        if sync is not None:
            sync(out)
        times.append((time.perf_counter() - t0) / number)
    return statistics.median(times)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.system()} {cpu}, {os.cpu_count()} cores, Python {platform.python_version()}"


def report(title: str, backend: str, rows: list[tuple[str, float, float]], unit: str = "ms") -> None:
    """Print rows of (case, kcore seconds, keras seconds) with the keras/kcore speed ratio."""
    scale = {"ms": 1e3, "us": 1e6, "s": 1.0}[unit]
    print(f"\n{title} — backend {backend} — {machine()}")
    print(f"| case | kcore ({unit}) | Keras 3 ({unit}) | kcore speed-up (Keras time / kcore time) |")
    print("|---|---:|---:|---:|")
    for name, k, ref in rows:
        print(f"| {name} | {k * scale:.3f} | {ref * scale:.3f} | {ref / k:.2f}x |")
