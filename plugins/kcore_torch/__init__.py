"""kcore's in-tree torch backend plugin.

Registered through the ``kcore.backends`` entry point like any third-party
plugin. Importing this module imports no framework: the backend class in
``kcore_torch.backend`` is imported only when the backend is selected.
"""

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
