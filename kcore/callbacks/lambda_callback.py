"""``LambdaCallback``: a callback built from plain functions."""

from __future__ import annotations

from typing import Any, Callable

from kcore.callbacks.callback import HOOK_NAMES, Callback

Hook = Callable[..., Any] | None


class LambdaCallback(Callback):
    """Calls the given functions from the matching hooks (``keras.callbacks.LambdaCallback``).

    Epoch hooks are called as ``f(epoch, logs)``, batch hooks as ``f(batch, logs)``,
    begin/end hooks as ``f(logs)``. Any other hook (``on_test_begin=...``,
    ``on_predict_batch_end=...``) can be given as a keyword; an unknown ``on_*`` name
    is an error, other keywords become attributes.
    """

    def __init__(self, on_epoch_begin: Hook = None, on_epoch_end: Hook = None,
                 on_train_begin: Hook = None, on_train_end: Hook = None,
                 on_train_batch_begin: Hook = None, on_train_batch_end: Hook = None,
                 **kwargs: Any) -> None:
        super().__init__()
        hooks = dict(
            on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin, on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin, on_train_batch_end=on_train_batch_end,
        )
        for name, value in kwargs.items():
            if name.startswith("on_") and name not in HOOK_NAMES:
                raise TypeError(
                    f"LambdaCallback: unknown hook {name!r}; expected one of {', '.join(HOOK_NAMES)}"
                )
            if name in HOOK_NAMES:
                hooks[name] = value
            else:
                setattr(self, name, value)
        for name, fn in hooks.items():
            if fn is not None:
                if not callable(fn):
                    raise TypeError(f"LambdaCallback: {name} must be callable, received {fn!r}")
                setattr(self, name, fn)
