"""Layer: the base class of every layer and model."""

from __future__ import annotations

import functools
import inspect
from typing import Any

from kcore import backend as _backend
from kcore.graph import masking, nest
from kcore.graph.keras_tensor import KerasTensor, any_symbolic
from kcore.graph.naming import to_snake_case, unique_name
from kcore.graph.node import Node
from kcore.graph.operation import _trace_depth, tracing
from kcore.layers.dtype_policy import DTypePolicy
from kcore.layers.input_spec import InputSpec, check_input_spec
from kcore.variables import Variable

# The ``training`` flag of the outermost layer call, inherited by nested calls.
_call_training: list = []

# Layers whose call (or build) is running: weights created inside get their names as a path prefix
# (``mlp/dense/kernel`` for a Dense built during the call of a subclassed model ``mlp``).
_scope: list = []

_SIGNATURES: dict[type, tuple[bool, bool, bool]] = {}
_COMPUTES_MASK: dict[type, bool] = {}


def _computes_mask(cls: type) -> bool:
    """True when ``cls`` overrides ``compute_mask`` (Embedding, Masking...)."""
    flag = _COMPUTES_MASK.get(cls)
    if flag is None:
        flag = _COMPUTES_MASK[cls] = cls.compute_mask is not Layer.compute_mask
    return flag


def _call_signature(cls: type) -> tuple[bool, bool, bool]:
    """(accepts training, accepts mask, accepts **kwargs) for ``cls.call``."""
    sig = _SIGNATURES.get(cls)
    if sig is None:
        params = inspect.signature(cls.call).parameters
        var_kw = any(p.kind == p.VAR_KEYWORD for p in params.values())
        sig = ("training" in params, "mask" in params, var_kw)
        _SIGNATURES[cls] = sig
    return sig


def _shape_structure(x: Any) -> Any:
    if isinstance(x, (list, tuple)):
        return [_shape_structure(e) for e in x]
    if isinstance(x, dict):
        return {k: _shape_structure(v) for k, v in x.items()}
    if hasattr(x, "shape"):
        return tuple(x.shape)
    return None


def _fresh_output(t: Any) -> Any:
    """A new KerasTensor for an output that already belongs to the graph (e.g. ``return inputs``)."""
    if isinstance(t, KerasTensor) and t._keras_history is not None:
        copy = KerasTensor(t.shape, dtype=t.dtype, sparse=t.sparse)
        copy._keras_mask = t._keras_mask
        return copy
    return t


def _is_simple_config_value(v: Any) -> bool:
    if v is None or isinstance(v, (bool, int, float, str)):
        return True
    if isinstance(v, (list, tuple)):
        return all(_is_simple_config_value(e) for e in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_simple_config_value(e) for k, e in v.items())
    return False


class layer_scope:
    """Context manager: weights created inside are named under ``layer`` (no-op if it is already the innermost)."""

    __slots__ = ("layer", "pushed")

    def __init__(self, layer) -> None:
        self.layer = layer
        self.pushed = False

    def __enter__(self):
        if not (_scope and _scope[-1] is self.layer):
            _scope.append(self.layer)
            self.pushed = True

    def __exit__(self, *exc):
        if self.pushed:
            _scope.pop()


def _scoped_build(build):
    """Wrap a subclass's ``build`` so the weights it creates are named under the layer (``outer/inner/kernel``)."""

    @functools.wraps(build)
    def scoped_build(self, *args, **kwargs):
        with layer_scope(self):
            return build(self, *args, **kwargs)

    scoped_build._kcore_scoped = True
    return scoped_build


@functools.lru_cache(maxsize=None)
def _init_signature(cls: type) -> inspect.Signature:
    """``inspect.signature(cls.__init__)``, once per class (it is slow, and every layer needs it)."""
    return inspect.signature(cls.__init__)


class Layer:
    """Base class of layers: weights, a ``call`` and graph bookkeeping.

    Subclasses implement ``call(inputs, training=None, mask=None, **kwargs)``
    and, when they own weights, ``build(input_shape)`` using :meth:`add_weight`.
    """

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        build = cls.__dict__.get("build")
        if build is not None and not getattr(build, "_kcore_scoped", False):
            cls.build = _scoped_build(build)

    # True for models whose call runs a functional plan that passes masks between its layers itself.
    _runs_plan = False

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        # Tracking must work even before a subclass calls super().__init__().
        object.__setattr__(obj, "_layers", [])
        object.__setattr__(obj, "_trainable_variables", [])
        object.__setattr__(obj, "_non_trainable_variables", [])
        object.__setattr__(obj, "_tracking", True)
        # Constructor arguments, used by the default get_config of custom layers.
        try:
            signature = _init_signature(cls)
            bound = signature.bind(None, *args, **kwargs)
            bound.apply_defaults()
            cfg = {k: v for k, v in bound.arguments.items() if k != "self"}
            extra = cfg.pop("kwargs", {}) if "kwargs" in signature.parameters else {}
            cfg.update(extra)
            cfg.pop("args", None)
            auto = cfg if _is_simple_config_value(cfg) else None
        except TypeError:
            auto = None
        object.__setattr__(obj, "_auto_config", auto)
        return obj

    def __init__(self, *, activity_regularizer=None, trainable: bool = True, dtype=None, autocast: bool = True,
                 name: str | None = None, input_shape=None, input_dim=None, batch_input_shape=None,
                 batch_size=None, input_dtype=None, **kwargs) -> None:
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        self._name = name or unique_name(to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self.dtype_policy = DTypePolicy.get(dtype)
        self.autocast = autocast
        self.built = False
        self.supports_masking = getattr(self, "supports_masking", False)
        self.input_spec: InputSpec | list | None = getattr(self, "input_spec", None)
        self._inbound_nodes: list[Node] = []
        self._outbound_nodes: list[Node] = []
        self._losses: list = []
        self._seed_generators: list = []
        self._build_shapes = None
        from kcore import regularizers

        self.activity_regularizer = regularizers.get(activity_regularizer) if activity_regularizer else None
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            self._batch_input_shape = (batch_size,) + tuple(input_shape)
        else:
            self._batch_input_shape = None
        self._input_dtype = input_dtype

    # ------------------------------------------------------------ tracking
    def __setattr__(self, name: str, value: Any) -> None:
        if getattr(self, "_tracking", False) and not name.startswith("__"):
            self._track(value)
        object.__setattr__(self, name, value)

    def _track(self, value: Any) -> None:
        if isinstance(value, Layer):
            if value is not self and all(value is not l for l in self._layers):
                self._layers.append(value)
        elif isinstance(value, (list, tuple)):
            for v in value:
                if isinstance(v, Layer):
                    self._track(v)
        elif isinstance(value, dict):
            for v in value.values():
                if isinstance(v, Layer):
                    self._track(v)

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value

    @property
    def dtype(self) -> str:
        """The variable dtype (``"float32"``)."""
        return self.dtype_policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self.dtype_policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self.dtype_policy.variable_dtype

    @property
    def path(self) -> str:
        return self._name

    # ------------------------------------------------------------- weights
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable: bool = True, autocast: bool = True,
                   regularizer=None, constraint=None, aggregation: str = "none", name: str | None = None) -> Variable:
        """Create a weight owned by this layer."""
        from kcore import constraints, initializers, regularizers
        from kcore.dtypes import standardize_dtype

        shape = () if shape is None else tuple(shape)
        for d in shape:
            if d is None or (isinstance(d, int) and d < 0):
                raise ValueError(
                    f"Layer '{self.name}': cannot create weight {name or 'variable'!r} with undefined or negative "
                    f"dimension in shape {shape}. Make sure the layer's input shape is fully defined where needed."
                )
        dtype = standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtype.startswith(("float", "bfloat")) else "zeros"
        init = initializers.get(initializer)
        var = Variable(init, shape=shape, dtype=dtype, trainable=trainable, name=name or unique_name("variable"))
        var.path = self._weight_path(var.name)
        var.regularizer = regularizers.get(regularizer) if regularizer is not None else None
        var.constraint = constraints.get(constraint) if constraint is not None else None
        var._layer_trainable = trainable
        if trainable and not self._trainable:
            var.trainable = False  # a frozen layer's new weights stay frozen until `trainable = True`
        (self._trainable_variables if trainable else self._non_trainable_variables).append(var)
        return var

    def _weight_path(self, name: str) -> str:
        """``outer/inner/name``: the names of the layers whose call is running, then this layer's."""
        if not _scope:
            return f"{self.name}/{name}"
        names = [layer.name for layer in _scope]
        if _scope[-1] is not self:
            names.append(self.name)
        return "/".join(names) + "/" + name

    def _own_and_nested(self, attr: str) -> list:
        out, seen = [], set()
        for v in getattr(self, attr):
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in self._layers:
            for v in layer._own_and_nested(attr):
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def weights(self) -> list[Variable]:
        """Own weights (trainable, then non-trainable), then nested layers' weights."""
        out, seen = [], set()
        for v in self._trainable_variables + self._non_trainable_variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in self._layers:
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def variables(self) -> list[Variable]:
        """Weights plus other state (seed generators, metrics)."""
        out, seen = [], set()
        for v in self.weights:
            seen.add(id(v))
            out.append(v)
        for layer in [self] + self._flatten_layers():
            for sg in layer._seed_generators:
                if id(sg.state) not in seen:
                    seen.add(id(sg.state))
                    out.append(sg.state)
        return out

    def _flatten_layers(self) -> list["Layer"]:
        """Every nested layer once, breadth first."""
        out, seen = [], set()
        queue = list(self._layers)
        i = 0
        while i < len(queue):
            layer = queue[i]
            i += 1
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            out.append(layer)
            queue.extend(layer._layers)
        return out

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        value = bool(value)
        self._trainable = value
        for v in self._trainable_variables:
            v.trainable = value
        for layer in self._layers:
            layer.trainable = value

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                "Build it first by calling it on data or with `build(input_shape)`."
            )
        total = 0
        for v in self.weights:
            n = 1
            for d in v.shape:
                n *= d
            total += n
        return total

    def get_weights(self) -> list:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: list) -> None:
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expects {len(own)} weights, but set_weights() received {len(weights)}."
            )
        for v, w in zip(own, weights):
            shape = tuple(getattr(w, "shape", ()))
            if shape != tuple(v.shape):
                raise ValueError(
                    f"Layer '{self.name}' weight '{v.name}' has shape {tuple(v.shape)}, but the value given has shape {shape}."
                )
            v.assign(w)

    # -------------------------------------------------------------- losses
    def add_loss(self, loss) -> None:
        """Add a loss tensor (read through ``losses``; reset at each top-level call).

        Losses added while a layer is traced symbolically (building a functional graph) are
        dropped: the real value is added when the model runs on data.
        """
        if isinstance(loss, KerasTensor):
            return
        self._losses.append(loss)

    @property
    def losses(self) -> list:
        out = list(self._losses)
        for layer in self._flatten_layers():
            out.extend(layer._losses)
        for v in self.weights:
            reg = getattr(v, "regularizer", None)
            if reg is not None:
                out.append(reg(v.value))
        return out

    def _clear_losses(self) -> None:
        for layer in [self] + self._flatten_layers():
            if layer._losses:
                object.__setattr__(layer, "_losses", [])

    # --------------------------------------------------------------- build
    def build(self, input_shape=None) -> None:
        """Create weights for ``input_shape``; the default creates none."""
        self.built = True

    def _maybe_build(self, first_arg: Any) -> None:
        if self.built:
            return
        shapes = _shape_structure(first_arg)
        self._build_shapes = shapes
        if self._has_default_build():
            # Layers without a build() create their sublayers' weights during the first call.
            self.built = True
            return
        if not isinstance(first_arg, (list, tuple, dict)) and shapes is not None:
            shapes = tuple(shapes)
        self.build(shapes)
        self.built = True

    def _has_default_build(self) -> bool:
        build = type(self).build
        return build is Layer.build or getattr(build, "_kcore_default", False)

    def _build_by_tracing(self, args: tuple, kwargs: dict) -> None:
        """Run ``call`` once on symbolic copies of the inputs so that every sublayer builds its weights.

        Done, as Keras does, on the first eager call of a layer or model that has no ``build()``
        of its own but owns sublayers that are not built yet.
        """
        if all(layer.built for layer in self._layers):
            return
        b = _backend.current()

        def symbolic(x):
            if isinstance(x, KerasTensor):
                return x
            if isinstance(x, Variable):
                x = x.value
            if b.is_tensor(x):
                return KerasTensor(tuple(x.shape), dtype=b.dtype(x))
            return x

        sym_args = nest.map_structure(symbolic, list(args))
        sym_kwargs = {k: nest.map_structure(symbolic, v) for k, v in kwargs.items()}
        _call_training.append(kwargs.get("training"))
        try:
            with tracing():
                self.call(*sym_args, **sym_kwargs)
        except Exception as e:  # noqa: BLE001 - the eager call that follows builds lazily instead
            import warnings

            warnings.warn(
                f"Layer '{self.name}' has unbuilt sublayers but its `call()` could not be traced symbolically "
                f"to build them ({type(e).__name__}: {e}). They will be built during the first call; implement "
                "`build(input_shape)` to build them explicitly.",
                stacklevel=3,
            )
        finally:
            _call_training.pop()

    def build_from_config(self, config: dict) -> None:
        shape = config.get("input_shape") if config else None
        if shape is not None and not self.built:
            self._maybe_build_from_shape(shape)

    def _maybe_build_from_shape(self, shape) -> None:
        def to_tuple(s):
            if isinstance(s, (list, tuple)) and s and isinstance(s[0], (list, tuple)):
                return [to_tuple(e) for e in s]
            return tuple(s)

        shape = to_tuple(shape)
        self._build_shapes = shape
        self.build(shape)
        self.built = True

    def get_build_config(self) -> dict | None:
        if self._build_shapes is None:
            return None
        return {"input_shape": self._build_shapes}

    # ------------------------------------------------------------- calling
    def call(self, *args, **kwargs):
        raise NotImplementedError(f"Layer {type(self).__name__} does not implement call()")

    def __call__(self, *args, **kwargs):
        if not args:
            raise ValueError(f"Layer '{self.name}' was called without inputs.")
        has_training, has_mask, var_kw = _call_signature(type(self))
        training_ctx = None
        if has_training or var_kw:
            if kwargs.get("training") is None:
                if _call_training and _call_training[-1] is not None:
                    kwargs["training"] = _call_training[-1]
                elif "training" in kwargs:
                    del kwargs["training"]
        elif "training" in kwargs:
            # `call` takes no `training`, but the layers it calls still inherit the flag.
            training_ctx = kwargs.pop("training")
        if not has_mask and not var_kw:
            kwargs.pop("mask", None)
        if any_symbolic(args) or (kwargs and any_symbolic(list(kwargs.values()))):
            return self._symbolic_call(args, kwargs, has_mask)
        return self._eager_call(args, kwargs, has_mask, training_ctx)

    def _convert_inputs(self, x):
        """NumPy arrays and Python lists become backend tensors; floats take the compute dtype."""
        b = _backend.current()
        if isinstance(x, (list, tuple)):
            return type(x)(self._convert_inputs(e) for e in x)
        if isinstance(x, dict):
            return {k: self._convert_inputs(v) for k, v in x.items()}
        if isinstance(x, KerasTensor):
            return x
        if isinstance(x, Variable):
            x = x.value
        if b.is_tensor(x):
            if self.autocast:
                dt = b.dtype(x)
                if dt != self.compute_dtype and dt.startswith(("float", "bfloat")) and self.compute_dtype.startswith(("float", "bfloat")):
                    return b.cast(x, self.compute_dtype)
            return x
        if hasattr(x, "__array__") or isinstance(x, (int, float)):
            import numpy as np

            arr = np.asarray(x)
            if arr.dtype.kind == "f":
                return b.convert_to_tensor(arr, dtype=self.compute_dtype if self.autocast else None)
            if arr.dtype.kind in "iub":
                return b.convert_to_tensor(arr)
        return x

    def _eager_call(self, args, kwargs, has_mask: bool = False, training_ctx=None):
        raw = args[0]
        args = (self._convert_inputs(raw),) + tuple(args[1:])
        # Masks of eager tensors (Embedding(mask_zero=True) -> LSTM in a subclassed model). Layers run by a
        # functional model's plan get their masks from the plan instead.
        computes_mask = _computes_mask(type(self))
        mask_io = (computes_mask or masking.active()) and not (_scope and _scope[-1]._runs_plan)
        in_mask = None
        if mask_io:
            in_mask = kwargs.get("mask") if has_mask else None
            if in_mask is None and masking.active():
                in_mask = masking.get_masks(raw)
                if in_mask is None and args[0] is not raw:
                    in_mask = masking.get_masks(args[0])
                if in_mask is not None and has_mask:
                    kwargs["mask"] = in_mask
        if not _scope and (self._losses or self._layers):
            # A top-level call starts a new forward pass: drop the losses of the previous one.
            self._clear_losses()
        _scope.append(self)
        try:
            if not self.built:
                self._maybe_build(args[0])
                if self._layers and self._has_default_build():
                    self._build_by_tracing(args, kwargs)
            if self.input_spec is not None:
                check_input_spec(self.input_spec, args[0], self.name)
            training = kwargs.get("training", training_ctx)
            _call_training.append(training if training is not None else (_call_training[-1] if _call_training else None))
            try:
                outputs = self.call(*args, **kwargs)
            finally:
                _call_training.pop()
        finally:
            _scope.pop()
        if mask_io and (in_mask is not None or computes_mask):
            out_mask = self.compute_mask(args[0], in_mask)
            if out_mask is not None:
                masking.set_masks(outputs, out_mask)
        if self.activity_regularizer is not None:
            for o in nest.flatten(outputs):
                self.add_loss(self.activity_regularizer(o))
        return outputs

    def _check_input_spec(self, inputs) -> None:
        if self.input_spec is not None:
            check_input_spec(self.input_spec, inputs, self.name)

    def _symbolic_call(self, args, kwargs, has_mask):
        _scope.append(self)
        try:
            return self._symbolic_call_in_scope(args, kwargs, has_mask)
        finally:
            _scope.pop()

    def _symbolic_call_in_scope(self, args, kwargs, has_mask):
        first = args[0]
        self._check_input_spec(first)
        if not self.built:
            self._maybe_build(first)
        spec_kwargs = kwargs
        if has_mask and kwargs.get("mask") is None:
            masks = [getattr(t, "_keras_mask", None) for t in nest.flatten(first)]
            if any(m is not None for m in masks):
                # Implicit masks travel with the tensors; the node records only explicit arguments.
                spec_kwargs = dict(kwargs)
                spec_kwargs["mask"] = masks[0] if not isinstance(first, (list, tuple, dict)) else nest.pack_sequence_as(first, masks)
        outputs = self.compute_output_spec(*args, **spec_kwargs)
        outputs = nest.map_structure(_fresh_output, outputs)
        self._attach_masks(first, spec_kwargs.get("mask"), outputs)
        if _trace_depth[0] > 0:
            return outputs
        Node(self, args, kwargs, outputs)
        return outputs

    def _attach_masks(self, inputs, mask, outputs) -> None:
        if mask is None:
            masks = [getattr(t, "_keras_mask", None) for t in nest.flatten(inputs)]
            if all(m is None for m in masks):
                if type(self).compute_mask is Layer.compute_mask:
                    return
                mask = None
            else:
                mask = masks[0] if not isinstance(inputs, (list, tuple, dict)) else nest.pack_sequence_as(inputs, masks)
        with tracing():
            out_mask = self.compute_mask(inputs, mask)
        if out_mask is None:
            return
        flat_out = [o for o in nest.flatten(outputs) if isinstance(o, KerasTensor)]
        flat_mask = nest.flatten(out_mask) if isinstance(out_mask, (list, tuple)) else [out_mask] * len(flat_out)
        for o, m in zip(flat_out, flat_mask):
            o._keras_mask = m

    def compute_mask(self, inputs, previous_mask=None):
        """Mask for the outputs: passes ``previous_mask`` through when ``supports_masking``."""
        if self.supports_masking:
            return previous_mask
        return None

    def compute_output_spec(self, *args, **kwargs):
        """Output KerasTensors for symbolic inputs.

        Uses ``compute_output_shape`` when the layer overrides it, otherwise
        runs ``call`` on the KerasTensors (every kcore op infers shapes).
        """
        if type(self).compute_output_shape is not Layer.compute_output_shape and len(args) == 1 and "mask" not in kwargs:
            first = args[0]
            shape = self.compute_output_shape(_shape_structure(first) if isinstance(first, (list, tuple, dict)) else tuple(first.shape))
            in_dtype = nest.flatten(first)[0].dtype if nest.flatten(first) else self.compute_dtype

            def make(s):
                return KerasTensor(s, dtype=self._output_dtype(in_dtype))

            if isinstance(shape, dict):
                return {k: make(v) for k, v in shape.items()}
            if isinstance(shape, list) and shape and isinstance(shape[0], (list, tuple)):
                return [make(s) for s in shape]
            if isinstance(shape, tuple) and shape and isinstance(shape[0], tuple):
                return tuple(make(s) for s in shape)
            return make(shape)
        training = kwargs.get("training")
        _call_training.append(training)
        try:
            with tracing():
                return self.call(*args, **kwargs)
        finally:
            _call_training.pop()

    def _output_dtype(self, input_dtype: str) -> str:
        return self.compute_dtype

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape``; the default traces ``call`` symbolically."""
        def make(s):
            return KerasTensor(s, dtype=self.compute_dtype)

        if isinstance(input_shape, list):
            inputs = [make(s) for s in input_shape]
        else:
            inputs = make(input_shape)
        with tracing():
            out = self.call(inputs)
        return nest.map_structure(lambda t: tuple(t.shape), out)

    # -------------------------------------------------------- graph access
    def _single_node(self, what: str) -> Node:
        if not self._inbound_nodes:
            raise AttributeError(f"Layer '{self.name}' has never been called and thus has no defined {what}.")
        if len(self._inbound_nodes) > 1:
            raise AttributeError(
                f"Layer '{self.name}' has been called {len(self._inbound_nodes)} times, so it has several {what}s; "
                f"use `get_{what}_at(node_index)` instead."
            )
        return self._inbound_nodes[0]

    @property
    def input(self):
        node = self._single_node("input")
        return node.input_tensors[0] if len(node.input_tensors) == 1 else list(node.input_tensors)

    @property
    def output(self):
        node = self._single_node("output")
        return node.output_structure

    def get_input_at(self, node_index: int):
        node = self._inbound_nodes[node_index]
        return node.input_tensors[0] if len(node.input_tensors) == 1 else list(node.input_tensors)

    def get_output_at(self, node_index: int):
        return self._inbound_nodes[node_index].output_structure

    # ----------------------------------------------------------- config
    def get_config(self) -> dict:
        """Constructor arguments. Custom layers without an override get their captured init args."""
        config: dict = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype_policy.serialize()}
        if type(self).get_config is Layer.get_config and self._auto_config is not None:
            extra = {k: v for k, v in self._auto_config.items() if k not in ("name", "trainable", "dtype")}
            config.update(extra)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        if "dtype" in config and isinstance(config["dtype"], dict):
            config["dtype"] = DTypePolicy.from_config_value(config["dtype"])
        try:
            return cls(**config)
        except TypeError as e:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}. Exception: {e}"
            ) from e

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


# Graph-level ops (ops called on functional tensors outside any layer) become OpLayer nodes.
from kcore.layers import op_layer as _op_layer  # noqa: E402,F401
