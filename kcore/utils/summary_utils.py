"""``model.summary()``: the layer table Keras 3 prints, rendered without extra dependencies."""

from __future__ import annotations

import math
import re
import shutil
import sys
from typing import Any, Callable

from kcore.graph import nest

_DTYPE_BYTES = {"float16": 2, "bfloat16": 2, "float32": 4, "float64": 8, "int8": 1, "uint8": 1, "int16": 2,
                "uint16": 2, "int32": 4, "uint32": 4, "int64": 8, "uint64": 8, "bool": 1}


def count_params(weights: list) -> int:
    total, seen = 0, set()
    for w in weights:
        if id(w) in seen:
            continue
        seen.add(id(w))
        n = 1
        for d in w.shape:
            n *= d
        total += n
    return total


def weight_memory_size(weights: list) -> int:
    total, seen = 0, set()
    for w in weights:
        if id(w) in seen:
            continue
        seen.add(id(w))
        n = 1
        for d in w.shape:
            n *= d
        total += n * _DTYPE_BYTES.get(str(w.dtype), 4)
    return total


def readable_memory_size(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


# ------------------------------------------------------------------ layout

def _ratio_reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """Take ``total`` away from ``values`` in proportion to ``ratios``, each at most its maximum."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return list(values)
    remaining, out = total, []
    for ratio, maximum, value in zip(ratios, maximums, values):
        if ratio and total_ratio > 0:
            taken = min(maximum, round(ratio * remaining / total_ratio))
            out.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def _ratio_distribute(total: int, ratios: list[int]) -> list[int]:
    """Split ``total`` into parts proportional to ``ratios`` (rounding up, as rich does)."""
    total_ratio, remaining, out = sum(ratios), total, []
    for ratio in ratios:
        part = math.ceil(ratio * remaining / total_ratio) if total_ratio > 0 else remaining
        out.append(part)
        total_ratio -= ratio
        remaining -= part
    return out


def column_widths(line_length: int, positions: list[float]) -> list[int]:
    """Cell widths (padding included) of a table ``line_length`` wide, borders included.

    As Keras, every position is scaled by ``line_length``; the cells are then fitted to the
    table as rich fits fixed-width columns: capped, reduced evenly, or widened in proportion.
    """
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    available = line_length - (len(widths) + 1)
    cells = [min(w + 2, available) for w in widths]
    total = sum(cells)
    if total > available:
        cells = _ratio_reduce(total - available, [1] * len(cells), cells, cells)
    elif total < available:
        cells = [c + p for c, p in zip(cells, _ratio_distribute(available - total, cells))]
    return cells


_WORD = re.compile(r"\s*\S+\s*")


def wrap(text: str, width: int) -> list[str]:
    """Word wrap as rich does for a table cell with ``overflow="ellipsis"``.

    A word is its leading and trailing whitespace plus the non-space run; a line
    breaks before a word that does not fit; a word longer than ``width`` is
    put on its own line and cut with an ellipsis. Leading indentation is kept.
    """
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width or (offset and start):
            if start:
                breaks.append(start)
            offset = len(word)
    bounds = [0] + breaks + [len(text)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        line = text[a:b].rstrip()
        if len(line) > width:
            line = line[: width - 1] + "…"
        out.append(line)
    return out


def _justify(text: str, width: int, align: str) -> str:
    if align == "right":
        return text.rjust(width)
    if align == "center":
        left = (width - len(text)) // 2
        return (" " * left + text).ljust(width)
    return text.ljust(width)


def render_table(header: list[str], rows: list[list[str]], widths: list[int], align: list[str]) -> list[str]:
    inner = [w - 2 for w in widths]

    def cells(texts: list[str], bottom: bool = False) -> list[list[str]]:
        """Cell lines of one row; body cells align to the top, header cells to the bottom (as rich)."""
        wrapped = [wrap(t, w) for t, w in zip(texts, inner)]
        height = max(len(c) for c in wrapped)
        if bottom:
            wrapped = [[""] * (height - len(c)) + c for c in wrapped]
        out = []
        for i in range(height):
            parts = []
            for col, w, a in zip(wrapped, inner, align):
                text = col[i] if i < len(col) else ""
                parts.append(" " + _justify(text, w, a) + " ")
            out.append(parts)
        return out

    def rule(left: str, fill: str, mid: str, right: str) -> str:
        return left + mid.join(fill * w for w in widths) + right

    lines = [rule("┏", "━", "┳", "┓")]
    lines += ["┃" + "┃".join(p) + "┃" for p in cells(header, bottom=True)]
    lines.append(rule("┡", "━", "╇", "┩"))
    for i, row in enumerate(rows):
        if i:
            lines.append(rule("├", "─", "┼", "┤"))
        lines += ["│" + "│".join(p) + "│" for p in cells(row)]
    lines.append(rule("└", "─", "┴", "┘"))
    return lines


# --------------------------------------------------------------- the model

def _is_sequential_like(model) -> bool:
    nodes = getattr(model, "_nodes", None)
    if nodes is None:
        return True
    consumed = set()
    for node in nodes:
        if len(node.input_tensors) > 1:
            return False
        for t in node.input_tensors:
            if id(t) in consumed:
                return False
            consumed.add(id(t))
    in_model = {id(n) for n in nodes}
    for layer in model.layers:
        if sum(1 for n in layer._inbound_nodes if id(n) in in_model) > 1:
            return False
    return len(model._input_tensors) == 1


def class_name(layer) -> str:
    """The class shown for a layer: graph-level ops show their Keras op class (``Relu``, ``Multiply``)."""
    if getattr(layer, "is_operation", False) and hasattr(layer, "op_name"):
        from kcore.layers.op_layer import class_name_for

        return class_name_for(layer.op_name)
    return type(layer).__name__


def _shape_str(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def _is_shape(x) -> bool:
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def _map_shapes(fn, structure):
    if _is_shape(structure):
        return fn(structure)
    if isinstance(structure, dict):
        return {k: _map_shapes(fn, v) for k, v in structure.items()}
    return type(structure)(_map_shapes(fn, v) for v in structure)


def _format_shape(layer) -> str:
    """The output shape column: the last call's outputs, else the shape computed from the build shape."""
    if layer._inbound_nodes:
        outputs = layer._inbound_nodes[-1].output_structure
        shapes = nest.map_structure(lambda t: _shape_str(t.shape), outputs)
    elif getattr(layer, "_build_shapes", None) is not None:
        try:
            if hasattr(layer, "output_shape"):
                shapes = _shape_str(layer.output_shape)
            else:
                shapes = _map_shapes(_shape_str, layer.compute_output_shape(layer._build_shapes))
        except Exception:  # any failure to infer shows "?", as Keras does for unknown shapes
            return "?"
    else:
        return "?"
    flat = nest.flatten(shapes)
    if len(flat) == 1:
        return flat[0]
    return str(shapes).replace("'", "")


def _connections(layer, relevant: set[int]) -> str:
    parts = []
    for node in layer._inbound_nodes:
        if relevant and id(node) not in relevant:
            continue
        for t in node.input_tensors:
            h = t._keras_history
            parts.append(f"{h.operation.name}[{h.node_index}][{h.tensor_index}]")
    return ", ".join(parts) if parts else "-"


def _layer_range(layers: list, layer_range) -> tuple[int, int]:
    if layer_range is None:
        return 0, len(layers)
    if len(layer_range) != 2 or not all(isinstance(s, str) for s in layer_range):
        raise ValueError(f"layer_range must be a list or tuple of two layer names (or regexes); received {layer_range!r}")
    lower = [i for i, l in enumerate(layers) if re.match(layer_range[0], l.name)]
    upper = [i for i, l in enumerate(layers) if re.match(layer_range[1], l.name)]
    if not lower or not upper:
        raise ValueError(f"layer_range {layer_range!r} matches no layer; layers are {[l.name for l in layers]}")
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def summary_lines(model, line_length: int | None = None, positions: list[float] | None = None,
                  expand_nested: bool = False, show_trainable: bool = False, layer_range=None,
                  terminal_columns: int | None = None) -> list[str]:
    """The lines ``model.summary()`` prints."""
    functional = getattr(model, "_functional", None)
    graph = functional if functional is not None else model
    is_graph = hasattr(graph, "_nodes")
    sequential_like = (not is_graph) or type(model).__name__ == "Sequential" or _is_sequential_like(graph)
    layers = list(graph._layers) if is_graph and functional is None else model.layers
    relevant = {id(n) for n in graph._nodes} if is_graph else set()
    if sequential_like:
        default_length, positions = 88, positions or [0.45, 0.80, 1.0]
        header, align = ["Layer (type)", "Output Shape", "Param #"], ["left", "left", "right"]
    else:
        default_length, positions = 108, positions or [0.3, 0.56, 0.74, 1.0]
        header, align = ["Layer (type)", "Output Shape", "Param #", "Connected to"], ["left", "left", "right", "left"]
    if show_trainable:
        default_length += 12
        positions = [p * 0.90 for p in positions] + [1.0]
        header.append("Trainable")
        align.append("center")
    columns = terminal_columns if terminal_columns is not None else shutil.get_terminal_size().columns
    line_length = line_length or min(default_length, columns - 4)
    widths = column_widths(line_length, positions)

    def fields(layer, prefix: str = "") -> list[str]:
        name = f"{prefix}{layer.name} ({class_name(layer)})"
        if not layer.built:
            params = "0 (unbuilt)"
        else:
            params = f"{layer.count_params():,}"
        row = [name, _format_shape(layer), params]
        if not sequential_like:
            row.append(_connections(layer, relevant))
        if show_trainable:
            row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
        return row

    def rows_for(layer, level: int = 0) -> list[list[str]]:
        prefix = "   " * level + "└ " if level else ""
        out = [fields(layer, prefix)]
        if expand_nested and hasattr(layer, "layers") and layer.layers and layer is not model:
            for sub in layer.layers:
                out.extend(rows_for(sub, level + 1))
        return out

    start, stop = _layer_range(layers, layer_range)
    rows = [r for layer in layers[start:stop] for r in rows_for(layer)]
    lines = [f'Model: "{model.name}"']
    # A table wider than the console is cropped at the console's edge, as rich does.
    console_width = columns
    lines += [line[:console_width] for line in render_table(header, rows, widths, align)]
    trainable = model.trainable_weights
    non_trainable = model.non_trainable_weights
    t_count, nt_count = count_params(trainable), count_params(non_trainable)
    t_size, nt_size = weight_memory_size(trainable), weight_memory_size(non_trainable)
    opt = getattr(model, "optimizer", None)
    opt_built = bool(getattr(model, "compiled", False) and opt is not None and getattr(opt, "built", False))
    o_count = count_params(opt.variables) if opt_built else 0
    o_size = weight_memory_size(opt.variables) if opt_built else 0
    lines.append(f" Total params: {t_count + nt_count + o_count:,} ({readable_memory_size(t_size + nt_size + o_size)})")
    lines.append(f" Trainable params: {t_count:,} ({readable_memory_size(t_size)})")
    lines.append(f" Non-trainable params: {nt_count:,} ({readable_memory_size(nt_size)})")
    if opt_built:
        lines.append(f" Optimizer params: {o_count:,} ({readable_memory_size(o_size)})")
    return lines


def print_summary(model, line_length=None, positions=None, print_fn: Callable[[str], Any] | None = None,
                  expand_nested: bool = False, show_trainable: bool = False, layer_range=None) -> None:
    """Print the summary to stdout, or pass it to ``print_fn`` as one string (as Keras 3 does)."""
    lines = summary_lines(model, line_length=line_length, positions=positions, expand_nested=expand_nested,
                          show_trainable=show_trainable, layer_range=layer_range)
    text = "\n".join(lines) + "\n"
    if print_fn is not None:
        print_fn(text)
        return
    sys.stdout.write(text)
