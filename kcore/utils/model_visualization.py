"""``plot_model``: draw a model's graph of layers with pydot and graphviz."""

from __future__ import annotations

import html
import os
import shutil
from typing import Any

from kcore.graph import nest


class PlotDependencyError(ImportError):
    """pydot or the graphviz ``dot`` program is missing."""


def _import_pydot():
    try:
        import pydot
    except ImportError:
        raise PlotDependencyError(
            "plot_model requires the Python package 'pydot': install it with `pip install pydot`."
        ) from None
    if shutil.which("dot") is None:
        raise PlotDependencyError(
            "plot_model requires the graphviz 'dot' program, which was not found on PATH: install graphviz "
            "(e.g. `apt-get install graphviz` or `brew install graphviz`)."
        )
    return pydot


def _shape_text(structure: Any) -> str:
    shapes = [tuple(t.shape) for t in nest.flatten(structure) if hasattr(t, "shape")]
    text = ", ".join(str(s) for s in shapes)
    return text if len(shapes) == 1 else f"[{text}]"


def _dtype_text(structure: Any) -> str:
    dtypes = [str(t.dtype) for t in nest.flatten(structure) if hasattr(t, "dtype")]
    return dtypes[0] if len(dtypes) == 1 else "[" + ", ".join(dtypes) + "]"


def _label(layer, show_shapes: bool, show_dtype: bool, show_layer_names: bool, show_layer_activations: bool,
           show_trainable: bool) -> str:
    class_name = type(layer).__name__
    title = f"{html.escape(layer.name)} ({class_name})" if show_layer_names else class_name
    rows = [f'<tr><td colspan="2" bgcolor="#d7e8fa"><b>{title}</b></td></tr>']
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        name = getattr(activation, "__name__", str(activation))
        rows.append(f'<tr><td colspan="2">Activation: {html.escape(name)}</td></tr>')
    if show_trainable:
        rows.append(f'<tr><td colspan="2">Trainable: {"Y" if layer.trainable else "N"}</td></tr>')
    if show_shapes or show_dtype:
        node = layer._inbound_nodes[0] if layer._inbound_nodes else None
        if node is not None:
            inputs = node.input_tensors or node.outputs
            if show_shapes:
                rows.append(f"<tr><td>Input shape: {html.escape(_shape_text(inputs))}</td>"
                            f"<td>Output shape: {html.escape(_shape_text(node.outputs))}</td></tr>")
            if show_dtype:
                rows.append(f"<tr><td>Input dtype: {html.escape(_dtype_text(inputs))}</td>"
                            f"<td>Output dtype: {html.escape(_dtype_text(node.outputs))}</td></tr>")
    return '<<table border="0" cellborder="1" cellspacing="0" cellpadding="6">' + "".join(rows) + "</table>>"


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False, **kwargs):
    """A ``pydot.Dot`` graph of ``model``'s layers and connections."""
    pydot = _import_pydot()
    if not getattr(model, "built", False):
        raise ValueError(
            f"Model '{model.name}' has not been built yet: call it on data or build it before plotting."
        )
    functional = getattr(model, "_functional", None) or model
    if not hasattr(functional, "_nodes"):
        raise ValueError(f"plot_model needs a functional or Sequential model; '{model.name}' is subclassed.")
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=dpi, concentrate=False)
    dot.set_node_defaults(shape="plaintext", fontname="Helvetica")
    ids = {}

    def add_layer(layer, prefix: str = "") -> str:
        if expand_nested and hasattr(layer, "_nodes"):
            return ""
        node_id = prefix + str(id(layer))
        ids[id(layer)] = node_id
        dot.add_node(pydot.Node(node_id, label=_label(layer, show_shapes, show_dtype, show_layer_names,
                                                          show_layer_activations, show_trainable)))
        return node_id

    def walk(m) -> None:
        for layer in m.layers if hasattr(m, "_nodes") else []:
            if expand_nested and hasattr(layer, "_nodes"):
                walk(layer)
            else:
                add_layer(layer)

    if getattr(model, "_functional", None) is not None:
        add_layer(model._input_layer)
    walk(functional)

    def sources(layer, node_index: int) -> list[int]:
        """Layer ids feeding ``layer``'s node, looking inside nested models when expanded."""
        node = layer._inbound_nodes[node_index]
        out = []
        for t in node.input_tensors:
            h = t._keras_history
            producer = h.operation
            if expand_nested and hasattr(producer, "_nodes"):
                inner = producer._output_tensors[h.tensor_index]._keras_history
                out.append(id(inner.operation))
            else:
                out.append(id(producer))
        return out

    def link(m) -> None:
        for node in m._nodes:
            layer = node.operation
            if node.is_input:
                continue
            if expand_nested and hasattr(layer, "_nodes"):
                link(layer)
                inner_inputs = [t._keras_history.operation for t in layer._input_tensors]
                for src, inner in zip(sources(layer, node.index), inner_inputs):
                    if src in ids and id(inner) in ids:
                        dot.add_edge(pydot.Edge(ids[src], ids[id(inner)]))
                continue
            for src in sources(layer, node.index):
                if src in ids and id(layer) in ids:
                    dot.add_edge(pydot.Edge(ids[src], ids[id(layer)]))

    link(functional)
    return dot


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = True, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False, **kwargs):
    """Render ``model`` to ``to_file`` (PNG, SVG, PDF... chosen by the file extension)."""
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    to_file = os.fspath(to_file)
    _, ext = os.path.splitext(to_file)
    fmt = ext[1:].lower() if ext else "png"
    dot.write(to_file, format=fmt)
    if fmt != "png":
        return None
    return _display_image(to_file)


def _display_image(path: str):
    """An IPython Image in notebooks; ``None`` elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import Image

        if get_ipython() is not None:
            return Image(filename=path)
    except ImportError:
        pass
    return None
