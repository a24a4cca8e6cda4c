"""kcore.initializers against the Keras 3 oracle: configs, names, statistics and seeding."""

import os

_KCORE_BACKEND = os.environ.get("KCORE_BACKEND", "numpy")
os.environ["KERAS_BACKEND"] = "jax" if _KCORE_BACKEND == "numpy" else _KCORE_BACKEND

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kcore import initializers, ops  # noqa: E402
from kcore import random as kcore_random  # noqa: E402

RANDOM_CLASSES = ["RandomNormal", "RandomUniform", "TruncatedNormal", "VarianceScaling", "GlorotUniform",
                  "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform", "Orthogonal"]
ALL_CLASSES = ["Zeros", "Ones", "Constant", "Identity"] + RANDOM_CLASSES

# (class name, constructor kwargs) with non-default arguments
NON_DEFAULT = [
    ("Constant", {"value": 3.5}),
    ("Constant", {"value": [1.0, 2.0]}),
    ("RandomNormal", {"mean": 1.0, "stddev": 2.0, "seed": 7}),
    ("RandomUniform", {"minval": -1.0, "maxval": 3.0, "seed": 7}),
    ("TruncatedNormal", {"mean": 0.5, "stddev": 0.1, "seed": 1}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform", "seed": 3}),
    ("VarianceScaling", {"distribution": "normal"}),
    ("VarianceScaling", {"mode": "fan_out", "distribution": "untruncated_normal", "input_axes": [0],
                         "output_axes": [1, 2]}),
    ("GlorotUniform", {"seed": 11}),
    ("HeNormal", {"seed": 2, "input_axes": [0, 1], "output_axes": [2]}),
    ("Orthogonal", {"gain": 2.0, "seed": 4}),
]


def np_(x):
    return np.asarray(ops.convert_to_numpy(x))


# ----------------------------------------------------------------- configs


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_default_config_and_serialization_match_keras(name):
    ours, theirs = getattr(initializers, name)(), getattr(keras.initializers, name)()
    assert ours.get_config() == theirs.get_config()
    assert initializers.serialize(ours) == keras.initializers.serialize(theirs)


@pytest.mark.parametrize("name,kwargs", NON_DEFAULT)
def test_non_default_config_matches_keras_and_round_trips(name, kwargs):
    ours, theirs = getattr(initializers, name)(**kwargs), getattr(keras.initializers, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    config = keras.initializers.serialize(theirs)
    assert initializers.serialize(ours) == config
    rebuilt = initializers.deserialize(config)
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()
    assert initializers.get(config).get_config() == ours.get_config()


def test_seed_generator_seed_serializes_like_keras():
    ours = initializers.GlorotUniform(seed=kcore_random.SeedGenerator(3))
    theirs = keras.initializers.GlorotUniform(seed=keras.random.SeedGenerator(3))
    assert initializers.serialize(ours)["config"]["seed"]["class_name"] == "SeedGenerator"
    assert initializers.serialize(ours)["config"]["seed"]["module"] == "keras.random"
    assert (initializers.serialize(ours)["config"]["seed"]["config"]["seed"]
            == keras.initializers.serialize(theirs)["config"]["seed"]["config"]["seed"])
    rebuilt = initializers.deserialize(initializers.serialize(ours))
    assert isinstance(rebuilt.seed, kcore_random.SeedGenerator)


def test_exports_mirror_keras():
    keras_names = {n for n in dir(keras.initializers) if not n.startswith("_")}
    ours = {n for n in dir(initializers) if not n.startswith("_")}
    missing = keras_names - ours - {"STFT", "STFTInitializer", "stft"}
    assert not missing, missing
    assert initializers.glorot_uniform is initializers.GlorotUniform
    assert initializers.IdentityInitializer is initializers.Identity


def test_get_by_every_keras_name():
    from keras.src.initializers import ALL_OBJECTS_DICT as KERAS_NAMES

    for name, cls in KERAS_NAMES.items():
        if cls.__name__ in ("STFT", "Initializer"):
            continue
        obj = initializers.get(name)
        assert type(obj).__name__ == cls.__name__, name


def test_get_other_identifiers():
    assert initializers.get(None) is None
    inst = initializers.HeNormal(seed=1)
    assert initializers.get(inst) is inst
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)
    fn = lambda shape, dtype=None: ops.ones(shape, dtype=dtype)  # noqa: E731
    assert initializers.get(fn) is fn
    assert initializers.get({"class_name": "Zeros", "config": {}}).get_config() == {}
    with pytest.raises(ValueError, match="initializer"):
        initializers.get("not_an_initializer")
    with pytest.raises(ValueError):
        initializers.get({"class_name": "Nope", "config": {}})


def test_get_from_array_checks_shape():
    init = initializers.get(np.arange(6, dtype="float64").reshape(2, 3))
    out = init((2, 3), dtype="float32")
    assert ops.dtype(out) == "float32"
    np.testing.assert_array_equal(np_(out), np.arange(6).reshape(2, 3))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        init((3, 2))


def test_custom_initializer_serialization():
    class Scaled(initializers.Initializer):
        def __init__(self, factor=1.0):
            self.factor = factor

        def __call__(self, shape, dtype=None):
            return ops.multiply(ops.ones(shape, dtype=dtype), self.factor)

        def get_config(self):
            return {"factor": self.factor}

    config = initializers.serialize(Scaled(2.0))
    assert config["class_name"] == "Scaled" and config["registered_name"] == "Scaled"
    assert config["config"] == {"factor": 2.0}
    with pytest.raises(ValueError, match="Scaled"):
        initializers.deserialize(config)
    rebuilt = initializers.deserialize(config, custom_objects={"Scaled": Scaled})
    np.testing.assert_array_equal(np_(rebuilt((2,))), [2.0, 2.0])
    assert isinstance(Scaled(3.0).clone(), Scaled)


# ------------------------------------------------------ values and shapes


@pytest.mark.parametrize("name", ALL_CLASSES)
def test_shape_and_default_dtype(name):
    out = getattr(initializers, name)()((4, 4))
    assert tuple(ops.shape(out)) == (4, 4)
    assert ops.dtype(out) == "float32"
    assert np.all(np.isfinite(np_(out)))


@pytest.mark.parametrize("name", ["Zeros", "Ones", "RandomNormal", "GlorotUniform", "HeNormal", "Orthogonal"])
def test_explicit_dtype(name):
    out = getattr(initializers, name)()((3, 5), dtype="float16")
    assert ops.dtype(out) == "float16"
    assert tuple(ops.shape(out)) == (3, 5)


def test_constant_values():
    np.testing.assert_array_equal(np_(initializers.Zeros()((2, 3))), np.zeros((2, 3)))
    np.testing.assert_array_equal(np_(initializers.Ones()((2,), dtype="int32")), [1, 1])
    assert ops.dtype(initializers.Ones()((2,), dtype="int32")) == "int32"
    np.testing.assert_allclose(np_(initializers.Constant(2.5)((2, 2))), np.full((2, 2), 2.5))
    as_int = initializers.Constant(2.7)((2,), dtype="int32")
    assert ops.dtype(as_int) == "int32"
    np.testing.assert_array_equal(np_(as_int), np.asarray(keras.initializers.Constant(2.7)((2,), dtype="int32")))
    np.testing.assert_allclose(np_(initializers.Constant([1.0, 2.0, 3.0])((2, 3))), [[1, 2, 3], [1, 2, 3]])
    with pytest.raises(ValueError, match="Constant"):
        initializers.Constant([1.0, 2.0])((2, 3))
    np.testing.assert_allclose(np_(initializers.Identity()((2, 3))), np.eye(2, 3))
    np.testing.assert_allclose(np_(initializers.Identity(gain=3.0)((3, 3))), 3 * np.eye(3))
    with pytest.raises(ValueError, match="2D"):
        initializers.Identity()((2, 2, 2))


def test_identity_gain_round_trips():
    assert initializers.Identity().get_config() == {}
    assert initializers.Identity.from_config(initializers.Identity(gain=2.0).get_config()).gain == 2.0


@pytest.mark.parametrize("shape,axes", [((), None), ((7,), None), ((5, 9), None), ((3, 16, 8), None),
                                        ((3, 3, 16, 32), None), ((2, 3, 3, 4, 5), None),
                                        ((4, 5, 6), ([0], [1, 2])), ((4, 5, 6), ([0, 1], None))])
def test_compute_fans_matches_keras(shape, axes):
    from keras.src.initializers.random_initializers import compute_fans as keras_fans

    in_axes, out_axes = axes if axes else (None, None)
    assert initializers.compute_fans(shape, in_axes, out_axes) == keras_fans(shape, in_axes, out_axes)


# ------------------------------------------------------------- statistics

_STAT_SHAPES = [(200, 300), (3, 3, 32, 64)]


@pytest.mark.parametrize("shape", _STAT_SHAPES)
@pytest.mark.parametrize("name", ["GlorotUniform", "GlorotNormal", "HeNormal", "HeUniform", "LecunNormal",
                                  "LecunUniform"])
def test_variance_scaling_statistics_match_keras(name, shape):
    """Mean, std and bounds of large draws against the scale/mode/distribution of Keras' preset."""
    from keras.src.initializers.random_initializers import compute_fans as keras_fans

    preset = getattr(keras.initializers, name)()
    ours = getattr(initializers, name)(seed=1)
    assert (ours.scale, ours.mode, ours.distribution) == (preset.scale, preset.mode, preset.distribution)
    fan_in, fan_out = keras_fans(shape)
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[preset.mode]
    std = np.sqrt(preset.scale / n)  # the std of every VarianceScaling distribution
    values = np_(ours(shape)).ravel()
    assert abs(values.mean()) < 0.05 * std
    np.testing.assert_allclose(values.std(), std, rtol=0.03)
    bound = std * np.sqrt(3) if preset.distribution == "uniform" else 2 * std / 0.87962566103423978
    assert np.abs(values).max() <= bound * (1 + 1e-6)
    assert np.abs(values).max() >= 0.95 * bound


@pytest.mark.parametrize("distribution,mode", [("truncated_normal", "fan_in"), ("untruncated_normal", "fan_out"),
                                               ("uniform", "fan_avg")])
def test_variance_scaling_formula(distribution, mode):
    shape = (3, 3, 16, 32)
    fan_in, fan_out = 3 * 3 * 16, 3 * 3 * 32
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    values = np_(initializers.VarianceScaling(scale=3.0, mode=mode, distribution=distribution, seed=5)(shape))
    np.testing.assert_allclose(values.std(), np.sqrt(3.0 / n), rtol=0.03)
    if distribution == "uniform":
        assert np.abs(values).max() <= np.sqrt(9.0 / n) + 1e-6
    if distribution == "truncated_normal":
        assert np.abs(values).max() <= 2 * np.sqrt(3.0 / n) / 0.87962566103423978 + 1e-6


def test_basic_distributions():
    normal = np_(initializers.RandomNormal(mean=1.0, stddev=2.0, seed=1)((200, 300)))
    np.testing.assert_allclose([normal.mean(), normal.std()], [1.0, 2.0], atol=0.03)
    uniform = np_(initializers.RandomUniform(minval=-1.0, maxval=3.0, seed=1)((200, 300)))
    assert uniform.min() >= -1.0 and uniform.max() < 3.0
    np.testing.assert_allclose([uniform.mean(), uniform.std()], [1.0, 4 / np.sqrt(12)], atol=0.03)
    trunc = np_(initializers.TruncatedNormal(mean=0.0, stddev=1.0, seed=1)((200, 300)))
    assert np.abs(trunc).max() <= 2.0
    np.testing.assert_allclose(trunc.std(), 0.8796, atol=0.02)


@pytest.mark.parametrize("shape", [(50, 30), (30, 50), (3, 3, 4, 8), (4, 4)])
def test_orthogonal(shape):
    q = np_(initializers.Orthogonal(gain=2.0, seed=3)(shape)).reshape(-1, shape[-1])
    small = min(q.shape)
    gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(small), atol=1e-4)
    with pytest.raises(ValueError, match="two-dimensional"):
        initializers.Orthogonal()((5,))


# ------------------------------------------------------------------ seeds


@pytest.mark.parametrize("name", RANDOM_CLASSES)
def test_int_seed_is_deterministic(name):
    cls = getattr(initializers, name)
    a, b = cls(seed=42), cls(seed=42)
    np.testing.assert_array_equal(np_(a((6, 5))), np_(a((6, 5))))
    np.testing.assert_array_equal(np_(a((6, 5))), np_(b((6, 5))))
    assert not np.array_equal(np_(a((6, 5))), np_(cls(seed=43)((6, 5))))


def test_unseeded_instance_repeats_but_instances_differ():
    init = initializers.GlorotUniform()
    np.testing.assert_array_equal(np_(init((5, 5))), np_(init((5, 5))))  # Keras semantics
    assert not np.array_equal(np_(init((5, 5))), np_(initializers.GlorotUniform()((5, 5))))


def test_set_random_seed_makes_unseeded_initializers_reproducible():
    from kcore.utils import set_random_seed

    set_random_seed(123)
    a = np_(initializers.HeNormal()((4, 4)))
    set_random_seed(123)
    b = np_(initializers.HeNormal()((4, 4)))
    np.testing.assert_array_equal(a, b)


def test_seed_generator_advances():
    init = initializers.RandomNormal(seed=kcore_random.SeedGenerator(1))
    assert not np.array_equal(np_(init((5,))), np_(init((5,))))


def test_invalid_arguments():
    with pytest.raises(ValueError, match="seed"):
        initializers.RandomNormal(seed="abc")
    with pytest.raises(ValueError, match="scale"):
        initializers.VarianceScaling(scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        initializers.VarianceScaling(mode="fan")
    with pytest.raises(ValueError, match="distribution"):
        initializers.VarianceScaling(distribution="cauchy")
    with pytest.raises(ValueError, match="float dtype"):
        initializers.RandomNormal()((2,), dtype="int32")
