"""Trainer: ``compile``, ``fit``, ``evaluate`` and ``predict`` for every backend.

Each step is a pure function of the model state (trainable, non-trainable,
optimizer and metric variable values) and a batch: the model runs inside a
:class:`~kcore.variables.StatelessScope`, gradients come from the backend's
``value_and_grad`` and the whole step (forward, loss, gradients, optimizer
update, metric update) is handed to the backend's ``compile_function``
(``jax.jit``, ``tf.function``...), once, and reused for every batch.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from kcore import backend as _backend
from kcore.graph import nest
from kcore.trainers import compile_utils
from kcore.trainers.data_adapter import ArrayData, DataError, make_data
from kcore.variables import StatelessScope


def _tensors(structure: Any, b) -> Any:
    """NumPy leaves to backend tensors (floats to float32 unless already a float type)."""
    def conv(a):
        if a is None or b.is_tensor(a):
            return a
        a = np.asarray(a)
        if a.dtype == np.float64:
            a = a.astype(np.float32)
        return b.convert_to_tensor(a)

    return nest.map_structure(conv, structure) if structure is not None else None


def _step_inputs(model, b, *parts):
    """Batch parts as the step function wants them: raw NumPy for compiled steps if the backend allows."""
    if model._compiled_steps:
        return tuple(b.prepare_compiled_inputs(p) for p in parts)
    return tuple(_tensors(p, b) for p in parts)


class _State:
    """The variables a step reads and writes, in a fixed order."""

    def __init__(self, model, optimizer, metric_variables: list) -> None:
        self.trainable = list(model.trainable_variables)
        trainable_ids = {id(v) for v in self.trainable}
        self.non_trainable = [v for v in model.variables if id(v) not in trainable_ids]
        self.optimizer = list(optimizer.variables) if optimizer is not None else []
        self.metrics = list(metric_variables)

    def values(self) -> tuple:
        return ([v.value for v in self.trainable], [v.value for v in self.non_trainable],
                [v.value for v in self.optimizer], [v.value for v in self.metrics])

    def write_back(self, values: tuple) -> None:
        b = _backend.current()
        for group, vals in zip((self.trainable, self.non_trainable, self.optimizer, self.metrics), values):
            for v, val in zip(group, vals):
                if val is not None:
                    v._storage = b.variable_assign(v._storage, val)


_BUILTIN_BATCH_CALLBACKS = ("History", "ProgbarLogger")


class _BatchLogPolicy:
    """Read metric values (a device-to-host sync) only when a callback will show or use them.

    Custom callbacks overriding a batch hook get fresh logs every batch; the
    progress bar gets them at most every 0.1 s and on the last step.
    """

    def __init__(self, callback_list, interval: float = 0.1) -> None:
        from kcore.callbacks.callback import Callback

        cbs = getattr(callback_list, "callbacks", [])
        hooks = ("on_train_batch_end", "on_test_batch_end", "on_batch_end")
        self.every_batch = any(
            type(c).__name__ not in _BUILTIN_BATCH_CALLBACKS
            and any(getattr(type(c), h, None) is not getattr(Callback, h, None) for h in hooks)
            for c in cbs
        )
        self.progbar = any(type(c).__name__ == "ProgbarLogger" for c in cbs)
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


class Trainer:
    """Mixin giving :class:`~kcore.models.model.Model` its training API."""

    def __init__(self) -> None:
        self.compiled = False
        self.stop_training = False
        self.optimizer = None
        self.loss = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self._steps: dict[str, Any] = {}
        self._state = None
        self._compile_config = None
        self.history = None

    # ------------------------------------------------------------- compile
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None, weighted_metrics=None,
                run_eagerly: bool = False, steps_per_execution: int = 1, jit_compile="auto",
                auto_scale_loss: bool = True) -> None:
        """Configure the model for training (see ``keras.Model.compile``)."""
        from kcore import metrics as metrics_module
        from kcore import optimizers

        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._compile_loss = compile_utils.CompileLoss(loss, loss_weights) if loss is not None else None
        self._compile_metrics = compile_utils.CompileMetrics(metrics, weighted_metrics)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile
        self._steps = {}
        self._state = None
        self.compiled = True
        self._compile_config = {
            "optimizer": optimizer, "loss": loss, "loss_weights": loss_weights, "metrics": metrics,
            "weighted_metrics": weighted_metrics, "run_eagerly": run_eagerly,
            "steps_per_execution": steps_per_execution, "jit_compile": jit_compile,
        }

    def _assert_compiled(self, what: str) -> None:
        if not self.compiled:
            raise RuntimeError(f"You must call `compile()` before calling `{what}()` on model '{self.name}'.")

    @property
    def metrics(self) -> list:
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None:
            out.extend(self._compile_metrics.metrics)
        return out

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    # ----------------------------------------------------- model-level loss
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training: bool = True):
        """The compiled loss plus losses added by layers (regularizers, ``add_loss``)."""
        total = self._compile_loss(y, y_pred, sample_weight) if self._compile_loss is not None else None
        extra = self.losses
        for l in extra:
            total = l if total is None else total + l
        if total is None:
            raise ValueError(f"Model '{self.name}' has no loss: pass `loss=` to compile().")
        return total

    # ---------------------------------------------------------------- build
    def _build_for_batch(self, x, y) -> None:
        """Build model, loss, metrics and optimizer eagerly on a first batch."""
        b = _backend.current()
        xt, yt = _tensors(x, b), _tensors(y, b)
        if not self.built or any(not l.built for l in self._flatten_layers()):
            y_pred = self(xt, training=False)
        else:
            y_pred = self._output_spec_for(xt)
        self._clear_losses()
        if self._compile_loss is not None and not self._compile_loss.built:
            self._compile_loss.build(self, yt)
        if self._compile_metrics is not None and not self._compile_metrics.built and y is not None:
            self._compile_metrics.build(self, self._compile_loss, yt, y_pred)
        if self.optimizer is not None and not getattr(self.optimizer, "built", False):
            self.optimizer.build(self.trainable_variables)

    def _output_spec_for(self, x):
        outs = getattr(self, "_output_tensors", None)
        if outs is None:
            return self(x, training=False)
        return self._outputs_struct

    def _metric_variables(self) -> list:
        out = list(self._loss_tracker.variables) if self._loss_tracker is not None else []
        if self._compile_metrics is not None:
            out.extend(self._compile_metrics.variables)
        return out

    def _get_state(self) -> _State:
        if self._state is None:
            self._state = _State(self, self.optimizer, self._metric_variables())
        return self._state

    # ------------------------------------------------------------ the steps
    @property
    def _compiled_steps(self) -> bool:
        return not (getattr(self, "run_eagerly", False) or getattr(self, "jit_compile", "auto") is False)

    def _compile(self, fn, kind: str):
        if not self._compiled_steps:
            return fn
        return _backend.current().compile_function(fn, kind=kind)

    def _make_train_step(self):
        b = _backend.current()
        state = self._get_state()
        model = self

        def forward_loss(trainable, non_trainable, x, y, sw):
            mapping = list(zip(state.trainable, trainable)) + list(zip(state.non_trainable, non_trainable))
            with StatelessScope(mapping) as scope:
                y_pred = model(x, training=True)
                loss = model.compute_loss(x, y, y_pred, sw)
                model._clear_losses()
                new_nt = [scope.get(v) for v in state.non_trainable]
            return loss, (y_pred, new_nt)

        grad_fn = b.value_and_grad(forward_loss)

        def train_step(values, data):
            trainable, non_trainable, opt_values, metric_values = values
            x, y, sw = data
            (loss, (y_pred, non_trainable)), grads = grad_fn(trainable, non_trainable, x, y, sw)
            with StatelessScope(list(zip(state.trainable, trainable)) + list(zip(state.optimizer, opt_values))) as scope:
                model.optimizer.apply(grads, state.trainable)
                trainable = [scope.get(v) for v in state.trainable]
                opt_values = [scope.get(v) for v in state.optimizer]
            metric_values = model._update_metrics(state, metric_values, loss, y, y_pred, sw)
            return trainable, non_trainable, opt_values, metric_values

        return self._compile(train_step, "train")

    def _update_metrics(self, state: _State, metric_values, loss, y, y_pred, sw):
        with StatelessScope(list(zip(state.metrics, metric_values))) as scope:
            batch = nest.flatten(y_pred)[0].shape[0]
            self._loss_tracker.update_state(loss, sample_weight=batch)
            if self._compile_metrics is not None and y is not None:
                self._compile_metrics.update_state(y, y_pred, sw)
            return [scope.get(v) for v in state.metrics]

    def _make_test_step(self):
        b = _backend.current()
        state = self._get_state()
        model = self

        def test_step(values, data):
            trainable, non_trainable, metric_values = values
            x, y, sw = data
            mapping = list(zip(state.trainable, trainable)) + list(zip(state.non_trainable, non_trainable))
            with StatelessScope(mapping):
                y_pred = model(x, training=False)
                loss = model.compute_loss(x, y, y_pred, sw, training=False)
                model._clear_losses()
            return model._update_metrics(state, metric_values, loss, y, y_pred, sw)

        del b
        return self._compile(test_step, "test")

    def _make_predict_step(self):
        state = self._get_state() if self.compiled else _State(self, None, [])
        model = self

        def predict_step(values, x):
            trainable, non_trainable = values
            mapping = list(zip(state.trainable, trainable)) + list(zip(state.non_trainable, non_trainable))
            with StatelessScope(mapping):
                out = model(x, training=False)
                model._clear_losses()
            return out

        return self._compile(predict_step, "predict"), state

    def _step(self, kind: str):
        fn = self._steps.get(kind)
        if fn is None:
            if kind == "train":
                fn = self._make_train_step()
            elif kind == "test":
                fn = self._make_test_step()
            else:
                fn = self._make_predict_step()
            self._steps[kind] = fn
        return fn

    # ------------------------------------------------------------------ logs
    def _logs(self) -> dict:
        logs = {"loss": compile_utils.to_float(self._loss_tracker.result())} if self._loss_tracker is not None else {}
        if self._compile_metrics is not None:
            for name, value in self._compile_metrics.results().items():
                logs[name] = compile_utils.to_float(value)
        return logs

    def _check_finite(self, logs: dict, epoch: int | None = None) -> None:
        loss = logs.get("loss")
        if loss is not None and not np.isfinite(loss):
            where = f" in epoch {epoch + 1}" if epoch is not None else ""
            raise FloatingPointError(
                f"Model '{self.name}': the loss became {loss}{where}. Check the inputs and targets for NaN or inf "
                "values, lower the learning rate, or use TerminateOnNaN to stop training instead of raising."
            )

    # ------------------------------------------------------------------- fit
    def fit(self, x=None, y=None, batch_size=None, epochs: int = 1, verbose="auto", callbacks=None,
            validation_split: float = 0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch: int = 0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq: int = 1):
        """Train for ``epochs`` epochs; returns a :class:`~kcore.callbacks.History`."""
        from kcore.callbacks.callback_list import CallbackList

        self._assert_compiled("fit")
        verbose = 1 if verbose == "auto" else verbose
        data = make_data(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle, class_weight=class_weight,
                         steps=steps_per_epoch)
        if validation_split and validation_data is None:
            if not isinstance(data, ArrayData):
                raise DataError("`validation_split` is only supported for array inputs; pass `validation_data` instead.")
            data, val_data = data.split(validation_split)
        elif validation_data is not None:
            val_data = self._validation_data(validation_data, validation_batch_size or batch_size, validation_steps)
        else:
            val_data = None
        if isinstance(data, ArrayData):
            self._check_input_structure(data.x)
            if self._compile_loss is not None and data.y is not None:
                self._build_for_batch(*next(iter(data.batches()))[:2])
                self._compile_loss.check_targets(self, data.y)
        steps = steps_per_epoch if steps_per_epoch is not None else (len(data) if getattr(data, "has_length", True) else None)
        callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                     verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        b = _backend.current()
        callback_list.on_train_begin()
        policy = _BatchLogPolicy(callback_list)
        logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            callback_list.on_epoch_begin(epoch)
            step_fn = None
            state = None
            values = None
            step = -1
            for step, (xb, yb, swb) in enumerate(data.batches()):
                if steps_per_epoch is not None and step >= steps_per_epoch:
                    break
                if step_fn is None:
                    self._build_for_batch(xb, yb)
                    step_fn = self._step("train")
                    state = self._get_state()
                    values = state.values()
                callback_list.on_train_batch_begin(step)
                values = step_fn(values, _step_inputs(self, b, xb, yb, swb))
                if policy.due(step, steps):
                    state.write_back(values)
                    logs = self._logs()
                callback_list.on_train_batch_end(step, logs)
                if self.stop_training:
                    break
            if step < 0:
                raise DataError("The training data produced no batches.")
            state.write_back(values)
            logs = self._logs()
            self._check_finite_or_callback(logs, epoch, callback_list)
            if val_data is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._run_evaluate(val_data, callback_list=None)
                logs.update({f"val_{k}": v for k, v in val_logs.items()})
            callback_list.on_epoch_end(epoch, logs)
            if self.stop_training:
                break
        callback_list.on_train_end(logs)
        return self.history

    def _check_finite_or_callback(self, logs, epoch, callback_list) -> None:
        from kcore.callbacks.terminate_on_nan import TerminateOnNaN

        if any(isinstance(c, TerminateOnNaN) for c in callback_list.callbacks):
            return
        self._check_finite(logs, epoch)

    def _validation_data(self, validation_data, batch_size, steps):
        if isinstance(validation_data, tuple) and len(validation_data) in (2, 3):
            x, y = validation_data[0], validation_data[1]
            sw = validation_data[2] if len(validation_data) == 3 else None
            return make_data(x, y, sw, batch_size=batch_size, shuffle=False)
        return make_data(validation_data, batch_size=batch_size, steps=steps)

    def _check_input_structure(self, x) -> None:
        names = getattr(self, "_input_names", None)
        if names is None or not isinstance(x, dict):
            return
        missing = [n for n in names if n not in x] if not isinstance(getattr(self, "_inputs_struct", None), dict) else \
            [k for k in self._inputs_struct if k not in x]
        if missing:
            raise DataError(
                f"Missing data for input(s) {missing} of model '{self.name}'; the data dict has keys {list(x)}."
            )

    # -------------------------------------------------------------- evaluate
    def _run_evaluate(self, data, callback_list=None) -> dict:
        b = _backend.current()
        self.reset_metrics()
        policy = _BatchLogPolicy(callback_list) if callback_list is not None else None
        n_steps = len(data) if getattr(data, "has_length", True) else None
        logs: dict = {}
        step_fn = None
        state = None
        metric_values = None
        for step, (xb, yb, swb) in enumerate(data.batches()):
            if step_fn is None:
                self._build_for_batch(xb, yb)
                step_fn = self._step("test")
                state = self._get_state()
                tv, ntv, _, metric_values = state.values()
            if callback_list is not None:
                callback_list.on_test_batch_begin(step)
            metric_values = step_fn((tv, ntv, metric_values), _step_inputs(self, b, xb, yb, swb))
            if callback_list is not None:
                if policy.due(step, n_steps):
                    state.write_back(([], [], [], metric_values))
                    logs = self._logs()
                callback_list.on_test_batch_end(step, logs)
        if state is None:
            raise DataError("The evaluation data produced no batches.")
        state.write_back(([], [], [], metric_values))
        return self._logs()

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, steps=None,
                 callbacks=None, return_dict: bool = False, **kwargs):
        """Loss and metrics on ``x``/``y``: ``[loss, *metrics]`` (or a dict with ``return_dict=True``)."""
        from kcore.callbacks.callback_list import CallbackList

        self._assert_compiled("evaluate")
        verbose = 1 if verbose == "auto" else verbose
        data = make_data(x, y, sample_weight, batch_size=batch_size, shuffle=False, steps=steps)
        if isinstance(data, ArrayData):
            self._check_input_structure(data.x)
        n_steps = len(data) if getattr(data, "has_length", True) else None
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                     steps=n_steps)
        callback_list.on_test_begin()
        logs = self._run_evaluate(data, callback_list)
        callback_list.on_test_end(logs)
        if return_dict:
            return logs
        values = [logs[k] for k in self.metrics_names if k in logs]
        return values[0] if len(values) == 1 else values

    # --------------------------------------------------------------- predict
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for ``x``, batched, as NumPy arrays in the model's output structure."""
        from kcore.callbacks.callback_list import CallbackList

        verbose = 1 if verbose == "auto" else verbose
        data = make_data(x, None, None, batch_size=batch_size, shuffle=False, steps=steps)
        n_steps = len(data) if getattr(data, "has_length", True) else None
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                     steps=n_steps)
        b = _backend.current()
        callback_list.on_predict_begin()
        outputs = []
        fn = None
        for step, (xb, _, _) in enumerate(data.batches()):
            xt = _step_inputs(self, b, xb)[0]
            if fn is None:
                if not self.built or any(not l.built for l in self._flatten_layers()):
                    self(xt, training=False)
                    self._clear_losses()
                fn, state = self._step("predict")
                values = ([v.value for v in state.trainable], [v.value for v in state.non_trainable])
            callback_list.on_predict_batch_begin(step)
            out = fn(values, xt)
            outputs.append(nest.map_structure(lambda t: np.asarray(b.convert_to_numpy(t)), out))
            callback_list.on_predict_batch_end(step, {"outputs": out})
        callback_list.on_predict_end()
        if not outputs:
            raise DataError("The prediction data produced no batches.")
        return nest.pack_sequence_as(outputs[0], [np.concatenate(parts, axis=0) for parts in zip(*[nest.flatten(o) for o in outputs])])

    # ------------------------------------------------------------ on_batch
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict: bool = False):
        self._assert_compiled("train_on_batch")
        data = make_data(x, y, sample_weight, batch_size=len(nest.flatten(x)[0]) or 1, class_weight=class_weight)
        xb, yb, swb = next(iter(data.batches()))
        self._build_for_batch(xb, yb)
        b = _backend.current()
        self.reset_metrics()
        state = self._get_state()
        values = self._step("train")(state.values(), _step_inputs(self, b, xb, yb, swb))
        state.write_back(values)
        logs = self._logs()
        return logs if return_dict else self._ordered(logs)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict: bool = False):
        self._assert_compiled("test_on_batch")
        data = make_data(x, y, sample_weight, batch_size=len(nest.flatten(x)[0]) or 1)
        logs = self._run_evaluate(data)
        return logs if return_dict else self._ordered(logs)

    def predict_on_batch(self, x):
        return self.predict(x, batch_size=len(nest.flatten(x)[0]) or 1, verbose=0)

    def _ordered(self, logs: dict):
        values = [logs[k] for k in self.metrics_names if k in logs]
        return values[0] if len(values) == 1 else values

    # ------------------------------------------------------------ configs
    def get_compile_config(self) -> dict | None:
        if not self.compiled or self._compile_config is None:
            return None
        from kcore.saving.serialization import serialize_keras_object

        cfg = dict(self._compile_config)
        cfg["optimizer"] = serialize_keras_object(self.optimizer)
        for key in ("loss", "metrics", "weighted_metrics", "loss_weights"):
            cfg[key] = serialize_keras_object(cfg[key])
        return cfg

    def compile_from_config(self, config: dict) -> None:
        from kcore.saving.serialization import deserialize_keras_object

        config = dict(config)
        for key in ("optimizer", "loss", "metrics", "weighted_metrics", "loss_weights"):
            if config.get(key) is not None:
                config[key] = deserialize_keras_object(config[key])
        allowed = ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly",
                   "steps_per_execution", "jit_compile")
        self.compile(**{k: v for k, v in config.items() if k in allowed})
        if self.built and self.optimizer is not None and not getattr(self.optimizer, "built", False):
            self.optimizer.build(self.trainable_variables)
