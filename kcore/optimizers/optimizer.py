"""The ``Optimizer`` base class (``keras.optimizers.Optimizer``).

All optimizer state lives in kcore Variables created in ``__init__`` (iteration
counter, learning rate) and ``build`` (per-variable slots). ``apply`` only
reads ``Variable.value`` and writes with ``Variable.assign*``; conditional
behaviour (gradient accumulation, EMA overwrite) is computed with
``ops.where``, so a step can run inside a ``StatelessScope`` under
``jax.jit``/``tf.function``.
"""

from __future__ import annotations

import numbers
import re
import warnings
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from kcore import backend as _backend
from kcore import ops
from kcore.graph.naming import to_snake_case, unique_name
from kcore.metrics.metric import initial_value
from kcore.optimizers.schedules import LearningRateSchedule
from kcore.optimizers.schedules import serialize as _serialize_schedule
from kcore.variables import StatelessScope, Variable


class Optimizer:
    """Base optimizer: subclasses implement ``build(var_list)`` and ``update_step(grad, var, lr)``.

    Args:
        learning_rate: a float, a ``LearningRateSchedule``, or a zero-argument callable.
        weight_decay: decoupled decay ``var -= var * weight_decay * lr`` before each update.
        clipnorm: clip each gradient to this L2 norm.
        clipvalue: clip each gradient element to ``[-clipvalue, clipvalue]``.
        global_clipnorm: clip all gradients together to this global L2 norm.
        use_ema: keep an exponential moving average of the trained variables.
        ema_momentum: the EMA momentum.
        ema_overwrite_frequency: every this many steps, overwrite variables with their EMA.
        loss_scale_factor: gradients are divided by it (``scale_loss`` multiplies the loss).
        gradient_accumulation_steps: update every N steps with the mean of N gradients.
        name: the optimizer name (default: snake-cased class name, made unique).
    """

    _keras_module = "keras.optimizers"

    def __init__(self, learning_rate: Any, weight_decay: float | None = None, clipnorm: float | None = None,
                 clipvalue: float | None = None, global_clipnorm: float | None = None, use_ema: bool = False,
                 ema_momentum: float = 0.99, ema_overwrite_frequency: int | None = None,
                 loss_scale_factor: float | None = None, gradient_accumulation_steps: int | None = None,
                 name: str | None = None, **kwargs: Any) -> None:
        if kwargs.pop("decay", None) is not None:
            warnings.warn("Argument `decay` is no longer supported and will be ignored.")
        if kwargs:
            raise ValueError(f"{type(self).__name__}: argument(s) not recognized: {kwargs}")
        if gradient_accumulation_steps and not gradient_accumulation_steps >= 2:
            raise ValueError("`gradient_accumulation_steps` must be an integer >= 2. "
                             f"Received: gradient_accumulation_steps={gradient_accumulation_steps}")
        if use_ema:
            if not 0 <= ema_momentum <= 1:
                raise ValueError(f"`ema_momentum` must be in the range [0, 1]. Received: ema_momentum={ema_momentum}")
            if ema_overwrite_frequency and (not isinstance(ema_overwrite_frequency, int) or ema_overwrite_frequency < 1):
                raise ValueError("`ema_overwrite_frequency` must be an integer >= 1 or None. "
                                 f"Received: ema_overwrite_frequency={ema_overwrite_frequency}")
        if sum(a is not None for a in (clipnorm, clipvalue, global_clipnorm)) > 1:
            raise ValueError("Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                             f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, global_clipnorm={global_clipnorm}")
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.global_clipnorm = global_clipnorm
        self.clipvalue = clipvalue
        self.use_ema = use_ema
        self.ema_momentum = ema_momentum
        self.ema_overwrite_frequency = ema_overwrite_frequency
        self.loss_scale_factor = loss_scale_factor
        self.gradient_accumulation_steps = gradient_accumulation_steps
        self.built = False
        self._variables: list[Variable] = []
        self._trainable_variables: list[Variable] = []
        self._trainable_variables_indices: dict[int, int] = {}
        self._exclude_ids: set[int] = set()
        self._exclude_pattern: re.Pattern | None = None
        self._iterations = self._new_variable(ops.zeros((), dtype="int32"), "iteration", "only_first_replica")
        self._learning_rate: Any = None
        self._set_learning_rate(learning_rate, initial=True)

    # ----------------------------------------------------------- variables
    def _new_variable(self, value, name: str, aggregation: str = "none") -> Variable:
        variable = Variable(value, trainable=False, name=name, aggregation=aggregation)
        variable.path = f"{self.name}/{name}"
        self._variables.append(variable)
        return variable

    def add_variable(self, shape: Sequence[int], initializer: Any = "zeros", dtype: Any = None,
                     aggregation: str = "none", name: str | None = None) -> Variable:
        """Create and track an optimizer Variable named ``<optimizer>/<name>``."""
        from kcore.dtypes import standardize_dtype

        dtype = standardize_dtype(dtype)
        shape = tuple(int(d) for d in shape)
        return self._new_variable(initial_value(initializer, shape, dtype), name or "variable", aggregation)

    def add_variable_from_reference(self, reference_variable: Variable, name: str | None = None,
                                    initializer: Any = "zeros") -> Variable:
        """A slot shaped like ``reference_variable``, named ``<its path with / -> _>_<name>``."""
        name = name or "var"
        ref = getattr(reference_variable, "path", None)
        if ref is None:
            ref = str(reference_variable.name).replace(":", "_")
        return self.add_variable(shape=reference_variable.shape, initializer=initializer,
                                 dtype=reference_variable.dtype, name=f"{ref.replace('/', '_')}_{name}")

    def add_optimizer_variables(self, trainable_variables: Sequence[Variable], name: str | Sequence[str],
                                initializer: Any = "zeros"):
        """Slots for each variable; with a list of names, one list per name, interleaved per variable."""
        names = [name] if isinstance(name, str) else list(name)
        inits = initializer if isinstance(initializer, (list, tuple)) else [initializer] * len(names)
        if len(inits) != len(names):
            raise ValueError(f"The number of provided names must match the number of provided initializers. "
                             f"Received name={name!r}, initializer={initializer!r}")
        out: tuple[list, ...] = tuple([] for _ in names)
        for variable in trainable_variables:
            for i, (n, init) in enumerate(zip(names, inits)):
                out[i].append(self.add_variable_from_reference(variable, name=n, initializer=init))
        return out[0] if isinstance(name, str) else out

    @property
    def variables(self) -> list[Variable]:
        """Iteration counter, learning rate (unless a schedule), then slots in build order."""
        return list(self._variables)

    @property
    def iterations(self):
        """Steps taken (optimizer updates, not micro-steps, under gradient accumulation)."""
        if self.gradient_accumulation_steps:
            return ops.floor_divide(self._iterations.value, self.gradient_accumulation_steps)
        return self._iterations

    def build(self, variables: Sequence[Variable]) -> None:
        """Create per-variable state. Subclasses call ``super().build(variables)`` first."""
        variables = list(variables)
        if self.use_ema:
            self._model_variables_moving_average = self.add_optimizer_variables(variables, "average")
        if self.gradient_accumulation_steps:
            self._accumulated_gradients = self.add_optimizer_variables(variables, "gradient_accumulator")
        self._trainable_variables_indices = {id(v): i for i, v in enumerate(variables)}
        self._trainable_variables = variables
        self.built = True

    def _get_variable_index(self, variable: Variable) -> int:
        return self._trainable_variables_indices[id(variable)]

    # ------------------------------------------------------- learning rate
    def _set_learning_rate(self, learning_rate: Any, initial: bool = False) -> None:
        previous = self._learning_rate
        if isinstance(learning_rate, LearningRateSchedule) or (
                callable(learning_rate) and not isinstance(learning_rate, Variable)):
            self._learning_rate = learning_rate
            if isinstance(previous, Variable):
                self._variables.remove(previous)
            return
        if isinstance(previous, LearningRateSchedule):
            raise TypeError(
                "This optimizer was created with a `LearningRateSchedule` object as its `learning_rate` "
                "constructor argument, hence its learning rate is not settable. If you need the learning "
                "rate to be settable, you should instantiate the optimizer with a float `learning_rate` argument."
            )
        if isinstance(previous, Variable):
            previous.assign(ops.cast(learning_rate, previous.dtype))
            return
        if isinstance(learning_rate, bool) or not isinstance(learning_rate, (numbers.Real, np.ndarray, Variable)) \
                and not ops.is_tensor(learning_rate):
            raise ValueError(
                "Argument `learning_rate` should be float, or an instance of LearningRateSchedule, or a callable "
                "(that takes in the current iteration value and returns the corresponding learning rate value). "
                f"Received instead: learning_rate={learning_rate!r}"
            )
        value = ops.cast(ops.convert_to_tensor(learning_rate), _backend.floatx())
        if ops.shape(value) != ():
            raise ValueError(f"Argument `learning_rate` must be a scalar; received shape {ops.shape(value)}")
        if not initial:  # a Variable learning rate comes back after a callable one: keep saved order
            variable = Variable(value, trainable=False, name="learning_rate", aggregation="only_first_replica")
            variable.path = f"{self.name}/learning_rate"
            self._variables.insert(1, variable)
        else:
            variable = self._new_variable(value, "learning_rate", "only_first_replica")
        self._learning_rate = variable

    @property
    def learning_rate(self):
        """The current rate: the Variable, or the schedule evaluated at the current step."""
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            return lr(self._iterations)
        if isinstance(lr, Variable):
            return lr
        if callable(lr):
            return lr()
        return lr

    @learning_rate.setter
    def learning_rate(self, learning_rate: Any) -> None:
        self._set_learning_rate(learning_rate)

    # -------------------------------------------------------------- apply
    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Variable]]):
        """Apply ``(gradient, variable)`` pairs; returns the iteration counter."""
        grads, trainable_variables = zip(*grads_and_vars)
        self.apply(list(grads), list(trainable_variables))
        return self._iterations

    def apply(self, grads: Sequence[Any], trainable_variables: Sequence[Variable] | None = None) -> None:
        """Update ``trainable_variables`` (default: those built on) with ``grads``, one to one."""
        if len(grads) == 0:
            return
        if trainable_variables is None:
            if not self.built:
                raise ValueError(
                    "When passing `grads` without `variables`, the optimizer must already be built on a "
                    "list of variables. Call `optimizer.build(trainable_variables)` first."
                )
            if len(grads) != len(self._trainable_variables):
                raise ValueError(
                    f"Optimizer {self.name!r}: received {len(grads)} gradients but it tracks "
                    f"{len(self._trainable_variables)} trainable variables."
                )
            trainable_variables = self._trainable_variables
        else:
            trainable_variables = list(trainable_variables)
            if len(grads) != len(trainable_variables):
                raise ValueError(f"Optimizer {self.name!r}: {len(grads)} gradients for "
                                 f"{len(trainable_variables)} variables")
            if not self.built:
                self.build(trainable_variables)
                self.built = True
            self._check_variables_are_known(trainable_variables)
        grads, trainable_variables = self._filter_empty_gradients(grads, trainable_variables)
        if self.loss_scale_factor is not None:
            grads = [ops.divide(g, self.loss_scale_factor) for g in grads]
        self._apply_gradients(grads, trainable_variables)
        for variable in trainable_variables:
            constraint = getattr(variable, "constraint", None)
            if constraint is not None:
                variable.assign(constraint(variable))
        self._iterations.assign_add(ops.ones((), dtype=self._iterations.dtype))

    def _check_variables_are_known(self, variables: Sequence[Variable]) -> None:
        for v in variables:
            if id(v) not in self._trainable_variables_indices:
                raise ValueError(
                    f"Unknown variable: {getattr(v, 'path', v)}. This optimizer can only be called for the "
                    "variables it was originally built with. When working with a new set of variables, "
                    "you should recreate a new optimizer instance."
                )

    def _filter_empty_gradients(self, grads, variables):
        kept = [(g, v) for g, v in zip(grads, variables) if g is not None]
        if not kept:
            raise ValueError("No gradients provided for any variable.")
        if len(kept) != len(grads):
            missing = [getattr(v, "path", v.name) for g, v in zip(grads, variables) if g is None]
            warnings.warn(f"Gradients do not exist for variables {missing} when minimizing the loss. "
                          "If using `model.compile()`, did you forget to provide a `loss` argument?")
        return [g for g, _ in kept], [v for _, v in kept]

    def _apply_gradients(self, grads: list, trainable_variables: list[Variable]) -> None:
        steps = self.gradient_accumulation_steps
        if steps:
            is_update = ops.equal(ops.mod(ops.add(self._iterations.value, 1), steps), 0)
            acc = [self._accumulated_gradients[self._get_variable_index(v)] for v in trainable_variables]
            before_vars = [v.value for v in trainable_variables]
            before_slots = [v.value for v in self._variables]
            new_acc = [ops.where(is_update, ops.zeros_like(a.value), ops.add(g, a.value)) for g, a in zip(grads, acc)]
            grads = [ops.where(is_update, ops.divide(ops.add(g, a.value), steps), g) for g, a in zip(grads, acc)]
            self._step(grads, trainable_variables)
            for v, old in zip(trainable_variables, before_vars):
                v.assign(ops.where(is_update, v.value, old))
            for v, old in zip(self._variables, before_slots):
                v.assign(ops.where(is_update, v.value, old))
            for a, value in zip(acc, new_acc):
                a.assign(value)
        else:
            self._step(grads, trainable_variables)
        if self.use_ema:
            self._update_model_variables_moving_average(self._trainable_variables)
            if self.ema_overwrite_frequency:
                overwrite = ops.equal(ops.mod(ops.add(self.iterations, 1), self.ema_overwrite_frequency), 0)
                for var, average in zip(self._trainable_variables, self._model_variables_moving_average):
                    var.assign(ops.where(overwrite, average.value, var.value))

    def _step(self, grads: list, trainable_variables: list[Variable]) -> None:
        grads = self._clip_gradients(grads)
        self._apply_weight_decay(trainable_variables)
        learning_rate = self.learning_rate
        for grad, var in zip(grads, trainable_variables):
            self.update_step(grad, var, learning_rate)

    def update_step(self, gradient, variable: Variable, learning_rate) -> None:
        raise NotImplementedError(f"Optimizer {type(self).__name__} must implement update_step()")

    # ------------------------------------------------------------ helpers
    def assign(self, variable: Variable, value) -> None:
        variable.assign(value)

    def assign_add(self, variable: Variable, value) -> None:
        variable.assign_add(value)

    def assign_sub(self, variable: Variable, value) -> None:
        variable.assign_sub(value)

    def _clip_by_norm(self, values):
        l2sum = ops.sum(ops.square(values), keepdims=True)
        positive = ops.greater(l2sum, 0)
        l2norm = ops.where(positive, ops.sqrt(ops.where(positive, l2sum, ops.ones_like(l2sum))), l2sum)
        return ops.divide(ops.multiply(values, self.clipnorm), ops.maximum(l2norm, self.clipnorm))

    def _clip_gradients(self, grads: list) -> list:
        if self.clipnorm and self.clipnorm > 0:
            return [self._clip_by_norm(g) for g in grads]
        if self.global_clipnorm and self.global_clipnorm > 0:
            return clip_by_global_norm(grads, self.global_clipnorm)
        if self.clipvalue and self.clipvalue > 0:
            v = self.clipvalue
            return [ops.clip(g, -v, v) for g in grads]
        return grads

    def exclude_from_weight_decay(self, var_list: Sequence[Variable] | None = None,
                                  var_names: Sequence[str] | None = None) -> None:
        """Leave ``var_list`` and variables whose name contains one of ``var_names`` undecayed."""
        if self.built:
            raise ValueError("`exclude_from_weight_decay()` can only be configured before the optimizer is built.")
        self._exclude_ids = {id(v) for v in var_list or ()}
        self._exclude_pattern = re.compile("|".join(set(var_names))) if var_names else None

    def _use_weight_decay(self, variable: Variable) -> bool:
        if id(variable) in self._exclude_ids:
            return False
        return not (self._exclude_pattern is not None and self._exclude_pattern.search(variable.name))

    def _apply_weight_decay(self, variables: Sequence[Variable]) -> None:
        if self.weight_decay is None:
            return
        lr_value = self.learning_rate
        for variable in variables:
            if self._use_weight_decay(variable):
                lr = ops.cast(lr_value, variable.dtype)
                wd = ops.cast(self.weight_decay, variable.dtype)
                variable.assign(ops.subtract(variable.value, ops.multiply(ops.multiply(variable.value, wd), lr)))

    def _update_model_variables_moving_average(self, trainable_variables: Sequence[Variable]) -> None:
        not_first_step = ops.not_equal(self.iterations, 0)
        for var, average in zip(trainable_variables, self._model_variables_moving_average):
            momentum = ops.multiply(ops.cast(not_first_step, var.dtype), self.ema_momentum)
            average.assign(ops.add(ops.multiply(momentum, average.value),
                                   ops.multiply(ops.subtract(1.0, momentum), var.value)))

    def finalize_variable_values(self, var_list: Sequence[Variable]) -> None:
        """With EMA, overwrite ``var_list`` with the moving averages (end of training)."""
        if self.use_ema:
            if len(var_list) != len(self._model_variables_moving_average):
                raise ValueError(f"Optimizer {self.name!r} tracks {len(self._model_variables_moving_average)} "
                                 f"averages but received {len(var_list)} variables to overwrite")
            for var, average in zip(var_list, self._model_variables_moving_average):
                var.assign(average.value)

    def scale_loss(self, loss):
        """Multiply ``loss`` by ``loss_scale_factor`` when set."""
        return loss if self.loss_scale_factor is None else ops.multiply(loss, self.loss_scale_factor)

    def stateless_apply(self, optimizer_variables: Sequence[Any], grads: Sequence[Any],
                        trainable_variables: Sequence[Any]) -> tuple[list, list]:
        """``(new trainable values, new optimizer values)`` from the given values; Variables untouched."""
        if not self.built:
            raise ValueError(f"To call `stateless_apply`, {type(self).__name__} must be built "
                             "(call `optimizer.build(trainable_variables)`).")
        if len(optimizer_variables) != len(self._variables):
            raise ValueError(f"Optimizer {self.name!r}: expected {len(self._variables)} optimizer values, "
                             f"received {len(optimizer_variables)}")
        if len(trainable_variables) != len(self._trainable_variables):
            raise ValueError(f"Optimizer {self.name!r}: expected {len(self._trainable_variables)} trainable "
                             f"values, received {len(trainable_variables)}")
        mapping = list(zip(self._trainable_variables, trainable_variables)) + list(
            zip(self._variables, optimizer_variables))
        with StatelessScope(mapping):
            self.apply(grads)
            return [v.value for v in self._trainable_variables], [v.value for v in self._variables]

    # ------------------------------------------------------------- saving
    def set_weights(self, weights: Sequence[Any]) -> None:
        if not self.built:
            raise ValueError("You are calling `set_weights()` on an optimizer that has not yet been built. "
                             "Call `optimizer.build(trainable_variables)` first.")
        for variable, weight in zip(self._variables, weights):
            if tuple(variable.shape) != tuple(np.shape(weight)):
                raise ValueError(f"Optimizer variable {variable.path} has shape {variable.shape} not compatible "
                                 f"with provided weight shape {tuple(np.shape(weight))}.")
            variable.assign(weight)

    def save_own_variables(self, store: dict) -> None:
        """Write variables as ``store["0"]``, ``store["1"]``... (the .keras layout)."""
        for i, variable in enumerate(self._variables):
            store[str(i)] = variable.numpy()

    def load_own_variables(self, store: Mapping[str, Any]) -> None:
        """Read variables written by :meth:`save_own_variables`; warn and skip on a count mismatch."""
        if len(store.keys()) != len(self._variables):
            msg = (f"Skipping variable loading for optimizer '{self.name}', because it has "
                   f"{len(self._variables)} variables whereas the saved optimizer has {len(store.keys())} variables. ")
            if not self.built:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        for i, variable in enumerate(self._variables):
            variable.assign(np.asarray(store[str(i)]))

    def get_config(self) -> dict:
        lr = self._learning_rate
        if isinstance(lr, LearningRateSchedule):
            learning_rate: Any = _serialize_schedule(lr)
        elif isinstance(lr, Variable):
            learning_rate = float(np.asarray(lr.numpy()))
        elif callable(lr):
            from kcore.losses.serialization import serialize_keras_object

            learning_rate = serialize_keras_object(lr)
        else:
            learning_rate = float(lr)
        return {
            "name": self.name, "learning_rate": learning_rate, "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm, "global_clipnorm": self.global_clipnorm, "clipvalue": self.clipvalue,
            "use_ema": self.use_ema, "ema_momentum": self.ema_momentum,
            "ema_overwrite_frequency": self.ema_overwrite_frequency, "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": self.gradient_accumulation_steps,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: Mapping[str, Any] | None = None) -> "Optimizer":
        config = dict(config)
        if isinstance(config.get("learning_rate"), dict):
            from kcore.optimizers.schedules import deserialize as _deserialize_schedule

            config["learning_rate"] = _deserialize_schedule(config["learning_rate"], custom_objects)
        return cls(**config)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def global_norm(values: Sequence[Any]):
    """``sqrt(sum of squares)`` over all tensors."""
    return ops.sqrt(ops.sum(ops.stack([ops.sum(ops.square(v)) for v in values if v is not None])))


def clip_by_global_norm(values: Sequence[Any], clip_norm: float) -> list:
    """Scale all ``values`` together so their global norm is at most ``clip_norm``."""
    norm = global_norm(values)
    scale = ops.multiply(clip_norm, ops.minimum(ops.divide(1.0, norm), 1.0 / clip_norm))
    scale = ops.add(scale, ops.subtract(norm, norm))  # NaN/inf norms propagate
    return [None if v is None else ops.multiply(v, scale) for v in values]
