"""``model.summary()``: the layer table Keras 3 prints, rendered without extra dependencies."""

from __future__ import annotations

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


def column_widths(line_length: int, positions: list[float]) -> list[int]:
    """Cell widths (padding included) of a table ``line_length`` wide, borders included."""
    widths, current = [], 0
    for pos in positions:
        width = int(pos * line_length) - current if pos <= 1 else int(pos) - current
        if width < 4:
            raise ValueError("Insufficient console width to print summary.")
        widths.append(width)
        current += width
    cells = [w + 2 for w in widths]
    available = line_length - (len(cells) + 1)
    if sum(cells) > available:
        cells = _ratio_reduce(sum(cells) - available, [1] * len(cells), cells, cells)
    return cells


def wrap(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than ``width`` is cut with an ellipsis."""
    lines: list[str] = []
    current = ""
    for word in re.findall(r"\S+\s*", text) or [""]:
        stripped = word.rstrip()
        if current and len(current) + len(stripped) > width:
            lines.append(current)
            current = word
        else:
            current += word
    lines.append(current)
    out = []
    for line in lines:
        line = line.rstrip()
        if len(line) > width:
            line = line[: width - 1] + "…"
        out.append(line)
    return out


def render_table(header: list[str], rows: list[list[str]], widths: list[int], align: list[str]) -> list[str]:
    inner = [w - 2 for w in widths]

    def cells(texts: list[str]) -> list[str]:
        wrapped = [wrap(t, w) for t, w in zip(texts, inner)]
        height = max(len(c) for c in wrapped)
        out = []
        for i in range(height):
            parts = []
            for col, w, a in zip(wrapped, inner, align):
                text = col[i] if i < len(col) else ""
                parts.append(" " + (text.rjust(w) if a == "right" else text.center(w) if a == "center" else text.ljust(w)) + " ")
            out.append(parts)
        return out

    def rule(left: str, fill: str, mid: str, right: str) -> str:
        return left + mid.join(fill * w for w in widths) + right

    lines = [rule("┏", "━", "┳", "┓")]
    lines += ["┃" + "┃".join(p) + "┃" for p in cells(header)]
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


def _format_shape(layer) -> str:
    if layer._inbound_nodes:
        outputs = layer._inbound_nodes[0].output_structure
        if not isinstance(outputs, (list, tuple, dict)):
            return str(tuple(outputs.shape))
        shapes = nest.map_structure(lambda t: str(tuple(t.shape)), outputs)
        return str(shapes).replace("'", "")
    return "?"


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
        name = f"{prefix}{layer.name} ({type(layer).__name__})"
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
