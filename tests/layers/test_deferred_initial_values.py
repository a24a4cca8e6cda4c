"""Large initial weights from seeded kcore initializers are sampled on first use, with the values an
eager sample would have had; loaded weights are never sampled at all."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import initializers, layers, variables
from kcore.random import SeedGenerator

BIG = (300, 256)  # 76,800 elements: above DEFER_MIN_SIZE


def _dense(seed=None):
    layer = layers.Dense(BIG[1], kernel_initializer=initializers.GlorotUniform(seed=seed))
    layer.build((None, BIG[0]))
    return layer


def test_large_seeded_kernel_waits_and_equals_an_eager_sample(monkeypatch):
    assert np.prod(BIG) >= variables.DEFER_MIN_SIZE
    lazy = _dense(seed=3)
    assert not lazy.kernel.is_materialized and lazy.bias.is_materialized
    assert lazy.kernel.shape == BIG and lazy.kernel.dtype == "float32" and lazy.count_params() == 300 * 256 + 256
    monkeypatch.setattr(variables, "DEFER_MIN_SIZE", 1 << 62)
    eager = _dense(seed=3)
    assert eager.kernel.is_materialized
    np.testing.assert_array_equal(lazy.kernel.numpy(), eager.kernel.numpy())
    assert lazy.kernel.is_materialized


def test_unseeded_initializers_draw_their_seed_at_creation(monkeypatch):
    """The global seed is consumed when the layer is built, so materialization order does not matter."""
    kcore.utils.set_random_seed(7)
    first, second = _dense(), _dense()
    second_values = second.kernel.numpy()  # materialize out of creation order
    first_values = first.kernel.numpy()
    monkeypatch.setattr(variables, "DEFER_MIN_SIZE", 1 << 62)
    kcore.utils.set_random_seed(7)
    eager_first, eager_second = _dense(), _dense()
    np.testing.assert_array_equal(first_values, eager_first.kernel.numpy())
    np.testing.assert_array_equal(second_values, eager_second.kernel.numpy())


def test_assigning_a_pending_variable_never_samples_it(monkeypatch):
    layer = _dense(seed=1)
    calls = []
    init = layer.kernel._pending
    monkeypatch.setattr(layer.kernel, "_pending", lambda *a: calls.append(a) or init(*a))
    loaded = np.full(BIG, 0.5, "float32")
    layer.set_weights([loaded, np.zeros(BIG[1], "float32")])
    assert calls == [] and layer.kernel.is_materialized
    np.testing.assert_array_equal(layer.kernel.numpy(), loaded)


@pytest.mark.parametrize("initializer", [
    initializers.GlorotUniform(seed=SeedGenerator(1)),  # advances a generator: must sample now
    lambda shape, dtype=None: np.ones(shape, dtype),  # user code: must run now
])
def test_stateful_or_user_initializers_run_at_creation(initializer):
    v = variables.Variable(initializer, shape=BIG, dtype="float32")
    assert v.is_materialized


def test_deferred_model_trains_and_saves(tmp_path):
    kcore.utils.set_random_seed(0)
    inputs = kcore.Input((BIG[0],))
    model = kcore.Model(inputs, layers.Dense(2)(layers.Dense(BIG[1])(inputs)))
    assert not model.layers[1].kernel.is_materialized
    x = np.random.default_rng(0).random((8, BIG[0])).astype("float32")
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((8, 2), "float32"), verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    restored = kcore.models.load_model(path)
    np.testing.assert_allclose(kcore.ops.convert_to_numpy(restored(x)), kcore.ops.convert_to_numpy(model(x)),
                               atol=1e-6)
