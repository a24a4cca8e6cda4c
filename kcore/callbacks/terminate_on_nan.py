"""``TerminateOnNaN``: stops training when the loss becomes NaN or infinite."""

from __future__ import annotations

import math

from kcore.callbacks._logs import to_float
from kcore.callbacks.callback import Callback, Logs
from kcore.utils.progbar import print_msg


class TerminateOnNaN(Callback):
    """Stops training at the first batch whose ``loss`` is NaN or infinite
    (``keras.callbacks.TerminateOnNaN``).

    Args:
        raise_error: raise ``RuntimeError`` instead of setting ``model.stop_training``.
    """

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch: int, logs: Logs = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        value = to_float(loss)
        if math.isnan(value) or math.isinf(value):
            if self.raise_error:
                raise RuntimeError(
                    f"NaN or Inf loss encountered at batch {batch}. Loss value: {value}. "
                    "Terminating training immediately."
                )
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True
