"""Core layers."""

from kcore.layers.core.activation import Activation
from kcore.layers.core.dense import Dense
from kcore.layers.core.embedding import Embedding
from kcore.layers.core.identity import Identity
from kcore.layers.core.lambda_layer import Lambda
from kcore.layers.core.masking import Masking

__all__ = ["Activation", "Dense", "Embedding", "Identity", "Lambda", "Masking"]
