"""kcore's in-tree torch backend plugin.

Registered through the ``kcore.backends`` entry point like any third-party
plugin. Importing this module imports no framework: the backend class in
``kcore_torch.backend`` is imported only when the backend is selected.
"""

from typing import Any, Iterator

from kcore.backend.contract import BackendInfo, BackendRegistry, hookimpl

INFO = BackendInfo(
    name="torch",
    backend_class="kcore_torch.backend:TorchBackend",
    framework="torch",
    install_hint="kcore[torch]",
    description="PyTorch tensors and autograd",
)


@hookimpl
def kcore_register_backends(registry: BackendRegistry) -> None:
    registry.add(INFO)


DATASET_BATCH_SIZE = 32  # batch size used when a bare Dataset is given (Keras' default)


def _is_torch_pipeline(data: Any) -> bool:
    """True for torch ``DataLoader``/``Dataset`` objects, subclasses included; imports nothing."""
    return any(cls.__name__ in ("DataLoader", "Dataset") and (cls.__module__ or "").startswith("torch.utils.data")
               for cls in type(data).__mro__)


def _to_numpy(tree: Any) -> Any:
    if isinstance(tree, (list, tuple)):
        items = [_to_numpy(x) for x in tree]
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    if isinstance(tree, dict):
        return {k: _to_numpy(v) for k, v in tree.items()}
    if type(tree).__module__.startswith("torch") and hasattr(tree, "detach"):  # a torch.Tensor
        tree = tree.detach().cpu()
        return (tree.float() if str(tree.dtype) == "torch.bfloat16" else tree).numpy()
    return tree


class TorchBatches:
    """Iterates a ``DataLoader``; each batch is NumPy arrays in the batch's own structure.

    A batch that is a list at the top level (what ``default_collate`` makes of
    ``(x, y)`` samples) becomes a tuple, as Keras does.
    """

    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def __iter__(self) -> Iterator[Any]:
        for batch in self.loader:
            batch = _to_numpy(batch)
            yield tuple(batch) if type(batch) is list else batch


class SizedTorchBatches(TorchBatches):
    """:class:`TorchBatches` for a loader with a known number of batches."""

    def __len__(self) -> int:
        return len(self.loader)


@hookimpl
def kcore_adapt_data(data: Any) -> TorchBatches | None:
    """Batches of a torch ``DataLoader`` (a bare ``Dataset`` is batched by 32), or ``None``."""
    if not _is_torch_pipeline(data):
        return None
    from torch.utils.data import DataLoader

    loader = data if isinstance(data, DataLoader) else DataLoader(data, batch_size=DATASET_BATCH_SIZE)
    try:
        len(loader)
    except TypeError:
        return TorchBatches(loader)
    return SizedTorchBatches(loader)
