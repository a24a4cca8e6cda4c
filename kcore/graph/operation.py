"""Symbolic execution of kcore ops on KerasTensors."""

from __future__ import annotations

from typing import Any, Callable

# Depth of layer calls currently being traced symbolically. Ops called inside a
# layer's ``call`` only infer shapes; ops called directly on functional-graph
# tensors are recorded as graph nodes by ``record_op`` (set by kcore.layers).
_trace_depth = [0]
record_op: Callable[[Callable, tuple, dict, Any], Any] | None = None


class tracing:
    """Context manager marking a layer's symbolic ``call``."""

    def __enter__(self):
        _trace_depth[0] += 1

    def __exit__(self, *exc):
        _trace_depth[0] -= 1


class recording:
    """Context manager: record graph nodes again (a Sequential building its graph inside a traced call)."""

    def __enter__(self):
        self.saved = _trace_depth[0]
        _trace_depth[0] = 0

    def __exit__(self, *exc):
        _trace_depth[0] = self.saved


def symbolic_call(op_fn: Callable, infer: Callable, args: tuple, kwargs: dict) -> Any:
    """Run ``op_fn`` symbolically: infer outputs, and record a node when at graph level."""
    outputs = infer(*args, **kwargs)
    if _trace_depth[0] == 0 and record_op is not None:
        return record_op(op_fn, args, kwargs, outputs)
    return outputs
