"""Helpers shared by the checks: assertions, captured output, summary tables, tiny data sets.

Checks raise :class:`CheckFailure` (an ``AssertionError``) with a message that
names what differs from the guide, the expected and the received value. They
never use bare ``assert`` (which ``python -O`` strips).
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import pickle
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

#: The guide's outputs were rendered on an 80-column console; ``summary()`` adapts to the console width.
GUIDE_CONSOLE_COLUMNS = 80

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class CheckFailure(AssertionError):
    """A guide example ran but did not give what the guide shows."""


def expect(condition: Any, message: str) -> None:
    if not condition:
        raise CheckFailure(message)


def expect_equal(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise CheckFailure(f"{what}: expected {expected!r}, got {actual!r}")


def expect_shape(tensor: Any, expected: tuple, what: str) -> None:
    shape = tuple(None if d is None else int(d) for d in tensor.shape)
    expect_equal(shape, tuple(expected), f"{what} shape")


def expect_close(actual: Any, expected: Any, what: str, rtol: float = 1e-5, atol: float = 1e-6) -> None:
    a, e = np.asarray(actual, dtype="float64"), np.asarray(expected, dtype="float64")
    expect_equal(a.shape, e.shape, f"{what} shape")
    if not np.allclose(a, e, rtol=rtol, atol=atol):
        worst = float(np.max(np.abs(a - e)))
        raise CheckFailure(f"{what}: values differ (max abs difference {worst:.3g}, rtol={rtol}, atol={atol})")


def expect_finite(values: Sequence[float], what: str) -> None:
    bad = [v for v in values if not math.isfinite(float(v))]
    expect(not bad, f"{what}: expected finite values, got {list(values)}")


def to_numpy(x: Any) -> np.ndarray:
    """A NumPy copy of a backend tensor (through ``kcore.ops``)."""
    from kcore import ops

    return np.asarray(ops.convert_to_numpy(x))


@contextlib.contextmanager
def captured_output() -> Iterator[io.StringIO]:
    """Collect what the guide code prints (stdout and stderr)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        yield buffer


@contextlib.contextmanager
def guide_console() -> Iterator[None]:
    """Pretend to be the console the guide's outputs were rendered on."""
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(GUIDE_CONSOLE_COLUMNS)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = saved


# --------------------------------------------------------------------------- model.summary()


@dataclass
class Summary:
    """``model.summary()`` parsed: the model name, the table rows (cells) and the totals."""

    name: str
    rows: list[tuple[str, ...]]
    totals: dict[str, str] = field(default_factory=dict)
    text: str = ""


def normalize_cell(cell: str) -> str:
    """Compare cells as the guide prints them: ``…`` is ``...`` and a bracket closing a cropped cell is dropped."""
    cell = " ".join(cell.replace("\u2026", "...").split())
    return re.sub(r"\.\.\.[\]\)]", "...", cell)


def parse_summary(text: str) -> Summary:
    """Parse the box table ``summary()`` prints (cells wrapped over several lines are joined)."""
    name = ""
    rows: list[tuple[str, ...]] = []
    totals: dict[str, str] = {}
    current: list[list[str]] | None = None
    header_done = False

    def flush() -> None:
        nonlocal current
        if current is not None:
            rows.append(tuple(normalize_cell(" ".join(part for part in cell if part)) for cell in current))
        current = None

    for line in text.splitlines():
        stripped = line.strip()
        m = re.match(r'^Model: "(.*)"$', stripped)
        if m:
            name = m.group(1)
            continue
        m = re.match(r"^(Total|Trainable|Non-trainable|Optimizer) params: (.*)$", stripped)
        if m:
            flush()
            totals[m.group(1)] = m.group(2).strip()
            continue
        if stripped.startswith("\u2521"):  # the rule under the header row
            header_done = True
            continue
        if stripped.startswith(("\u251c", "\u2514")):  # a rule between rows, or the bottom
            flush()
            continue
        if header_done and stripped.startswith("\u2502"):
            cells = [c.strip() for c in stripped.strip("\u2502").split("\u2502")]
            if current is None:
                current = [[c] for c in cells]
            else:
                for parts, c in zip(current, cells):
                    parts.append(c)
    flush()
    return Summary(name=name, rows=rows, totals=totals, text=text)


def summary_of(model) -> Summary:
    """Run ``model.summary()`` as the guide does and parse what it printed."""
    with guide_console(), captured_output() as out:
        model.summary()
    return parse_summary(out.getvalue())


def expect_summary(model, name: str, rows: Sequence[tuple[str, ...]], total: str,
                   trainable: str | None = None, non_trainable: str = "0 (0.00 B)") -> Summary:
    """``model.summary()`` shows ``rows`` (as the guide prints them) and the totals."""
    summary = summary_of(model)
    where = f"summary of {name!r}"
    expect_equal(summary.name, name, f"{where}: model name")
    expected = [tuple(normalize_cell(c) for c in row) for row in rows]
    for i, (got, want) in enumerate(zip(summary.rows, expected)):
        if got != want:
            raise CheckFailure(f"{where}, row {i + 1}: expected {want}, got {got}\n{summary.text}")
    if len(summary.rows) != len(expected):
        raise CheckFailure(f"{where}: expected {len(expected)} rows, got {len(summary.rows)}\n{summary.text}")
    expect_equal(summary.totals.get("Total"), total, f"{where}: Total params")
    expect_equal(summary.totals.get("Trainable"), trainable or total, f"{where}: Trainable params")
    expect_equal(summary.totals.get("Non-trainable"), non_trainable, f"{where}: Non-trainable params")
    return summary


# Constructor arguments for replaying layers created by earlier sections of the guide.
_REPLAY_ARGS: dict[str, tuple] = {
    "Conv2D": (1, 1), "Conv2DTranspose": (1, 1), "Dense": (1,), "Reshape": ((1,),),
}


def replay_earlier_sections(**layer_counts: int) -> None:
    """Create as many layers of each class as the guide's earlier sections did.

    The guide runs in one session, so its automatic names continue from one
    section to the next (``conv2d_8`` in the toy ResNet). The runner clears the
    session before each check; this brings the names back to where the guide
    had them, so the summaries compare cell for cell.
    """
    from kcore import layers

    for class_name, count in layer_counts.items():
        cls = getattr(layers, class_name)
        for _ in range(count):
            cls(*_REPLAY_ARGS.get(class_name, ()))


# --------------------------------------------------------------------------- files


def expect_png(path: str | os.PathLike, what: str, min_bytes: int = 2000) -> tuple[int, int]:
    """``path`` is a real PNG image of a plausible size; returns its (width, height)."""
    p = Path(path)
    expect(p.is_file(), f"{what}: {p} was not written")
    data = p.read_bytes()
    expect(data[:8] == PNG_SIGNATURE, f"{what}: {p} does not start with the PNG signature (got {data[:8]!r})")
    expect(len(data) >= min_bytes, f"{what}: {p} has only {len(data)} bytes, expected at least {min_bytes}")
    expect(data[12:16] == b"IHDR", f"{what}: {p} has no IHDR chunk")
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    expect(width >= 50 and height >= 50, f"{what}: {p} is {width}x{height} pixels, expected a drawing")
    return width, height


# --------------------------------------------------------------------------- tiny data sets


def _class_images(rng: np.random.Generator, templates: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """uint8 images: the label's template (a learnable task) plus noise."""
    noise = rng.integers(0, 60, size=(len(labels), *templates.shape[1:]))
    images = templates[labels] * 180 + noise
    return images.clip(0, 255).astype("uint8")


def write_mnist_like(path: str | os.PathLike, n_train: int = 1280, n_test: int = 320, seed: int = 0) -> Path:
    """An ``mnist.npz``-layout file (uint8 ``(N, 28, 28)`` digits, uint8 labels) with a learnable task."""
    rng = np.random.default_rng(seed)
    y_train = rng.integers(0, 10, n_train).astype("uint8")
    y_test = rng.integers(0, 10, n_test).astype("uint8")
    templates = rng.random((10, 28, 28)) < 0.3
    images = _class_images(rng, templates, np.concatenate([y_train, y_test]))
    path = Path(path)
    np.savez(path, x_train=images[:n_train], y_train=y_train, x_test=images[n_train:], y_test=y_test)
    return path


def write_cifar10_like(folder: str | os.PathLike, per_batch: int = 200, n_test: int = 100, seed: int = 0) -> Path:
    """A ``cifar-10-batches-py`` folder (five train batches and a test batch, pickled as the release)."""
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    templates = rng.random((10, 3, 32, 32)) < 0.3
    names = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name in names:
        n = n_test if name == "test_batch" else per_batch
        labels = rng.integers(0, 10, n)
        images = _class_images(rng, templates, labels).reshape(n, 3 * 32 * 32)
        batch = {b"batch_label": name.encode(), b"labels": [int(v) for v in labels], b"data": images}
        (folder / name).write_bytes(pickle.dumps(batch, protocol=2))
    return folder
