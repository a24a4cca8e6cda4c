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
    from kcore.utils.summary_utils import class_name as display_class_name

    class_name = display_class_name(layer)
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


def _graph_of(layer):
    """The functional graph behind a model (a Sequential's inner Functional), or ``None``."""
    if hasattr(layer, "_nodes"):
        return layer
    inner = getattr(layer, "_functional", None)
    return inner if inner is not None and hasattr(inner, "_nodes") else None


def _check_kwargs(kwargs: dict) -> None:
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")


def model_to_dot(model, show_shapes: bool = False, show_dtype: bool = False, show_layer_names: bool = True,
                 rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200, subgraph: bool = False,
                 show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
                 **kwargs):
    """A ``pydot.Dot`` graph of ``model``'s layers and connections.

    Graph-level ops are nodes like layers; with ``expand_nested`` a nested model is drawn as
    a dashed cluster of its own layers. A subclassed model is a single node, as in Keras.
    """
    if not getattr(model, "built", False):
        raise ValueError(
            f"Model '{model.name}' has not yet been built. Build the model first by calling `build()` or by "
            "calling the model on a batch of data."
        )
    pydot = _import_pydot()
    _check_kwargs(kwargs)
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=dpi, concentrate=False, splines=splines)
    dot.set_node_defaults(shape="plaintext", fontname="Helvetica")
    options = (show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable)
    ids: dict[int, str] = {}

    def add_node(container, layer) -> None:
        ids[id(layer)] = str(id(layer))
        container.add_node(pydot.Node(str(id(layer)), label=_label(layer, *options)))

    graph = _graph_of(model)
    if graph is None:
        add_node(dot, model)
        return dot

    def expands(layer) -> bool:
        return expand_nested and layer is not model and _graph_of(layer) is not None

    def add_nodes(container, g, layers) -> None:
        for layer in layers:
            if expands(layer):
                cluster = pydot.Cluster(f"cluster_{id(layer)}", label=layer.name, style="dashed")
                container.add_subgraph(cluster)
                inner = _graph_of(layer)
                add_nodes(cluster, inner, inner._layers)
            else:
                add_node(container, layer)

    # A Sequential lists its layers without the InputLayer, as Keras draws it.
    top_layers = model.layers if graph is not model else graph._layers
    add_nodes(dot, graph, top_layers)

    def producer(t) -> int:
        """The drawn layer that produced ``t`` (looking inside expanded models)."""
        h = t._keras_history
        layer = h.operation
        while expands(layer):
            inner = _graph_of(layer)._output_tensors[h.tensor_index]
            h = inner._keras_history
            layer = h.operation
        return id(layer)

    def link(g) -> None:
        for node in g._nodes:
            layer = node.operation
            if node.is_input:
                continue
            if expands(layer):
                inner = _graph_of(layer)
                link(inner)
                for t, inner_input in zip(node.input_tensors, inner._input_tensors):
                    target = id(inner_input._keras_history.operation)
                    src = producer(t)
                    if src in ids and target in ids:
                        dot.add_edge(pydot.Edge(ids[src], ids[target]))
                continue
            for t in node.input_tensors:
                src = producer(t)
                if src in ids and id(layer) in ids:
                    dot.add_edge(pydot.Edge(ids[src], ids[id(layer)]))

    link(graph)
    return dot


def plot_model(model, to_file: str = "model.png", show_shapes: bool = False, show_dtype: bool = False,
               show_layer_names: bool = False, rankdir: str = "TB", expand_nested: bool = False, dpi: int = 200,
               show_layer_activations: bool = False, show_trainable: bool = False, splines: str = "ortho",
               **kwargs):
    """Render ``model`` to ``to_file`` (PNG, SVG, PDF... chosen by the file extension; PNG without one).

    As in Keras, boxes show the layer classes; ``show_layer_names=True`` adds the names.

    Raises ``ImportError`` naming pydot or graphviz when either is missing.
    """
    if not getattr(model, "built", False):
        raise ValueError(
            f"Model '{model.name}' has not yet been built. Build the model first by calling `build()` or by "
            "calling the model on a batch of data."
        )
    _import_pydot()
    _check_kwargs(kwargs)
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype, show_layer_names=show_layer_names,
                       rankdir=rankdir, expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                       splines=splines)
    to_file = os.fspath(to_file)
    _, ext = os.path.splitext(to_file)
    fmt = ext[1:].lower() if ext else "png"
    dot.write(to_file, format=fmt)
    if fmt == "pdf":
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
