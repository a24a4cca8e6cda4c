"""``CallbackList``: calls a list of callbacks as one."""

from __future__ import annotations

from typing import Any, Iterable

from kcore.callbacks._logs import pythonify_logs
from kcore.callbacks.callback import Callback, Logs
from kcore.callbacks.history import History
from kcore.callbacks.progbar_logger import ProgbarLogger

# Batch-level hooks and the generic hook each one forwards to by default.
_BATCH_HOOKS = {
    "on_train_batch_begin": "on_batch_begin",
    "on_train_batch_end": "on_batch_end",
    "on_test_batch_begin": None,
    "on_test_batch_end": None,
    "on_predict_batch_begin": None,
    "on_predict_batch_end": None,
    "on_batch_begin": None,
    "on_batch_end": None,
}


def _flatten(callbacks: Any) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        out = []
        for item in callbacks:
            out.extend(_flatten(item))
        return out
    return [callbacks]


def _overrides(callback: Any, hook: str) -> bool:
    """Whether ``callback`` does something in ``hook`` (duck-typed objects always do)."""
    if not isinstance(callback, Callback):
        return True
    if hook in vars(callback):  # set on the instance (LambdaCallback)
        return True
    if getattr(type(callback), hook) is not getattr(Callback, hook):
        return True
    forwarded = _BATCH_HOOKS.get(hook)
    return forwarded is not None and _overrides(callback, forwarded)


class CallbackList(Callback):
    """A list of callbacks called as one (``keras.callbacks.CallbackList``).

    Args:
        callbacks: callbacks (nested lists are flattened).
        add_history: append a ``History`` unless one is in ``callbacks``.
        add_progbar: append a ``ProgbarLogger`` unless one is in ``callbacks``.
        model: the model passed to every callback's ``set_model``.
        **params: run parameters passed to every callback's ``set_params``
            (``verbose``, ``epochs``, ``steps``).

    Logs are converted once per call (sorted keys, Python floats) and the same dict
    is passed to every callback, so a callback adding an entry (``learning_rate``)
    is seen by those after it. Batch hooks skip the conversion when no callback
    implements them.
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | Callback | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model: Any = None,
        **params: Any,
    ):
        super().__init__()
        self.callbacks: list = _flatten(callbacks)
        self._history: History | None = None
        self._progbar: ProgbarLogger | None = None
        self._add_default_callbacks(add_history, add_progbar)
        self._batch_targets: dict[str, list] = {}
        self._batch_targets_key: tuple = ()
        self.set_model(model)
        self.set_params(params)

    def _add_default_callbacks(self, add_history: bool, add_progbar: bool) -> None:
        for cb in self.callbacks:
            if isinstance(cb, ProgbarLogger):
                self._progbar = cb
            elif isinstance(cb, History):
                self._history = cb
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)

    def append(self, callback: Callback) -> None:
        """Adds a callback, giving it the list's model and params."""
        self.callbacks.append(callback)
        if self._model is not None:
            callback.set_model(self._model)
        if self.params:
            callback.set_params(self.params)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def set_params(self, params: dict[str, Any]) -> None:
        self.params = params
        if params:
            for cb in self.callbacks:
                cb.set_params(params)

    def set_model(self, model: Any) -> None:
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    # ----------------------------------------------------------- dispatching
    def _call(self, hook: str, *args: Any, logs: Logs = None) -> None:
        logs = pythonify_logs(logs)
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs)

    def _targets(self, hook: str) -> list:
        key = tuple(map(id, self.callbacks))
        if key != self._batch_targets_key:
            self._batch_targets = {}
            self._batch_targets_key = key
        targets = self._batch_targets.get(hook)
        if targets is None:
            targets = [cb for cb in self.callbacks if _overrides(cb, hook)]
            self._batch_targets[hook] = targets
        return targets

    def _call_batch(self, hook: str, batch: int, logs: Logs) -> None:
        targets = self._targets(hook)
        if not targets:
            return
        logs = pythonify_logs(logs)
        for cb in targets:
            getattr(cb, hook)(batch, logs=logs)

    def on_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._call_batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._call_batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch: int, logs: Logs = None) -> None:
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch: int, logs: Logs = None) -> None:
        self._call_batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch: int, logs: Logs = None) -> None:
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch: int, logs: Logs = None) -> None:
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_begin(self, logs: Logs = None) -> None:
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs: Logs = None) -> None:
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs: Logs = None) -> None:
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs: Logs = None) -> None:
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs: Logs = None) -> None:
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs: Logs = None) -> None:
        self._call("on_predict_end", logs=logs)
