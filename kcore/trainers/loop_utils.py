"""Loop helpers for fit/evaluate/predict: batches per epoch and when to read logs."""

from __future__ import annotations

import time
import warnings

_BUILTIN_BATCH_CALLBACKS = ("History", "ProgbarLogger")


def wants_batch_logs(callback, hooks: tuple, base: type) -> bool:
    """Whether ``callback`` uses batch-level logs (built-ins that only act per epoch do not)."""
    name = type(callback).__name__
    if name in _BUILTIN_BATCH_CALLBACKS:
        return False
    if name == "ModelCheckpoint" and getattr(callback, "save_freq", None) == "epoch":
        return False
    if not isinstance(callback, base):
        return True
    return any(h in vars(callback) or getattr(type(callback), h, None) is not getattr(base, h, None) for h in hooks)


class BatchLogPolicy:
    """Read metric values (a device-to-host sync) only when a callback will show or use them.

    Custom callbacks overriding a batch hook get fresh logs every batch; the
    progress bar gets them at most every 0.1 s and on the last step.
    """

    def __init__(self, callback_list, interval: float = 0.1) -> None:
        from kcore.callbacks.callback import Callback

        cbs = getattr(callback_list, "callbacks", []) if callback_list is not None else []
        hooks = ("on_train_batch_end", "on_test_batch_end", "on_batch_end")
        self.every_batch = any(wants_batch_logs(c, hooks, Callback) for c in cbs)
        self.progbar = any(type(c).__name__ == "ProgbarLogger" and getattr(c, "verbose", 1) == 1 for c in cbs)
        self.interval = interval
        self.last = 0.0

    def due(self, step: int, steps: int | None) -> bool:
        if self.every_batch:
            return True
        if not self.progbar:
            return False
        now = time.monotonic()
        if now - self.last >= self.interval or (steps is not None and step + 1 >= steps):
            self.last = now
            return True
        return False


class EpochBatches:
    """Batches per epoch, as Keras: with ``steps_per_epoch`` one iterator runs on across epochs.

    A re-iterable source of known length starts over once it has been fully
    consumed; a one-shot iterator that runs dry ends training.
    """

    def __init__(self, data, steps_per_epoch: int | None) -> None:
        self.data = data
        self.steps_per_epoch = steps_per_epoch
        self._iterator = None
        self._seen = 0
        self.exhausted = False

    def epoch(self):
        limit = self.steps_per_epoch
        if limit is None:
            yield from self.data.batches()
            return
        if self._iterator is None:
            self._iterator, self._seen = self.data.batches(), 0
        for _ in range(limit):
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                self.exhausted = not self.data.reiterable
                warnings.warn(
                    "Your input ran out of data; interrupting the epoch. Make sure that your dataset or generator "
                    "can generate at least `steps_per_epoch * epochs` batches.", stacklevel=4,
                )
                return
            self._seen += 1
            yield batch
        if self.data.reiterable and self.data.has_length and self._seen >= len(self.data):
            self._iterator = None


def limit(batches, steps: int | None):
    """At most ``steps`` items of ``batches``, pulling no item beyond them (generators go on later)."""
    if steps is None:
        yield from batches
        return
    for _ in range(steps):
        try:
            batch = next(batches)
        except StopIteration:
            return
        yield batch
