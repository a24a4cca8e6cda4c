"""A text progress bar with the same output as ``keras.utils.Progbar``.

On a terminal (or in a notebook) the bar is redrawn in place with ``\\b``/``\\r`` and
ANSI styling, exactly as Keras does. When stdout is redirected (a file, a pipe, a CI
log) only the final line of each bar is written, without any control character.
"""

from __future__ import annotations

import math
import os
import re
import sys
import time
from typing import Any, Iterable, Sequence

import numpy as np

_BOLD = "\x1b[1m"
_GREEN = "\x1b[32m"
_GREY = "\x1b[37m"
_RESET = "\x1b[0m"
_BAR_CHAR = "\u2501"  # '━'
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _is_dynamic_display() -> bool:
    """True when the output can be redrawn in place: a terminal, a notebook kernel, PyCharm's console."""
    stream = sys.stdout
    isatty = getattr(stream, "isatty", None)
    try:
        if isatty is not None and isatty():
            return True
    except ValueError:  # closed stream
        return False
    return "ipykernel" in sys.modules or "PYCHARM_HOSTED" in os.environ


def _as_float(value: Any) -> float:
    """A Python float from a number, a 0-d/1-element tensor, or the mean of an array."""
    try:
        return float(value)
    except (TypeError, ValueError):
        pass
    if hasattr(value, "numpy"):
        value = value.numpy()
    return float(np.mean(np.asarray(value)))


def print_msg(message: str, line_break: bool = True) -> None:
    """Writes ``message`` to stdout (and a newline unless ``line_break=False``), then flushes."""
    _write(f"{message}\n" if line_break else str(message))


def _write(message: str) -> None:
    try:
        sys.stdout.write(message)
    except UnicodeEncodeError:
        encoding = sys.stdout.encoding or "utf-8"
        message = message.replace(_BAR_CHAR, "=")
        sys.stdout.write(message.encode(encoding, errors="ignore").decode(encoding))
    sys.stdout.flush()


def format_time_per_unit(seconds: float, unit_name: str) -> str:
    """``' 863us/step'``: seconds per unit in s, ms or us (leading space included)."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit_name}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit_name}"
    return f" {seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(eta: float) -> str:
    if eta > 3600:
        return "%d:%02d:%02d" % (eta // 3600, (eta % 3600) // 60, eta % 60)
    if eta > 60:
        return "%d:%02d" % (eta // 60, eta % 60)
    return "%ds" % eta


class Progbar:
    """Displays a progress bar (``keras.utils.Progbar``).

    Args:
        target: total number of steps expected, ``None`` if unknown.
        width: bar width in characters.
        verbose: 0 (silent), 1 (bar), 2 (one line when the bar completes).
        interval: minimum seconds between two redraws (verbose=1).
        stateful_metrics: names whose values are shown as given, not averaged.
        stateless_metrics: names that are averaged (all others shown as given);
            pass one of ``stateful_metrics`` / ``stateless_metrics`` at most.
        unit_name: what a step is called in the time-per-unit field.
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        stateless_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Progbar: pass either `stateful_metrics` or `stateless_metrics`, not both. "
                f"Received stateful_metrics={stateful_metrics!r}, "
                f"stateless_metrics={stateless_metrics!r}"
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics) if stateful_metrics is not None else None
        self.stateless_metrics = set(stateless_metrics) if stateless_metrics is not None else None
        if self.stateful_metrics is None and self.stateless_metrics is None:
            self.stateful_metrics = set()
        self._dynamic_display = _is_dynamic_display()
        # name -> [weighted sum, weight]; insertion order is display order.
        self._values: dict[str, list[float]] = {}
        self._seen_so_far = 0
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step: float | None = None
        self._prev_total_width = 0

    # ------------------------------------------------------------------ state
    def _averaged(self, name: str) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def _record(self, current: int, values: Sequence[tuple[str, Any]], finalize: bool) -> None:
        for name, raw in values:
            value = _as_float(raw)
            if self._averaged(name) and not finalize:
                weight = max(current - self._seen_so_far, 1)
                entry = self._values.get(name)
                if entry is None:
                    self._values[name] = [value * weight, weight]
                else:
                    entry[0] += value * weight
                    entry[1] += weight
            else:
                self._values[name] = [value, 1]

    def _time_per_unit(self, current: int, now: float) -> float:
        """Seconds per step; the first (warm-up) step is left out once there are more."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit

    def _metrics_text(self, verbose2: bool) -> str:
        parts = []
        for name, (total, count) in self._values.items():
            avg = total / max(1, count)
            # Keras' verbose=2 line compares the signed value (negatives use e-notation).
            big = avg > 1e-3 if verbose2 else abs(avg) > 1e-3
            parts.append(f" - {name}: {avg:.4f}" if big else f" - {name}: {avg:.4e}")
        return "".join(parts)

    def _counter(self, current: int) -> str:
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    # ---------------------------------------------------------------- display
    def _bar_line(self, current: int, now: float, per_unit: float, finalize: bool, styled: bool) -> tuple[str, int]:
        """The verbose=1 line and its visible width (ANSI codes not counted)."""
        bold, reset = (_BOLD, _RESET) if styled else ("", "")
        known = self.target is not None and self.target > 0
        if known:
            filled = int(self.width * (float(current) / self.target))
            bar = f"{bold}{self._counter(current)}{reset} "
            if filled > 0:
                bar += f"{_GREEN if styled else ''}{_BAR_CHAR * filled}{reset}"
            bar += f"{_GREY if styled else ''}{_BAR_CHAR * (self.width - filled)}{reset}"
        else:
            bar = "%7d/Unknown" % current
        if known and not finalize:
            elapsed = _format_eta(per_unit * (self.target - current))
        else:
            elapsed = f"{now - self._start:.0f}s"
        info = f" {bold}{elapsed}{reset}"
        info += format_time_per_unit(per_unit, self.unit_name)
        info += self._metrics_text(verbose2=False)
        line = bar + info
        return line, len(_ANSI.sub("", line)) if styled else len(line)

    def update(self, current: int, values: Sequence[tuple[str, Any]] | None = None, finalize: bool | None = None) -> None:
        """Moves the bar to step ``current``.

        Args:
            current: index of the current step (1-based count of completed steps).
            values: ``(name, value)`` pairs for this step; averaged over steps unless
                the name is stateful.
            finalize: whether this is the last update; defaults to ``current >= target``.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        self._record(current, values or (), finalize)
        self._seen_so_far = current

        now = time.time()
        per_unit = self._time_per_unit(current, now)

        if self.verbose == 1:
            if self._dynamic_display:
                if now - self._last_update < self.interval and not finalize:
                    return
                line, width = self._bar_line(current, now, per_unit, finalize, styled=True)
                message = "\b" * self._prev_total_width + "\r" + line
                if self._prev_total_width > width:
                    message += " " * (self._prev_total_width - width)
                if finalize:
                    message += "\n"
                _write(message)
                self._prev_total_width = width
            elif finalize:
                line, _ = self._bar_line(current, now, per_unit, finalize, styled=False)
                _write(line + "\n")
        elif self.verbose == 2 and finalize and self.target is not None and self.target > 0:
            line = f"{self._counter(current)} - {now - self._start:.0f}s"
            line += " -" + format_time_per_unit(per_unit, self.unit_name)
            line += self._metrics_text(verbose2=True)
            _write(line + "\n")
        self._last_update = now

    def add(self, n: int, values: Sequence[tuple[str, Any]] | None = None) -> None:
        """Advances the bar by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

