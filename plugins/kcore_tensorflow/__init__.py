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
