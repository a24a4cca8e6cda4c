"""kcore normalization layers against keras: same weights, same outputs, same moving statistics and config."""

import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kcore  # noqa: E402
from kcore import layers, ops  # noqa: E402
from kcore.graph.keras_tensor import KerasTensor  # noqa: E402
from kcore.variables import StatelessScope  # noqa: E402

RNG = np.random.default_rng(0)
X3 = (RNG.standard_normal((4, 5, 6)) * 2 + 1).astype("float32")
X4 = (RNG.standard_normal((3, 4, 5, 6)) * 3 - 1).astype("float32")
TOL = dict(rtol=1e-5, atol=1e-5)


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _k(x):
    return ops.convert_to_numpy(x)


def _random_weights(keras_layer):
    """Random weights for ``keras_layer`` (variances and stddevs positive)."""
    out = []
    for v in keras_layer.weights:
        w = RNG.standard_normal(tuple(v.shape)).astype("float32")
        if "variance" in v.name or "stddev" in v.name:
            w = np.abs(w) + 0.5
        out.append(w)
    return out


def _cfg(layer):
    """get_config without the auto-generated name (kcore and keras count layer names separately)."""
    return {k: v for k, v in layer.get_config().items() if k != "name"}


def _pair(name, kwargs, shape):
    """A built keras layer and kcore layer with the same config and the same random weights."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kl = getattr(keras.layers, name)(**kwargs)
        cl = getattr(layers, name)(**kwargs)
    kl.build(shape)
    cl.build(shape)
    weights = _random_weights(kl)
    kl.set_weights(weights)
    cl.set_weights(weights)
    return kl, cl


# ------------------------------------------------------------------ BatchNormalization
BN_CASES = [
    ({}, X3),
    ({"axis": 1, "scale": False, "momentum": 0.5, "epsilon": 0.1}, X4),
    ({"center": False, "momentum": 0.9, "epsilon": 1e-5}, X3),
    ({"renorm": True, "renorm_clipping": {"rmax": 1.2, "rmin": 0.8, "dmax": 0.1}, "renorm_momentum": 0.9}, X4),
]


@pytest.mark.parametrize("kwargs,x", BN_CASES, ids=[str(c[0]) for c in BN_CASES])
def test_batch_norm_matches_keras(kwargs, x):
    kl, cl = _pair("BatchNormalization", kwargs, x.shape)
    assert [v.name for v in cl.weights] == [v.name for v in kl.weights]
    assert [v.trainable for v in cl.weights] == [v.trainable for v in kl.weights]
    for training in (None, False):
        np.testing.assert_allclose(_k(cl(x, training=training)), _np(kl(x, training=training)), **TOL)
    np.testing.assert_allclose(_k(cl(x, training=True)), _np(kl(x, training=True)), **TOL)
    # one training call updated the moving statistics exactly as keras does
    for kv, cv in zip(kl.weights, cl.weights):
        np.testing.assert_allclose(cv.numpy(), _np(kv.value), err_msg=cv.name, **TOL)
    # inference now uses the updated statistics
    np.testing.assert_allclose(_k(cl(x)), _np(kl(x)), **TOL)
    assert _cfg(cl) == _cfg(kl)


def test_batch_norm_config_defaults_and_roundtrip():
    cl, kl = layers.BatchNormalization(), keras.layers.BatchNormalization()
    assert _cfg(cl) == _cfg(kl)
    custom = dict(axis=1, momentum=0.9, epsilon=1e-4, beta_initializer="ones", gamma_initializer="zeros",
                  moving_variance_initializer="zeros", gamma_regularizer="l2", beta_constraint="non_neg",
                  synchronized=False, name="bn")
    cfg = layers.BatchNormalization(**custom).get_config()
    assert cfg == keras.layers.BatchNormalization(**custom).get_config()
    assert layers.BatchNormalization.from_config(cfg).get_config() == cfg


def test_batch_norm_masked_training_matches_keras():
    mask = np.ones((4, 5), dtype=bool)
    mask[0, 3:] = False
    mask[2, 1:] = False
    kl, cl = _pair("BatchNormalization", {"momentum": 0.8}, X3.shape)
    out_c = cl(X3, training=True, mask=ops.convert_to_tensor(mask))
    out_k = kl(X3, training=True, mask=mask)
    np.testing.assert_allclose(_k(out_c), _np(out_k), **TOL)
    np.testing.assert_allclose(cl.moving_mean.numpy(), _np(kl.moving_mean.value), **TOL)
    np.testing.assert_allclose(cl.moving_variance.numpy(), _np(kl.moving_variance.value), **TOL)
    with pytest.raises(ValueError, match="one dimension less"):
        cl(X3, training=True, mask=ops.convert_to_tensor(np.ones((4,), bool)))


def test_frozen_batch_norm_runs_in_inference_mode():
    kl, cl = _pair("BatchNormalization", {}, X3.shape)
    kl.trainable = False
    cl.trainable = False
    before = cl.moving_mean.numpy()
    np.testing.assert_allclose(_k(cl(X3, training=True)), _np(kl(X3, training=True)), **TOL)
    np.testing.assert_array_equal(cl.moving_mean.numpy(), before)
    assert cl.trainable_weights == [] and len(cl.non_trainable_weights) == 4


def test_batch_norm_updates_are_recorded_in_stateless_scope():
    _, cl = _pair("BatchNormalization", {}, X3.shape)
    before = [v.numpy() for v in cl.weights]
    with StatelessScope([(v, v.value) for v in cl.weights]) as scope:
        cl(X3, training=True)
    for v, b in zip(cl.weights, before):
        np.testing.assert_array_equal(v.numpy(), b)  # real variables untouched
    new_mean = ops.convert_to_numpy(scope.updates[id(cl.moving_mean)])
    expected = before[2] * 0.99 + X3.mean(axis=(0, 1)) * 0.01
    np.testing.assert_allclose(new_mean, expected, **TOL)
    assert id(cl.gamma) not in scope.updates


def test_batch_norm_symbolic_and_errors():
    x = kcore.Input((None, 6))
    bn = layers.BatchNormalization()
    y = bn(x)
    assert isinstance(y, KerasTensor) and y.shape == (None, None, 6) and y.dtype == "float32"
    y2 = bn(x, training=True)  # symbolic calls never touch the moving statistics
    assert y2.shape == (None, None, 6)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), np.zeros(6, "float32"))
    with pytest.raises(ValueError, match=r"batch_normalization.*expected axis -1 of input shape to have value 6.*\(None, None, 7\)"):
        bn(kcore.Input((None, 7)))
    with pytest.raises(ValueError, match=r"'bn2'.*axis -1 of the input must have a known size.*\(None, 4, None\)"):
        layers.BatchNormalization(name="bn2")(kcore.Input((4, None)))
    with pytest.raises(ValueError, match=r"'bn3'.*axis 3 is out of bounds.*\(None, 4, 5\)"):
        layers.BatchNormalization(axis=3, name="bn3")(kcore.Input((4, 5)))
    with pytest.raises(ValueError, match="renorm_clipping"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 1.0})
    with pytest.raises(TypeError, match=r"'bn4'.*`axis` should be an int"):
        layers.BatchNormalization(axis=[1, 2], name="bn4")
    with pytest.raises(ValueError, match="invalid keys"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"bad": 1.0})


def test_batch_norm_passes_masks_through():
    x = kcore.Input((5, 3))
    masked = layers.Masking()(x)
    y = layers.BatchNormalization()(masked)
    assert y._keras_mask is not None and y._keras_mask.shape == (None, 5)


# ------------------------------------------------------------------ LayerNormalization
LN_CASES = [
    ({}, X3),
    ({"axis": [-1, 1]}, X4),
    ({"axis": (1, 2), "center": False, "epsilon": 1e-5}, X3),
    ({"axis": 1, "scale": False, "epsilon": 0.5}, X3),
    ({"rms_scaling": True, "axis": [1, 3]}, X4),
]


def _layer_norm_reference(x, gamma, beta, axis, epsilon, rms_scaling):
    """NumPy LayerNormalization with keras' parameter layout: weights shaped by the sorted raw axes,
    reshaped (not transposed) onto the normalized axes."""
    axes = tuple(sorted(a % x.ndim for a in axis))
    bshape = [1] * x.ndim
    for a in axes:
        bshape[a] = x.shape[a]
    x64 = x.astype("float64")
    var = x64.var(axis=axes, keepdims=True)
    if rms_scaling:
        out = x64 / np.sqrt(var + epsilon)
        beta = None
    else:
        out = (x64 - x64.mean(axis=axes, keepdims=True)) / np.sqrt(var + epsilon)
    if gamma is not None:
        out = out * gamma.reshape(bshape)
    if beta is not None:
        out = out + beta.reshape(bshape)
    return out


@pytest.mark.parametrize("kwargs,x", LN_CASES, ids=[str(c[0]) for c in LN_CASES])
def test_layer_norm_matches_keras(kwargs, x):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert _cfg(layers.LayerNormalization(**kwargs)) == _cfg(keras.layers.LayerNormalization(**kwargs))
    kl, cl = _pair("LayerNormalization", kwargs, x.shape)
    assert [v.shape for v in cl.weights] == [tuple(v.shape) for v in kl.weights]
    reference = _layer_norm_reference(x, None if cl.gamma is None else cl.gamma.numpy(),
                                      None if cl.beta is None else cl.beta.numpy(), cl.axis, cl.epsilon, cl.rms_scaling)
    axes = sorted(a % x.ndim for a in cl.axis)
    # keras' torch backend hands contiguous axes to F.layer_norm, which only handles trailing ones
    keras_ok = keras.backend.backend() != "torch" or axes[-1] == x.ndim - 1 or axes != list(range(axes[0], axes[-1] + 1))
    for training in (None, True):
        out = _k(cl(x, training=training))
        np.testing.assert_allclose(out, reference, **TOL)
        if keras_ok:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # keras warns on every rms_scaling call
                np.testing.assert_allclose(out, _np(kl(x, training=training)), **TOL)
    assert _cfg(cl) == _cfg(kl)  # axis becomes a sorted list once built, as in keras


def test_layer_norm_float64_and_symbolic():
    x = kcore.Input((None, 8))
    ln = layers.LayerNormalization(axis=-1)
    y = ln(x)
    assert y.shape == (None, None, 8) and y.dtype == "float32"
    out = ln(X3[..., :5].repeat(2, axis=-1)[..., :8].astype("float64"))
    assert ops.dtype(out) == "float32"
    with pytest.raises(ValueError, match=r"'ln_bad'.*axis 3 is out of bounds.*\(None, 4\)"):
        layers.LayerNormalization(axis=3, name="ln_bad")(kcore.Input((4,)))
    with pytest.raises(TypeError, match="axis"):
        layers.LayerNormalization(axis="last")


def test_layer_norm_rms_scaling_warns():
    with pytest.warns(UserWarning, match="deprecated"):
        layers.LayerNormalization(rms_scaling=True)


# ------------------------------------------------------------------ Group / Unit
GN_CASES = [
    ({"groups": 3}, X3),
    ({"groups": -1, "center": False, "epsilon": 1e-5}, X3),
    ({"groups": 2, "axis": 1, "scale": False}, X4),
]


@pytest.mark.parametrize("kwargs,x", GN_CASES, ids=[str(c[0]) for c in GN_CASES])
def test_group_norm_matches_keras(kwargs, x):
    assert _cfg(layers.GroupNormalization(**kwargs)) == _cfg(keras.layers.GroupNormalization(**kwargs))
    kl, cl = _pair("GroupNormalization", kwargs, x.shape)
    np.testing.assert_allclose(_k(cl(x)), _np(kl(x)), **TOL)
    assert _cfg(cl) == _cfg(kl)


def test_group_norm_symbolic_and_errors():
    y = layers.GroupNormalization(groups=2)(kcore.Input((None, 4)))
    assert y.shape == (None, None, 4)
    with pytest.raises(ValueError, match=r"'gn'.*channels \(6\) must be a multiple of `groups` \(4\)"):
        layers.GroupNormalization(groups=4, name="gn")(kcore.Input((5, 6)))
    with pytest.raises(ValueError, match="groups"):
        layers.GroupNormalization(groups=0)


@pytest.mark.parametrize("axis", [-1, [1, 2]])
def test_unit_norm_matches_keras(axis):
    cl, kl = layers.UnitNormalization(axis=axis), keras.layers.UnitNormalization(axis=axis)
    assert _cfg(cl) == _cfg(kl)
    x = X3.copy()
    x[0, 0] = 0.0  # a zero vector stays zero (the inverse norm is capped)
    np.testing.assert_allclose(_k(cl(x)), _np(kl(x)), **TOL)
    assert layers.UnitNormalization(axis=axis)(kcore.Input((None, 6))).shape == (None, None, 6)
