"""kcore's in-tree tensorflow backend plugin.

Registered through the ``kcore.backends`` entry point like any third-party
plugin. Importing this module imports no framework: the backend class in
``kcore_tensorflow.backend`` is imported only when the backend is selected.
"""

from kcore.backend.contract import BackendInfo, BackendRegistry, hookimpl

INFO = BackendInfo(
    name="tensorflow",
    backend_class="kcore_tensorflow.backend:TensorflowBackend",
    framework="tensorflow",
    install_hint="kcore[tensorflow]",
    description="TensorFlow: train step compiled with tf.function",
)


@hookimpl
def kcore_register_backends(registry: BackendRegistry) -> None:
    registry.add(INFO)


class _DatasetBatches:
    """Iterates a ``tf.data.Dataset``, yielding its elements as NumPy (structure preserved)."""

    def __init__(self, dataset) -> None:
        self.dataset = dataset

    def __iter__(self):
        return iter(self.dataset.as_numpy_iterator())


class _SizedDatasetBatches(_DatasetBatches):
    """A :class:`_DatasetBatches` whose dataset has a known, finite number of batches."""

    def __init__(self, dataset, length: int) -> None:
        super().__init__(dataset)
        self._length = length

    def __len__(self) -> int:
        return self._length


@hookimpl
def kcore_adapt_data(data):
    """Adapt a ``tf.data.Dataset``; imports tensorflow only for objects from tensorflow modules."""
    if not (type(data).__module__ or "").startswith("tensorflow"):
        return None
    import tensorflow as tf

    if not isinstance(data, tf.data.Dataset):
        return None
    cardinality = int(data.cardinality())
    if cardinality >= 0:
        return _SizedDatasetBatches(data, cardinality)
    return _DatasetBatches(data)
