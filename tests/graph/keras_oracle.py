"""The keras oracle for tests/graph, run as one subprocess per test session.

Reads one JSON request per line on stdin and answers one JSON line on stdout
(``{"ok": ...}`` or ``{"error": ...}``). It runs keras on its numpy backend where jax is
installed (that backend uses jax for convolutions), else on the environment's backend:
what these tests compare (summaries, architectures, configs, inference) does not depend
on the backend, and the numpy backend builds models without tracing or compiling. The
whole oracle costs one keras import instead of one per test file.

Requests (``op``):
  summaries     {"requests": [{"model", "index", "kwargs", "columns", "stdout"?, "optimizer"?}, ...]}
  applications  {} -> VGG architectures and the VGG19 (no top) output on fixed weights and input
  sequential    {"config", "weights", "x"} -> keras' Sequential.from_config of a kcore config:
                its layer names, parameter count, output on ``x`` with ``weights``, and its own config
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys

import numpy as np


def _summary(k, request: dict, cache: dict) -> str:
    from guide_models import ALL

    key = (request["model"], bool(request.get("optimizer")))
    if key not in cache:
        k.backend.clear_session()
        models = ALL[request["model"]](k)
        if request.get("optimizer"):
            for model in models:
                model.compile(optimizer=k.optimizers.Adam(), loss="mse")
                model.optimizer.build(model.trainable_variables)
        cache[key] = models
    model = cache[key][request["index"]]
    os.environ["COLUMNS"] = str(request["columns"])
    kwargs = request.get("kwargs", {})
    try:
        if request.get("stdout"):
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                model.summary(**kwargs)
            return buffer.getvalue()
        out: list[str] = []
        model.summary(print_fn=out.append, **kwargs)
        return "".join(out)
    except ValueError as e:
        return f"ValueError: {e}"


def summaries(k, payload: dict) -> list[str]:
    cache: dict = {}
    return [_summary(k, r, cache) for r in payload["requests"]]


def applications(k, payload: dict) -> dict:
    from vgg_cases import VARIANTS, architecture, deterministic_weights, numerics_input

    result: dict = {}
    for key, (fn, kwargs) in VARIANTS.items():
        k.backend.clear_session()
        model = getattr(k.applications, fn)(weights=None, **kwargs)
        result[key] = {"layers": architecture(model), "params": model.count_params(), "name": model.name}
    k.backend.clear_session()
    model = k.applications.VGG19(weights=None, include_top=False, input_shape=(32, 32, 3))
    model.set_weights(deterministic_weights([tuple(w.shape) for w in model.weights]))
    result["vgg19_notop_output"] = np.asarray(model.predict(numerics_input(), verbose=0)).tolist()
    return result


def sequential(k, payload: dict) -> dict:
    model = k.Sequential.from_config(payload["config"])
    model.set_weights([np.asarray(w, dtype="float32") for w in payload["weights"]])
    x = np.asarray(payload["x"], dtype="float32")
    return {
        "names": [l.name for l in model.layers],
        "params": model.count_params(),
        "output": np.asarray(model.predict(x, verbose=0)).tolist(),
        "config": json.loads(json.dumps(model.get_config(), default=list)),
    }


HANDLERS = {"summaries": summaries, "applications": applications, "sequential": sequential}


def main() -> None:
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import warnings

    warnings.simplefilter("ignore")
    import keras

    out = sys.stdout
    sys.stdout = sys.stderr  # stray prints must not corrupt the protocol
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = {"ok": HANDLERS[request["op"]](keras, request)}
        except Exception as e:  # noqa: BLE001 - reported to the test, which fails with it
            answer = {"error": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
