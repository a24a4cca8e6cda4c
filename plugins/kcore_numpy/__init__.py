"""kcore's in-tree numpy backend plugin.

Registered through the ``kcore.backends`` entry point like any third-party
plugin. Importing this module imports no framework: the backend class in
``kcore_numpy.backend`` is imported only when the backend is selected.
"""

from kcore.backend.contract import BackendInfo, BackendRegistry, hookimpl

INFO = BackendInfo(
    name="numpy",
    backend_class="kcore_numpy.backend:NumpyBackend",
    framework="autograd",
    install_hint="kcore[numpy]",
    description="NumPy arrays, differentiated with autograd (trains on CPU)",
)


@hookimpl
def kcore_register_backends(registry: BackendRegistry) -> None:
    registry.add(INFO)
