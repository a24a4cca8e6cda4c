"""Errors raised when a backend cannot be selected or loaded."""


class BackendError(RuntimeError):
    """The requested backend is unknown or cannot be loaded."""


class UnknownBackendError(BackendError, ValueError):
    """No installed plugin provides a backend of that name."""


class BackendNotInstalledError(BackendError, ImportError):
    """The plugin is registered but its framework is not installed."""
