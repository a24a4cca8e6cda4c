"""The backend contract: everything a kcore backend plugin provides.

This is the one module a plugin author reads. A backend plugin is a Python
module registered in the ``kcore.backends`` entry-point group that implements
one pluggy hook, :func:`kcore_register_backends`. The hook receives a
:class:`BackendRegistry` and adds one or more :class:`BackendInfo` records.
Registration must be cheap: it names the framework and *where* the backend
class lives (``"package.module:ClassName"``) but imports nothing heavy. kcore
imports that class only when the backend is selected.

The backend class subclasses :class:`Backend` and implements every method
marked *required* below. Methods marked *derived* have portable default
implementations written in terms of the required ones; override them when the
framework has a faster native version.

Conventions every method follows:

* Tensors are the framework's native tensor type. Inputs may also be Python
  scalars or NumPy arrays unless said otherwise; ``convert_to_tensor`` is the
  way in.
* ``dtype`` arguments and return values are kcore's standard dtype names:
  ``"float16" "bfloat16" "float32" "float64" "int8" "int16" "int32" "int64"
  "uint8" "uint16" "uint32" "uint64" "bool"``. ``None`` means "infer"
  (floats default to ``"float32"``).
* ``axis`` arguments are ``None``, an ``int`` or a ``tuple`` of ints
  (kcore normalises lists to tuples before calling).
* Spatial ops receive ``data_format`` as ``"channels_last"`` or
  ``"channels_first"``, ``padding`` as ``"valid"`` or ``"same"``, and
  ``strides``/``dilation_rate``/``pool_size`` as tuples with one int per
  spatial dimension. Kernels are laid out channels-last as Keras does:
  ``(*spatial, in_channels, out_channels)`` for ``conv``,
  ``(*spatial, out_channels, in_channels)`` for ``conv_transpose`` and
  ``(*spatial, in_channels, multiplier)`` for ``depthwise_conv``.
* Random ops take ``seed``: a native ``int32`` tensor of shape ``(2,)``
  produced by kcore's ``SeedGenerator``. The same seed must give the same
  numbers (stateless random), so compiled train steps stay pure.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, Sequence

import numpy as np
import pluggy

PROJECT = "kcore"
ENTRY_POINT_GROUP = "kcore.backends"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

Tensor = Any
Shape = tuple
Axis = "int | tuple[int, ...] | None"


# --------------------------------------------------------------------------
# Registration: the pluggy hook and the records it adds
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class BackendInfo:
    """What kcore knows about a backend before importing it.

    Attributes:
        name: the name users pass as ``KCORE_BACKEND``.
        backend_class: ``"module.path:ClassName"`` of a :class:`Backend`
            subclass, imported only when the backend is selected.
        framework: the import name of the framework (``"jax"``); kcore checks
            it with ``importlib.util.find_spec`` without importing it.
        install_hint: what to ``pip install`` when the framework is missing.
        description: one line for ``kcore info``.
    """

    name: str
    backend_class: str
    framework: str
    install_hint: str
    description: str = ""


class BackendRegistry:
    """The object handed to :func:`kcore_register_backends`."""

    def __init__(self) -> None:
        self._infos: dict[str, BackendInfo] = {}
        self._plugins: dict[str, object] = {}

    def add(self, info: BackendInfo, *, plugin: object = None) -> None:
        """Register a backend; a second backend with the same name is an error."""
        if not isinstance(info, BackendInfo):
            raise TypeError(f"registry.add() expects a BackendInfo, got {type(info).__name__}")
        if info.name in self._infos and self._infos[info.name] != info:
            raise ValueError(
                f"Two plugins register a backend named {info.name!r}: "
                f"{self._infos[info.name].backend_class} and {info.backend_class}"
            )
        self._infos[info.name] = info
        self._plugins[info.name] = plugin

    def names(self) -> list[str]:
        return sorted(self._infos)

    def get(self, name: str) -> BackendInfo | None:
        return self._infos.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._infos

    def __iter__(self):
        return iter(self._infos[n] for n in self.names())


class BackendSpecs:
    """Hook specifications. A plugin implements these with ``@hookimpl``."""

    @hookspec
    def kcore_register_backends(self, registry: BackendRegistry) -> None:
        """Add this plugin's backends to ``registry`` with ``registry.add(BackendInfo(...))``.

        Must not import the framework: ``import kcore`` under one backend
        never imports another backend's framework.
        """

    @hookspec(firstresult=True)
    def kcore_adapt_data(self, data: Any) -> Any:
        """Turn a framework-native data pipeline into a Python iterable of batches.

        Called by ``Model.fit/evaluate/predict`` for objects kcore does not
        know (a ``tf.data.Dataset``, a torch ``DataLoader``...), on every
        registered plugin, whichever backend is active. Return ``None`` when
        ``data`` is not yours; otherwise an object with ``__iter__`` yielding
        batches as NumPy arrays (or nested tuples/lists/dicts of them) and,
        if known, ``__len__`` giving the number of batches. Recognise the
        type without importing your framework, e.g. by
        ``type(data).__module__``.
        """


# --------------------------------------------------------------------------
# The backend interface
# --------------------------------------------------------------------------


def _required(fn):
    fn.__kcore_required__ = True
    return fn


class Backend:
    """Base class of every backend. See the module docstring for conventions.

    Class attributes a subclass sets:
        name: the backend name (same as its :class:`BackendInfo`).
        tensor_types: tuple of the native tensor classes (used by ``is_tensor``).
    """

    name: str = "abstract"

    # ---------------------------------------------------------------- identity
    @_required
    def framework_version(self) -> str:
        """Version string of the framework (``jax.__version__``)."""
        raise NotImplementedError

    @_required
    def devices(self) -> list[str]:
        """Names of the devices the framework can compute on, e.g. ``["cpu:0", "cuda:0"]``."""
        raise NotImplementedError

    # ------------------------------------------------------- tensors & dtypes
    @_required
    def convert_to_tensor(self, x: Any, dtype: str | None = None) -> Tensor:
        """A native tensor from a scalar, list, NumPy array or native tensor.

        With ``dtype=None``: Python floats and float64 NumPy arrays keep their
        NumPy dtype except that Python floats become float32; ints stay ints.
        """
        raise NotImplementedError

    @_required
    def convert_to_numpy(self, x: Tensor) -> np.ndarray:
        """A NumPy array with the tensor's values (copying from device if needed)."""
        raise NotImplementedError

    @_required
    def is_tensor(self, x: Any) -> bool:
        """True for native tensors of this backend (not NumPy arrays)."""
        raise NotImplementedError

    @_required
    def shape(self, x: Tensor) -> tuple:
        """The static shape as a tuple of ints."""
        raise NotImplementedError

    @_required
    def dtype(self, x: Tensor) -> str:
        """The standard dtype name of ``x``."""
        raise NotImplementedError

    @_required
    def cast(self, x: Tensor, dtype: str) -> Tensor:
        raise NotImplementedError

    # --------------------------------------------------------------- variables
    def variable_create(self, value: Tensor, trainable: bool, name: str) -> Any:
        """Storage for a kcore ``Variable``; default: the tensor itself.

        kcore keeps the trainable flag and name on its own Variable object;
        a backend may return a framework variable (``tf.Variable``) instead.
        """
        return value

    def variable_read(self, storage: Any) -> Tensor:
        """The current value of a storage made by :meth:`variable_create`."""
        return storage

    def variable_assign(self, storage: Any, value: Tensor) -> Any:
        """Store ``value`` (same shape and dtype) and return the storage to keep."""
        return value

    # ------------------------------------------------------- differentiation
    @_required
    def value_and_grad(self, fn: Callable[..., tuple[Tensor, Any]]) -> Callable[..., tuple[tuple[Tensor, Any], list[Tensor]]]:
        """Differentiate ``fn(params, *args) -> (scalar, aux)`` with respect to ``params``.

        ``params`` is a list of tensors. The returned function, called as
        ``g(params, *args)``, returns ``((scalar, aux), grads)`` with ``grads``
        a list matching ``params``. ``aux`` is any nested structure of tensors
        that is not differentiated. This is the hook kcore's trainer builds
        every train step on.
        """
        raise NotImplementedError

    def compile_function(self, fn: Callable, *, kind: str = "train") -> Callable:
        """Compile a pure function of nested tensors (``jax.jit``, ``tf.function``...).

        ``fn`` takes and returns nested lists/tuples/dicts of tensors and has no
        side effects; ``kind`` is ``"train"``, ``"test"`` or ``"predict"``.
        The default runs it as it is (eager).
        """
        return fn

    def prepare_compiled_inputs(self, structure: Any) -> Any:
        """A batch (nested NumPy arrays) made ready to pass to a ``compile_function`` result.

        The default converts every leaf with :meth:`convert_to_tensor`; a
        backend whose compiled functions take NumPy arrays directly (and
        transfer them faster themselves) returns ``structure`` unchanged.
        """
        def convert(x):
            if x is None or self.is_tensor(x):
                return x
            return self.convert_to_tensor(x)

        if isinstance(structure, dict):
            return {k: self.prepare_compiled_inputs(v) for k, v in structure.items()}
        if isinstance(structure, (list, tuple)):
            return type(structure)(self.prepare_compiled_inputs(v) for v in structure)
        return convert(structure)

    @_required
    def stop_gradient(self, x: Tensor) -> Tensor:
        raise NotImplementedError

    def scan(self, fn: Callable, init: Any, xs: Sequence[Tensor] | Tensor, length: int | None = None, reverse: bool = False) -> tuple[Any, Any]:
        """Loop ``carry, y = fn(carry, x)`` over the leading axis of ``xs``.

        ``xs`` is a tensor or a list of tensors (each sliced on axis 0);
        returns ``(final_carry, ys)`` with ``ys`` stacked on axis 0 (a list
        when ``fn`` returns a list). The default is a Python loop; compiled
        backends override it with their native loop.
        """
        xs_list = xs if isinstance(xs, (list, tuple)) else [xs]
        n = length if length is not None else self.shape(xs_list[0])[0]
        order = range(n - 1, -1, -1) if reverse else range(n)
        carry, outs = init, []
        for t in order:
            xt = [x[t] for x in xs_list]
            carry, y = fn(carry, xt if isinstance(xs, (list, tuple)) else xt[0])
            outs.append(y)
        if reverse:
            outs = outs[::-1]
        if outs and isinstance(outs[0], (list, tuple)):
            ys = [self.stack([o[i] for o in outs], axis=0) for i in range(len(outs[0]))]
        else:
            ys = self.stack(outs, axis=0) if outs else None
        return carry, ys

    # ---------------------------------------------------------------- creation
    @_required
    def zeros(self, shape: Shape, dtype: str = "float32") -> Tensor: raise NotImplementedError
    @_required
    def ones(self, shape: Shape, dtype: str = "float32") -> Tensor: raise NotImplementedError
    @_required
    def full(self, shape: Shape, fill_value: Any, dtype: str | None = None) -> Tensor: raise NotImplementedError
    @_required
    def arange(self, start: Any, stop: Any = None, step: Any = 1, dtype: str | None = None) -> Tensor: raise NotImplementedError
    @_required
    def eye(self, n: int, m: int | None = None, k: int = 0, dtype: str = "float32") -> Tensor: raise NotImplementedError

    def zeros_like(self, x: Tensor, dtype: str | None = None) -> Tensor:
        return self.zeros(self.shape(x), dtype or self.dtype(x))

    def ones_like(self, x: Tensor, dtype: str | None = None) -> Tensor:
        return self.ones(self.shape(x), dtype or self.dtype(x))

    def full_like(self, x: Tensor, fill_value: Any, dtype: str | None = None) -> Tensor:
        return self.full(self.shape(x), fill_value, dtype or self.dtype(x))

    # -------------------------------------------------------------- arithmetic
    # Binary ops broadcast like NumPy and promote dtypes like keras.ops.
    @_required
    def add(self, x1, x2): raise NotImplementedError
    @_required
    def subtract(self, x1, x2): raise NotImplementedError
    @_required
    def multiply(self, x1, x2): raise NotImplementedError
    @_required
    def divide(self, x1, x2): raise NotImplementedError
    @_required
    def floor_divide(self, x1, x2): raise NotImplementedError
    @_required
    def mod(self, x1, x2): raise NotImplementedError
    @_required
    def power(self, x1, x2): raise NotImplementedError
    @_required
    def maximum(self, x1, x2): raise NotImplementedError
    @_required
    def minimum(self, x1, x2): raise NotImplementedError
    @_required
    def equal(self, x1, x2): raise NotImplementedError
    @_required
    def not_equal(self, x1, x2): raise NotImplementedError
    @_required
    def less(self, x1, x2): raise NotImplementedError
    @_required
    def less_equal(self, x1, x2): raise NotImplementedError
    @_required
    def greater(self, x1, x2): raise NotImplementedError
    @_required
    def greater_equal(self, x1, x2): raise NotImplementedError
    @_required
    def logical_and(self, x1, x2): raise NotImplementedError
    @_required
    def logical_or(self, x1, x2): raise NotImplementedError
    @_required
    def logical_not(self, x): raise NotImplementedError

    # --------------------------------------------------------- elementwise math
    @_required
    def negative(self, x): raise NotImplementedError
    @_required
    def abs(self, x): raise NotImplementedError
    @_required
    def sign(self, x): raise NotImplementedError
    @_required
    def floor(self, x): raise NotImplementedError
    @_required
    def ceil(self, x): raise NotImplementedError
    @_required
    def round(self, x, decimals: int = 0): raise NotImplementedError
    @_required
    def sqrt(self, x): raise NotImplementedError
    @_required
    def exp(self, x): raise NotImplementedError
    @_required
    def log(self, x): raise NotImplementedError
    @_required
    def sin(self, x): raise NotImplementedError
    @_required
    def cos(self, x): raise NotImplementedError
    @_required
    def tanh(self, x): raise NotImplementedError
    @_required
    def isnan(self, x): raise NotImplementedError
    @_required
    def isfinite(self, x): raise NotImplementedError

    def square(self, x):
        return self.multiply(x, x)

    def reciprocal(self, x):
        return self.divide(self.ones_like(x), x)

    def rsqrt(self, x):
        return self.reciprocal(self.sqrt(x))

    def log1p(self, x):
        return self.log(self.add(x, 1))

    def expm1(self, x):
        return self.subtract(self.exp(x), 1)

    @_required
    def clip(self, x, x_min, x_max): raise NotImplementedError
    @_required
    def where(self, condition, x1, x2): raise NotImplementedError

    # --------------------------------------------------------------- linalg
    @_required
    def matmul(self, x1, x2): raise NotImplementedError
    @_required
    def einsum(self, subscripts: str, *operands): raise NotImplementedError

    def dot(self, x1, x2):
        """NumPy ``dot`` semantics."""
        if len(self.shape(x1)) == 0 or len(self.shape(x2)) == 0:
            return self.multiply(x1, x2)
        if len(self.shape(x2)) <= 2:
            return self.matmul(x1, x2)
        return self.tensordot(x1, x2, axes=([-1], [-2]))

    @_required
    def tensordot(self, x1, x2, axes=2): raise NotImplementedError

    # --------------------------------------------------------------- shapes
    @_required
    def reshape(self, x, newshape: tuple): raise NotImplementedError
    @_required
    def transpose(self, x, axes: tuple | None = None): raise NotImplementedError
    @_required
    def expand_dims(self, x, axis: int): raise NotImplementedError
    @_required
    def squeeze(self, x, axis=None): raise NotImplementedError
    @_required
    def broadcast_to(self, x, shape: tuple): raise NotImplementedError
    @_required
    def concatenate(self, xs: Sequence[Tensor], axis: int = 0): raise NotImplementedError
    @_required
    def stack(self, xs: Sequence[Tensor], axis: int = 0): raise NotImplementedError
    @_required
    def split(self, x, indices_or_sections, axis: int = 0) -> list: raise NotImplementedError
    @_required
    def take(self, x, indices, axis: int | None = None): raise NotImplementedError
    @_required
    def take_along_axis(self, x, indices, axis: int): raise NotImplementedError
    @_required
    def pad(self, x, pad_width: tuple, mode: str = "constant", constant_values=0): raise NotImplementedError
    @_required
    def tile(self, x, repeats: tuple): raise NotImplementedError
    @_required
    def repeat(self, x, repeats: int, axis: int | None = None): raise NotImplementedError
    @_required
    def flip(self, x, axis=None): raise NotImplementedError
    @_required
    def getitem(self, x, key): raise NotImplementedError
    @_required
    def cumsum(self, x, axis: int | None = None): raise NotImplementedError
    @_required
    def sort(self, x, axis: int = -1): raise NotImplementedError
    @_required
    def top_k(self, x, k: int, sorted: bool = True) -> tuple[Tensor, Tensor]: raise NotImplementedError

    def swapaxes(self, x, axis1: int, axis2: int):
        perm = list(range(len(self.shape(x))))
        perm[axis1], perm[axis2] = perm[axis2], perm[axis1]
        return self.transpose(x, tuple(perm))

    # ----------------------------------------------------------- reductions
    @_required
    def sum(self, x, axis=None, keepdims: bool = False): raise NotImplementedError
    @_required
    def mean(self, x, axis=None, keepdims: bool = False): raise NotImplementedError
    @_required
    def max(self, x, axis=None, keepdims: bool = False): raise NotImplementedError
    @_required
    def min(self, x, axis=None, keepdims: bool = False): raise NotImplementedError
    @_required
    def prod(self, x, axis=None, keepdims: bool = False): raise NotImplementedError
    @_required
    def argmax(self, x, axis: int | None = None, keepdims: bool = False): raise NotImplementedError
    @_required
    def argmin(self, x, axis: int | None = None, keepdims: bool = False): raise NotImplementedError
    @_required
    def any(self, x, axis=None, keepdims: bool = False): raise NotImplementedError
    @_required
    def all(self, x, axis=None, keepdims: bool = False): raise NotImplementedError

    def var(self, x, axis=None, keepdims: bool = False):
        m = self.mean(x, axis=axis, keepdims=True)
        return self.mean(self.square(self.subtract(x, m)), axis=axis, keepdims=keepdims)

    def std(self, x, axis=None, keepdims: bool = False):
        return self.sqrt(self.var(x, axis=axis, keepdims=keepdims))

    def logsumexp(self, x, axis=None, keepdims: bool = False):
        m = self.stop_gradient(self.max(x, axis=axis, keepdims=True))
        m = self.where(self.isfinite(m), m, self.zeros_like(m))
        out = self.add(self.log(self.sum(self.exp(self.subtract(x, m)), axis=axis, keepdims=True)), m)
        return out if keepdims else self.squeeze(out, axis=axis)

    # ---------------------------------------------------------- activations
    def relu(self, x):
        return self.maximum(x, self.zeros_like(x))

    def relu6(self, x):
        return self.clip(x, 0.0, 6.0)

    def sigmoid(self, x):
        return self.divide(1.0, self.add(1.0, self.exp(self.negative(x))))

    def softplus(self, x):
        # log(1 + exp(x)) computed without overflow
        return self.add(self.relu(x), self.log1p(self.exp(self.negative(self.abs(x)))))

    def softsign(self, x):
        return self.divide(x, self.add(1.0, self.abs(x)))

    def silu(self, x):
        return self.multiply(x, self.sigmoid(x))

    def elu(self, x, alpha: float = 1.0):
        return self.where(self.greater(x, 0), x, self.multiply(alpha, self.expm1(self.minimum(x, 0.0))))

    def selu(self, x):
        return self.multiply(1.0507009873554805, self.elu(x, 1.6732632423543772))

    def leaky_relu(self, x, negative_slope: float = 0.2):
        return self.where(self.greater_equal(x, 0), x, self.multiply(negative_slope, x))

    def hard_sigmoid(self, x):
        return self.clip(self.add(self.divide(x, 6.0), 0.5), 0.0, 1.0)

    def gelu(self, x, approximate: bool = True):
        if approximate:
            inner = self.multiply(0.7978845608028654, self.add(x, self.multiply(0.044715, self.power(x, 3))))
            return self.multiply(self.multiply(0.5, x), self.add(1.0, self.tanh(inner)))
        return self.multiply(self.multiply(0.5, x), self.add(1.0, self.erf(self.multiply(x, 0.7071067811865476))))

    @_required
    def erf(self, x): raise NotImplementedError

    def softmax(self, x, axis: int = -1):
        e = self.exp(self.subtract(x, self.stop_gradient(self.max(x, axis=axis, keepdims=True))))
        return self.divide(e, self.sum(e, axis=axis, keepdims=True))

    def log_softmax(self, x, axis: int = -1):
        return self.subtract(x, self.logsumexp(x, axis=axis, keepdims=True))

    # ------------------------------------------------------------------- nn
    @_required
    def conv(self, inputs, kernel, strides: tuple, padding: str, data_format: str, dilation_rate: tuple): raise NotImplementedError

    @_required
    def depthwise_conv(self, inputs, kernel, strides: tuple, padding: str, data_format: str, dilation_rate: tuple): raise NotImplementedError

    @_required
    def conv_transpose(self, inputs, kernel, strides: tuple, padding: str, output_padding: tuple | None, data_format: str, dilation_rate: tuple):
        """Transposed convolution with Keras' output-shape rule (see ``kcore.ops.conv_transpose``)."""
        raise NotImplementedError

    def separable_conv(self, inputs, depthwise_kernel, pointwise_kernel, strides, padding, data_format, dilation_rate):
        x = self.depthwise_conv(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
        ones = (1,) * len(strides)
        return self.conv(x, pointwise_kernel, ones, "valid", data_format, ones)

    @_required
    def max_pool(self, inputs, pool_size: tuple, strides: tuple, padding: str, data_format: str): raise NotImplementedError
    @_required
    def average_pool(self, inputs, pool_size: tuple, strides: tuple, padding: str, data_format: str):
        """Average over the window; with ``"same"`` padding, padded cells are not counted (as Keras)."""
        raise NotImplementedError

    def one_hot(self, x, num_classes: int, axis: int = -1, dtype: str = "float32"):
        classes = self.arange(num_classes, dtype=self.dtype(x))
        x = self.expand_dims(x, axis if axis >= 0 else len(self.shape(x)) + axis + 1)
        shape = [1] * len(self.shape(x))
        shape[axis] = num_classes
        return self.cast(self.equal(x, self.reshape(classes, tuple(shape))), dtype)

    def moments(self, x, axes: tuple, keepdims: bool = False):
        mean = self.mean(x, axis=axes, keepdims=True)
        variance = self.mean(self.square(self.subtract(x, self.stop_gradient(mean))), axis=axes, keepdims=True)
        if not keepdims:
            mean, variance = self.squeeze(mean, axis=axes), self.squeeze(variance, axis=axes)
        return mean, variance

    def batch_normalization(self, x, mean, variance, axis: int, offset=None, scale=None, epsilon: float = 1e-3):
        rank = len(self.shape(x))
        axis = axis % rank
        shape = [1] * rank
        shape[axis] = self.shape(x)[axis]
        shape = tuple(shape)
        inv = self.rsqrt(self.add(self.reshape(variance, shape), epsilon))
        if scale is not None:
            inv = self.multiply(inv, self.reshape(scale, shape))
        out = self.multiply(self.subtract(x, self.reshape(mean, shape)), inv)
        if offset is not None:
            out = self.add(out, self.reshape(offset, shape))
        return out

    def binary_crossentropy(self, target, output, from_logits: bool = False):
        """Elementwise binary crossentropy (no reduction)."""
        if from_logits:
            # max(x, 0) - x * z + log(1 + exp(-|x|))
            return self.add(self.subtract(self.relu(output), self.multiply(output, target)),
                            self.log1p(self.exp(self.negative(self.abs(output)))))
        eps = 1e-7
        output = self.clip(output, eps, 1.0 - eps)
        return self.negative(self.add(self.multiply(target, self.log(output)),
                                      self.multiply(self.subtract(1.0, target), self.log(self.subtract(1.0, output)))))

    def categorical_crossentropy(self, target, output, from_logits: bool = False, axis: int = -1):
        """Crossentropy over ``axis`` (reduced away)."""
        if from_logits:
            log_prob = self.log_softmax(output, axis=axis)
        else:
            output = self.divide(output, self.sum(output, axis=axis, keepdims=True))
            log_prob = self.log(self.clip(output, 1e-7, 1.0 - 1e-7))
        return self.negative(self.sum(self.multiply(target, log_prob), axis=axis))

    def sparse_categorical_crossentropy(self, target, output, from_logits: bool = False, axis: int = -1):
        """Crossentropy with integer targets of ``output``'s shape minus ``axis``."""
        target = self.cast(target, "int32")
        one_hot = self.one_hot(target, self.shape(output)[axis], axis=axis, dtype=self.dtype(output))
        return self.categorical_crossentropy(one_hot, output, from_logits=from_logits, axis=axis)

    # --------------------------------------------------------------- random
    @_required
    def random_normal(self, shape: Shape, mean: float, stddev: float, dtype: str, seed: Tensor): raise NotImplementedError
    @_required
    def random_uniform(self, shape: Shape, minval: float, maxval: float, dtype: str, seed: Tensor): raise NotImplementedError
    @_required
    def random_randint(self, shape: Shape, minval: int, maxval: int, dtype: str, seed: Tensor): raise NotImplementedError

    @_required
    def random_truncated_normal(self, shape: Shape, mean: float, stddev: float, dtype: str, seed: Tensor):
        """Normal values, redrawing any that fall more than two stddevs from the mean."""
        raise NotImplementedError

    def random_dropout(self, x, rate: float, noise_shape: tuple | None, seed: Tensor):
        shape = noise_shape if noise_shape is not None else self.shape(x)
        keep = self.greater_equal(self.random_uniform(shape, 0.0, 1.0, self.dtype(x), seed), rate)
        return self.where(keep, self.divide(x, 1.0 - rate), self.zeros_like(x))

    @_required
    def random_shuffle(self, x, axis: int, seed: Tensor): raise NotImplementedError


def required_methods() -> list[str]:
    """Names of the methods every backend must implement."""
    return sorted(n for n, v in vars(Backend).items() if getattr(v, "__kcore_required__", False))


def derived_methods() -> list[str]:
    """Names of the methods with a portable default in :class:`Backend`."""
    return sorted(
        n for n, v in vars(Backend).items()
        if callable(v) and not n.startswith("_") and not getattr(v, "__kcore_required__", False)
    )
