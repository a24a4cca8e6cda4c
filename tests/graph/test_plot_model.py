"""plot_model / model_to_dot: valid PNG, SVG and PDF files, labels, nesting, and clear dependency errors."""

from __future__ import annotations

import shutil
import struct
import sys
import xml.etree.ElementTree as ET

import pytest

import kcore
from guide_models import ALL

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _model(name: str, index: int = -1):
    kcore.utils.clear_session()
    return ALL[name](kcore)[index]


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    length, chunk = struct.unpack(">I4s", data[8:16])
    assert chunk == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    assert width > 0 and height > 0
    return width, height


def _labels(dot) -> list[str]:
    return [n.get("label") for n in dot.get_nodes() if n.get("label")] + [
        n.get("label") for sub in dot.get_subgraphs() for n in sub.get_nodes() if n.get("label")
    ]


def _edges(dot) -> list[tuple[str, str]]:
    return [(e.get_source(), e.get_destination()) for e in dot.get_edges()]


def _node_names(dot) -> dict[str, str]:
    """pydot node id -> the layer name shown in its label."""
    out = {}
    nodes = list(dot.get_nodes()) + [n for sub in dot.get_subgraphs() for n in sub.get_nodes()]
    for n in nodes:
        label = n.get("label")
        if label:
            out[n.get_name()] = label.split("<b>")[1].split(" (")[0]
    return out


def test_png_is_written(tmp_path):
    model = _model("mnist_model")
    path = tmp_path / "my_first_model.png"
    assert kcore.utils.plot_model(model, str(path)) is None  # no IPython display outside notebooks
    _png_size(path)


def test_png_by_default_without_extension(tmp_path):
    path = tmp_path / "model"
    kcore.utils.plot_model(_model("mnist_model"), path)
    assert path.read_bytes()[:8] == PNG_SIGNATURE


def test_svg_is_valid_xml_with_the_layer_names(tmp_path):
    path = tmp_path / "resnet.svg"
    kcore.utils.plot_model(_model("toy_resnet"), str(path), show_shapes=True, show_layer_names=True)
    root = ET.fromstring(path.read_text())
    assert root.tag.endswith("svg")
    text = path.read_text()
    for name in ("img (InputLayer)", "add_1 (Add)", "global_average_pooling2d (GlobalAveragePooling2D)"):
        assert name in text
    assert "Output shape: (None, 9, 9, 64)" in text


def test_plot_model_shows_classes_by_default_like_keras(tmp_path):
    path = tmp_path / "classes.svg"
    kcore.utils.plot_model(_model("mnist_model"), str(path))
    text = path.read_text()
    assert "&gt;Dense&lt;" in text or ">Dense<" in text
    assert "dense_1" not in text


def test_pdf_is_written(tmp_path):
    path = tmp_path / "model.pdf"
    assert kcore.utils.plot_model(_model("mnist_model"), str(path)) is None
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]


def test_dpi_scales_the_png(tmp_path):
    model = _model("mnist_model")
    small, large = tmp_path / "small.png", tmp_path / "large.png"
    kcore.utils.plot_model(model, str(small), dpi=48)
    kcore.utils.plot_model(model, str(large), dpi=96)
    (w1, h1), (w2, h2) = _png_size(small), _png_size(large)
    assert abs(w2 / w1 - 2) < 0.1 and abs(h2 / h1 - 2) < 0.1


def test_show_shapes_and_dtype_labels():
    model = _model("ticket_model")
    plain = " ".join(_labels(kcore.utils.model_to_dot(model)))
    assert "shape" not in plain and "dtype" not in plain
    labels = " ".join(_labels(kcore.utils.model_to_dot(model, show_shapes=True, show_dtype=True)))
    assert "Input shape: [(None, 128), (None, 32), (None, 12)]" in labels
    assert "Output shape: (None, 172)" in labels
    assert "Output shape: (None, None, 64)" in labels
    assert "Input dtype: float32" in labels and "Output dtype: float32" in labels


def test_layer_names_activations_and_trainable_options():
    model = _model("nested_sequential")
    labels = _labels(kcore.utils.model_to_dot(model, show_layer_names=False))
    assert all("head" not in l for l in labels) and any("<b>Dense</b>" in l for l in labels)
    labels = " ".join(_labels(kcore.utils.model_to_dot(model, show_layer_activations=True, show_trainable=True)))
    assert "Activation: linear" in labels
    assert "Trainable: N" in labels and "Trainable: Y" in labels


def test_edges_follow_the_graph():
    dot = kcore.utils.model_to_dot(_model("toy_resnet"))
    names = _node_names(dot)
    edges = {(names[a], names[b]) for a, b in _edges(dot)}
    assert len(edges) == 16
    assert ("max_pooling2d", "add") in edges and ("conv2d_3", "add") in edges
    assert ("add", "add_1") in edges and ("dropout", "dense_1") in edges


def test_graph_level_ops_are_nodes():
    dot = kcore.utils.model_to_dot(_model("graph_ops"))
    names = _node_names(dot)
    edges = {(names[a], names[b]) for a, b in _edges(dot)}
    assert edges == {("input_layer", "dense"), ("dense", "relu"), ("relu", "multiply"),
                     ("multiply", "concatenate"), ("input_layer", "concatenate")}
    assert any("relu (Relu)" in l for l in _labels(dot))


def test_expand_nested_draws_inner_layers_in_clusters(tmp_path):
    model = _model("autoencoder_nested")
    collapsed = kcore.utils.model_to_dot(model)
    assert sorted(_node_names(collapsed).values()) == ["decoder", "encoder", "img"]
    expanded = kcore.utils.model_to_dot(model, expand_nested=True)
    assert sorted(sub.get("label") for sub in expanded.get_subgraphs()) == ["decoder", "encoder"]
    names = _node_names(expanded)
    assert len(names) == 15
    edges = {(names[a], names[b]) for a, b in _edges(expanded)}
    assert ("img", "original_img") in edges
    assert ("global_max_pooling2d", "encoded_img") in edges
    assert ("conv2d_transpose_2", "conv2d_transpose_3") in edges
    assert len(edges) == 14
    path = tmp_path / "nested.png"
    kcore.utils.plot_model(model, str(path), expand_nested=True, show_shapes=True, dpi=40)
    _png_size(path)


def test_expand_nested_sequential():
    names = _node_names(kcore.utils.model_to_dot(_model("nested_sequential"), expand_nested=True))
    assert sorted(names.values()) == ["dropout", "head", "inner_dense", "input_layer", "x"]


def test_sequential_and_subclassed_models():
    seq = _model("sequential_batchnorm")
    names = _node_names(kcore.utils.model_to_dot(seq))
    assert list(names.values()) == [layer.name for layer in seq.layers]  # no InputLayer node, as in Keras
    mlp = _model("subclassed", 0)
    dot = kcore.utils.model_to_dot(mlp)
    assert list(_node_names(dot).values()) == [mlp.name] and _edges(dot) == []


def test_unbuilt_model_is_rejected(tmp_path):
    unbuilt = _model("sequential_variants", 0)
    with pytest.raises(ValueError, match="not yet been built"):
        kcore.utils.plot_model(unbuilt, str(tmp_path / "x.png"))


def test_unknown_arguments_are_rejected(tmp_path):
    model = _model("mnist_model")
    with pytest.raises(ValueError, match="layer_range"):
        kcore.utils.plot_model(model, str(tmp_path / "x.png"), layer_range=["a", "b"])
    with pytest.raises(ValueError, match="Unrecognized"):
        kcore.utils.plot_model(model, str(tmp_path / "x.png"), show_colors=True)


def test_missing_graphviz_is_a_clear_import_error(tmp_path, monkeypatch):
    model = _model("mnist_model")
    monkeypatch.setattr(shutil, "which", lambda *args, **kwargs: None)
    with pytest.raises(ImportError, match="graphviz") as info:
        kcore.utils.plot_model(model, str(tmp_path / "x.png"))
    assert "dot" in str(info.value)
    assert not (tmp_path / "x.png").exists()


def test_missing_pydot_is_a_clear_import_error(tmp_path, monkeypatch):
    model = _model("mnist_model")
    monkeypatch.setitem(sys.modules, "pydot", None)  # `import pydot` now raises ImportError
    with pytest.raises(ImportError, match="pydot"):
        kcore.utils.plot_model(model, str(tmp_path / "x.png"))
    with pytest.raises(ImportError, match="pip install pydot"):
        kcore.utils.model_to_dot(model)
