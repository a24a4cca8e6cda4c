"""Discover the checks, run each in a fresh session, print a table and write JSON results.

The active backend is whatever ``kcore.backend.current()`` loads; choosing it
(``--backend``) is :mod:`kcore.conformance`'s job, which then calls
:func:`run_checks`.
"""

from __future__ import annotations

import contextlib
import datetime
import importlib
import io
import json
import os
import pkgutil
import platform
import sys
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import TextIO

from kcore_conformance import SEED, checks

#: Lines of a failing check's captured output kept in its report.
OUTPUT_TAIL_LINES = 20


@dataclass
class Result:
    """The outcome of one check, as written to the JSON file."""

    name: str
    section: str
    passed: bool
    seconds: float
    cpu_seconds: float = 0.0
    error: str | None = None
    traceback: str | None = None
    output_tail: str | None = None


def check_names(select: str | None = None) -> list[str]:
    """Every check module, in the guide's order (unlisted modules last), filtered by ``select``."""
    found = {m.name for m in pkgutil.iter_modules(checks.__path__) if not m.name.startswith("_")}
    ordered = [n for n in checks.GUIDE_ORDER if n in found] + sorted(found - set(checks.GUIDE_ORDER))
    if select:
        ordered = [n for n in ordered if select in n]
    return ordered


@contextlib.contextmanager
def _fresh_session(workdir: Path):
    """Reset automatic names, seed every generator and work in ``workdir``."""
    import kcore

    kcore.utils.clear_session()
    kcore.utils.set_random_seed(SEED)
    previous = os.getcwd()
    os.chdir(workdir)
    try:
        yield
    finally:
        os.chdir(previous)


def run_check(name: str) -> Result:
    """Import and run one check; any exception (import errors included) is a failure."""
    output = io.StringIO()
    section = name
    start, cpu_start = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory(prefix=f"kcore-conformance-{name}-") as tmp:
        try:
            with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
                module: ModuleType = importlib.import_module(f"{checks.__name__}.{name}")
                section = getattr(module, "SECTION", name)
                with _fresh_session(Path(tmp)):
                    module.check()
        except Exception as e:  # noqa: BLE001 - a conformance failure of any kind is reported, not raised
            seconds = time.perf_counter() - start
            message = str(e).strip().splitlines()
            tail = output.getvalue().strip().splitlines()[-OUTPUT_TAIL_LINES:]
            return Result(
                name=name, section=section, passed=False, seconds=round(seconds, 3),
                cpu_seconds=round(time.process_time() - cpu_start, 3),
                error=f"{type(e).__name__}: {message[0] if message else ''}".rstrip(": "),
                traceback="".join(traceback.format_exception(e)),
                output_tail="\n".join(tail) or None,
            )
    return Result(name=name, section=section, passed=True, seconds=round(time.perf_counter() - start, 3),
                  cpu_seconds=round(time.process_time() - cpu_start, 3))


def _framework_version(backend) -> str:
    try:
        return str(backend.framework_version())
    except Exception as e:  # noqa: BLE001 - reported in the results instead
        return f"unknown ({e})"


class _Table:
    """Prints one row per check as it finishes, then the totals and each failure's details."""

    def __init__(self, names: list[str], header: str, stream: TextIO) -> None:
        self.width = max([len("example")] + [len(n) for n in names])
        self.stream = stream
        self._print(header)
        self._print(f"{'example':<{self.width}}  result  seconds  cpu s")
        self._print(f"{'-' * self.width}  ------  -------  -------")

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def row(self, r: Result) -> None:
        self._print(f"{r.name:<{self.width}}  {'PASS' if r.passed else 'FAIL':<6}  {r.seconds:7.2f}  "
                    f"{r.cpu_seconds:7.2f}")

    def finish(self, results: list[Result]) -> None:
        failed = [r for r in results if not r.passed]
        total = sum(r.seconds for r in results)
        self._print(f"{len(results) - len(failed)} passed, {len(failed)} failed in {total:.1f} s")
        for r in failed:
            self._print(f"\nFAIL {r.name} ({r.section}): {r.error}")
            if r.traceback:
                frames = r.traceback.strip().splitlines()
                self._print("  " + "\n  ".join(frames[-8:]))
            if r.output_tail:
                self._print("  output:\n    " + "\n    ".join(r.output_tail.splitlines()))


_MODULE_MAINS = {
    ("kcore", "__main__.py"): "python -m kcore",
    ("conformance", "__main__.py"): "python -m kcore.conformance",
    ("kcore_conformance", "__main__.py"): "python -m kcore_conformance",
}


def default_command() -> str:
    """How this process was started, for the results file (``python -m kcore conformance ...``)."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else Path("python")
    prefix = _MODULE_MAINS.get(argv0.parts[-2:], argv0.name)
    return " ".join([prefix, *sys.argv[1:]])


def run_checks(json_path: str | os.PathLike | None = None, select: str | None = None,
               stream: TextIO | None = None, command: str | None = None) -> int:
    """Run the checks on the active backend; 0 when all pass, 1 otherwise (2 when none matched)."""
    stream = stream or sys.stdout
    import kcore
    from kcore import backend as kbackend

    active = kbackend.current()
    framework_version = _framework_version(active)
    names = check_names(select)
    if not names:
        print(f"kcore conformance: no check matches {select!r}; checks: {', '.join(check_names())}", file=stream)
        return 2
    started = datetime.datetime.now(datetime.timezone.utc)
    header = (f"kcore {kcore.__version__} conformance (Keras Functional API guide) on backend "
              f"{active.name!r} ({framework_version}), {len(names)} checks")
    table = _Table(names, header, stream)
    results = []
    for name in names:
        results.append(run_check(name))
        table.row(results[-1])
    table.finish(results)
    if json_path is not None:
        path = Path(json_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "backend": active.name,
            "framework_version": framework_version,
            "kcore_version": kcore.__version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "command": command or default_command(),
            "started": started.isoformat(timespec="seconds"),
            "seconds": round(sum(r.seconds for r in results), 3),
            "results": [asdict(r) for r in results],
        }
        path.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"results written to {path}", file=stream)
    return 0 if all(r.passed for r in results) else 1
