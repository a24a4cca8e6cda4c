"""Built-in data sets (``keras.datasets``), read from a local cache; nothing is downloaded."""

from kcore.datasets import cifar10, fashion_mnist, mnist

__all__ = ["cifar10", "fashion_mnist", "mnist"]
