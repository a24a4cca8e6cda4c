"""kcore.random: determinism per seed, SeedGenerator state, distributions, shapes and dtypes."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from kcore import ops
from kcore.random import SeedGenerator
from kcore.random import seed_generator as sg
from kcore.variables import StatelessScope

from .helpers import numpy, tensor
from .registry import covers

SAMPLERS = {
    "normal": lambda seed, **kw: kcore.random.normal((64, 32), seed=seed, **kw),
    "uniform": lambda seed, **kw: kcore.random.uniform((64, 32), seed=seed, **kw),
    "truncated_normal": lambda seed, **kw: kcore.random.truncated_normal((64, 32), seed=seed, **kw),
    "randint": lambda seed, **kw: kcore.random.randint((64, 32), 0, 1000, seed=seed, **kw),
    "dropout": lambda seed, **kw: kcore.random.dropout(ops.ones((64, 32)), 0.5, seed=seed, **kw),
    "shuffle": lambda seed, **kw: kcore.random.shuffle(ops.arange(2048), seed=seed, **kw),
}


@covers(*SAMPLERS)
@pytest.mark.parametrize("name", list(SAMPLERS))
def test_int_seed_is_deterministic(name):
    sample = SAMPLERS[name]
    a, b, c = numpy(sample(42)), numpy(sample(42)), numpy(sample(43))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@covers(*SAMPLERS)
@pytest.mark.parametrize("name", list(SAMPLERS))
def test_seed_generator_advances_and_replays(name):
    sample = SAMPLERS[name]
    gen = SeedGenerator(7)
    first, second = numpy(sample(gen)), numpy(sample(gen))
    assert not np.array_equal(first, second)
    replay = SeedGenerator(7)
    np.testing.assert_array_equal(numpy(sample(replay)), first)
    np.testing.assert_array_equal(numpy(sample(replay)), second)
    # an explicit (2,) seed tensor is used as is
    np.testing.assert_array_equal(numpy(sample(tensor(np.array([7, 0], "int32")))), first)


def test_seed_generator_state():
    gen = SeedGenerator(5)
    assert gen.state.shape == (2,) and gen.state.dtype == "int32" and not gen.state.trainable
    s0 = numpy(gen.next())
    s1 = numpy(gen.next())
    np.testing.assert_array_equal(s0, [5, 0])
    np.testing.assert_array_equal(s1, [5, 1])
    np.testing.assert_array_equal(gen.state.numpy(), [5, 2])
    assert SeedGenerator.from_config(gen.get_config()).get_config() == gen.get_config()
    with pytest.raises(TypeError, match="SeedGenerator: `seed` must be an int or None"):
        SeedGenerator("abc")


def test_seed_generator_in_stateless_scope():
    """Inside a StatelessScope, next() reads the mapped state and records the advanced one."""
    gen = SeedGenerator(3)
    with StatelessScope([(gen.state, tensor(np.array([3, 10], "int32")))]) as scope:
        seed = gen.next()
        again = gen.next()
    np.testing.assert_array_equal(numpy(seed), [3, 10])
    np.testing.assert_array_equal(numpy(again), [3, 11])
    np.testing.assert_array_equal(numpy(scope.get(gen.state)), [3, 12])
    np.testing.assert_array_equal(gen.state.numpy(), [3, 0])  # the variable itself is untouched


def test_seed_none_uses_the_global_rng():
    sg.set_global_seed(123)
    a1, a2 = numpy(kcore.random.normal((8,))), numpy(kcore.random.normal((8,)))
    g1 = sg.global_seed_generator()
    assert g1 is sg.global_seed_generator()
    sg.set_global_seed(123)
    b1, b2 = numpy(kcore.random.normal((8,))), numpy(kcore.random.normal((8,)))
    assert sg.global_seed_generator() is not g1
    assert not np.array_equal(a1, a2)
    np.testing.assert_array_equal(a1, b1)
    np.testing.assert_array_equal(a2, b2)
    sg.set_global_seed(9)
    c = SeedGenerator()
    sg.set_global_seed(9)
    np.testing.assert_array_equal(c.state.numpy(), SeedGenerator().state.numpy())


@covers("normal", "uniform", "truncated_normal", "randint")
def test_distributions():
    x = numpy(kcore.random.normal((200, 100), mean=2.0, stddev=3.0, seed=1))
    assert x.dtype == np.float32 and x.shape == (200, 100)
    assert abs(x.mean() - 2.0) < 0.1 and abs(x.std() - 3.0) < 0.1
    u = numpy(kcore.random.uniform((200, 100), minval=-1.0, maxval=3.0, seed=2))
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 0.05
    t = numpy(kcore.random.truncated_normal((200, 100), mean=1.0, stddev=0.5, seed=3))
    assert t.min() >= 0.0 and t.max() <= 2.0 and abs(t.mean() - 1.0) < 0.02
    r = numpy(kcore.random.randint((200, 100), 3, 9, seed=4))
    assert r.dtype == np.int32 and r.min() == 3 and r.max() == 8
    assert ops.dtype(kcore.random.normal((2,), dtype="float16", seed=1)) == "float16"
    assert ops.dtype(kcore.random.randint((2,), 0, 5, dtype="int8", seed=1)) == "int8"
    with pytest.raises(ValueError, match="normal: `dtype` must be a float dtype, got 'int32'"):
        kcore.random.normal((2,), dtype="int32")
    with pytest.raises(ValueError, match="randint: `dtype` must be a int dtype, got 'float32'"):
        kcore.random.randint((2,), 0, 3, dtype="float32")
    with pytest.raises(ValueError, match="randint: `maxval` must be greater than `minval`"):
        kcore.random.randint((2,), 3, 3)


@covers("dropout")
def test_dropout():
    x = ops.ones((100, 100))
    y = numpy(kcore.random.dropout(x, 0.3, seed=5))
    kept = y != 0
    assert abs(kept.mean() - 0.7) < 0.03
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    y = numpy(kcore.random.dropout(x, 0.5, noise_shape=(None, 1), seed=5))
    assert all(len(set(row)) == 1 for row in y)  # whole rows kept or dropped
    np.testing.assert_array_equal(numpy(kcore.random.dropout(x, 0.0, seed=1)), numpy(x))
    with pytest.raises(ValueError, match=r"dropout: `rate` must be in \[0, 1\), got 1.5"):
        kcore.random.dropout(x, 1.5)
    with pytest.raises(ValueError, match=r"dropout: `noise_shape` \(3, 1\) does not broadcast"):
        kcore.random.dropout(x, 0.5, noise_shape=(3, 1))


@covers("shuffle")
def test_shuffle_is_a_permutation():
    x = np.arange(40, dtype="float32").reshape(10, 4)
    y = numpy(kcore.random.shuffle(tensor(x), seed=11))
    assert not np.array_equal(x, y)
    np.testing.assert_array_equal(np.sort(y[:, 0]), x[:, 0])
    np.testing.assert_array_equal(y - y[:, :1], x - x[:, :1])  # rows move together
    y = numpy(kcore.random.shuffle(tensor(x), axis=1, seed=11))
    np.testing.assert_array_equal(np.sort(y, axis=1), x)
    np.testing.assert_array_equal(y - y[:1], x - x[:1])  # columns move together


def test_seed_argument_errors():
    with pytest.raises(TypeError, match="seed: expected None, an int, a SeedGenerator"):
        kcore.random.normal((2,), seed="x")
    with pytest.raises(ValueError, match=r"seed: a seed tensor must have shape \(2,\), got \(3,\)"):
        kcore.random.normal((2,), seed=tensor(np.zeros(3, "int32")))
