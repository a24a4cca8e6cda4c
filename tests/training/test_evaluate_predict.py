"""evaluate(), predict() and the *_on_batch methods on the active backend."""

from __future__ import annotations

import numpy as np
import pytest

import kcore as keras
from kcore import layers

RNG = np.random.default_rng(1)
X = RNG.normal(size=(50, 4)).astype("float32")
Y = RNG.integers(0, 3, size=(50,))


def mlp(seed: int = 0, **dense_kwargs):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((4,))
    h = layers.Dense(8, activation="relu", **dense_kwargs)(inputs)
    return keras.Model(inputs, layers.Dense(3)(h))


def per_sample_ce(logits, y):
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -logp[np.arange(len(y)), y]


@pytest.fixture(scope="module")
def model():
    m = mlp()
    m.compile(keras.optimizers.RMSprop(), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
    return m


def test_evaluate_returns_loss_then_metrics_like_the_guide(model):
    test_scores = model.evaluate(X, Y, verbose=0)
    logits = model.predict(X, verbose=0)
    assert isinstance(test_scores, list) and len(test_scores) == 2
    assert test_scores[0] == pytest.approx(per_sample_ce(logits, Y).mean(), rel=1e-5)
    assert test_scores[1] == pytest.approx(np.mean(np.argmax(logits, -1) == Y), abs=1e-6)
    assert model.evaluate(X, Y, verbose=0, return_dict=True) == {"loss": test_scores[0], "accuracy": test_scores[1]}
    assert model.metrics_names == ["loss", "accuracy"]


def test_evaluate_with_only_a_loss_returns_a_scalar():
    m = mlp()
    m.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    value = m.evaluate(X, Y, verbose=0)
    assert isinstance(value, float)
    assert value == pytest.approx(per_sample_ce(m.predict(X, verbose=0), Y).mean(), rel=1e-5)


def test_evaluate_is_independent_of_batch_size_and_weights_samples(model):
    full = model.evaluate(X, Y, batch_size=50, verbose=0)
    ragged = model.evaluate(X, Y, batch_size=7, verbose=0)  # last batch holds 1 sample
    assert ragged == pytest.approx(full, rel=1e-5)
    sw = RNG.random(size=(50,)).astype("float32")
    weighted = model.evaluate(X, Y, sample_weight=sw, batch_size=50, verbose=0)
    expected = (per_sample_ce(model.predict(X, verbose=0), Y) * sw).sum() / 50  # sum_over_batch_size
    assert weighted[0] == pytest.approx(expected, rel=1e-5)
    assert weighted[1] == pytest.approx(full[1])  # `metrics` are not weighted


def test_evaluate_counts_regularization_losses():
    m = mlp(kernel_regularizer=keras.regularizers.L2(0.1))
    m.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    kernel = m.layers[1].kernel.numpy()
    expected = per_sample_ce(m.predict(X, verbose=0), Y).mean() + 0.1 * np.sum(kernel ** 2)
    assert m.evaluate(X, Y, verbose=0) == pytest.approx(expected, rel=1e-5)


def test_predict_batches_and_returns_numpy(model):
    out = model.predict(X, batch_size=16, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (50, 3) and out.dtype == np.float32
    eager = np.asarray(keras.ops.convert_to_numpy(model(X)))
    np.testing.assert_allclose(out, eager, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(X[:5]), eager[:5], rtol=1e-5, atol=1e-6)


def test_predict_keeps_the_output_structure():
    keras.utils.set_random_seed(0)
    a = keras.Input((4,), name="a")
    h = layers.Dense(5)(a)
    heads = {"zeta": layers.Dense(2, name="zeta")(h), "alpha": layers.Dense(1, name="alpha")(h)}
    as_dict = keras.Model(a, heads)
    as_list = keras.Model(a, [heads["zeta"], heads["alpha"]])
    d = as_dict.predict(X, batch_size=16, verbose=0)
    lst = as_list.predict(X, batch_size=16, verbose=0)
    assert list(d) == ["zeta", "alpha"]
    assert isinstance(lst, list) and [o.shape for o in lst] == [(50, 2), (50, 1)]
    np.testing.assert_allclose(d["zeta"], lst[0], rtol=1e-6)
    np.testing.assert_allclose(d["alpha"], lst[1], rtol=1e-6)


def test_predict_builds_a_sequential_model_without_an_input_shape():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([layers.Dense(6, activation="relu"), layers.Dense(2)])
    out = model.predict(X, batch_size=20, verbose=0)
    assert out.shape == (50, 2)
    model.compile("adam", "mse")
    history = model.fit(X, np.zeros((50, 2), "float32"), epochs=2, verbose=0)
    assert history.history["loss"][1] < history.history["loss"][0]


def test_train_test_and_predict_on_batch():
    m = mlp()
    m.compile(keras.optimizers.SGD(0.1), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
    before = m.test_on_batch(X[:10], Y[:10])
    assert m.test_on_batch(X[:10], Y[:10]) == before  # no update, metrics reset per call
    logs = m.train_on_batch(X[:10], Y[:10], return_dict=True)
    assert logs == pytest.approx({"loss": before[0], "accuracy": before[1]})  # the batch's pre-update values
    after = m.test_on_batch(X[:10], Y[:10], return_dict=True)
    assert after["loss"] < before[0]
    np.testing.assert_allclose(m.predict_on_batch(X[:10]), m.predict(X[:10], verbose=0), rtol=1e-6)


def test_evaluate_and_predict_with_steps_on_a_generator(model):
    def batches():
        for i in range(0, 50, 10):
            yield X[i:i + 10], Y[i:i + 10]

    gen = batches()
    first = model.evaluate(gen, steps=2, verbose=0)
    expected = model.evaluate(X[:20], Y[:20], verbose=0)
    assert first == pytest.approx(expected, rel=1e-5)
    rest = model.predict(gen, verbose=0)  # the generator goes on at the third batch
    np.testing.assert_allclose(rest, model.predict(X[20:], verbose=0), rtol=1e-5, atol=1e-6)


def test_evaluate_needs_compile_and_targets():
    m = mlp()
    with pytest.raises(RuntimeError, match=r"must call `compile\(\)` before calling `evaluate\(\)`"):
        m.evaluate(X, Y, verbose=0)
    m.compile("sgd", "mse")
    with pytest.raises(ValueError, match="compiled with a loss but the data has no targets"):
        m.evaluate(X, verbose=0)
