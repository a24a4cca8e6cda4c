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
    if "--threads" in sys.argv:
        limit_threads(int(sys.argv[sys.argv.index("--threads") + 1]))
    return backend


def limit_threads(n: int) -> None:
    """Cap every framework's intra-op thread pool at ``n`` (call before importing any framework).

    On an oversubscribed machine, multi-threaded kernels spin-wait for
    descheduled worker threads and the timings become scheduling noise.
    """
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[var] = str(n)
    flags = os.environ.get("XLA_FLAGS", "")
    os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen={'true' if n > 1 else 'false'} " \
                              f"intra_op_parallelism_threads={n}".strip()
    os.environ["KCORE_BENCH_THREADS"] = str(n)


def threads() -> str:
    """The thread setting in force, for report headers."""
    n = os.environ.get("KCORE_BENCH_THREADS")
    return f"{n} intra-op thread(s) per framework (--threads {n})" if n else "framework default threads"


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


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """CPU, cores, Python and the versions of kcore, its active backend's framework and Keras."""
    out = f"{platform.system()} {_cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    if "kcore" in sys.modules:
        import kcore

        b = kcore.backend.current()
        out += f", kcore {kcore.__version__} ({b.name} {b.framework_version()})"
    if "keras" in sys.modules:
        import keras

        out += f", keras {keras.__version__}"
    return f"{out}; {threads()}"


def report(title: str, backend: str, rows: list[tuple[str, float, float]], unit: str = "ms") -> None:
    """Print rows of (case, kcore seconds, keras seconds) with the keras/kcore speed ratio."""
    scale = {"ms": 1e3, "us": 1e6, "s": 1.0}[unit]
    print(f"\n{title} — backend {backend} — {machine()}")
    print(f"| case | kcore ({unit}) | Keras 3 ({unit}) | kcore speed-up (Keras time / kcore time) |")
    print("|---|---:|---:|---:|")
    for name, k, ref in rows:
        print(f"| {name} | {k * scale:.3f} | {ref * scale:.3f} | {ref / k:.2f}x |")
