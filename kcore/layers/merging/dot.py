"""Dot: batched dot product of two tensors along one axis of each."""

from __future__ import annotations

import functools

from kcore import ops
from kcore.layers.merging.base_merge import Merge

_LETTERS = "bcdefghijklmnopqrstuvwxy"  # "a" is the batch axis, "z" the contracted one


def l2_normalize(x, axis: int, epsilon: float = 1e-7):
    """``x / ||x||`` along ``axis``, the inverse norm capped at ``1 / epsilon`` (as ``keras.ops.normalize``)."""
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return ops.multiply(x, ops.rsqrt(ops.maximum(square_sum, epsilon * epsilon)))


@functools.lru_cache(maxsize=64)
def _batch_dot_subscripts(r1: int, r2: int, a1: int, a2: int) -> tuple[str, int]:
    """Einsum subscripts contracting axis ``a1`` of a rank-``r1`` tensor with axis ``a2`` of a rank-``r2`` one,
    sharing the batch axis 0; returns them with the output rank."""
    if r1 + r2 - 3 > len(_LETTERS):
        raise ValueError(f"Dot: inputs of rank {r1} and {r2} have too many axes for a batch dot")
    free = iter(_LETTERS)
    sub1 = ["a" if i == 0 else "z" if i == a1 else next(free) for i in range(r1)]
    sub2 = ["a" if i == 0 else "z" if i == a2 else next(free) for i in range(r2)]
    out = [c for c in sub1 if c != "z"] + [c for c in sub2[1:] if c != "z"]
    return f"{''.join(sub1)},{''.join(sub2)}->{''.join(out)}", len(out)


class Dot(Merge):
    """Dot product of samples of two tensors, contracting ``axes`` (an int, or one axis per input).

    With ``normalize=True`` both inputs are L2-normalized along their
    contracted axis first, so the result is the cosine proximity.
    """

    def __init__(self, axes, normalize: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        if not isinstance(axes, int):
            if not isinstance(axes, (list, tuple)):
                raise TypeError(f"Dot layer '{self.name}': `axes` should be an int or a list of two ints. Received: axes={axes}")
            if len(axes) != 2:
                raise ValueError(f"Dot layer '{self.name}': `axes` should contain two elements. Received: axes={axes}")
            if not all(isinstance(a, int) for a in axes):
                raise ValueError(f"Dot layer '{self.name}': `axes` elements should be integers. Received: axes={axes}")
        self.axes = axes
        self.normalize = normalize
        self.supports_masking = True
        self._reshape_required = False

    def _axes_for(self, rank1: int, rank2: int) -> tuple[int, int]:
        axes = (self.axes, self.axes) if isinstance(self.axes, int) else tuple(self.axes)
        return axes[0] % rank1, axes[1] % rank2

    def build(self, input_shape) -> None:
        self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape):
        shapes = self._as_shape_list(input_shape)
        if len(shapes) != 2:
            raise ValueError(f"{self._describe()} should be called on a list of 2 inputs. Received: input_shape={shapes}")
        s1, s2 = shapes
        if len(s1) < 2 or len(s2) < 2:
            raise ValueError(
                f"{self._describe()} cannot do a batch dot on inputs with rank < 2. Received inputs with shapes {s1} and {s2}"
            )
        self._check_batch(shapes)
        a1, a2 = self._axes_for(len(s1), len(s2))
        if a1 == 0 or a2 == 0:
            raise ValueError(
                f"{self._describe()} cannot contract the batch axis 0 (axes={self.axes}). Received inputs with shapes {s1} and {s2}"
            )
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise ValueError(
                f"{self._describe()}: incompatible input shapes: axis values {s1[a1]} (at axis {a1}) != "
                f"{s2[a2]} (at axis {a2}). Full input shapes: {s1}, {s2}"
            )
        out = [d for i, d in enumerate(s1) if i != a1] + [d for i, d in enumerate(s2) if i not in (0, a2)]
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def _merge_function(self, inputs, masks):
        if len(inputs) != 2:
            raise ValueError(f"{self._describe()} should be called on exactly 2 inputs. Received {len(inputs)} inputs.")
        x1, x2 = inputs
        r1, r2 = len(ops.shape(x1)), len(ops.shape(x2))
        a1, a2 = self._axes_for(r1, r2)
        if self.normalize:
            x1 = l2_normalize(x1, a1)
            x2 = l2_normalize(x2, a2)
        subscripts, rank_out = _batch_dot_subscripts(r1, r2, a1, a2)
        result = ops.einsum(subscripts, x1, x2)
        return ops.expand_dims(result, -1) if rank_out == 1 else result

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs: list, axes=-1, normalize: bool = False, **kwargs):
    """Functional form of :class:`Dot`: ``Dot(axes, normalize, **kwargs)(inputs)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
