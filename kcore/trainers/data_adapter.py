"""Turning fit/evaluate/predict data (arrays, dicts, generators, native pipelines) into batches."""

from __future__ import annotations

import math
from typing import Any, Iterator

import numpy as np

from kcore.graph import nest


class DataError(ValueError):
    """The data passed to fit/evaluate/predict does not fit the model."""


def _is_array(x: Any) -> bool:
    return hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, type)


def _to_numpy(x: Any) -> Any:
    arr = _as_numpy(x)
    if arr is not None and arr.dtype == np.float64:
        return arr.astype(np.float32)
    return arr


def _as_numpy(x: Any) -> Any:
    if x is None:
        return None
    if isinstance(x, np.ndarray):
        return x
    if hasattr(x, "numpy") and callable(x.numpy) and not isinstance(x, np.ndarray):
        try:
            return np.asarray(x.numpy())
        except Exception:  # noqa: BLE001 - fall back to the generic conversion below
            pass
    if _is_array(x):
        from kcore import ops

        return np.asarray(ops.convert_to_numpy(x))
    return np.asarray(x)


def _names(structure: Any, prefix: str) -> list[str]:
    if isinstance(structure, dict):
        return [str(k) for k in structure]
    flat = nest.flatten(structure)
    return [prefix] if len(flat) == 1 else [f"{prefix}[{i}]" for i in range(len(flat))]


def to_numpy_structure(x: Any) -> Any:
    """NumPy leaves; float64 data becomes float32 (kcore's float default), once, here."""
    if x is None:
        return None
    if isinstance(x, dict):
        return {k: to_numpy_structure(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)) and x and not isinstance(x[0], (int, float, bool)):
        return type(x)(to_numpy_structure(v) for v in x)
    return _to_numpy(x)


def class_weight_to_sample_weight(y: Any, class_weight: dict, sample_weight: Any = None) -> np.ndarray:
    """Per-sample weights from ``{class: weight}`` (labels from integer or one-hot targets), times ``sample_weight``."""
    ys = nest.flatten(y)
    if len(ys) != 1:
        raise DataError("`class_weight` is only supported for models with a single output.")
    y = np.asarray(ys[0])
    labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(y.shape[0], -1)[:, 0]
    weights = np.ones(y.shape[0], dtype="float32")
    for cls, w in class_weight.items():
        weights[labels == int(cls)] = w
    if sample_weight is not None:
        weights = weights * np.asarray(sample_weight, dtype="float32").reshape(y.shape[0], -1)[:, 0]
    return weights.astype("float32")


class ArrayData:
    """In-memory arrays (nested lists/dicts) batched by slicing."""

    def __init__(self, x: Any, y: Any = None, sample_weight: Any = None, batch_size: int | None = 32,
                 shuffle: Any = False, class_weight: dict | None = None) -> None:
        self.x = to_numpy_structure(x)
        self.y = to_numpy_structure(y)
        self.sample_weight = to_numpy_structure(sample_weight)
        lengths = []
        for label, struct in (("x", self.x), ("y", self.y), ("sample_weight", self.sample_weight)):
            if struct is None:
                continue
            for name, arr in zip(_names(struct, label), nest.flatten(struct)):
                if arr is None:
                    continue
                if arr.ndim == 0:
                    raise DataError(f"Data '{name}' is a scalar; expected an array with a batch dimension.")
                lengths.append((name, arr.shape[0]))
        if not lengths:
            raise DataError("No data was passed: `x` is empty.")
        sizes = {n for _, n in lengths}
        if len(sizes) > 1:
            detail = ", ".join(f"'{name}' has {n}" for name, n in lengths)
            raise DataError(f"Data cardinality is ambiguous: make sure all arrays contain the same number of samples; {detail} samples.")
        self.num_samples = lengths[0][1]
        self.unweighted_sample_weight = self.sample_weight  # without class weights (validation split)
        if class_weight is not None:
            if self.y is None:
                raise DataError("`class_weight` needs targets `y`.")
            self.sample_weight = self._class_weights(class_weight)
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle

    has_length = True
    reiterable = True

    def _class_weights(self, class_weight: dict) -> np.ndarray:
        return class_weight_to_sample_weight(self.y, class_weight, self.sample_weight)

    def __len__(self) -> int:
        return math.ceil(self.num_samples / self.batch_size)

    def split(self, fraction: float) -> tuple["ArrayData", "ArrayData"]:
        """(train, validation): the last ``fraction`` of the samples is held out, as Keras does."""
        if not 0.0 < fraction < 1.0:
            raise DataError(f"`validation_split` must be between 0 and 1, received {fraction}")
        split_at = int(self.num_samples * (1.0 - fraction))
        if split_at == 0 or split_at == self.num_samples:
            raise DataError(f"`validation_split`={fraction} leaves no samples on one side of {self.num_samples} samples.")

        def part(struct, sl):
            return None if struct is None else nest.map_structure(lambda a: None if a is None else a[sl], struct)

        def make(sl, sample_weight, shuffle):
            out = ArrayData.__new__(ArrayData)
            out.x, out.y, out.sample_weight = part(self.x, sl), part(self.y, sl), part(sample_weight, sl)
            out.unweighted_sample_weight = part(self.unweighted_sample_weight, sl)
            out.num_samples = len(range(*sl.indices(self.num_samples)))
            out.batch_size, out.shuffle = self.batch_size, shuffle
            return out

        # Class weights apply to the training part only, as in Keras.
        return (make(slice(0, split_at), self.sample_weight, self.shuffle),
                make(slice(split_at, None), self.unweighted_sample_weight, False))

    def batches(self) -> Iterator[tuple]:
        n, bs = self.num_samples, self.batch_size
        if self.shuffle == "batch":
            order = np.arange(n)
            starts = np.random.permutation(len(self)) * bs
        elif self.shuffle:
            order = np.random.permutation(n)
            starts = np.arange(0, n, bs)
        else:
            order = None
            starts = np.arange(0, n, bs)

        def take(struct, idx):
            if struct is None:
                return None
            return nest.map_structure(lambda a: None if a is None else a[idx], struct)

        for start in starts:
            idx = slice(start, min(start + bs, n)) if order is None else order[start:start + bs]
            yield take(self.x, idx), take(self.y, idx), take(self.sample_weight, idx)


def unpack_batch(batch: Any) -> tuple:
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` from an iterator element."""
    if isinstance(batch, tuple):
        if len(batch) == 1:
            return batch[0], None, None
        if len(batch) == 2:
            return batch[0], batch[1], None
        if len(batch) == 3:
            return batch
        raise DataError(f"Data batches must be (x,), (x, y) or (x, y, sample_weight) tuples; received a tuple of length {len(batch)}.")
    return batch, None, None


class IterableData:
    """A generator, iterator or framework-native pipeline yielding batches.

    A re-iterable source (a list, a ``tf.data.Dataset``, a ``DataLoader``) starts
    over on every :meth:`batches` call; a one-shot iterator (a generator) goes on
    where the previous call stopped.
    """

    def __init__(self, iterable: Any, steps: int | None = None, class_weight: dict | None = None) -> None:
        self.iterable = iterable
        self._length = steps if steps is not None else (len(iterable) if hasattr(iterable, "__len__") else None)
        self.class_weight = class_weight
        self.reiterable = not (hasattr(iterable, "__next__") and iter(iterable) is iterable)

    def __len__(self) -> int:
        if self._length is None:
            raise TypeError("unknown length")
        return self._length

    @property
    def has_length(self) -> bool:
        return self._length is not None

    def batches(self) -> Iterator[tuple]:
        it = iter(self.iterable)
        for i, batch in enumerate(it):
            x, y, sw = unpack_batch(batch)
            x, y, sw = to_numpy_structure(x), to_numpy_structure(y), to_numpy_structure(sw)
            if self.class_weight is not None and y is not None:
                sw = class_weight_to_sample_weight(y, self.class_weight, sw)
            yield x, y, sw
            if self._length is not None and i + 1 >= self._length and self.reiterable:
                break


def make_data(x: Any, y: Any = None, sample_weight: Any = None, batch_size: int | None = None, shuffle: Any = False,
              class_weight: dict | None = None, steps: int | None = None):
    """Choose the adapter for ``x``."""
    from kcore.backend.plugin_manager import adapt_data

    if x is None:
        raise DataError("No data was passed to the model: `x` is None.")
    if isinstance(x, (ArrayData, IterableData)):
        return x
    flat = nest.flatten(x) if isinstance(x, (list, tuple, dict)) else [x]
    if all(_is_array(a) or isinstance(a, (list, np.ndarray)) for a in flat if a is not None):
        return ArrayData(x, y, sample_weight, batch_size=batch_size or 32, shuffle=shuffle, class_weight=class_weight)
    if y is not None:
        raise DataError("`y` must not be passed when `x` is a generator or dataset: the batches must carry their targets.")
    adapted = adapt_data(x)
    if adapted is not None:
        return IterableData(adapted, steps, class_weight=class_weight)
    if hasattr(x, "__iter__") or hasattr(x, "__next__"):
        return IterableData(x, steps, class_weight=class_weight)
    raise DataError(f"Unrecognized data type: x={x!r} (of type {type(x).__name__}).")
