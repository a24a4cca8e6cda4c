"""Training benchmarks: kcore ``fit`` vs Keras 3 ``fit`` vs a hand-written step, one backend, one process.

    python benchmarks/train.py --backend jax [--threads N] [--repeat 5] [--mlp-steps 200] [--resnet-steps 20]

Models (from the Functional API guide, with the guide's compile settings):

* MNIST MLP 784-64-64-10, RMSprop(), SparseCategoricalCrossentropy(from_logits=True),
  metrics=["accuracy"], batch 64, 200 steps per timed epoch;
* toy ResNet on 32x32x3 images, RMSprop(1e-3), CategoricalCrossentropy(from_logits=True),
  metrics=["acc"], batch 64, 20 steps per timed epoch.

Data is random with the right shapes and dtypes. Each contender first runs one
warm-up epoch (compilation, tracing, allocator warm-up); then each timed round
runs one epoch of ``fit(x, y, batch_size=64, epochs=1, verbose=0)`` (the
hand-written loop: the same number of shuffled batches through its own step)
and the per-step time is epoch time / steps. Rounds are interleaved across
contenders so that load changes on a shared machine hit all of them alike; the
tables show the median round, in wall-clock time (the targets) and in CPU time
of the process. ``--threads N`` caps every framework's thread pool (see
``_harness.limit_threads``). The hand-written steps live in ``_handwritten.py``.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _harness import machine, setup  # noqa: E402

backend = setup()

import numpy as np  # noqa: E402

import kcore  # noqa: E402

keras = None
if backend != "numpy":  # Keras 3 cannot train on its numpy backend
    import keras  # noqa: E402

from _handwritten import BATCH, MAKERS  # noqa: E402

#: targets: kcore / Keras and kcore / hand-written upper bounds per backend.
TARGETS = {"keras": 1.0, "hand": {"jax": 1.15, "tensorflow": 1.15, "torch": 1.3}}


def mlp(lib):
    inputs = lib.Input(shape=(784,))
    x = lib.layers.Dense(64, activation="relu")(inputs)
    x = lib.layers.Dense(64, activation="relu")(x)
    outputs = lib.layers.Dense(10)(x)
    model = lib.Model(inputs=inputs, outputs=outputs, name="mnist_model")
    model.compile(loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
                  optimizer=lib.optimizers.RMSprop(), metrics=["accuracy"])
    return model


def resnet(lib):
    layers = lib.layers
    inputs = lib.Input(shape=(32, 32, 3), name="img")
    x = layers.Conv2D(32, 3, activation="relu")(inputs)
    x = layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = layers.MaxPooling2D(3)(x)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = layers.add([x, block_1_output])
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = layers.add([x, block_2_output])
    x = layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(256, activation="relu")(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(10)(x)
    model = lib.Model(inputs, outputs, name="toy_resnet")
    model.compile(optimizer=lib.optimizers.RMSprop(1e-3),
                  loss=lib.losses.CategoricalCrossentropy(from_logits=True), metrics=["acc"])
    return model


def data(kind: str, steps: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    n = steps * BATCH
    if kind == "mlp":
        return rng.random((n, 784), dtype="float32"), rng.integers(0, 10, n).astype("int32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, n)]
    return rng.random((n, 32, 32, 3), dtype="float32"), y


def fit_runner(lib, build):
    model = build(lib)
    return lambda x, y: model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)


def measure(runners: dict, x, y, steps: int, repeat: int) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) seconds per step of each runner, rounds interleaved, after one warm-up epoch each."""
    for run in runners.values():
        run(x, y)
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in runners}
    for _ in range(repeat):
        for name, run in runners.items():
            w0, c0 = time.perf_counter(), time.process_time()
            run(x, y)
            times[name].append(((time.perf_counter() - w0) / steps, (time.process_time() - c0) / steps))
    return {name: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts))
            for name, ts in times.items()}


def _int_arg(flag: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(flag) + 1]) if flag in sys.argv else default


def main() -> None:
    repeat = _int_arg("--repeat", 5)
    cases = [("MNIST MLP 784-64-64-10, batch 64", "mlp", mlp, _int_arg("--mlp-steps", 200)),
             ("toy ResNet 32x32x3, batch 64", "resnet", resnet, _int_arg("--resnet-steps", 20))]
    rows = []
    load_before = _load()
    for title, kind, build, steps in cases:
        x, y = data(kind, steps)
        runners = {"kcore": fit_runner(kcore, build)}
        if keras is not None:
            runners["keras"] = fit_runner(keras, build)
        if backend in MAKERS:
            runners["hand"] = MAKERS[backend](kind)
        rows.append((f"{title}, {steps} steps", measure(runners, x, y, steps, repeat)))

    print(f"\nbenchmarks/train.py — backend {backend} — {machine()}")
    print(f"Load average before the run: {load_before}; after: {_load()}.")
    missed = []
    hand_target = TARGETS["hand"].get(backend)
    for index, clock in ((0, "wall-clock"), (1, "CPU (process time)")):
        print(f"\nSteady-state {clock} milliseconds per training step (median of {repeat} timed epochs)")
        print("| case | kcore fit | Keras 3 fit | hand-written | kcore / Keras | kcore / hand-written |")
        print("|---|---:|---:|---:|---:|---:|")
        for title, t in rows:
            t = {name: v[index] for name, v in t.items()}
            k = t["kcore"]
            cells = [f"{k * 1e3:.3f}"]
            cells += [f"{t[n] * 1e3:.3f}" if n in t else "n/a" for n in ("keras", "hand")]
            cells += [f"{k / t[n]:.2f}x" if n in t else "n/a" for n in ("keras", "hand")]
            print(f"| {title} | " + " | ".join(cells) + " |")
            if index:
                continue
            if "keras" in t and k / t["keras"] > TARGETS["keras"]:
                missed.append(f"{title}: kcore/Keras {k / t['keras']:.2f}x > {TARGETS['keras']}x")
            if "hand" in t and hand_target is not None and k / t["hand"] > hand_target:
                missed.append(f"{title}: kcore/hand-written {k / t['hand']:.2f}x > {hand_target}x")
    targets = f"kcore/Keras <= {TARGETS['keras']}x"
    if hand_target is not None:
        targets += f", kcore/hand-written <= {hand_target}x"
    if keras is None and hand_target is None:
        print(f"\nNo targets on {backend}: Keras 3 cannot train on its numpy backend and there is no hand-written "
              "step to compare with; the table gives kcore's own times.")
        return
    print(f"\nTargets on wall-clock ({targets}): " + ("all met" if not missed else "missed: " + "; ".join(missed)))


def _load() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
