"""Tensors, dtypes, devices, creation ops, autograd and traced steps for the torch backend."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch

Tensor = torch.Tensor

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")

TORCH_DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32,
    "float64": torch.float64, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "uint8": torch.uint8, "bool": torch.bool,
}
for _name in ("uint16", "uint32", "uint64"):
    if hasattr(torch, _name):
        TORCH_DTYPES[_name] = getattr(torch, _name)
DTYPE_NAMES: dict[torch.dtype, str] = {v: k for k, v in TORCH_DTYPES.items()}

_SCALAR_DTYPES = {bool: torch.bool, int: torch.int32, float: torch.float32}


def to_torch_dtype(dtype: Any) -> torch.dtype:
    """The torch dtype for a standard name (or anything kcore can standardize)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    found = TORCH_DTYPES.get(dtype)
    if found is None:
        from kcore.dtypes import standardize_dtype

        name = standardize_dtype(dtype)
        found = TORCH_DTYPES.get(name)
        if found is None:
            raise ValueError(f"torch backend: dtype {name!r} is not supported by torch {torch.__version__}")
    return found


def dtype_name(dtype: torch.dtype) -> str:
    try:
        return DTYPE_NAMES[dtype]
    except KeyError:
        raise ValueError(f"torch backend: torch dtype {dtype} has no kcore equivalent") from None


def to_tensor(x: Any, dtype: Any = None) -> Tensor:
    """A tensor on :data:`DEVICE` (see :meth:`Core.convert_to_tensor`)."""
    tdt = None if dtype is None else to_torch_dtype(dtype)
    if isinstance(x, Tensor):
        if x.device.type != DEVICE.type:
            x = x.to(DEVICE)
        return x if tdt is None or x.dtype == tdt else x.to(tdt)
    t = type(x)
    if t in _SCALAR_DTYPES:
        return torch.tensor(x, dtype=tdt or _SCALAR_DTYPES[t], device=DEVICE)
    if not isinstance(x, np.ndarray):
        x = _host_array(x, tdt)
        if isinstance(x, Tensor):
            return to_tensor(x, dtype)
    if x.dtype == object or x.dtype.kind in "USV":
        raise TypeError(f"torch backend: cannot convert an array of dtype {x.dtype} to a tensor")
    if not (x.flags.writeable and x.flags.c_contiguous and x.dtype.isnative):
        x = np.array(x, dtype=x.dtype.newbyteorder("="), order="C", copy=True)
    if x.dtype.name not in TORCH_DTYPES:
        x = x.astype(np.int64 if x.dtype.kind == "u" else np.float32)
    out = torch.from_numpy(x)
    if tdt is not None and out.dtype != tdt:
        out = out.to(tdt)
    return out.to(DEVICE) if DEVICE.type != "cpu" else out


def _host_array(x: Any, tdt: torch.dtype | None) -> Any:
    """A NumPy array for a non-tensor value, or a tensor for a kcore Variable or a list of tensors."""
    if isinstance(x, np.generic):
        return np.asarray(x)
    if isinstance(x, (list, tuple)) and _holds_tensor(x):
        parts = [to_tensor(e) for e in x]
        common = parts[0].dtype
        for p in parts[1:]:
            common = torch.promote_types(common, p.dtype)
        return torch.stack([p.to(common) for p in parts])
    if not isinstance(x, (list, tuple)):
        from kcore.variables import Variable

        if isinstance(x, Variable):
            return to_tensor(x.value)
    arr = np.asarray(x)
    if tdt is None and arr.dtype == np.float64:
        return arr.astype(np.float32)  # Python floats -> float32
    if tdt is None and arr.dtype == np.int64:
        return arr.astype(np.int32)  # Python ints -> int32
    return arr


def _holds_tensor(x: list | tuple) -> bool:
    return any(isinstance(e, Tensor) or (isinstance(e, (list, tuple)) and _holds_tensor(e)) for e in x)


def to_numpy(x: Any) -> np.ndarray:
    if isinstance(x, Tensor):
        x = x.detach()
        if x.device.type != "cpu":
            x = x.cpu()
        if x.dtype == torch.bfloat16:
            return x.float().numpy().astype(_bfloat16_numpy())
        return x.numpy()
    return np.asarray(x)


def _bfloat16_numpy():
    try:
        import ml_dtypes

        return ml_dtypes.bfloat16
    except ImportError:
        return np.float32


def detach_tree(tree: Any) -> Any:
    """Detach every tensor in a nested list/tuple/dict structure."""
    if isinstance(tree, Tensor):
        return tree.detach()
    if isinstance(tree, (list, tuple)):
        out = [detach_tree(t) for t in tree]
        return type(tree)(out) if not hasattr(tree, "_fields") else type(tree)(*out)
    if isinstance(tree, dict):
        return type(tree)((k, detach_tree(v)) for k, v in tree.items())
    return tree


def _infer_scalar_dtype(*values: Any) -> torch.dtype:
    """float32 if any value is a float, else int32 (bool stays bool)."""
    out = torch.bool
    for v in values:
        if isinstance(v, Tensor):
            if v.is_floating_point():
                return torch.float32
            out = torch.int32
        elif isinstance(v, bool):
            continue
        elif isinstance(v, (float, np.floating)):
            return torch.float32
        else:
            out = torch.int32
    return out


# ------------------------------------------------------------------ traced steps

#: Non-tensor leaves a traced function may take or return: baked into the trace, matched by value.
_STATIC_LEAVES = frozenset((type(None), bool, int, float, str, torch.dtype, torch.device))


def _flatten(tree: Any, leaves: list) -> Any:
    """Append the leaves of nested lists/tuples/namedtuples/dicts to ``leaves``; return a hashable structure."""
    kind = type(tree)
    if kind is list or kind is tuple:
        return (kind, tuple(_flatten(e, leaves) for e in tree))
    if kind is dict:
        return (dict, tuple(tree), tuple(_flatten(v, leaves) for v in tree.values()))
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):
        return (kind, tuple(_flatten(e, leaves) for e in tree))
    leaves.append(tree)
    return None


def _unflatten(structure: Any, leaves) -> Any:
    """Inverse of :func:`_flatten`, taking leaves from the iterator ``leaves``."""
    if structure is None:
        return next(leaves)
    kind = structure[0]
    if kind is dict:
        return {k: _unflatten(s, leaves) for k, s in zip(structure[1], structure[2])}
    children = [_unflatten(s, leaves) for s in structure[1]]
    if kind is list:
        return children
    return kind(*children) if kind is not tuple else tuple(children)


def _leaf_signature(x: Any) -> Any:
    """What a trace assumes about one input leaf; ``None`` when the leaf rules tracing out."""
    if isinstance(x, Tensor):
        if x.requires_grad:  # the caller differentiates through the call: stay eager
            return None
        return (x.dtype, x.shape, x.device)
    kind = type(x)
    if kind in _STATIC_LEAVES and not (kind is float and math.isnan(x)):
        return (kind, x)
    return None


class _Signature:
    """Calls seen and the trace (once made) for one input signature."""

    __slots__ = ("calls", "graph", "failed", "out_structure", "out_constants")

    def __init__(self) -> None:
        self.calls = 0
        self.graph = None
        self.failed = False
        self.out_structure = None
        #: (position, value) of the non-tensor output leaves, or None when all outputs are tensors.
        self.out_constants: list | None = None


def _drop_detaches(graph) -> None:
    """Remove ``detach`` nodes: a replay runs on tensors that never require grad, so they only cost dispatch."""
    detach = torch.ops.aten.detach.default
    changed = False
    for node in list(graph.graph.nodes):
        if node.op == "call_function" and node.target is detach:
            node.replace_all_uses_with(node.args[0])
            graph.graph.erase_node(node)
            changed = True
    if changed:
        graph.recompile()


class TracedFunction:
    """A pure function run eagerly at first, then replayed from an aten trace.

    torch runs kcore's train step op by op, paying kcore's Python op dispatch
    on every call. Once one input signature (structure, tensor dtypes, shapes
    and devices, non-tensor leaves by value) has been called ``trace_after``
    times, the next call traces it with ``make_fx`` on fake tensors: forward,
    ``torch.autograd.grad`` backward and updates become one FX graph of aten
    ops, replayed for every later call with that signature. Tracing is on
    fake tensors, so a function that reads tensor values on the host
    (``.item()``, data-dependent shapes, seeds of torch generators) cannot be
    traced silently wrong: its trace fails and that signature stays eager.
    Inputs that require grad, or leaves other than tensors and plain
    constants, also keep the call eager.
    """

    def __init__(self, fn: Callable, trace_after: int) -> None:
        self.python_function = fn
        self.trace_after = trace_after
        self._signatures: dict[Any, _Signature] = {}

    def __call__(self, *args: Any) -> Any:
        leaves: list = []
        structure = _flatten(args, leaves)
        signature = []
        for x in leaves:
            sig = _leaf_signature(x)
            if sig is None:
                return self.python_function(*args)
            signature.append(sig)
        key = (structure, tuple(signature))
        entry = self._signatures.get(key)
        if entry is None:
            entry = self._signatures[key] = _Signature()
        if entry.graph is None:
            entry.calls += 1
            if entry.failed or entry.calls <= self.trace_after or not self._trace(entry, structure, leaves):
                return self.python_function(*args)
        outputs = entry.graph(*[x for x in leaves if isinstance(x, Tensor)])
        if entry.out_constants:
            outputs = list(outputs)
            for position, value in entry.out_constants:
                outputs.insert(position, value)
        return _unflatten(entry.out_structure, iter(outputs))

    def _trace(self, entry: _Signature, structure: Any, leaves: list) -> bool:
        """Trace ``python_function`` for this signature on fake tensors; False (and eager from now on) if it cannot."""
        from torch.fx.experimental.proxy_tensor import make_fx

        tensor_positions = [i for i, x in enumerate(leaves) if isinstance(x, Tensor)]
        out_info: dict[str, Any] = {}

        def flat_fn(*tensors):
            full = list(leaves)
            for i, x in zip(tensor_positions, tensors):
                full[i] = x
            out = self.python_function(*_unflatten(structure, iter(full)))
            flat: list = []
            out_info["structure"] = _flatten(out, flat)
            out_info["constants"] = [(i, x) for i, x in enumerate(flat) if not isinstance(x, Tensor)]
            return [x for x in flat if isinstance(x, Tensor)]

        try:
            graph = make_fx(flat_fn, tracing_mode="fake")(*[leaves[i] for i in tensor_positions])
        except Exception:  # noqa: BLE001 - any failure to trace keeps this signature eager
            entry.failed = True
            return False
        if any(type(x) not in _STATIC_LEAVES for _, x in out_info["constants"]):
            entry.failed = True  # outputs that are objects, not constants: replaying would share them
            return False
        _drop_detaches(graph)
        entry.graph = graph.forward  # the generated code, without nn.Module call hooks
        entry.out_structure = out_info["structure"]
        entry.out_constants = out_info["constants"] or None
        return True


class Core:
    """Identity, conversion, autograd and creation ops."""

    tensor_types = (torch.Tensor,)
    #: Calls of one input signature run eagerly before :meth:`compile_function` traces it (``None``: never trace).
    trace_after: int | None = 10

    # ------------------------------------------------------------ identity
    def framework_version(self) -> str:
        return str(torch.__version__)

    def devices(self) -> list[str]:
        if torch.cuda.is_available():
            return [f"cuda:{i}" for i in range(torch.cuda.device_count())]
        return ["cpu:0"]

    # ------------------------------------------------------ tensors & dtypes
    def convert_to_tensor(self, x: Any, dtype: str | None = None) -> Tensor:
        return to_tensor(x, dtype)

    def convert_to_numpy(self, x: Any) -> np.ndarray:
        return to_numpy(x)

    def is_tensor(self, x: Any) -> bool:
        return isinstance(x, Tensor)

    def shape(self, x: Any) -> tuple:
        if isinstance(x, Tensor):
            return tuple(x.shape)
        return tuple(np.shape(x))

    def dtype(self, x: Any) -> str:
        if isinstance(x, Tensor):
            return dtype_name(x.dtype)
        return dtype_name(to_tensor(x).dtype)

    def cast(self, x: Any, dtype: str) -> Tensor:
        if not isinstance(x, Tensor):
            return to_tensor(x, dtype)
        tdt = to_torch_dtype(dtype)
        return x if x.dtype == tdt else x.to(tdt)

    # ------------------------------------------------------ differentiation
    def value_and_grad(self, fn: Callable[..., tuple[Tensor, Any]]) -> Callable[..., Any]:
        """``g(params, *args) -> ((value, aux), grads)`` through ``torch.autograd.grad``."""

        def wrapped(params, *args):
            leaves = []
            for p in params:
                p = to_tensor(p).detach()
                if p.is_floating_point() or p.is_complex():
                    p.requires_grad_(True)
                leaves.append(p)
            with torch.enable_grad():
                value, aux = fn(leaves, *args)
            targets = [p for p in leaves if p.requires_grad]
            if isinstance(value, Tensor) and value.requires_grad and targets:
                found = iter(torch.autograd.grad(value, targets, allow_unused=True))
                raw = [next(found) if p.requires_grad else None for p in leaves]
            else:
                raw = [None] * len(leaves)
            grads = [torch.zeros_like(p) if g is None else g for p, g in zip(leaves, raw)]
            value = value.detach() if isinstance(value, Tensor) else to_tensor(value)
            return (value, detach_tree(aux)), grads

        return wrapped

    def compile_function(self, fn: Callable, *, kind: str = "train") -> Callable:
        """A :class:`TracedFunction` of ``fn``, cached on ``fn`` (or its bound instance).

        The first calls run eagerly; a signature called more than
        :attr:`trace_after` times is replayed from an aten-level trace.
        """
        if kind not in ("train", "test", "predict"):
            raise ValueError(f"compile_function: kind must be 'train', 'test' or 'predict', got {kind!r}")
        if self.trace_after is None:
            return fn
        owner = getattr(fn, "__self__", None)
        holder = owner if owner is not None else fn
        store = getattr(holder, "__dict__", None)
        if not isinstance(store, dict):  # builtins, __slots__: no cache
            return TracedFunction(fn, self.trace_after)
        cache = store.setdefault("_kcore_torch_traced", {})
        key = (getattr(fn, "__func__", fn), self.trace_after)
        traced = cache.get(key)
        if traced is None:
            traced = cache[key] = TracedFunction(fn, self.trace_after)
        return traced

    def stop_gradient(self, x: Any) -> Tensor:
        return x.detach() if isinstance(x, Tensor) else to_tensor(x)

    # ------------------------------------------------------------- creation
    def zeros(self, shape, dtype: str = "float32") -> Tensor:
        return torch.zeros(_shape(shape), dtype=to_torch_dtype(dtype), device=DEVICE)

    def ones(self, shape, dtype: str = "float32") -> Tensor:
        return torch.ones(_shape(shape), dtype=to_torch_dtype(dtype), device=DEVICE)

    def full(self, shape, fill_value: Any, dtype: str | None = None) -> Tensor:
        if isinstance(fill_value, (Tensor, np.ndarray, list, tuple)):
            return torch.broadcast_to(to_tensor(fill_value, dtype), _shape(shape)).clone()
        tdt = _infer_scalar_dtype(fill_value) if dtype is None else to_torch_dtype(dtype)
        return torch.full(_shape(shape), fill_value, dtype=tdt, device=DEVICE)

    def zeros_like(self, x: Any, dtype: str | None = None) -> Tensor:
        x = to_tensor(x)
        return torch.zeros_like(x, dtype=None if dtype is None else to_torch_dtype(dtype))

    def ones_like(self, x: Any, dtype: str | None = None) -> Tensor:
        x = to_tensor(x)
        return torch.ones_like(x, dtype=None if dtype is None else to_torch_dtype(dtype))

    def full_like(self, x: Any, fill_value: Any, dtype: str | None = None) -> Tensor:
        x = to_tensor(x)
        tdt = x.dtype if dtype is None else to_torch_dtype(dtype)
        if isinstance(fill_value, (Tensor, np.ndarray, list, tuple)):
            return torch.broadcast_to(to_tensor(fill_value, tdt), x.shape).clone()
        return torch.full_like(x, fill_value, dtype=tdt)

    def arange(self, start: Any, stop: Any = None, step: Any = 1, dtype: str | None = None) -> Tensor:
        if stop is None:
            start, stop = 0, start
        start, stop, step = (v.item() if isinstance(v, Tensor) else v for v in (start, stop, step))
        tdt = _infer_scalar_dtype(start, stop, step) if dtype is None else to_torch_dtype(dtype)
        if tdt == torch.bool:
            tdt = torch.int32
        return torch.arange(start, stop, step, dtype=tdt, device=DEVICE)

    def eye(self, n: int, m: int | None = None, k: int = 0, dtype: str = "float32") -> Tensor:
        m = n if m is None else m
        tdt = to_torch_dtype(dtype)
        if k == 0:
            return torch.eye(n, m, dtype=tdt, device=DEVICE)
        rows = torch.arange(n, device=DEVICE)[:, None]
        cols = torch.arange(m, device=DEVICE)[None, :]
        return (cols - rows == k).to(tdt)


def _shape(shape: Any) -> tuple:
    if isinstance(shape, int):
        return (shape,)
    return tuple(int(d) for d in shape)
