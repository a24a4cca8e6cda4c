"""The tensorflow backend's compile_function: tf.function calls that skip signature matching when repeated.

The backend object is built directly, so these tests run under any active kcore backend.
"""

from __future__ import annotations

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from kcore_tensorflow.backend import TensorflowBackend  # noqa: E402
from kcore_tensorflow.core import FastFunction  # noqa: E402

B = TensorflowBackend()
RNG = np.random.default_rng(0)


def tensor(*shape):
    return tf.constant(RNG.standard_normal(shape).astype("float32"))


def _step(values, data):
    params, count = values
    x, y, sw = data

    def loss_fn(p, x, y):
        pred = B.add(B.matmul(x, p[0]), p[1])
        return B.mean(B.square(B.subtract(pred, y))), pred

    (loss, _), grads = B.value_and_grad(loss_fn)(params, x, y)
    params = [B.subtract(p, B.multiply(0.1, g)) for p, g in zip(params, grads)]
    return (params, B.add(count, 1)), {"loss": loss, "weighted": sw is not None}


def test_repeated_calls_take_the_concrete_function_and_match_eager():
    step = B.compile_function(_step)
    assert isinstance(step, FastFunction) and B.compile_function(_step) is step
    x, y = tensor(8, 3), tensor(8, 2)
    fast = eager = ([tensor(3, 2), tensor(2)], tf.constant(0))
    for _ in range(4):
        fast, out = step(fast, (x, y, None))
        eager, ref = _step(eager, (x, y, None))
        for a, b in zip(fast[0] + [fast[1], out["loss"]], eager[0] + [eager[1], ref["loss"]]):
            np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-6, atol=1e-6)
        assert not bool(out["weighted"]) and isinstance(fast, tuple) and isinstance(fast[0], list)
    (entry,) = step._concrete.values()
    assert entry[1] is not None  # the fast path is armed
    assert step.function.experimental_get_tracing_count() == 1


def test_same_leaves_in_another_nesting_are_not_confused():
    fn = B.compile_function(lambda pair: B.subtract(B.sum(pair[0][0]), B.sum(pair[1][0])))
    a, b, c = tensor(2), tensor(2), tensor(2)
    for _ in range(2):
        got1 = fn(([a, b], [c]))
        got2 = fn(([a], [b, c]))
    np.testing.assert_allclose(got1.numpy(), a.numpy().sum() - c.numpy().sum(), rtol=1e-6)
    np.testing.assert_allclose(got2.numpy(), a.numpy().sum() - b.numpy().sum(), rtol=1e-6)


def test_python_scalars_are_matched_by_value_and_type():
    fn = B.compile_function(lambda x, scale: B.multiply(x, scale))
    x = tensor(3)
    for scale in (2.0, 3.0, 2.0, 3.0, True, 1):
        np.testing.assert_allclose(fn(x, scale).numpy(), x.numpy() * scale, rtol=1e-6)
    assert len(fn._concrete) == 4  # 2.0, 3.0, True and 1 are four signatures


def test_new_shapes_and_numpy_inputs_still_work():
    fn = B.compile_function(lambda x: B.sum(x, axis=0))
    for n in (2, 3, 2, 3):
        x = RNG.standard_normal((n, 4)).astype("float32")
        np.testing.assert_allclose(fn(tf.constant(x)).numpy(), x.sum(0), rtol=1e-5)
        np.testing.assert_allclose(fn(x).numpy(), x.sum(0), rtol=1e-5)  # NumPy leaves: plain tf.function call


def test_gradient_tape_sees_through_the_fast_path():
    fn = B.compile_function(lambda w: B.sum(B.square(w)))
    w = tensor(3)
    for _ in range(3):
        with tf.GradientTape() as tape:
            tape.watch(w)
            value = fn(w)
        np.testing.assert_allclose(tape.gradient(value, w).numpy(), 2 * w.numpy(), rtol=1e-6)
