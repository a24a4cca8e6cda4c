"""Fake model/optimizer and a fit-like loop, used to drive kcore and keras callbacks alike."""

import os

import numpy as np

os.environ.setdefault("KERAS_BACKEND", os.environ.get("KCORE_BACKEND", "numpy"))


class FakeOptimizer:
    """``learning_rate`` reads back as a 0-d array (like a backend tensor/variable)."""

    def __init__(self, lr=0.1, name="fake_opt"):
        self._lr = float(lr)
        self.name = name
        self.history = []

    @property
    def learning_rate(self):
        return np.array(self._lr, dtype="float32")

    @learning_rate.setter
    def learning_rate(self, value):
        self._lr = float(value)
        self.history.append(self._lr)


class FakeMetric:
    def __init__(self, name, direction):
        self.name = name
        self._direction = direction


class FakeModel:
    """Weights live in arrays that training updates in place; with ``views=True``
    ``get_weights`` hands out those arrays themselves (as a backend may)."""

    def __init__(self, lr=0.1, metrics=(), views=False):
        self.views = views
        self.stop_training = False
        self.optimizer = FakeOptimizer(lr)
        self.metrics = list(metrics)
        self._weights = [np.zeros((2, 2), "float32"), np.zeros((2,), "float32")]
        self.saved = []
        self.sync_calls = 0

    def train_step(self, value):
        for w in self._weights:
            w[...] = value  # in place

    def get_weights(self):
        return list(self._weights) if self.views else [w.copy() for w in self._weights]

    def set_weights(self, weights):
        for w, v in zip(self._weights, weights):
            w[...] = v

    def save(self, filepath, overwrite=True):
        self.saved.append(("model", filepath))
        with open(filepath, "w") as f:
            f.write(f"model {float(self._weights[0][0, 0])}")

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("weights", filepath))
        with open(filepath, "w") as f:
            f.write(f"weights {float(self._weights[0][0, 0])}")


def run_fit(callback_list_cls, callbacks, model, epoch_logs, steps=3, batch_logs=None, verbose=0,
            add_progbar=False):
    """A minimal fit loop: ``epoch_logs[e]`` are the logs of epoch ``e``; weights = e + 1.

    Returns the History callback and the number of epochs run.
    """
    epochs = len(epoch_logs)
    cbl = callback_list_cls(callbacks, add_history=True, add_progbar=add_progbar, model=model,
                            verbose=verbose, epochs=epochs, steps=steps)
    model.stop_training = False
    cbl.on_train_begin()
    run = 0
    for epoch in range(epochs):
        cbl.on_epoch_begin(epoch)
        for step in range(steps):
            cbl.on_train_batch_begin(step)
            model.train_step(epoch + 1)
            logs = batch_logs(epoch, step) if batch_logs else dict(epoch_logs[epoch])
            cbl.on_train_batch_end(step, logs)
        cbl.on_epoch_end(epoch, dict(epoch_logs[epoch]))
        run += 1
        if model.stop_training:
            break
    cbl.on_train_end()
    return model.history, run
