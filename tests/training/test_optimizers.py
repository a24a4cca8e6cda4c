"""kcore.optimizers against the Keras 3 oracle: steps, variables (names/order), configs, purity."""

import os

_KCORE_BACKEND = os.environ.get("KCORE_BACKEND", "numpy")
os.environ["KERAS_BACKEND"] = "jax" if _KCORE_BACKEND == "numpy" else _KCORE_BACKEND

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from kcore import backend, ops, optimizers  # noqa: E402
from kcore.optimizers import schedules  # noqa: E402
from kcore.variables import StatelessScope, Variable  # noqa: E402

rng = np.random.default_rng(2)
W0 = rng.normal(size=(4, 3)).astype("float32")
B0 = rng.normal(size=(3,)).astype("float32")
GRADS = [(rng.normal(size=(4, 3)).astype("float32"), rng.normal(size=(3,)).astype("float32")) for _ in range(4)]


def np_(x):
    return np.asarray(ops.convert_to_numpy(x))


def _kcore_vars():
    w = Variable(W0, name="kernel")
    b = Variable(B0, name="bias")
    w.path, b.path = "dense/kernel", "dense/bias"
    return [w, b]


def _keras_vars():
    layer = keras.layers.Dense(3, name="dense")
    layer.build((None, 4))
    layer.kernel.assign(W0)
    layer.bias.assign(B0)
    return [layer.kernel, layer.bias]


def _kgrads(gw, gb):
    return [keras.ops.convert_to_tensor(gw), keras.ops.convert_to_tensor(gb)]


def _pair(name, kwargs):
    kwargs = {"name": "opt", **kwargs}
    return getattr(optimizers, name)(**kwargs), getattr(keras.optimizers, name)(**kwargs)


CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.8, "nesterov": True}),
    ("SGD", {"learning_rate": 0.1, "clipnorm": 0.5}),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.2}),
    ("SGD", {"learning_rate": 0.1, "global_clipnorm": 0.7}),
    ("SGD", {"learning_rate": 0.1, "weight_decay": 0.05, "momentum": 0.5}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("RMSprop", {"rho": 0.8, "epsilon": 1e-3, "clipnorm": 1.0, "weight_decay": 0.1}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.01, "amsgrad": True, "beta_1": 0.8}),
    ("Adam", {"learning_rate": 0.01, "global_clipnorm": 0.5, "weight_decay": 0.02}),
    ("AdamW", {}),
    ("AdamW", {"learning_rate": 0.02, "weight_decay": 0.1, "amsgrad": True, "clipvalue": 0.3}),
    ("Adagrad", {}),
    ("Adagrad", {"learning_rate": 0.05, "initial_accumulator_value": 0.5, "epsilon": 1e-4}),
    ("Adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9, "ema_overwrite_frequency": 2}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.5, "gradient_accumulation_steps": 2}),
    ("RMSprop", {"learning_rate": 0.01, "loss_scale_factor": 4.0}),
]


def _case_id(case):
    return case[0] + "-" + "-".join(f"{k}={v}" for k, v in case[1].items())


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_steps_match_keras(case):
    ours, theirs = _pair(*case)
    kv, tv = _kcore_vars(), _keras_vars()
    for step, (gw, gb) in enumerate(GRADS):
        ours.apply([ops.convert_to_tensor(gw), ops.convert_to_tensor(gb)], kv)
        theirs.apply(_kgrads(gw, gb), tv)
        for a, b in zip(kv, tv):
            np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), rtol=1e-5, atol=1e-6,
                                       err_msg=f"{a.path} after step {step + 1}")
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    for a, b in zip(ours.variables, theirs.variables):
        assert a.shape == tuple(b.shape)
        np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), rtol=1e-5, atol=1e-6, err_msg=a.path)
    assert int(ours.iterations.numpy() if hasattr(ours.iterations, "numpy") else np_(ours.iterations)) == \
        int(np.asarray(theirs.iterations))


def test_apply_gradients_and_finalize_with_ema_match_keras():
    ours, theirs = _pair("SGD", {"learning_rate": 0.1, "use_ema": True})
    kv, tv = _kcore_vars(), _keras_vars()
    for gw, gb in GRADS[:3]:
        ours.apply_gradients(zip([gw, gb], kv))
        theirs.apply_gradients(zip(_kgrads(gw, gb), tv))
    ours.finalize_variable_values(kv)
    theirs.finalize_variable_values(tv)
    for a, b in zip(kv, tv):
        np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("schedule", [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}),
    ("PiecewiseConstantDecay", {"boundaries": [1, 2], "values": [0.1, 0.05, 0.01]}),
    ("CosineDecay", {"initial_learning_rate": 0.0, "decay_steps": 3, "warmup_target": 0.1, "warmup_steps": 2}),
], ids=lambda s: s[0])
def test_schedule_learning_rate_steps_match_keras(schedule):
    name, kwargs = schedule
    ours = optimizers.Adam(learning_rate=getattr(schedules, name)(**kwargs), name="opt")
    theirs = keras.optimizers.Adam(learning_rate=getattr(keras.optimizers.schedules, name)(**kwargs), name="opt")
    assert [v.path for v in ours.variables] == ["opt/iteration"] == [v.path for v in theirs.variables]
    kv, tv = _kcore_vars(), _keras_vars()
    for gw, gb in GRADS:
        np.testing.assert_allclose(np_(ours.learning_rate), np.asarray(theirs.learning_rate), rtol=1e-6)
        ours.apply([gw, gb], kv)
        theirs.apply(_kgrads(gw, gb), tv)
    for a, b in zip(kv, tv):
        np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()), rtol=1e-5, atol=1e-6)
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]


# ------------------------------------------------------------- variables


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam", "AdamW", "Adagrad"])
def test_variables_before_and_after_build_match_keras(name):
    ours, theirs = getattr(optimizers, name)(), getattr(keras.optimizers, name)()
    assert ours.name.split("_")[0] == theirs.name.split("_")[0]
    ours, theirs = _pair(name, {"momentum": 0.5} if name in ("SGD", "RMSprop") else {})
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    assert [v.dtype for v in ours.variables][1:] == [v.dtype for v in theirs.variables][1:]
    assert ours.variables[0].dtype in ("int32", "int64")
    ours.build(_kcore_vars())
    theirs.build(_keras_vars())
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
    for a, b in zip(ours.variables, theirs.variables):
        np.testing.assert_allclose(a.numpy(), np.asarray(b.numpy()))


@pytest.mark.parametrize("kwargs", [{"amsgrad": True}, {"use_ema": True}, {"gradient_accumulation_steps": 3},
                                    {"use_ema": True, "gradient_accumulation_steps": 2}])
def test_optional_slot_order_matches_keras(kwargs):
    ours, theirs = _pair("Adam", kwargs)
    ours.build(_kcore_vars())
    theirs.build(_keras_vars())
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]


def test_learning_rate_is_a_settable_variable():
    opt = optimizers.RMSprop(learning_rate=0.01)
    assert opt.learning_rate is opt.variables[1]
    opt.learning_rate = 0.5
    np.testing.assert_allclose(np_(opt.learning_rate), 0.5)
    assert opt.get_config()["learning_rate"] == 0.5
    sched = optimizers.SGD(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.9))
    with pytest.raises(TypeError, match="not settable"):
        sched.learning_rate = 0.3


def test_save_and_load_own_variables_round_trip():
    opt = optimizers.Adam(learning_rate=0.01)
    kv = _kcore_vars()
    for gw, gb in GRADS[:2]:
        opt.apply([gw, gb], kv)
    store = {}
    opt.save_own_variables(store)
    assert sorted(store, key=int) == [str(i) for i in range(6)]
    fresh = optimizers.Adam(learning_rate=0.5)
    fresh.build(_kcore_vars())
    fresh.load_own_variables(store)
    for a, b in zip(opt.variables, fresh.variables):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    unbuilt = optimizers.Adam()
    with pytest.warns(UserWarning, match="Skipping variable loading"):
        unbuilt.load_own_variables(store)


# ----------------------------------------------------------------- purity


def _run_stateless(opt, kv, grads):
    mapping = [(v, v.value) for v in kv] + [(v, v.value) for v in opt.variables]
    with StatelessScope(mapping) as scope:
        opt.apply(grads, kv)
        new_vars = [v.value for v in kv]
        new_opt = [v.value for v in opt.variables]
    return scope, new_vars, new_opt


@pytest.mark.parametrize("case", [
    ("Adam", {"learning_rate": 0.01, "clipnorm": 0.5}),
    ("RMSprop", {"momentum": 0.5, "centered": True, "weight_decay": 0.01}),
    ("SGD", {"momentum": 0.9, "use_ema": True, "ema_overwrite_frequency": 2, "gradient_accumulation_steps": 2}),
], ids=_case_id)
def test_step_in_stateless_scope_leaves_variables_untouched(case):
    name, kwargs = case
    opt = getattr(optimizers, name)(**kwargs)
    kv = _kcore_vars()
    opt.build(kv)
    before = [v.numpy().copy() for v in kv + opt.variables]
    scope, new_vars, new_opt = _run_stateless(opt, kv, list(GRADS[0]))
    for v, b in zip(kv + opt.variables, before):
        np.testing.assert_array_equal(v.numpy(), b)
    assert len(scope.updates) >= len(kv) + 1
    reference = getattr(optimizers, name)(**kwargs)
    rv = _kcore_vars()
    reference.apply(list(GRADS[0]), rv)
    for got, want in zip(new_vars + new_opt, rv + reference.variables):
        np.testing.assert_allclose(np_(got), want.numpy(), rtol=1e-6, atol=1e-7)
    # stateless_apply gives the same values
    tv, ov = opt.stateless_apply([v.value for v in opt.variables], list(GRADS[0]), [v.value for v in kv])
    for got, want in zip(tv + ov, new_vars + new_opt):
        np.testing.assert_allclose(np_(got), np_(want), rtol=1e-6)


def test_compiled_pure_steps_match_eager_steps():
    """Three steps through the backend's compile_function (jax.jit, tf.function...) equal eager steps."""
    opt = optimizers.Adam(learning_rate=0.05, global_clipnorm=1.0, use_ema=True, ema_overwrite_frequency=2,
                          gradient_accumulation_steps=2, weight_decay=0.01)
    kv = _kcore_vars()
    opt.build(kv)

    def step(var_values, opt_values, grads):
        return opt.stateless_apply(opt_values, grads, var_values)

    compiled = backend.current().compile_function(step, kind="train")
    var_values = [v.value for v in kv]
    opt_values = [v.value for v in opt.variables]
    eager = optimizers.Adam(learning_rate=0.05, global_clipnorm=1.0, use_ema=True, ema_overwrite_frequency=2,
                            gradient_accumulation_steps=2, weight_decay=0.01)
    ev = _kcore_vars()
    for gw, gb in GRADS:
        grads = [ops.convert_to_tensor(gw), ops.convert_to_tensor(gb)]
        var_values, opt_values = compiled(var_values, opt_values, grads)
        var_values, opt_values = list(var_values), list(opt_values)
        eager.apply(grads, ev)
    np.testing.assert_array_equal(kv[0].numpy(), W0)
    for got, want in zip(var_values + opt_values, ev + eager.variables):
        np.testing.assert_allclose(np_(got), want.numpy(), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- configs


@pytest.mark.parametrize("case", CASES[:17] + [("SGD", {"learning_rate": 0.5}), ("Adagrad", {"name": "custom"})],
                         ids=_case_id)
def test_config_matches_keras_and_round_trips(case):
    ours, theirs = _pair(*case)
    assert ours.get_config() == theirs.get_config()
    expected = {"module": "keras.optimizers", "class_name": case[0], "config": theirs.get_config(),
                "registered_name": None}
    assert optimizers.serialize(ours) == expected
    rebuilt = optimizers.deserialize(expected)
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == ours.get_config()


def test_serialization_with_schedule_matches_keras():
    # The Keras optimizer's own get_config()/serialize() with a schedule would import TensorFlow,
    # so the expected dict is assembled from the parts Keras writes.
    lr = {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.1}
    ours = optimizers.Adam(learning_rate=schedules.CosineDecay(**lr), name="a")
    schedule_config = keras.optimizers.schedules.CosineDecay(**lr).get_config()
    assert schedule_config == {**lr, "name": "CosineDecay", "warmup_target": None, "warmup_steps": 0}
    config = {"module": "keras.optimizers", "class_name": "Adam", "registered_name": None, "config": {
        **keras.optimizers.Adam(name="a").get_config(),
        "learning_rate": {"module": "keras.optimizers.schedules", "class_name": "CosineDecay",
                          "config": schedule_config, "registered_name": None}}}
    ours_config = optimizers.serialize(ours)
    assert ours_config == config
    theirs = keras.optimizers.deserialize(ours_config)
    assert type(theirs._learning_rate).__name__ == "CosineDecay"
    assert theirs._learning_rate.get_config() == schedule_config
    rebuilt = optimizers.deserialize(config)
    assert isinstance(rebuilt._learning_rate, schedules.CosineDecay)
    assert rebuilt.get_config() == ours.get_config()


@pytest.mark.parametrize("identifier", ["rmsprop", "RMSprop", "adam", "Adam", "sgd", "adamw", "adagrad"])
def test_get_accepts_names_like_keras(identifier):
    ours, theirs = optimizers.get(identifier), keras.optimizers.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__
    ours_config = {k: v for k, v in ours.get_config().items() if k != "name"}
    assert ours_config == {k: v for k, v in theirs.get_config().items() if k != "name"}


def test_get_errors_and_passthrough():
    opt = optimizers.SGD()
    assert optimizers.get(opt) is opt and optimizers.get(None) is None
    with pytest.raises(ValueError, match="Unknown optimizer"):
        optimizers.get("nope")
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="not recognized"):
        optimizers.Adam(beta3=0.1)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="Unknown variable"):
        opt.apply(list(GRADS[0]), _kcore_vars())
        opt.apply(list(GRADS[0]), _kcore_vars())
