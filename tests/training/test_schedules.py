"""kcore.optimizers.schedules against the Keras 3 oracle: values per step, configs, serialization."""

import os

_KCORE_BACKEND = os.environ.get("KCORE_BACKEND", "numpy")
os.environ["KERAS_BACKEND"] = "jax" if _KCORE_BACKEND == "numpy" else _KCORE_BACKEND

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kcore import ops  # noqa: E402
from kcore.optimizers import schedules  # noqa: E402
from kcore.variables import StatelessScope, Variable  # noqa: E402

STEPS = [0, 1, 3, 5, 10, 11, 25]

CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "decay_rate": 0.5}),
    ("ExponentialDecay", {"initial_learning_rate": 1e-3, "decay_steps": 3, "decay_rate": 0.9, "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [3, 10], "values": [1.0, 0.5, 0.1]}),
    ("PiecewiseConstantDecay", {"boundaries": [2, 5, 11], "values": [0.4, 0.3, 0.2, 0.1], "name": "pc"}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 10}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.2}),
    ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 10, "warmup_target": 0.2, "warmup_steps": 5}),
    ("CosineDecay", {"initial_learning_rate": 0.05, "decay_steps": 8, "alpha": 0.1, "warmup_target": 0.1,
                     "warmup_steps": 3}),
    ("CosineDecay", {"initial_learning_rate": 0.05, "decay_steps": 8, "warmup_target": 0.1}),
]


def _case_id(case):
    return case[0] + "-" + "-".join(f"{k}={v}" for k, v in case[1].items())


def np_(x):
    return np.asarray(ops.convert_to_numpy(x))


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_values_match_keras(case):
    name, kwargs = case
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    got = [np_(ours(step)) for step in STEPS]
    want = [np.asarray(theirs(step)) for step in STEPS]
    assert all(np.dtype(g.dtype) == np.float32 for g in got)
    np.testing.assert_allclose(np.array(got), np.array(want, dtype="float32"), rtol=1e-6, atol=1e-8)
    # an int32 step tensor (the optimizer's iteration Variable) gives the same values
    step_var = Variable(np.array(0, dtype="int32"), name="iteration")
    for step, value in zip(STEPS, want):
        with StatelessScope([(step_var, ops.convert_to_tensor(np.array(step, dtype="int32")))]):
            np.testing.assert_allclose(np_(ours(step_var)), value, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_config_and_serialization_match_keras(case):
    name, kwargs = case
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    expected = {"module": "keras.optimizers.schedules", "class_name": name, "config": theirs.get_config(),
                "registered_name": None}
    assert schedules.serialize(ours) == expected
    rebuilt = schedules.deserialize(expected)
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()


@pytest.mark.parametrize("case", CASES[::2], ids=_case_id)
def test_keras_deserializes_what_kcore_serializes(case):
    name, kwargs = case
    ours = getattr(schedules, name)(**kwargs)
    theirs = keras.optimizers.schedules.deserialize(schedules.serialize(ours))
    assert type(theirs).__name__ == name and theirs.get_config() == ours.get_config()


def test_integer_initial_rate_decays_as_float():
    value = np_(schedules.ExponentialDecay(1, 10, 0.5)(10))
    np.testing.assert_allclose(value, 0.5)


def test_invalid_arguments_are_rejected():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.CosineDecay(0.1, -1)
    with pytest.raises(ValueError, match="boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(NotImplementedError):
        schedules.LearningRateSchedule()(0)


def test_custom_schedule_round_trips_with_custom_objects():
    class Halving(schedules.LearningRateSchedule):
        def __init__(self, rate):
            self.rate = rate

        def __call__(self, step):
            return ops.divide(self.rate, ops.add(ops.cast(step, "float32"), 1.0))

        def get_config(self):
            return {"rate": self.rate}

    config = schedules.serialize(Halving(0.4))
    assert config["class_name"] == "Halving" and config["registered_name"] == "Halving"
    rebuilt = schedules.deserialize(config, custom_objects={"Halving": Halving})
    np.testing.assert_allclose(np_(rebuilt(3)), 0.1)
    with pytest.raises(ValueError, match="Halving"):
        schedules.deserialize(config)
