"""``kcore.ops``: the ``keras.ops`` functions, running on the active backend.

Every op accepts backend tensors, NumPy arrays, Python scalars and kcore
Variables and returns backend tensors; called with a ``KerasTensor`` it
returns KerasTensors with inferred shape and dtype instead. Submodules group
the ops as Keras does: :mod:`kcore.ops.core`, :mod:`kcore.ops.numpy`,
:mod:`kcore.ops.nn` and :mod:`kcore.ops.math`.
"""

from kcore.ops import core, math, nn, numpy
from kcore.ops.core import *  # noqa: F401,F403
from kcore.ops.math import *  # noqa: F401,F403
from kcore.ops.nn import *  # noqa: F401,F403
from kcore.ops.numpy import *  # noqa: F401,F403

__all__ = list(dict.fromkeys(core.__all__ + numpy.__all__ + nn.__all__ + math.__all__))
