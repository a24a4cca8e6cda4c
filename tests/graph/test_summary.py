"""model.summary(): the same text as Keras 3 for every model of the Functional API guide.

Each model is built with kcore and, in the keras oracle subprocess (keras_oracle.py),
with keras, after resetting the name counters of both so that auto names
line up. Every summary variant must be identical, character for character, at several
console widths (``COLUMNS``).
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest

import kcore
from guide_models import ALL

VARIANTS = [
    {},
    {"line_length": 60},
    {"line_length": 120},
    {"expand_nested": True},
    {"show_trainable": True},
    {"show_trainable": True, "expand_nested": True, "line_length": 100},
]
COLUMNS = [80, 200, 58]


def _requests() -> list[dict]:
    out = []
    for name in sorted(ALL):
        for index in range(_count(name)):
            for columns in COLUMNS:
                for kwargs in VARIANTS:
                    out.append({"model": name, "index": index, "kwargs": kwargs, "columns": columns})
    for layer_range in LAYER_RANGES:
        out.append({"model": layer_range[0], "index": -1, "kwargs": {"layer_range": layer_range[1]}, "columns": 200})
    for positions in POSITIONS:
        for name in ("mnist_model", "toy_resnet"):
            width = 4 if name == "toy_resnet" else 3
            kwargs = {"positions": positions[:width]}
            out.append({"model": name, "index": 0, "kwargs": kwargs, "columns": 200})
            out.append({"model": name, "index": 0, "kwargs": dict(kwargs, line_length=30), "columns": 200})
    out.append({"model": "toy_resnet", "index": 0, "kwargs": {}, "columns": 120, "stdout": True})
    out.append({"model": "mnist_model", "index": 0, "kwargs": {}, "columns": 200, "optimizer": True})
    out.append({"model": "mnist_model", "index": 0, "kwargs": {"line_length": 8}, "columns": 200})
    return out


# Number of models each builder returns (kept here so the request list needs no build).
_COUNTS = {"autoencoder_flat": 2, "autoencoder_nested": 3, "sequential_variants": 3, "subclassed": 2,
           "two_heads_and_reuse": 2}


def _count(name: str) -> int:
    return _COUNTS.get(name, 1)


LAYER_RANGES = [
    ("toy_resnet", ["conv2d_2", "add_1"]),
    ("toy_resnet", ["add_1", "conv2d_2"]),  # reversed bounds are swapped, as in Keras
    ("toy_resnet", ["^max", "dense.*"]),
    ("autoencoder_flat", ["reshape", "up_sampling2d"]),
    ("mnist_model", ["dense_1", "dense_2"]),
]
POSITIONS = [[0.5, 0.7, 0.8, 1.0], [40, 60, 80, 100], [0.1, 0.2, 0.3, 0.35], [0.3, 0.5, 0.6, 0.61]]


def _key(request: dict) -> str:
    return json.dumps(request, sort_keys=True)


@pytest.fixture(scope="module")
def oracle(keras_oracle) -> dict[str, str]:
    """Keras' summary text for every request, from the session's keras oracle."""
    requests = _requests()
    answers = keras_oracle.ask("summaries", requests=requests)
    return {_key(r): a for r, a in zip(requests, answers)}


_BUILT: dict[tuple, tuple] = {}


def _models(name: str, optimizer: bool = False) -> tuple:
    key = (name, optimizer)
    if key not in _BUILT:
        kcore.utils.clear_session()
        models = ALL[name](kcore)
        if optimizer:
            for model in models:
                model.compile(optimizer=kcore.optimizers.Adam(), loss="mse")
                model.optimizer.build(model.trainable_variables)
        _BUILT[key] = models
    return _BUILT[key]


def _render(request: dict, monkeypatch) -> str:
    """What kcore gives for an oracle request (same conventions as summary_oracle.render)."""
    monkeypatch.setenv("COLUMNS", str(request["columns"]))
    model = _models(request["model"], bool(request.get("optimizer")))[request["index"]]
    kwargs = request.get("kwargs", {})
    try:
        if request.get("stdout"):
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                model.summary(**kwargs)
            return buffer.getvalue()
        out: list[str] = []
        model.summary(print_fn=out.append, **kwargs)
        assert len(out) == 1, "print_fn receives the whole summary as one string"
        return out[0]
    except ValueError as e:
        return f"ValueError: {e}"


def _check(request: dict, oracle: dict, monkeypatch) -> str:
    got = _render(request, monkeypatch)
    expected = oracle[_key(request)]
    assert got == expected, f"{request}\n--- kcore\n{got}\n--- keras\n{expected}"
    return got


@pytest.mark.parametrize("name", sorted(ALL))
def test_summary_text_is_identical_to_keras(name, oracle, monkeypatch):
    for request in _requests():
        if request["model"] == name and set(request) == {"model", "index", "kwargs", "columns"} \
                and "layer_range" not in request["kwargs"] and "positions" not in request["kwargs"]:
            _check(request, oracle, monkeypatch)


@pytest.mark.parametrize("name, layer_range", LAYER_RANGES)
def test_layer_range_matches_keras(name, layer_range, oracle, monkeypatch):
    text = _check({"model": name, "index": -1, "kwargs": {"layer_range": layer_range}, "columns": 200}, oracle, monkeypatch)
    assert text.count("\n│ ") < _render({"model": name, "index": -1, "kwargs": {}, "columns": 200}, monkeypatch).count("\n│ ")


def test_layer_range_errors():
    model = _models("mnist_model")[0]
    with pytest.raises(ValueError, match="layer_range"):
        model.summary(print_fn=lambda s: None, layer_range=["nope", "dense"])
    with pytest.raises(ValueError, match="layer_range"):
        model.summary(print_fn=lambda s: None, layer_range=["dense"])


@pytest.mark.parametrize("positions", POSITIONS)
@pytest.mark.parametrize("name", ["mnist_model", "toy_resnet"])
def test_custom_positions_match_keras(name, positions, oracle, monkeypatch):
    kwargs = {"positions": positions[: 4 if name == "toy_resnet" else 3]}
    _check({"model": name, "index": 0, "kwargs": kwargs, "columns": 200}, oracle, monkeypatch)
    _check({"model": name, "index": 0, "kwargs": dict(kwargs, line_length=30), "columns": 200}, oracle, monkeypatch)


def test_too_narrow_summary_raises(oracle, monkeypatch):
    text = _check({"model": "mnist_model", "index": 0, "kwargs": {"line_length": 8}, "columns": 200}, oracle, monkeypatch)
    assert text == "ValueError: Insufficient console width to print summary."


def test_summary_printed_to_stdout_matches_keras(oracle, monkeypatch):
    request = {"model": "toy_resnet", "index": 0, "kwargs": {}, "columns": 120, "stdout": True}
    printed = _check(request, oracle, monkeypatch)
    assert printed == _render(dict(request, stdout=False), monkeypatch)


def test_optimizer_params_row_once_the_optimizer_is_built(oracle, monkeypatch):
    request = {"model": "mnist_model", "index": 0, "kwargs": {}, "columns": 200, "optimizer": True}
    got, expected = _render(request, monkeypatch), oracle[_key(request)]

    def without_optimizer_bytes(text: str) -> str:
        # Keras' iteration counter is int32 or int64 depending on its backend: sizes may differ by 4 bytes.
        return re.sub(r"^( (Total|Optimizer) params: [\d,]+) \(.*\)$", r"\1", text, flags=re.M)

    assert without_optimizer_bytes(got) == without_optimizer_bytes(expected)
    # Adam keeps two slots per weight, plus its iteration count and learning rate.
    assert " Optimizer params: 110,102 (430.09 KB)" in got
    assert " Total params: 165,152 (645.1" in got


def _ours(name: str, index: int = -1, **kwargs) -> str:
    out: list[str] = []
    _models(name)[index].summary(print_fn=out.append, **kwargs)
    return out[0]


# ------------------------------------------------------------ the guide's text

GUIDE_TOTALS = {
    ("mnist_model", 0): "55,050 (215.04 KB)",
    ("autoencoder_flat", 0): "18,672 (72.94 KB)",
    ("autoencoder_flat", 1): "28,241 (110.32 KB)",
    ("autoencoder_nested", 0): "18,672 (72.94 KB)",
    ("autoencoder_nested", 1): "9,569 (37.38 KB)",
    ("autoencoder_nested", 2): "28,241 (110.32 KB)",
    ("toy_resnet", 0): "223,242 (872.04 KB)",
}


@pytest.mark.parametrize("name, index", sorted(GUIDE_TOTALS))
def test_guide_parameter_counts(name, index):
    text = _ours(name, index)
    total = GUIDE_TOTALS[(name, index)]
    assert f" Total params: {total}\n" in text
    assert f" Trainable params: {total}\n" in text
    assert " Non-trainable params: 0 (0.00 B)\n" in text
    model = _models(name)[index]
    assert model.count_params() == int(total.split()[0].replace(",", ""))


def _row_cells(text: str) -> list[list[str]]:
    """Table body rows as lists of cell texts (wrapped cell lines joined with a space)."""
    rows: list[list[list[str]]] = []
    in_body = False
    for line in text.splitlines():
        if line.startswith("┡") or line.startswith("├"):
            in_body = True
            rows.append([])
        elif line.startswith("│") and in_body:
            cells = [c.strip() for c in line.strip("│").split("│")]
            rows[-1].append(cells)
    joined = []
    for row in rows:
        joined.append([" ".join(part[i] for part in row if part[i]) for i in range(len(row[0]))])
    return joined


@pytest.mark.parametrize(
    "name, index, expected",
    [
        ("mnist_model", 0, [["input_layer (InputLayer)", "(None, 784)", "0"], ["dense (Dense)", "(None, 64)", "50,240"],
                            ["dense_1 (Dense)", "(None, 64)", "4,160"], ["dense_2 (Dense)", "(None, 10)", "650"]]),
        ("autoencoder_flat", 0, [["img (InputLayer)", "(None, 28, 28, 1)", "0"],
                                 ["conv2d (Conv2D)", "(None, 26, 26, 16)", "160"],
                                 ["conv2d_1 (Conv2D)", "(None, 24, 24, 32)", "4,640"],
                                 ["max_pooling2d (MaxPooling2D)", "(None, 8, 8, 32)", "0"],
                                 ["conv2d_2 (Conv2D)", "(None, 6, 6, 32)", "9,248"],
                                 ["conv2d_3 (Conv2D)", "(None, 4, 4, 16)", "4,624"],
                                 ["global_max_pooling2d (GlobalMaxPooling2D)", "(None, 16)", "0"]]),
        ("autoencoder_nested", 2, [["img (InputLayer)", "(None, 28, 28, 1)", "0"],
                                   ["encoder (Functional)", "(None, 16)", "18,672"],
                                   ["decoder (Functional)", "(None, 28, 28, 1)", "9,569"]]),
    ],
)
def test_guide_rows(name, index, expected, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert _row_cells(_ours(name, index)) == expected


def test_guide_autoencoder_rows_include_the_decoder_layers(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    text = _ours("autoencoder_flat", 1)
    for row in [
        ["reshape (Reshape)", "(None, 4, 4, 1)", "0"],
        ["conv2d_transpose (Conv2DTranspose)", "(None, 6, 6, 16)", "160"],
        ["conv2d_transpose_1 (Conv2DTranspose)", "(None, 8, 8, 32)", "4,640"],
        ["up_sampling2d (UpSampling2D)", "(None, 24, 24, 32)", "0"],
        ["conv2d_transpose_2 (Conv2DTranspose)", "(None, 26, 26, 16)", "4,624"],
        ["conv2d_transpose_3 (Conv2DTranspose)", "(None, 28, 28, 1)", "145"],
    ]:
        assert row in _row_cells(text)


def test_guide_toy_resnet_is_not_sequential_like(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    text = _ours("toy_resnet")
    assert "Connected to" in text.splitlines()[2]
    cells = _row_cells(text)
    assert ["add (Add)", "(None, 9, 9, 64)", "0", "conv2d_3[0][0], max_pooling2d[0][0]"] in cells
    assert ["conv2d (Conv2D)", "(None, 30, 30, 32)", "896", "img[0][0]"] in cells
    assert ["dense_1 (Dense)", "(None, 10)", "2,570", "dropout[0][0]"] in cells


def test_nested_rows_are_indented_when_expanded(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    text = _ours("autoencoder_nested", 2, expand_nested=True)
    assert "│    └ conv2d (Conv2D)" in text
    assert "│    └ encoded_img (InputLayer)" in text


def test_trainable_column(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    cells = _row_cells(_ours("nested_sequential", 0, show_trainable=True))
    assert cells[-1][-1] == "N"  # the frozen head
    assert cells[0][-1] == "-"  # the InputLayer has no weights
    assert cells[1][-1] == "Y"


def test_unbuilt_layers_show_question_marks(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    cells = _row_cells(_ours("sequential_variants", 0))
    assert cells == [["dense (Dense)", "?", "0 (unbuilt)"], ["dense_1 (Dense)", "?", "0 (unbuilt)"]]
    # Built by a call: the first batch's shape is the input shape, as in Keras.
    cells = _row_cells(_ours("sequential_variants", 1))
    assert cells[0][1] == "(3, 4)"
