"""Dropout: randomly zeroes inputs at ``rate`` during training, scaling the rest."""

from __future__ import annotations

from kcore import random
from kcore.layers.layer import Layer


class Dropout(Layer):
    def __init__(self, rate: float, noise_shape=None, seed=None, **kwargs) -> None:
        super().__init__(**kwargs)
        if not 0 <= rate <= 1:
            raise ValueError(f"Dropout layer '{self.name}': `rate` must be a float in [0, 1], received rate={rate!r}")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.seed_generator = random.SeedGenerator(seed)
        self._seed_generators.append(self.seed_generator)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if training and self.rate > 0:
            return random.dropout(inputs, self.rate, noise_shape=self.noise_shape, seed=self.seed_generator)
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self) -> dict:
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed, "noise_shape": self.noise_shape})
        return config
