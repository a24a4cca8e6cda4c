"""Trainer: ``compile``, ``fit``, ``evaluate`` and ``predict`` for every backend.

Each step is a pure function of the model state (trainable, non-trainable,
optimizer and metric variable values) and a batch: the model runs inside a
:class:`~kcore.variables.StatelessScope`, gradients come from the backend's
``value_and_grad`` and the whole step (forward, loss, gradients, optimizer
update, metric update) is handed to the backend's ``compile_function``
(``jax.jit``, ``tf.function``...), once, and reused for every batch.

Between steps the new state lives in the loop, not in the variables; it is
written back at the end of each epoch, when logs are read, and whenever a
callback asks for ``self.model`` (``Callback.model`` calls ``_sync_state``).
If a callback touched the model, the loop re-reads the variables, so
callbacks that change weights or the learning rate mid-epoch take effect.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from kcore import backend as _backend
from kcore.graph import nest
from kcore.trainers import compile_utils
from kcore.trainers.data_adapter import ArrayData, DataError, make_data
from kcore.trainers.loop_utils import BatchLogPolicy, EpochBatches, limit
from kcore.trainers.step_state import StepState, to_tensors
from kcore.variables import StatelessScope


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
        self._trainer_built = False
        self._pending = None
        self._last_loss_values = None
        self._predict_structure = None
        self.history = None

    # ------------------------------------------------------------- compile
    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, loss_weights: Any = None, metrics: Any = None,
                weighted_metrics: Any = None, run_eagerly: bool = False, steps_per_execution: int = 1,
                jit_compile: bool | str = "auto", auto_scale_loss: bool = True) -> None:
        """Configure the model for training (see ``keras.Model.compile``).

        Args:
            optimizer: an optimizer name (``"rmsprop"``) or instance.
            loss: a loss name, function or ``Loss``; or one per output as a list
                (output order) or a dict keyed by output name.
            loss_weights: a number, list or dict scaling each output's loss.
            metrics: a list of metrics (names, functions or ``Metric`` objects),
                or per output: a list of lists or a dict keyed by output name.
            weighted_metrics: like ``metrics``, weighted by ``sample_weight``/``class_weight``.
            run_eagerly: run steps as plain Python (no ``compile_function``).
            jit_compile: ``False`` also runs the steps eagerly.
        """
        from kcore import metrics as metrics_module
        from kcore import optimizers

        self.optimizer = optimizers.get(optimizer)
        self.loss = loss
        self._compile_loss = compile_utils.CompileLoss(loss, loss_weights) if loss is not None else None
        self._compile_metrics = compile_utils.CompileMetrics(metrics, weighted_metrics)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.run_eagerly = bool(run_eagerly)
        self.jit_compile = jit_compile
        self.steps_per_execution = steps_per_execution
        self._steps = {}
        self._state = None
        self._trainer_built = False
        self._pending = None
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
        """The loss tracker, the compiled metrics, then one loss tracker per output (multi-output)."""
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None:
            out.extend(self._compile_metrics.metrics)
        if self._compile_loss is not None:
            out.extend(self._compile_loss.trackers)
        return out

    @property
    def metrics_names(self) -> list[str]:
        """Names of the logged values, in the order ``evaluate()`` returns them."""
        return self._log_order(self._log_names())

    def reset_metrics(self) -> None:
        for m in self.metrics:
            m.reset_state()

    # ----------------------------------------------------- model-level loss
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training: bool = True):
        """The compiled loss plus losses added by layers (regularizers, ``add_loss``)."""
        total = None
        if self._compile_loss is not None:
            total, self._last_loss_values = self._compile_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            total = extra if total is None else total + extra
        if total is None:
            raise ValueError(f"Model '{self.name}' has no loss: pass `loss=` to compile().")
        return total

    def _take_loss_values(self) -> list:
        values, self._last_loss_values = self._last_loss_values, None
        return list(values) if values is not None and self._compile_loss is not None \
            and self._compile_loss.trackers else []

    # ---------------------------------------------------------------- build
    def _functional_graph(self):
        if getattr(self, "_input_tensors", None) is not None:
            return self
        return getattr(self, "_functional", None)

    def _check_batch_inputs(self, x) -> None:
        """The first batch against the model's inputs: names, count and shapes (functional models)."""
        graph = self._functional_graph()
        if graph is None:
            return
        try:
            flat = graph._flatten_call_inputs(x)
            graph._check_input_shapes(flat)
        except ValueError as e:
            raise DataError(str(e).replace(f"'{graph.name}'", f"'{self.name}'")) from None

    def _build_for_batch(self, x, y, training: bool = False) -> None:
        """Check the first batch and build model, losses, metrics (and, for training, the optimizer)."""
        if self._pending is not None:
            self._sync_state()
        if not self._trainer_built:
            if y is None and self._compile_loss is not None:
                raise DataError(
                    f"Model '{self.name}' was compiled with a loss but the data has no targets: pass `y`, or batches "
                    "of (x, y) or (x, y, sample_weight)."
                )
            self._check_batch_inputs(x)
            b = _backend.current()
            graph = self._functional_graph()
            if graph is not None and self.built and all(l.built for l in self._flatten_layers()):
                y_pred = graph._outputs_struct
            else:
                y_pred = self(to_tensors(x, b), training=False)
                self._clear_losses()
            flat = nest.flatten(y_pred)
            names = compile_utils.output_names(self, y_pred)
            self._output_shapes = [(None,) + tuple(t.shape)[1:] for t in flat]
            if self._compile_loss is not None and y is not None:
                self._compile_loss.build(names, y, y_pred)
            if self._compile_metrics is not None and y is not None:
                self._compile_metrics.build(names, y, y_pred)
            self._trainer_built = y is not None
        if training and self.optimizer is not None and not getattr(self.optimizer, "built", False):
            self.optimizer.build(self.trainable_variables)

    def _check_targets(self, y) -> None:
        if self._compile_loss is not None and self._compile_loss.built:
            self._compile_loss.check_targets(y, self._output_shapes)

    def _metric_variables(self) -> list:
        return [v for m in self.metrics for v in m.variables]

    def _get_state(self) -> StepState:
        """The state of the current variables; steps are rebuilt if the set of variables changed."""
        metric_vars = self._metric_variables()
        if self._state is None or self._state.key != StepState.signature(self, self.optimizer, metric_vars):
            self._state = StepState(self, self.optimizer, metric_vars)
            self._steps = {}
        return self._state

    def _sync_state(self) -> None:
        """Write the state held by a running loop back to the variables."""
        pending, self._pending = self._pending, None
        if pending is not None:
            state, values = pending
            state.write_back(values)

    # ------------------------------------------------------------ the steps
    @property
    def _compiled_steps(self) -> bool:
        return not (getattr(self, "run_eagerly", False) or getattr(self, "jit_compile", "auto") is False)

    def _compile(self, fn, kind: str):
        if not self._compiled_steps:
            return fn
        return _backend.current().compile_function(fn, kind=kind)

    def _step_inputs(self, b, *parts) -> tuple:
        """Batch parts as the step wants them: NumPy for compiled steps if the backend takes it."""
        if self._compiled_steps:
            return tuple(b.prepare_compiled_inputs(p) for p in parts)
        return tuple(to_tensors(p, b) for p in parts)

    def _make_train_step(self, state: StepState):
        b = _backend.current()
        model = self

        def forward_loss(trainable, non_trainable, x, y, sw):
            mapping = list(zip(state.trainable, trainable)) + list(zip(state.non_trainable, non_trainable))
            with StatelessScope(mapping) as scope:
                y_pred = model(x, training=True)
                loss = model.compute_loss(x, y, y_pred, sw, training=True)
                model._clear_losses()
                new_nt = [scope.get(v) for v in state.non_trainable]
            return loss, (y_pred, new_nt, model._take_loss_values())

        grad_fn = b.value_and_grad(forward_loss)

        def train_step(values, data):
            trainable, non_trainable, opt_values, metric_values = values
            x, y, sw = data
            (loss, (y_pred, non_trainable, loss_values)), grads = grad_fn(trainable, non_trainable, x, y, sw)
            with StatelessScope(list(zip(state.trainable, trainable)) + list(zip(state.optimizer, opt_values))) as scope:
                model.optimizer.apply(grads, state.trainable)
                trainable = [scope.get(v) for v in state.trainable]
                opt_values = [scope.get(v) for v in state.optimizer]
            metric_values = model._update_metrics(state, metric_values, loss, loss_values, y, y_pred, sw)
            return trainable, non_trainable, opt_values, metric_values

        return self._compile(train_step, "train")

    def _update_metrics(self, state: StepState, metric_values, loss, loss_values, y, y_pred, sw):
        with StatelessScope(list(zip(state.metrics, metric_values))) as scope:
            batch = nest.flatten(y_pred)[0].shape[0]
            self._loss_tracker.update_state(loss, sample_weight=batch)
            for tracker, value in zip(self._compile_loss.trackers if self._compile_loss is not None else (),
                                      loss_values):
                tracker.update_state(value, sample_weight=batch)
            if self._compile_metrics is not None and self._compile_metrics.built and y is not None:
                self._compile_metrics.update_state(y, y_pred, sw)
            return [scope.get(v) for v in state.metrics]

    def _make_test_step(self, state: StepState):
        model = self

        def test_step(values, data):
            trainable, non_trainable, metric_values = values
            x, y, sw = data
            mapping = list(zip(state.trainable, trainable)) + list(zip(state.non_trainable, non_trainable))
            with StatelessScope(mapping):
                y_pred = model(x, training=False)
                loss = model.compute_loss(x, y, y_pred, sw, training=False)
                model._clear_losses()
                loss_values = model._take_loss_values()
            return model._update_metrics(state, metric_values, loss, loss_values, y, y_pred, sw)

        return self._compile(test_step, "test")

    def _make_predict_step(self, state: StepState):
        """Returns the outputs flat (compiled functions may reorder dicts); the structure is kept aside."""
        model = self

        def predict_step(values, x):
            trainable, non_trainable = values
            mapping = list(zip(state.trainable, trainable)) + list(zip(state.non_trainable, non_trainable))
            with StatelessScope(mapping):
                out = model(x, training=False)
                model._clear_losses()
            model._predict_structure = nest.map_structure(lambda _: None, out)
            return nest.flatten(out)

        return self._compile(predict_step, "predict")

    def _step(self, kind: str, state: StepState):
        fn = self._steps.get(kind)
        if fn is None:
            make = {"train": self._make_train_step, "test": self._make_test_step,
                    "predict": self._make_predict_step}[kind]
            fn = self._steps[kind] = make(state)
        return fn

    # ------------------------------------------------------------------ logs
    def _log_names(self) -> list[str]:
        names = ["loss"] if self._loss_tracker is not None else []
        if self._compile_loss is not None:
            names += [t.name for t in self._compile_loss.trackers]
        if self._compile_metrics is not None:
            names += self._compile_metrics.log_names
        return names

    def _logs(self) -> dict:
        to_float = compile_utils.to_float
        logs = {"loss": to_float(self._loss_tracker.result())} if self._loss_tracker is not None else {}
        if self._compile_loss is not None:
            for t in self._compile_loss.trackers:
                logs[t.name] = to_float(t.result())
        if self._compile_metrics is not None:
            for name, value in self._compile_metrics.results().items():
                logs[name] = to_float(value)
        return logs

    def _log_order(self, keys) -> list[str]:
        """Keras' order: loss, compiled metrics named as compiled, per-output losses, then the rest sorted."""
        keys = list(keys)
        first = ["loss"]
        if self._compile_metrics is not None:
            first += [m.name for m in self._compile_metrics.metrics]
        if self._compile_loss is not None:
            first += [t.name for t in self._compile_loss.trackers]
        ordered = []
        for name in first:
            if name in keys and name not in ordered:
                ordered.append(name)
        return ordered + sorted(k for k in keys if k not in ordered)

    def _ordered(self, logs: dict):
        values = [logs[k] for k in self._log_order(logs)]
        return values[0] if len(values) == 1 else values

    def _check_finite(self, logs: dict, epoch: int | None = None) -> None:
        loss = logs.get("loss")
        if loss is not None and not np.isfinite(loss):
            where = f" in epoch {epoch + 1}" if epoch is not None else ""
            raise FloatingPointError(
                f"Model '{self.name}': the loss became {loss}{where}. Check the inputs and targets for NaN or inf "
                "values, lower the learning rate, or use the TerminateOnNaN callback to stop training instead of "
                "raising."
            )

    # ------------------------------------------------------------------- fit
    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: int | str = "auto", callbacks: list | None = None, validation_split: float = 0.0,
            validation_data: Any = None, shuffle: bool | str = True, class_weight: dict | None = None,
            sample_weight: Any = None, initial_epoch: int = 0, steps_per_epoch: int | None = None,
            validation_steps: int | None = None, validation_batch_size: int | None = None,
            validation_freq: int = 1):
        """Train for ``epochs`` epochs; returns a :class:`~kcore.callbacks.History`.

        ``x``/``y`` are arrays, lists or dicts of arrays (keyed by input/output
        names), or ``x`` is a generator/iterable/dataset yielding ``(x, y)`` or
        ``(x, y, sample_weight)`` batches (``tf.data.Dataset``, torch
        ``DataLoader``...). A NaN or infinite loss raises ``FloatingPointError``
        at the end of the epoch unless a ``TerminateOnNaN`` callback is used.
        """
        from kcore.callbacks.callback_list import CallbackList

        self._assert_compiled("fit")
        verbose = 1 if verbose == "auto" else verbose
        if not isinstance(validation_freq, int) or validation_freq < 1:
            raise ValueError(f"`validation_freq` must be a positive int; received validation_freq={validation_freq!r}")
        if steps_per_epoch is not None and (not isinstance(steps_per_epoch, (int, np.integer)) or steps_per_epoch < 1):
            raise ValueError(f"`steps_per_epoch` must be a positive int; received steps_per_epoch={steps_per_epoch!r}")
        data = make_data(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle, class_weight=class_weight)
        if validation_split and validation_data is None:
            if not isinstance(data, ArrayData):
                raise DataError("`validation_split` is only supported for array inputs; pass `validation_data` instead.")
            data, val_data = data.split(validation_split)
        elif validation_data is not None:
            val_data = self._validation_data(validation_data, validation_batch_size or batch_size, validation_steps)
        else:
            val_data = None
        if isinstance(data, ArrayData):
            self._build_for_batch(*next(iter(data.batches()))[:2], training=True)
            self._check_targets(data.y)
        if steps_per_epoch is not None:
            steps = int(steps_per_epoch)
        else:
            steps = len(data) if data.has_length else None
        callback_list = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                                     verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        policy = BatchLogPolicy(callback_list)
        batches = EpochBatches(data, steps_per_epoch)
        callback_list.on_train_begin()
        logs: dict = {}
        try:
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                callback_list.on_epoch_begin(epoch)
                if not self._train_epoch(batches.epoch(), steps, callback_list, policy,
                                         check_targets=not isinstance(data, ArrayData)):
                    if epoch == initial_epoch:
                        raise DataError("The training data produced no batches.")
                    warnings.warn(
                        f"Your input ran out of data in epoch {epoch + 1}; interrupting training. Make sure that your "
                        "dataset or generator can generate at least `steps_per_epoch * epochs` batches "
                        "(pass `steps_per_epoch`, or a dataset that can be iterated again).", stacklevel=2,
                    )
                    break
                logs = self._logs()
                self._check_finite_or_callback(logs, epoch, callback_list)
                if val_data is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = self._run_evaluate(val_data, callback_list, steps=validation_steps)
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callback_list.on_epoch_end(epoch, logs)
                if self.stop_training or batches.exhausted:
                    break
        finally:
            self._sync_state()
        callback_list.on_train_end(logs)
        return self.history

    def _train_epoch(self, batches, steps: int | None, callback_list, policy: BatchLogPolicy,
                     check_targets: bool) -> int:
        """Run the train step over ``batches``; returns the number of steps taken (state written back)."""
        b = _backend.current()
        logs: dict = {}
        taken, state, values, step_fn = 0, None, None, None
        for step, (xb, yb, swb) in enumerate(batches):
            if step_fn is None:
                self._build_for_batch(xb, yb, training=True)
                state = self._get_state()
                step_fn = self._step("train", state)
                values = state.values()
            if check_targets:
                self._check_targets(yb)
            self._pending = (state, values)
            callback_list.on_train_batch_begin(step)
            if self._pending is None:  # a callback looked at the model: the variables are the truth now
                values = state.values()
            values = step_fn(values, self._step_inputs(b, xb, yb, swb))
            taken = step + 1
            self._pending = (state, values)
            if policy.due(step, steps):
                self._sync_state()
                logs = self._logs()
                self._pending = (state, values)
            callback_list.on_train_batch_end(step, logs)
            if self._pending is None:
                values = state.values()
            if self.stop_training:
                break
        self._sync_state()
        return taken

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

    # -------------------------------------------------------------- evaluate
    def _run_evaluate(self, data, callback_list=None, steps: int | None = None) -> dict:
        b = _backend.current()
        for m in self.metrics:
            m.reset_state()
        policy = BatchLogPolicy(callback_list)
        n_steps = steps if steps is not None else (len(data) if data.has_length else None)
        logs: dict = {}
        step_fn, state, metric_values = None, None, None
        check_each_batch = not isinstance(data, ArrayData)
        if callback_list is not None:
            callback_list.on_test_begin()
        for step, (xb, yb, swb) in enumerate(limit(data.batches(), steps)):
            if step_fn is None:
                self._build_for_batch(xb, yb)
                if isinstance(data, ArrayData):
                    self._check_targets(data.y)
                state = self._get_state()
                step_fn = self._step("test", state)
                tv, ntv, _, metric_values = state.values()
            if check_each_batch:
                self._check_targets(yb)
            if callback_list is not None:
                callback_list.on_test_batch_begin(step)
            metric_values = step_fn((tv, ntv, metric_values), self._step_inputs(b, xb, yb, swb))
            if callback_list is not None:
                if policy.due(step, n_steps):
                    state.write_back(([], [], [], metric_values))
                    logs = self._logs()
                callback_list.on_test_batch_end(step, logs)
        if state is None:
            raise DataError("The evaluation data produced no batches.")
        state.write_back(([], [], [], metric_values))
        logs = self._logs()
        if callback_list is not None:
            callback_list.on_test_end(logs)
        return logs

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None, verbose: int | str = "auto",
                 sample_weight: Any = None, steps: int | None = None, callbacks: list | None = None,
                 return_dict: bool = False, **kwargs: Any):
        """Loss and metrics on ``x``/``y``: ``[loss, *metrics]`` (a scalar if only the loss; a dict with
        ``return_dict=True``)."""
        from kcore.callbacks.callback_list import CallbackList

        self._assert_compiled("evaluate")
        if kwargs:
            raise TypeError(f"evaluate() got unexpected keyword argument(s) {sorted(kwargs)}")
        verbose = 1 if verbose == "auto" else verbose
        data = make_data(x, y, sample_weight, batch_size=batch_size, shuffle=False, steps=steps)
        n_steps = steps if steps is not None else (len(data) if data.has_length else None)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                     steps=n_steps)
        logs = self._run_evaluate(data, callback_list, steps=steps)
        if return_dict:
            return logs
        return self._ordered(logs)

    # --------------------------------------------------------------- predict
    def predict(self, x: Any, batch_size: int | None = None, verbose: int | str = "auto", steps: int | None = None,
                callbacks: list | None = None) -> Any:
        """Outputs for ``x``, batched, as NumPy arrays in the model's output structure."""
        from kcore.callbacks.callback_list import CallbackList

        verbose = 1 if verbose == "auto" else verbose
        data = make_data(x, None, None, batch_size=batch_size, shuffle=False, steps=steps)
        n_steps = steps if steps is not None else (len(data) if data.has_length else None)
        callback_list = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose, epochs=1,
                                     steps=n_steps)
        b = _backend.current()
        callback_list.on_predict_begin()
        outputs = []
        fn = None
        for step, (xb, _, _) in enumerate(limit(data.batches(), steps)):
            if fn is None:
                self._check_batch_inputs(xb)
                if not self.built or any(not l.built for l in self._flatten_layers()):
                    self(to_tensors(xb, b), training=False)
                    self._clear_losses()
                state = self._get_state()
                fn = self._step("predict", state)
                values = ([v.value for v in state.trainable], [v.value for v in state.non_trainable])
            callback_list.on_predict_batch_begin(step)
            flat = [np.asarray(b.convert_to_numpy(t)) for t in fn(values, self._step_inputs(b, xb)[0])]
            outputs.append(flat)
            callback_list.on_predict_batch_end(step, {"outputs": nest.pack_sequence_as(self._predict_structure, flat)})
        callback_list.on_predict_end()
        if not outputs:
            raise DataError("The prediction data produced no batches.")
        flat = [np.concatenate(parts, axis=0) for parts in zip(*outputs)]
        return nest.pack_sequence_as(self._predict_structure, flat)

    # ------------------------------------------------------------ on_batch
    def _single_batch(self, x, y, sample_weight, class_weight=None):
        n = len(nest.flatten(x)[0]) if nest.flatten(x) else 1
        data = make_data(x, y, sample_weight, batch_size=max(n, 1), class_weight=class_weight)
        if not isinstance(data, ArrayData):
            raise DataError("train_on_batch/test_on_batch/predict_on_batch take arrays, not a generator or dataset.")
        return data

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, class_weight: dict | None = None,
                       return_dict: bool = False):
        """One optimizer step on one batch; returns the loss and metrics of that batch."""
        self._assert_compiled("train_on_batch")
        data = self._single_batch(x, y, sample_weight, class_weight)
        xb, yb, swb = next(iter(data.batches()))
        self._build_for_batch(xb, yb, training=True)
        self._check_targets(yb)
        b = _backend.current()
        self.reset_metrics()
        state = self._get_state()
        values = self._step("train", state)(state.values(), self._step_inputs(b, xb, yb, swb))
        state.write_back(values)
        logs = self._logs()
        return logs if return_dict else self._ordered(logs)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None, return_dict: bool = False):
        """Loss and metrics of one batch (no update)."""
        self._assert_compiled("test_on_batch")
        logs = self._run_evaluate(self._single_batch(x, y, sample_weight))
        return logs if return_dict else self._ordered(logs)

    def predict_on_batch(self, x: Any) -> Any:
        """Outputs for one batch, as NumPy."""
        n = len(nest.flatten(x)[0]) if nest.flatten(x) else 1
        return self.predict(x, batch_size=max(n, 1), verbose=0)

    # ------------------------------------------------------------ configs
    def get_compile_config(self) -> dict | None:
        """The ``compile()`` arguments, serialized (``None`` before ``compile``)."""
        if not self.compiled or self._compile_config is None:
            return None
        from kcore.saving.serialization import serialize_keras_object

        cfg = dict(self._compile_config)
        cfg["optimizer"] = serialize_keras_object(self.optimizer)
        for key in ("loss", "metrics", "weighted_metrics", "loss_weights"):
            cfg[key] = serialize_keras_object(cfg[key])
        return cfg

    def compile_from_config(self, config: dict) -> None:
        """``compile()`` from :meth:`get_compile_config` output (used when loading ``.keras`` files)."""
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
