"""kcore merging layers against keras: outputs, broadcasting, masks, symbolic shapes, config and errors."""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kcore  # noqa: E402
from kcore import layers, ops  # noqa: E402
from kcore.graph.keras_tensor import KerasTensor  # noqa: E402

RNG = np.random.default_rng(1)
TOL = dict(rtol=1e-5, atol=1e-5)
ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]


def _rand(*shape):
    return RNG.standard_normal(shape).astype("float32")


def _np(x):
    return np.asarray(keras.ops.convert_to_numpy(x))


def _cfg(layer):
    """get_config without the auto-generated name (kcore and keras count layer names separately)."""
    return {k: v for k, v in layer.get_config().items() if k != "name"}


def _both(name, inputs, **kwargs):
    """(kcore output, keras output) of the layer ``name`` on the same NumPy inputs."""
    kc = getattr(layers, name)(**kwargs)
    ke = getattr(keras.layers, name)(**kwargs)
    return ops.convert_to_numpy(kc(inputs)), _np(ke(inputs))


SHAPE_CASES = [
    [(4, 3), (4, 3)],
    [(4, 1, 3), (4, 5, 3)],  # broadcasting
    [(4, 3), (4, 5, 3)],  # different ranks: new axes after the batch axis
]


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shapes", SHAPE_CASES, ids=["same", "broadcast", "ranks"])
def test_elementwise_matches_keras(name, shapes):
    inputs = [_rand(*s) for s in shapes]
    if name not in ("Subtract",):
        inputs.append(_rand(*shapes[0]))  # three inputs
    got, expected = _both(name, inputs)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **TOL)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_symbolic_shapes_and_config(name):
    n_inputs = 2 if name == "Subtract" else 3
    shape_sets = [[(None, 3)] * n_inputs, [(5, 1)] + [(None, 4)] * (n_inputs - 1), [(None,), (2, None)] + [(None,)] * (n_inputs - 2)]
    for shapes in shape_sets:
        got = getattr(layers, name)()([kcore.Input(shape=s) for s in shapes])
        expected = getattr(keras.layers, name)()([keras.Input(shape=s) for s in shapes])
        assert isinstance(got, KerasTensor)
        assert got.shape == tuple(expected.shape), shapes
        assert got.dtype == expected.dtype == "float32"
    assert _cfg(getattr(layers, name)(name="m", trainable=False)) == _cfg(getattr(keras.layers, name)(name="m", trainable=False))
    assert getattr(layers, name)(name="merge_x").get_config()["name"] == "merge_x"


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_functional_forms(name):
    fn = getattr(layers, name.lower())
    a, b = kcore.Input((3,)), kcore.Input((3,))
    y = fn([a, b], name=f"{name.lower()}_fn")
    assert y.shape == (None, 3)
    layer = y._keras_history[0] if hasattr(y, "_keras_history") and y._keras_history else None
    assert layer is not None and isinstance(layer, getattr(layers, name)) and layer.name == f"{name.lower()}_fn"
    x1, x2 = _rand(2, 3), _rand(2, 3)
    np.testing.assert_allclose(ops.convert_to_numpy(fn([x1, x2])), _np(getattr(keras.layers, name.lower())([x1, x2])), **TOL)


def test_incompatible_shapes_fail_at_graph_construction():
    a, b = kcore.Input((3,)), kcore.Input((4,))
    with pytest.raises(ValueError, match=r"Add layer 'bad_add'.*\(None, 3\) and \(None, 4\)"):
        layers.Add(name="bad_add")([a, b])
    with pytest.raises(ValueError, match=r"'add_three'.*\(None, 3\) and \(None, 3\) and \(None, 4\)"):
        layers.add([a, kcore.Input((3,)), b], name="add_three")
    with pytest.raises(ValueError, match=r"Subtract layer 'sub'.*exactly 2 inputs"):
        layers.Subtract(name="sub")([a, a, a])
    with pytest.raises(ValueError, match=r"'avg'.*different batch sizes"):
        layers.average([kcore.Input((3,), batch_size=2), kcore.Input((3,), batch_size=5)], name="avg")
    with pytest.raises(ValueError, match=r"Maximum layer 'mx'.*list of"):
        layers.Maximum(name="mx")(a)
    # a shared layer re-checks shapes at every symbolic call
    shared = layers.Multiply(name="shared_mul")
    shared([a, a])
    with pytest.raises(ValueError, match=r"'shared_mul'.*\(None, 3\) and \(None, 4\)"):
        shared([a, b])


def test_masks_match_keras_in_functional_models():
    x1, x2 = _rand(2, 4, 3), _rand(2, 4, 3)
    x1[0, 2:] = 0.0
    x2[1, :1] = 0.0
    x2[0, 3] = 0.0
    for name in ELEMENTWISE + ["Concatenate"]:
        outs, masks = [], []
        for lib in (kcore, keras):
            a, b = lib.Input((4, 3)), lib.Input((4, 3))
            merged = getattr(lib.layers, name)()([lib.layers.Masking()(a), lib.layers.Masking()(b)])
            masks.append(merged._keras_mask)
            outs.append(np.asarray(lib.ops.convert_to_numpy(lib.Model([a, b], merged)([x1, x2]))))
        np.testing.assert_allclose(outs[0], outs[1], err_msg=name, **TOL)
        assert masks[0] is not None and masks[0].shape == tuple(masks[1].shape) == (None, 4)
    # the masked minimum is not the plain minimum: masked zeros never win
    plain = np.minimum(x1, x2)
    a, b = kcore.Input((4, 3)), kcore.Input((4, 3))
    m = kcore.Model([a, b], layers.minimum([layers.Masking()(a), layers.Masking()(b)]))
    assert not np.allclose(ops.convert_to_numpy(m([x1, x2])), plain)


@pytest.mark.parametrize("name", ELEMENTWISE + ["Concatenate"])
def test_compute_mask_matches_keras(name):
    m1 = np.array([[True, False, True], [False, False, True]])
    m2 = np.array([[False, False, True], [True, False, False]])
    x = [_rand(2, 3, 4), _rand(2, 3, 4)]
    kc, ke = getattr(layers, name)(), getattr(keras.layers, name)()
    got = kc.compute_mask(x, [ops.convert_to_tensor(m1), ops.convert_to_tensor(m2)])
    np.testing.assert_array_equal(ops.convert_to_numpy(got), _np(ke.compute_mask(x, [m1, m2])))
    got = kc.compute_mask(x, [ops.convert_to_tensor(m1), None])
    expected = ke.compute_mask(x, [m1, None])
    assert (got is None) == (expected is None)
    if got is not None:
        np.testing.assert_array_equal(ops.convert_to_numpy(got), _np(expected))
    assert kc.compute_mask(x, None) is None


# ------------------------------------------------------------------ Concatenate
@pytest.mark.parametrize("axis,shapes", [
    (-1, [(2, 3), (2, 4), (2, 1)]),
    (1, [(2, 3, 4), (2, 5, 4)]),
    (-2, [(2, 3, 4), (2, 1, 4)]),
    (2, [(2, 3, 4), (2, 3, 2)]),
])
def test_concatenate_matches_keras(axis, shapes):
    inputs = [_rand(*s) for s in shapes]
    got, expected = _both("Concatenate", inputs, axis=axis)
    np.testing.assert_allclose(got, expected, **TOL)
    sym = [tuple(None if i == 0 else d for i, d in enumerate(s)) for s in shapes]
    y = layers.concatenate([kcore.Input(batch_shape=s) for s in sym], axis=axis)
    ky = keras.layers.concatenate([keras.Input(batch_shape=s) for s in sym], axis=axis)
    assert y.shape == tuple(ky.shape)
    assert _cfg(layers.Concatenate(axis=axis)) == _cfg(keras.layers.Concatenate(axis=axis))


def test_concatenate_guide_shapes_and_errors():
    title, body, tags = kcore.Input((64,)), kcore.Input((32,)), kcore.Input((12,))
    assert layers.concatenate([title, body, tags]).shape == (None, 108)
    assert layers.concatenate([kcore.Input((None, 4)), kcore.Input((5, 4))], axis=1).shape == (None, None, 4)
    assert layers.concatenate([kcore.Input((None, 4)), kcore.Input((5, 2))]).shape == (None, None, 6)
    with pytest.raises(ValueError, match=r"Concatenate layer 'cat'.*matching shapes except for the concatenation axis.*\(None, 3, 4\).*\(None, 5, 4\)"):
        layers.concatenate([kcore.Input((3, 4)), kcore.Input((5, 4))], name="cat")
    with pytest.raises(ValueError, match=r"'cat2'.*same rank.*\(None, 3\).*\(None, 3, 4\)"):
        layers.Concatenate(name="cat2")([kcore.Input((3,)), kcore.Input((3, 4))])
    with pytest.raises(ValueError, match=r"'cat3'.*axis=3 is out of bounds"):
        layers.Concatenate(axis=3, name="cat3")([kcore.Input((3,)), kcore.Input((3,))])


# ------------------------------------------------------------------------- Dot
DOT_CASES = [
    (1, [(3, 4), (3, 4)]),
    (-1, [(3, 5, 4), (3, 6, 4)]),
    ((2, 1), [(3, 5, 4), (3, 4, 6)]),
    ((1, 2), [(3, 4, 5), (3, 6, 4)]),
    ((2, 1), [(3, 5, 4), (3, 4)]),
    ((1, 1), [(3, 4), (3, 4, 2)]),
    ((-1, 2), [(3, 2, 5, 4), (3, 6, 4)]),
]


@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize("axes,shapes", DOT_CASES, ids=[str(c) for c in DOT_CASES])
def test_dot_matches_keras(axes, shapes, normalize):
    inputs = [_rand(*s) for s in shapes]
    got, expected = _both("Dot", inputs, axes=axes, normalize=normalize)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **TOL)
    sym = [(None,) + s[1:] for s in shapes]
    y = layers.dot([kcore.Input(batch_shape=s) for s in sym], axes=axes, normalize=normalize)
    ky = keras.layers.dot([keras.Input(batch_shape=s) for s in sym], axes=axes, normalize=normalize)
    assert y.shape == tuple(ky.shape) == (None,) + expected.shape[1:]
    assert _cfg(layers.Dot(axes, normalize=normalize)) == _cfg(keras.layers.Dot(axes, normalize=normalize))


def test_dot_zero_vector_and_errors():
    x = np.zeros((2, 3), "float32")
    got, expected = _both("Dot", [x, _rand(2, 3)], axes=1, normalize=True)
    np.testing.assert_allclose(got, expected, **TOL)
    a, b = kcore.Input((3,)), kcore.Input((4,))
    with pytest.raises(ValueError, match=r"Dot layer 'dt'.*axis values 3 \(at axis 1\) != 4 \(at axis 1\).*\(None, 3\), \(None, 4\)"):
        layers.dot([a, b], axes=1, name="dt")
    with pytest.raises(ValueError, match=r"'dt0'.*batch axis 0"):
        layers.Dot(axes=0, name="dt0")([a, a])
    with pytest.raises(ValueError, match=r"'dt1'.*rank < 2"):
        layers.Dot(axes=1, name="dt1")([kcore.Input(batch_shape=(3,)), a])
    with pytest.raises(ValueError, match=r"'dt2'.*list of 2 inputs"):
        layers.Dot(axes=1, name="dt2")([a, a, a])
    with pytest.raises(ValueError, match="two elements"):
        layers.Dot(axes=(1, 2, 3))
    with pytest.raises(TypeError, match="axes"):
        layers.Dot(axes="last")


def test_guide_patterns():
    """The functional API guide's merges: residual add, feature concatenation, ensemble average."""
    inputs = kcore.Input((32, 32, 3))
    x = layers.Dense(8)(inputs)
    y = layers.Dense(8)(x)
    assert layers.add([x, y]).shape == (None, 32, 32, 8)
    z = kcore.Input((128,))
    outs = [layers.Dense(1)(z) for _ in range(3)]
    avg = layers.average(outs)
    assert avg.shape == (None, 1)
    model = kcore.Model(z, avg)
    data = _rand(4, 128)
    expected = np.mean([ops.convert_to_numpy(d(data)) for d in model.layers[1:4]], axis=0)
    np.testing.assert_allclose(ops.convert_to_numpy(model(data)), expected, **TOL)
