"""Host sampling of initial weights: large arrays fill in chunks, each from its own stream, in threads."""

from __future__ import annotations

import numpy as np
import pytest

from kcore import ops
from kcore.initializers import host_random


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(host_random, "CHUNK", 1000)


@pytest.mark.parametrize("sampler", ["uniform", "normal", "truncated_normal"])
def test_chunked_values_do_not_depend_on_the_thread_count(small_chunks, monkeypatch, sampler):
    args = {"uniform": (-1.0, 1.0), "normal": (0.0, 1.0), "truncated_normal": (0.0, 1.0)}[sampler]

    def draw():
        return ops.convert_to_numpy(getattr(host_random, sampler)((37, 211), *args, "float32", 5))

    threaded = draw()
    monkeypatch.setattr(host_random.os, "cpu_count", lambda: 1)
    np.testing.assert_array_equal(draw(), threaded)
    chunks = threaded.ravel()[:7000].reshape(7, 1000)
    assert len({row.tobytes() for row in chunks}) == 7, "two chunks drew the same values"


def test_chunked_draws_have_the_requested_distribution(small_chunks):
    u = ops.convert_to_numpy(host_random.uniform((200, 500), -0.5, 1.5, "float32", 1))
    assert u.min() >= -0.5 and u.max() < 1.5 and abs(u.mean() - 0.5) < 0.01
    t = ops.convert_to_numpy(host_random.truncated_normal((200, 500), 1.0, 2.0, "float32", 1))
    assert np.abs(t - 1.0).max() <= 4.0 and abs(t.mean() - 1.0) < 0.02


def test_a_small_array_is_one_stream_from_the_seed():
    expected = np.random.Generator(np.random.PCG64(9)).standard_normal((4, 5), dtype=np.float32)
    np.testing.assert_array_equal(ops.convert_to_numpy(host_random.normal((4, 5), 0.0, 1.0, "float32", 9)), expected)
