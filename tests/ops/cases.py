"""Value cases for every elementwise/shape/reduction/nn op: inputs and a NumPy reference.

Each case runs eagerly on the active backend (values, shape and dtype against
the reference) and symbolically (KerasTensors with the same shapes, then with
a ``None`` first dimension) in ``test_values.py``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any, Callable

import numpy as np

rng = np.random.default_rng(1234)


def f(*shape, lo=-2.0, hi=2.0):
    return rng.uniform(lo, hi, shape).astype("float32")


def i(*shape, lo=-5, hi=5):
    return rng.integers(lo, hi, shape).astype("int32")


def bl(*shape):
    return rng.random(shape) > 0.5


@dataclasses.dataclass
class Case:
    op: str
    args: tuple
    ref: Callable[..., Any]
    kwargs: dict
    dtype: str | None = None
    atol: float = 1e-5
    rtol: float = 1e-5

    @property
    def id(self) -> str:
        return self.op


CASES: list[Case] = []


def C(op, args, ref, expect=None, atol=1e-5, rtol=1e-5, **kwargs):
    """A case: ``kwargs`` go to the op; ``expect`` overrides the expected dtype (else the reference's)."""
    CASES.append(Case(op, tuple(args), ref, kwargs, expect, atol, rtol))


F32, I32, BOOL = "float32", "int32", "bool"
A, B, P = f(2, 3), f(3), f(2, 3, lo=0.1, hi=3.0)
I1, I2, I3 = i(2, 3), i(2, 3, lo=1, hi=4), i(3)
M1, M2 = bl(2, 3), bl(3)
X3 = f(2, 3, 4)

# ------------------------------------------------------------------ creation
C("zeros", [(2, 3)], lambda s: np.zeros(s, F32))
C("zeros", [(4,)], lambda s: np.zeros(s, I32), dtype="int32")
C("ones", [(2, 1)], lambda s: np.ones(s, F32))
C("ones", [3], lambda s: np.ones(s, BOOL), dtype="bool")
C("full", [(2, 2), 7], lambda s, v: np.full(s, v, I32))
C("full", [(3,), 1.5], lambda s, v: np.full(s, v, F32))
C("full", [(2, 3), 2], lambda s, v: np.full(s, v, F32), dtype="float32")
C("arange", [5], lambda n: np.arange(n, dtype=I32))
C("arange", [1, 2, 0.25], lambda a, b, s: np.arange(a, b, s, dtype=F32))
C("arange", [0, 10, 3], lambda a, b, s: np.arange(a, b, s, dtype=I32))
C("arange", [6, 0, -2], lambda a, b, s: np.arange(a, b, s, dtype=I32))
C("eye", [3], lambda n: np.eye(n, dtype=F32))
C("eye", [3, 4], lambda n, m: np.eye(n, m, k=1, dtype=I32), k=1, dtype="int32")
C("zeros_like", [A], np.zeros_like)
C("zeros_like", [A], lambda a: np.zeros_like(a, I32), dtype="int32")
C("ones_like", [I1], np.ones_like)
C("full_like", [A, 3.0], lambda a, v: np.full_like(a, v))
C("full_like", [I1, 4], lambda a, v: np.full_like(a, v))

# ---------------------------------------------------------------- arithmetic
for _name, _fn in [("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
                   ("maximum", np.maximum), ("minimum", np.minimum)]:
    C(_name, [A, B], _fn)
    C(_name, [I1, I3], _fn)
    C(_name, [A, 2.0], lambda a, s, _fn=_fn: _fn(a, np.float32(s)))
    C(_name, [3, I1], lambda s, a, _fn=_fn: _fn(np.int32(s), a))
for _name in ("divide", "true_divide"):
    C(_name, [A, P], np.divide)
    C(_name, [I1, I2], lambda a, b: (a / b).astype(F32))
    C(_name, [A, 4.0], lambda a, s: a / np.float32(s))
C("floor_divide", [A, P], np.floor_divide)
C("floor_divide", [I1, I2], np.floor_divide)
C("floor_divide", [I1, -I2], np.floor_divide)
C("mod", [A, P], np.mod)
C("mod", [I1, I2], np.mod)
C("mod", [I1, -I2], np.mod)
C("power", [P, A], np.power, rtol=1e-4)
C("power", [I2, 2], lambda a, e: a ** np.int32(e))
C("power", [A, 2], lambda a, e: a ** np.float32(e))
C("power", [2.0, A], lambda s, a: np.float32(s) ** a, rtol=1e-4)
for _name, _fn in [("equal", np.equal), ("not_equal", np.not_equal), ("less", np.less),
                   ("less_equal", np.less_equal), ("greater", np.greater), ("greater_equal", np.greater_equal)]:
    C(_name, [I1, I3], _fn)
    C(_name, [A, B], _fn)
    C(_name, [A, 0.5], lambda a, s, _fn=_fn: _fn(a, np.float32(s)))
C("logical_and", [M1, M2], np.logical_and)
C("logical_and", [I1, I2], np.logical_and)
C("logical_or", [M1, M2], np.logical_or)
C("logical_or", [M1, False], np.logical_or)
C("logical_not", [M1], np.logical_not)
C("logical_not", [I1], np.logical_not)
C("where", [M1, A, B], np.where)
C("where", [M1, A, 0.0], lambda c, a, s: np.where(c, a, np.float32(s)))
C("where", [M2, I1, I3], np.where)

# ---------------------------------------------------------- elementwise math
_SPECIAL = np.array([1.0, np.nan, np.inf, -np.inf, 0.0, -2.5], F32)
_TIES = np.array([0.5, 1.5, 2.5, -0.5, -1.5, 1.2, -2.7], F32)
for _name, _fn, _x in [("negative", np.negative, A), ("abs", np.abs, A), ("absolute", np.abs, A),
                       ("sign", np.sign, A), ("square", np.square, A), ("floor", np.floor, A),
                       ("ceil", np.ceil, A), ("sqrt", np.sqrt, P), ("exp", np.exp, A), ("log", np.log, P),
                       ("log1p", np.log1p, P), ("expm1", np.expm1, A), ("sin", np.sin, A), ("cos", np.cos, A),
                       ("tanh", np.tanh, A), ("reciprocal", np.reciprocal, P)]:
    C(_name, [_x], _fn)
for _name, _fn in [("negative", np.negative), ("abs", np.abs), ("absolute", np.abs), ("sign", np.sign),
                   ("square", np.square)]:
    C(_name, [I1], _fn)
for _name, _fn in [("floor", np.floor), ("ceil", np.ceil), ("sqrt", np.sqrt), ("exp", np.exp)]:
    C(_name, [I2], lambda x, _fn=_fn: _fn(x.astype(F32)))
C("square", [M1], lambda x: x.astype(I32))
C("round", [_TIES], np.round)
C("round", [np.array([1.234, -5.678, 0.0149], F32)], lambda x: np.round(x, 2), decimals=2, atol=1e-4)
C("round", [I1], np.round)
C("clip", [A, -0.5, 0.5], lambda a, lo, hi: np.clip(a, np.float32(lo), np.float32(hi)))
C("clip", [I1, -1, 2], lambda a, lo, hi: np.clip(a, np.int32(lo), np.int32(hi)))
C("clip", [M1, 0, 1], lambda a, lo, hi: a.astype(I32))
C("isnan", [_SPECIAL], np.isnan)
C("isnan", [I1], np.isnan)
C("isfinite", [_SPECIAL], np.isfinite)
C("isfinite", [I1], np.isfinite)

# ------------------------------------------------------------ linear algebra
C("matmul", [f(2, 3, 4), f(4, 5)], np.matmul)
C("matmul", [f(3), f(3, 4)], np.matmul)
C("matmul", [f(4, 3), f(3)], np.matmul)
C("matmul", [f(2, 1, 3, 4), f(5, 4, 2)], np.matmul)
C("matmul", [i(2, 3), i(3, 2)], np.matmul)
C("dot", [f(3, 4), f(4)], np.dot)
C("dot", [f(2, 3, 4), f(4, 5)], np.dot)
C("dot", [f(2, 3), f(4, 3, 5)], np.dot)
C("dot", [f(3), f(3)], np.dot)
C("dot", [f(2, 3), 2.0], lambda a, s: a * np.float32(s))
C("einsum", ["ij,jk->ik", f(2, 3), f(3, 4)], np.einsum)
C("einsum", ["bij,bjk->bik", f(2, 3, 4), f(2, 4, 5)], np.einsum)
C("einsum", ["ij->ji", A], np.einsum)
C("einsum", ["i,i->", f(3), f(3)], np.einsum)
C("einsum", ["...ij,jk->...ik", f(2, 2, 3), f(3, 4)], np.einsum)
C("einsum", ["ij,kj", f(2, 3), f(4, 3)], np.einsum)
C("tensordot", [f(2, 3, 4), f(3, 4, 5)], np.tensordot)
C("tensordot", [f(2, 3), f(3, 4)], lambda a, b: np.tensordot(a, b, 1), axes=1)
C("tensordot", [f(3, 2, 4), f(2, 3, 5)], lambda a, b: np.tensordot(a, b, ([0, 1], [1, 0])), axes=([0, 1], [1, 0]))
C("tensordot", [f(2), f(3)], lambda a, b: np.tensordot(a, b, 0), axes=0)

# ------------------------------------------------------------ shapes
C("reshape", [X3, (6, -1)], np.reshape)
C("reshape", [X3, (24,)], np.reshape)
C("reshape", [X3, [4, 3, 2]], np.reshape)
C("reshape", [A, 6], np.reshape)
C("reshape", [A, (-1, 1, 2)], np.reshape)
C("transpose", [X3], np.transpose)
C("transpose", [X3, (2, 0, 1)], np.transpose)
C("transpose", [X3, [1, 0, 2]], np.transpose)
C("expand_dims", [A, 1], np.expand_dims)
C("expand_dims", [A, -1], np.expand_dims)
C("expand_dims", [A, (0, 2)], np.expand_dims)
C("squeeze", [f(2, 1, 3, 1)], np.squeeze)
C("squeeze", [f(2, 1, 3, 1), 1], np.squeeze)
C("squeeze", [f(2, 1, 3, 1), (1, -1)], np.squeeze)
C("broadcast_to", [B, (2, 3)], np.broadcast_to)
C("broadcast_to", [f(2, 1), (2, 2, 4)], np.broadcast_to)
C("concatenate", [[A, f(2, 2)]], lambda xs: np.concatenate(xs, axis=1), axis=1)
C("concatenate", [[A, A, A]], np.concatenate)
C("concatenate", [[A, I1]], lambda xs: np.concatenate(xs, axis=-1).astype(F32), axis=-1)
C("stack", [[A, A]], np.stack)
C("stack", [[A, P, A]], lambda xs: np.stack(xs, axis=1), axis=1)
C("stack", [[A, P]], lambda xs: np.stack(xs, axis=-1), axis=-1)
C("split", [f(6, 2), 3], np.split)
C("split", [f(6, 2), [1, 4]], np.split)
C("split", [f(2, 6), 2], lambda x, n: np.split(x, n, axis=1), axis=1)
C("take", [f(5), np.array([0, 3, 3], I32)], np.take)
C("take", [f(3, 4), np.array([[0, 1], [3, 3]], I32)], lambda x, ind: np.take(x, ind, axis=1), axis=1)
C("take", [f(3, 4), [[0, 1], [11, 2]]], lambda x, ind: np.take(x, ind))
C("take", [f(3, 4), np.array([2, 0], I32)], lambda x, ind: np.take(x, ind, axis=-1), axis=-1)
_X34 = f(3, 4)
C("take_along_axis", [_X34, np.argsort(_X34, axis=1).astype(I32)],
  lambda x, ind: np.take_along_axis(x, ind, axis=1), axis=1)
C("take_along_axis", [_X34, np.array([[2, 0, 1, 1]], I32)], lambda x, ind: np.take_along_axis(x, ind, axis=0),
  axis=0)
C("take_along_axis", [_X34, np.array([5, 0, 11], I32)], lambda x, ind: np.take_along_axis(x, ind, axis=None))
C("pad", [A, ((1, 2), (0, 1))], np.pad)
C("pad", [A, 1], np.pad)
C("pad", [I1, ((1, 1), (2, 0))], lambda x, w: np.pad(x, w, constant_values=5), constant_values=5)
C("pad", [f(3, 4), ((1, 1), (2, 2))], lambda x, w: np.pad(x, w, mode="reflect"), mode="reflect")
C("pad", [f(3, 4), ((1, 2), (2, 1))], lambda x, w: np.pad(x, w, mode="symmetric"), mode="symmetric")
C("pad", [f(3, 4), ((2, 0), (1, 3))], lambda x, w: np.pad(x, w, mode="edge"), mode="edge")
C("tile", [A, (2, 1)], np.tile)
C("tile", [B, 2], np.tile)
C("tile", [A, (2, 1, 2)], np.tile)
C("repeat", [A, 2], np.repeat)
C("repeat", [A, 3], lambda x, r: np.repeat(x, r, axis=1), axis=1)
C("repeat", [I1, 2], lambda x, r: np.repeat(x, r, axis=-2), axis=-2)
C("flip", [A], np.flip)
C("flip", [X3], lambda x: np.flip(x, axis=1), axis=1)
C("flip", [X3], lambda x: np.flip(x, axis=(0, 2)), axis=(0, 2))
C("cumsum", [A], np.cumsum)
C("cumsum", [X3], lambda x: np.cumsum(x, axis=1), axis=1)
C("cumsum", [M1], lambda x: np.cumsum(x, axis=1).astype(I32), axis=1)
C("cumsum", [I1.astype("int8")], lambda x: np.cumsum(x, axis=0).astype(I32), axis=0)
C("sort", [X3], np.sort)
C("sort", [A], lambda x: np.sort(x, axis=0), axis=0)
C("sort", [I1], np.sort)
C("swapaxes", [X3, 0, 2], np.swapaxes)
C("swapaxes", [X3, -1, 1], np.swapaxes)

_G = f(3, 4, 5)
for _key in [1, -1, (slice(None), slice(1, 3)), (Ellipsis, None), (slice(None, None, 2),), (1, slice(None), 2),
             (None, 0), (slice(1, None), Ellipsis, slice(None, None, -1)), [0, 2],
             (np.array([0, 2], I32),), (np.array([True, False, True]),),
             (slice(None), np.array([0, 1, 3], I32)), (0, slice(None), np.array([1, 4], I32)),
             (np.array([0, 2], I32), slice(None), np.array([1, 4], I32)),
             (np.array([[0], [2]], I32), np.array([1, 3], I32))]:
    C("getitem", [_G, _key], lambda x, k: x[k])

# ------------------------------------------------------------ reductions
for _name, _fn in [("sum", np.sum), ("mean", np.mean), ("max", np.max), ("min", np.min), ("var", np.var),
                   ("std", np.std), ("prod", np.prod)]:
    _x = f(2, 3, 4, lo=0.5, hi=1.5) if _name == "prod" else X3
    C(_name, [_x], _fn, rtol=1e-4)
    C(_name, [_x], lambda x, _fn=_fn: _fn(x, axis=1), axis=1, rtol=1e-4)
    C(_name, [_x], lambda x, _fn=_fn: _fn(x, axis=(0, 2)), axis=(0, 2), rtol=1e-4)
    C(_name, [_x], lambda x, _fn=_fn: _fn(x, axis=-1, keepdims=True), axis=-1, keepdims=True, rtol=1e-4)
    C(_name, [_x], lambda x, _fn=_fn: _fn(x, axis=(0, 1)), axis=[0, 1], rtol=1e-4)
    C(_name, [_x], lambda x, _fn=_fn: _fn(x, keepdims=True), keepdims=True, rtol=1e-4)
C("sum", [I1], lambda x: np.sum(x, axis=0).astype(I32), axis=0)
C("sum", [M1], lambda x: np.sum(x).astype(I32))
C("sum", [I1.astype("int8")], lambda x: np.sum(x, axis=1).astype(I32), axis=1)
C("prod", [I2], lambda x: np.prod(x, axis=1).astype(I32), axis=1)
C("mean", [I1], lambda x: np.mean(x, axis=1).astype(F32), axis=1)
C("var", [I1], lambda x: np.var(x).astype(F32))
C("std", [I1], lambda x: np.std(x, axis=0).astype(F32), axis=0)
C("max", [I1], lambda x: np.max(x, axis=1), axis=1)
C("min", [I1], lambda x: np.min(x, axis=0, keepdims=True), axis=0, keepdims=True)
for _name, _fn in [("argmax", np.argmax), ("argmin", np.argmin)]:
    C(_name, [_X34], lambda x, _fn=_fn: _fn(x).astype(I32))
    C(_name, [_X34], lambda x, _fn=_fn: _fn(x, axis=1).astype(I32), axis=1)
    C(_name, [_X34], lambda x, _fn=_fn: _fn(x, axis=0, keepdims=True).astype(I32), axis=0, keepdims=True)
    C(_name, [X3], lambda x, _fn=_fn: _fn(x, axis=-1).astype(I32), axis=-1)
    C(_name, [I3], lambda x, _fn=_fn: _fn(x).astype(I32))
for _name, _fn in [("any", np.any), ("all", np.all)]:
    C(_name, [M1], _fn)
    C(_name, [M1], lambda x, _fn=_fn: _fn(x, axis=1), axis=1)
    C(_name, [M1], lambda x, _fn=_fn: _fn(x, axis=0, keepdims=True), axis=0, keepdims=True)
    C(_name, [I1], lambda x, _fn=_fn: _fn(x, axis=-1), axis=-1)

# ------------------------------------------------------------------ math
C("logsumexp", [A], lambda x: np.log(np.sum(np.exp(x))))
C("logsumexp", [X3], lambda x: np.log(np.sum(np.exp(x), axis=1)), axis=1)
C("logsumexp", [A * 100], lambda x: np.log(np.sum(np.exp(x.astype("float64") - x.max(-1, keepdims=True)), -1,
                                                  keepdims=True)) + x.max(-1, keepdims=True), expect=F32,
  axis=-1, keepdims=True, rtol=1e-5, atol=1e-3)
_TK = np.array([[3.0, 1.0, 4.0, 1.5, 9.0], [2.0, 7.0, 1.0, 8.0, 2.5]], F32)
C("top_k", [_TK, 2], lambda x, k: (np.sort(x, -1)[:, ::-1][:, :k], np.argsort(-x, -1)[:, :k].astype(I32)))
C("top_k", [_TK[0], 5], lambda x, k: (np.sort(x)[::-1], np.argsort(-x).astype(I32)))
_erf = np.vectorize(math.erf)
C("erf", [A], lambda x: _erf(x).astype(F32))
C("rsqrt", [P], lambda x: 1 / np.sqrt(x))

# ------------------------------------------------------------ activations
_WIDE = np.array([-100.0, -5.0, -1.0, -0.1, 0.0, 0.1, 1.0, 5.0, 100.0], F32)


def _sigmoid(x):
    return (1 / (1 + np.exp(-x.astype("float64")))).astype(F32)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(F32)


_SELU = (1.0507009873554805, 1.6732632423543772)
C("relu", [_WIDE], lambda x: np.maximum(x, 0))
C("relu", [I1], lambda x: np.maximum(x, 0).astype(F32))
C("relu6", [_WIDE], lambda x: np.clip(x, 0, 6))
C("sigmoid", [_WIDE], _sigmoid)
C("tanh", [_WIDE], np.tanh)
C("softmax", [X3], _softmax)
C("softmax", [X3], lambda x: _softmax(x, 0), axis=0)
C("log_softmax", [X3], lambda x: np.log(_softmax(x.astype("float64"), 1)).astype(F32), axis=1)
C("log_softmax", [_WIDE], lambda x: (x - x.max() - np.log(np.exp(x.astype("float64") - x.max()).sum())).astype(F32))
C("gelu", [_WIDE], lambda x: (0.5 * x * (1 + np.tanh(0.7978845608028654 * (x + 0.044715 * x.astype("float64") ** 3))))
  .astype(F32))
C("gelu", [_WIDE], lambda x: (0.5 * x * (1 + _erf(x / np.sqrt(2))).astype(F32)), approximate=False)
C("silu", [_WIDE], lambda x: x * _sigmoid(x))
C("swish", [_WIDE], lambda x: x * _sigmoid(x))
C("elu", [_WIDE], _elu)
C("elu", [_WIDE], lambda x: _elu(x, 0.5), alpha=0.5)
C("selu", [_WIDE], lambda x: (_SELU[0] * _elu(x, _SELU[1])).astype(F32))
C("softplus", [_WIDE], lambda x: np.logaddexp(0, x.astype("float64")).astype(F32))
C("softsign", [_WIDE], lambda x: x / (1 + np.abs(x)))
C("leaky_relu", [_WIDE], lambda x: np.where(x >= 0, x, 0.2 * x))
C("leaky_relu", [_WIDE], lambda x: np.where(x >= 0, x, 0.1 * x), negative_slope=0.1)
C("hard_sigmoid", [_WIDE], lambda x: np.clip(x / 6 + 0.5, 0, 1))

# -------------------------------------------------------- other nn ops
_LABELS = np.array([0, 2, 1, 5, -1], I32)
C("one_hot", [_LABELS, 3], lambda x, n: (x[:, None] == np.arange(n)).astype(F32))
C("one_hot", [_LABELS, 4], lambda x, n: (x[None, :] == np.arange(n)[:, None]).astype(F32), axis=0)
C("one_hot", [np.array([[1, 0], [2, 2]], I32), 3], lambda x, n: (x[..., None] == np.arange(n)).astype(I32),
  dtype="int32")
_T = (rng.random((4, 3)) > 0.5).astype(F32)
_O = rng.uniform(0.01, 0.99, (4, 3)).astype(F32)
_L = f(4, 3, lo=-4, hi=4)


def _bce(t, o):
    o = np.clip(o.astype("float64"), 1e-7, 1 - 1e-7)
    return -(t * np.log(o) + (1 - t) * np.log(1 - o))


def _bce_logits(t, x):
    x = x.astype("float64")
    return np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))


C("binary_crossentropy", [_T, _O], lambda t, o: _bce(t, o).astype(F32))
C("binary_crossentropy", [_T, _L], lambda t, x: _bce_logits(t, x).astype(F32), from_logits=True)
_ONEHOT = np.eye(3, dtype=F32)[[0, 2, 1, 1]]
_P = _softmax(f(4, 3))


def _cce(t, o, axis=-1):
    o = o / o.sum(axis=axis, keepdims=True)
    return -(t * np.log(np.clip(o, 1e-7, 1 - 1e-7))).sum(axis=axis)


C("categorical_crossentropy", [_ONEHOT, _P], lambda t, o: _cce(t, o).astype(F32))
C("categorical_crossentropy", [_ONEHOT, _L],
  lambda t, x: -(t * np.log(_softmax(x.astype("float64")))).sum(-1).astype(F32), from_logits=True)
C("categorical_crossentropy", [_ONEHOT.T.copy(), _P.T.copy()], lambda t, o: _cce(t, o, 0).astype(F32), axis=0)
_SPARSE = np.array([0, 2, 1, 1], I32)
C("sparse_categorical_crossentropy", [_SPARSE, _P], lambda t, o: _cce(np.eye(3)[t], o).astype(F32))
C("sparse_categorical_crossentropy", [_SPARSE, _L],
  lambda t, x: -np.log(_softmax(x.astype("float64")))[np.arange(4), t].astype(F32), from_logits=True)
C("sparse_categorical_crossentropy", [_SPARSE[:, None], _P], lambda t, o: _cce(np.eye(3)[t[:, 0]], o).astype(F32))
C("sparse_categorical_crossentropy", [_SPARSE.astype(F32), _P], lambda t, o: _cce(np.eye(3)[t.astype(int)], o)
  .astype(F32))
C("moments", [X3, (0, 1)], lambda x, a: (x.mean(axis=a), x.var(axis=a)))
C("moments", [X3, [2]], lambda x, a: (x.mean(axis=2, keepdims=True), x.var(axis=2, keepdims=True)),
  keepdims=True)
C("moments", [X3, -1], lambda x, a: (x.mean(axis=-1), x.var(axis=-1)))
_MEAN, _VAR, _OFF, _SCALE = f(4), f(4, lo=0.5, hi=2), f(4), f(4)
C("batch_normalization", [X3, _MEAN, _VAR, -1],
  lambda x, m, v, a: (x - m) / np.sqrt(v + 1e-3))
C("batch_normalization", [X3, _MEAN, _VAR, 2, _OFF, _SCALE],
  lambda x, m, v, a, o, s: (x - m) / np.sqrt(v + 1e-3) * s + o, atol=1e-5, rtol=1e-4)
C("batch_normalization", [X3, _MEAN[:3], _VAR[:3], 1],
  lambda x, m, v, a: (x - m[:, None]) / np.sqrt(v[:, None] + 0.5) * _SCALE[:3, None] + _OFF[:3, None],
  offset=_OFF[:3], scale=_SCALE[:3], epsilon=0.5, rtol=1e-4)

# -------------------------------------------------- keyword-only extras
C("max", [X3], lambda x: np.maximum(np.max(x, axis=1), np.float32(0.5)), axis=1, initial=0.5)
C("min", [I1], lambda x: np.minimum(np.min(x, axis=0), np.int32(-2)), axis=0, initial=-2)
C("prod", [I2], lambda x: np.prod(x, axis=1).astype("float32"), axis=1, dtype="float32")
C("arange", [2, 5], lambda a, b: np.arange(a, b, dtype=I32), step=None)
