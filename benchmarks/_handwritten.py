"""Hand-written training loops: the guide's MNIST MLP and toy ResNet without Keras or kcore.

Each ``make_<backend>(kind)`` returns ``run(x, y)``: one epoch over ``x``/``y``
(NumPy, batch 64, reshuffled every epoch like ``fit(shuffle=True)``) of a
compiled (jax, tensorflow) or eager (torch) step doing the same math as the
Keras models: forward, crossentropy from logits, gradients, RMSprop
(``v = 0.9 v + 0.1 g**2; p -= lr * g / sqrt(v + 1e-7)``, torch: its own
``torch.optim.RMSprop``), plus the running loss and accuracy sums. ``run``
returns only after the device finished (it reads the sums back).

``kind`` is ``"mlp"`` (784-64-64-10, sparse integer labels, lr 1e-3) or
``"resnet"`` (the guide's toy ResNet on 32x32x3 images, one-hot labels,
lr 1e-3, dropout 0.5).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

BATCH = 64
LR, RHO, EPS = 1e-3, 0.9, 1e-7

# (kernel h, w, in, out, padding) of the toy ResNet's convolutions, in order.
RESNET_CONVS = [(3, 3, 3, 32, "VALID"), (3, 3, 32, 64, "VALID"),
                (3, 3, 64, 64, "SAME"), (3, 3, 64, 64, "SAME"),
                (3, 3, 64, 64, "SAME"), (3, 3, 64, 64, "SAME"),
                (3, 3, 64, 64, "VALID")]
RESNET_DENSE = [(64, 256), (256, 10)]
MLP_DENSE = [(784, 64), (64, 64), (64, 10)]


def _glorot(rng: np.random.Generator, shape: tuple, fan_in: int, fan_out: int) -> np.ndarray:
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype("float32")


def init_params(kind: str) -> list[np.ndarray]:
    """Kernels (Keras layouts: HWIO, (in, out)) and zero biases, as NumPy."""
    rng = np.random.default_rng(0)
    params = []
    if kind == "resnet":
        for kh, kw, cin, cout, _ in RESNET_CONVS:
            params += [_glorot(rng, (kh, kw, cin, cout), kh * kw * cin, kh * kw * cout), np.zeros(cout, "float32")]
        dense = RESNET_DENSE
    else:
        dense = MLP_DENSE
    for fin, fout in dense:
        params += [_glorot(rng, (fin, fout), fin, fout), np.zeros(fout, "float32")]
    return params


def _batches(n: int):
    order = np.random.permutation(n)
    for start in range(0, n, BATCH):
        yield order[start:start + BATCH]


# ------------------------------------------------------------------- jax
def make_jax(kind: str) -> Callable:
    import jax
    import jax.numpy as jnp
    from jax import lax

    dn = ("NHWC", "HWIO", "NHWC")

    def conv(x, w, b, padding):
        return jax.nn.relu(lax.conv_general_dilated(x, w, (1, 1), padding, dimension_numbers=dn) + b)

    def forward(p, x, key):
        if kind == "mlp":
            x = jax.nn.relu(x @ p[0] + p[1])
            x = jax.nn.relu(x @ p[2] + p[3])
            return x @ p[4] + p[5]
        pads = [c[4] for c in RESNET_CONVS]
        x = conv(x, p[0], p[1], pads[0])
        x = conv(x, p[2], p[3], pads[1])
        b1 = lax.reduce_window(x, -jnp.inf, lax.max, (1, 3, 3, 1), (1, 3, 3, 1), "VALID")
        x = conv(conv(b1, p[4], p[5], "SAME"), p[6], p[7], "SAME")
        b2 = x + b1
        x = conv(conv(b2, p[8], p[9], "SAME"), p[10], p[11], "SAME")
        b3 = x + b2
        x = conv(b3, p[12], p[13], "VALID")
        x = jnp.mean(x, axis=(1, 2))
        x = jax.nn.relu(x @ p[14] + p[15])
        keep = jax.random.uniform(key, x.shape) >= 0.5
        x = jnp.where(keep, x / 0.5, 0.0)
        return x @ p[16] + p[17]

    def loss_fn(p, x, y, key):
        logp = jax.nn.log_softmax(forward(p, x, key))
        if kind == "mlp":
            ce = -jnp.take_along_axis(logp, y[:, None].astype(jnp.int32), axis=1)[:, 0]
        else:
            ce = -jnp.sum(y * logp, axis=-1)
        return jnp.mean(ce), logp

    @jax.jit
    def step(p, v, sums, x, y, i):
        (loss, logp), g = jax.value_and_grad(loss_fn, has_aux=True)(p, x, y, jax.random.fold_in(jax.random.key(0), i))
        v = [RHO * vi + (1 - RHO) * gi * gi for vi, gi in zip(v, g)]
        p = [pi - LR * gi / jnp.sqrt(vi + EPS) for pi, gi, vi in zip(p, g, v)]
        labels = y if kind == "mlp" else jnp.argmax(y, axis=-1)
        acc = jnp.mean((jnp.argmax(logp, axis=-1) == labels).astype(jnp.float32))
        return p, v, sums + jnp.stack([loss, acc])

    state = {"p": [jnp.asarray(a) for a in init_params(kind)]}
    state["v"] = [jnp.zeros_like(a) for a in state["p"]]

    def run(x, y):
        p, v, sums = state["p"], state["v"], jnp.zeros(2)
        for i, idx in enumerate(_batches(len(x))):
            p, v, sums = step(p, v, sums, x[idx], y[idx], i)
        state["p"], state["v"] = p, v
        return np.asarray(sums)

    return run


# ----------------------------------------------------------------- torch
def make_torch(kind: str) -> Callable:
    import torch
    import torch.nn.functional as F
    from torch import nn

    class MLP(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.d1, self.d2, self.d3 = nn.Linear(784, 64), nn.Linear(64, 64), nn.Linear(64, 10)

        def forward(self, x):
            return self.d3(F.relu(self.d2(F.relu(self.d1(x)))))

    class ToyResNet(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.convs = nn.ModuleList(
                nn.Conv2d(cin, cout, k, padding=1 if pad == "SAME" else 0) for k, _, cin, cout, pad in RESNET_CONVS)
            self.d1, self.d2 = nn.Linear(64, 256), nn.Linear(256, 10)
            self.drop = nn.Dropout(0.5)

        def forward(self, x):
            c = self.convs
            x = x.permute(0, 3, 1, 2)  # NHWC data, NCHW kernels
            x = F.relu(c[1](F.relu(c[0](x))))
            b1 = F.max_pool2d(x, 3)
            b2 = F.relu(c[3](F.relu(c[2](b1)))) + b1
            b3 = F.relu(c[5](F.relu(c[4](b2)))) + b2
            x = F.relu(c[6](b3)).mean(dim=(2, 3))
            return self.d2(self.drop(F.relu(self.d1(x))))

    model = MLP() if kind == "mlp" else ToyResNet()
    model.train()
    opt = torch.optim.RMSprop(model.parameters(), lr=LR, alpha=RHO, eps=EPS)

    def run(x, y):
        loss_sum = torch.zeros(())
        acc_sum = torch.zeros(())
        for idx in _batches(len(x)):
            xb = torch.from_numpy(x[idx])
            yb = torch.from_numpy(y[idx])
            target = yb.long() if kind == "mlp" else yb
            logits = model(xb)
            loss = F.cross_entropy(logits, target)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            with torch.no_grad():
                labels = target if kind == "mlp" else target.argmax(-1)
                loss_sum += loss.detach()
                acc_sum += (logits.argmax(-1) == labels).float().mean()
        return np.array([loss_sum.item(), acc_sum.item()])

    return run


# ------------------------------------------------------------ tensorflow
def make_tensorflow(kind: str) -> Callable:
    import tensorflow as tf

    params = [tf.Variable(a) for a in init_params(kind)]
    vels = [tf.Variable(tf.zeros_like(a)) for a in params]
    sums = tf.Variable(tf.zeros(2))

    def conv(x, w, b, padding):
        return tf.nn.relu(tf.nn.conv2d(x, w, 1, padding) + b)

    def forward(x, seed):
        p = params
        if kind == "mlp":
            x = tf.nn.relu(x @ p[0] + p[1])
            x = tf.nn.relu(x @ p[2] + p[3])
            return x @ p[4] + p[5]
        x = conv(x, p[0], p[1], "VALID")
        x = conv(x, p[2], p[3], "VALID")
        b1 = tf.nn.max_pool2d(x, 3, 3, "VALID")
        b2 = conv(conv(b1, p[4], p[5], "SAME"), p[6], p[7], "SAME") + b1
        b3 = conv(conv(b2, p[8], p[9], "SAME"), p[10], p[11], "SAME") + b2
        x = tf.reduce_mean(conv(b3, p[12], p[13], "VALID"), axis=[1, 2])
        x = tf.nn.relu(x @ p[14] + p[15])
        keep = tf.random.stateless_uniform(tf.shape(x), seed) >= 0.5
        x = tf.where(keep, x / 0.5, 0.0)
        return x @ p[16] + p[17]

    @tf.function(autograph=False)
    def step(x, y, seed):
        with tf.GradientTape() as tape:
            logits = forward(x, seed)
            if kind == "mlp":
                labels = tf.cast(y, tf.int32)
                ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits)
            else:
                labels = tf.argmax(y, axis=-1, output_type=tf.int32)
                ce = tf.nn.softmax_cross_entropy_with_logits(y, logits)
            loss = tf.reduce_mean(ce)
        grads = tape.gradient(loss, params)
        for p, v, g in zip(params, vels, grads):
            v.assign(RHO * v + (1 - RHO) * tf.square(g))
            p.assign_sub(LR * g / tf.sqrt(v + EPS))
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, -1, output_type=tf.int32), labels), tf.float32))
        sums.assign_add(tf.stack([loss, acc]))

    def run(x, y):
        sums.assign(tf.zeros(2))
        for i, idx in enumerate(_batches(len(x))):
            step(x[idx], y[idx], tf.constant([0, i], tf.int32))
        return sums.numpy()

    return run


MAKERS = {"jax": make_jax, "torch": make_torch, "tensorflow": make_tensorflow}
