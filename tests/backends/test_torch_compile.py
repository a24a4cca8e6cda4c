"""The torch backend's compile_function: eager first, then replayed from an aten trace.

The backend object is built directly, so these tests run under any active kcore backend.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from kcore_torch.backend import TorchBackend  # noqa: E402
from kcore_torch.core import TracedFunction  # noqa: E402

B = TorchBackend()
B.trace_after = 2  # trace on the third call of a signature
RNG = np.random.default_rng(0)


def tensor(*shape):
    return B.convert_to_tensor(RNG.standard_normal(shape).astype("float32"))


def _signatures(fn):
    return list(fn._signatures.values())


def _sgd_step(values, data):
    """A pure train step: forward, loss, autograd gradients, update, running count."""
    params, count = values
    x, y, _ = data

    def loss_fn(p, x, y):
        pred = B.add(B.matmul(x, p[0]), p[1])
        return B.mean(B.square(B.subtract(pred, y))), {"pred": pred}

    (loss, aux), grads = B.value_and_grad(loss_fn)(params, x, y)
    params = [B.subtract(p, B.multiply(0.1, g)) for p, g in zip(params, grads)]
    return (params, B.add(count, 1)), {"loss": loss, "pred": aux["pred"], "note": None, "n": 3}


def test_replay_matches_eager_step_after_step():
    step = B.compile_function(_sgd_step)
    assert isinstance(step, TracedFunction) and B.compile_function(_sgd_step) is step
    x, y = tensor(8, 3), tensor(8, 2)
    traced = eager = ([tensor(3, 2), tensor(2)], B.convert_to_tensor(np.int32(0)))
    for _ in range(6):
        traced, out = step(traced, (x, y, None))
        eager, ref = _sgd_step(eager, (x, y, None))
        for a, b in zip(traced[0] + [traced[1], out["loss"], out["pred"]], eager[0] + [eager[1], ref["loss"], ref["pred"]]):
            np.testing.assert_allclose(B.convert_to_numpy(a), B.convert_to_numpy(b), rtol=1e-6, atol=1e-6)
        assert out["note"] is None and out["n"] == 3 and isinstance(traced[0], list) and isinstance(traced, tuple)
    (entry,) = _signatures(step)
    assert entry.graph is not None and not entry.failed


def test_each_shape_is_its_own_signature():
    fn = B.compile_function(lambda x: B.sum(B.square(x), axis=0))
    for n in (2, 3, 2, 3, 2, 3, 2):
        x = tensor(n, 4)
        np.testing.assert_allclose(B.convert_to_numpy(fn(x)), (B.convert_to_numpy(x) ** 2).sum(0), rtol=1e-6)
    assert len(_signatures(fn)) == 2 and all(e.graph is not None for e in _signatures(fn))


def test_python_constants_are_part_of_the_signature():
    fn = TracedFunction(lambda x, scale: B.multiply(x, scale), trace_after=0)
    x = tensor(3)
    for scale in (2.0, 3.0, 2.0):
        np.testing.assert_allclose(B.convert_to_numpy(fn(x, scale)), B.convert_to_numpy(x) * scale, rtol=1e-6)
    assert len(_signatures(fn)) == 2


def test_host_reads_keep_the_signature_eager():
    def fn(x):
        return B.multiply(x, float(B.convert_to_numpy(B.sum(x))))  # depends on values read on the host

    traced = B.compile_function(fn)
    for i in range(5):
        x = B.convert_to_tensor(np.full(3, float(i + 1), "float32"))
        np.testing.assert_allclose(B.convert_to_numpy(traced(x)), np.full(3, (i + 1) * 3.0 * (i + 1)), rtol=1e-6)
    (entry,) = _signatures(traced)
    assert entry.failed and entry.graph is None


def test_seeded_random_ops_stay_eager_and_follow_the_seed():
    fn = B.compile_function(lambda x, seed: B.random_dropout(x, 0.5, None, seed))
    x = B.ones((200,))
    outs = [B.convert_to_numpy(fn(x, B.convert_to_tensor(np.array([1, i], "int32")))) for i in range(5)]
    assert all(not np.array_equal(outs[0], o) for o in outs[1:])
    again = B.convert_to_numpy(fn(x, B.convert_to_tensor(np.array([1, 4], "int32"))))
    np.testing.assert_array_equal(again, outs[4])


def test_inputs_that_require_grad_are_differentiated_through():
    fn = B.compile_function(lambda w: B.sum(B.square(w)))
    for _ in range(4):
        w = tensor(3).requires_grad_(True)
        (grad,) = torch.autograd.grad(fn(w), [w])
        np.testing.assert_allclose(grad.numpy(), 2 * w.detach().numpy(), rtol=1e-6)
    assert not _signatures(fn)


def test_trace_after_none_compiles_nothing_and_kind_is_checked():
    backend = TorchBackend()
    backend.trace_after = None

    def fn(x):
        return x

    assert backend.compile_function(fn) is fn
    with pytest.raises(ValueError, match="kind"):
        B.compile_function(fn, kind="training")
