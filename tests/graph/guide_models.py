"""The Functional API guide's models, written once for any Keras-like module.

Each builder takes ``k`` (``kcore`` or ``keras``) and returns a tuple of models, so
that a test can build the same architecture with kcore and with the keras oracle.
"""

from __future__ import annotations


def mnist_model(k):
    inputs = k.Input(shape=(784,))
    x = k.layers.Dense(64, activation="relu")(inputs)
    x = k.layers.Dense(64, activation="relu")(x)
    outputs = k.layers.Dense(10)(x)
    return (k.Model(inputs=inputs, outputs=outputs, name="mnist_model"),)


def _encoder_layers(k, encoder_input):
    x = k.layers.Conv2D(16, 3, activation="relu")(encoder_input)
    x = k.layers.Conv2D(32, 3, activation="relu")(x)
    x = k.layers.MaxPooling2D(3)(x)
    x = k.layers.Conv2D(32, 3, activation="relu")(x)
    x = k.layers.Conv2D(16, 3, activation="relu")(x)
    return k.layers.GlobalMaxPooling2D()(x)


def _decoder_layers(k, x):
    x = k.layers.Reshape((4, 4, 1))(x)
    x = k.layers.Conv2DTranspose(16, 3, activation="relu")(x)
    x = k.layers.Conv2DTranspose(32, 3, activation="relu")(x)
    x = k.layers.UpSampling2D(3)(x)
    x = k.layers.Conv2DTranspose(16, 3, activation="relu")(x)
    return k.layers.Conv2DTranspose(1, 3, activation="relu")(x)


def autoencoder_flat(k):
    """Encoder and autoencoder sharing one graph of layers."""
    encoder_input = k.Input(shape=(28, 28, 1), name="img")
    encoder_output = _encoder_layers(k, encoder_input)
    encoder = k.Model(encoder_input, encoder_output, name="encoder")
    decoder_output = _decoder_layers(k, encoder_output)
    autoencoder = k.Model(encoder_input, decoder_output, name="autoencoder")
    return encoder, autoencoder


def autoencoder_nested(k):
    """Encoder and decoder models chained in two calls: rows show ``(Functional)``."""
    encoder_input = k.Input(shape=(28, 28, 1), name="original_img")
    encoder = k.Model(encoder_input, _encoder_layers(k, encoder_input), name="encoder")
    decoder_input = k.Input(shape=(16,), name="encoded_img")
    decoder = k.Model(decoder_input, _decoder_layers(k, decoder_input), name="decoder")
    autoencoder_input = k.Input(shape=(28, 28, 1), name="img")
    decoded_img = decoder(encoder(autoencoder_input))
    autoencoder = k.Model(autoencoder_input, decoded_img, name="autoencoder")
    return encoder, decoder, autoencoder


def ticket_model(k):
    num_tags, num_words, num_departments = 12, 10000, 4
    title_input = k.Input(shape=(None,), name="title")
    body_input = k.Input(shape=(None,), name="body")
    tags_input = k.Input(shape=(num_tags,), name="tags")
    title_features = k.layers.Embedding(num_words, 64)(title_input)
    body_features = k.layers.Embedding(num_words, 64)(body_input)
    title_features = k.layers.LSTM(128)(title_features)
    body_features = k.layers.LSTM(32)(body_features)
    x = k.layers.concatenate([title_features, body_features, tags_input])
    priority_pred = k.layers.Dense(1, name="priority")(x)
    department_pred = k.layers.Dense(num_departments, name="department")(x)
    model = k.Model(
        inputs=[title_input, body_input, tags_input],
        outputs={"priority": priority_pred, "department": department_pred},
    )
    return (model,)


def toy_resnet(k):
    inputs = k.Input(shape=(32, 32, 3), name="img")
    x = k.layers.Conv2D(32, 3, activation="relu")(inputs)
    x = k.layers.Conv2D(64, 3, activation="relu")(x)
    block_1_output = k.layers.MaxPooling2D(3)(x)
    x = k.layers.Conv2D(64, 3, activation="relu", padding="same")(block_1_output)
    x = k.layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_2_output = k.layers.add([x, block_1_output])
    x = k.layers.Conv2D(64, 3, activation="relu", padding="same")(block_2_output)
    x = k.layers.Conv2D(64, 3, activation="relu", padding="same")(x)
    block_3_output = k.layers.add([x, block_2_output])
    x = k.layers.Conv2D(64, 3, activation="relu")(block_3_output)
    x = k.layers.GlobalAveragePooling2D()(x)
    x = k.layers.Dense(256, activation="relu")(x)
    x = k.layers.Dropout(0.5)(x)
    outputs = k.layers.Dense(10)(x)
    return (k.Model(inputs, outputs, name="toy_resnet"),)


def shared_embedding(k):
    shared = k.layers.Embedding(1000, 128)
    text_input_a = k.Input(shape=(None,), dtype="int32")
    text_input_b = k.Input(shape=(None,), dtype="int32")
    encoded_a = shared(text_input_a)
    encoded_b = shared(text_input_b)
    return (k.Model([text_input_a, text_input_b], [encoded_a, encoded_b], name="shared"),)


def ensemble(k):
    def get_model():
        inputs = k.Input(shape=(128,))
        return k.Model(inputs, k.layers.Dense(1)(inputs))

    model1, model2, model3 = get_model(), get_model(), get_model()
    inputs = k.Input(shape=(128,))
    outputs = k.layers.average([model1(inputs), model2(inputs), model3(inputs)])
    return (k.Model(inputs=inputs, outputs=outputs, name="ensemble"),)


def sequential_batchnorm(k):
    model = k.Sequential(
        [
            k.Input(shape=(8, 8, 3)),
            k.layers.Conv2D(8, 3),
            k.layers.BatchNormalization(),
            k.layers.Activation("relu"),
            k.layers.Flatten(),
            k.layers.Dense(4),
        ],
        name="seq_bn",
    )
    model.layers[0].trainable = False
    return (model,)


def sequential_variants(k):
    """Unbuilt, built by a call (the batch size is kept) and built from ``input_shape=``."""
    unbuilt = k.Sequential([k.layers.Dense(4), k.layers.Dense(2)], name="unbuilt")
    called = k.Sequential([k.layers.Dense(4), k.layers.Dense(2)], name="called")
    called(k.ops.zeros((3, 5)))
    with_shape = k.Sequential(name="with_shape")
    with_shape.add(k.layers.Dense(4, input_shape=(7,)))
    with_shape.add(k.layers.Dense(2))
    return unbuilt, called, with_shape


def nested_sequential(k):
    inner = k.Sequential(
        [k.Input(shape=(5,)), k.layers.Dense(3, name="inner_dense"), k.layers.Dropout(0.1)], name="inner"
    )
    inputs = k.Input(shape=(5,), name="x")
    outputs = k.layers.Dense(1, name="head")(inner(inputs))
    model = k.Model(inputs, outputs, name="outer")
    model.get_layer("head").trainable = False
    return (model,)


def graph_ops(k):
    """Ops called on functional tensors are graph nodes shown with their op class (``Relu``)."""
    inputs = k.Input(shape=(3,))
    x = k.layers.Dense(4)(inputs)
    x = k.ops.relu(x) * 2.0
    y = k.ops.concatenate([x, inputs], axis=-1)
    return (k.Model(inputs, [y], name="ops_model"),)


def dict_io(k):
    a = k.Input(shape=(3,), name="a")
    b = k.Input(shape=(2,), name="b")
    x = k.layers.concatenate([b, a])
    outputs = {"q": k.layers.Dense(1, name="q")(x), "p": k.layers.Dense(2, name="p")(x)}
    return (k.Model(inputs={"b": b, "a": a}, outputs=outputs, name="dict_io"),)


def subclassed(k):
    """The guide's MLP: built by a first call; a second instance stays unbuilt."""

    class MLP(k.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense_1 = k.layers.Dense(64, activation="relu")
            self.dense_2 = k.layers.Dense(10)

        def call(self, inputs):
            return self.dense_2(self.dense_1(inputs))

    mlp = MLP()
    mlp(k.ops.zeros((1, 32)))
    return mlp, MLP()


def feature_extraction(k):
    """The guide's feature extractor pattern: every layer's output is a model output."""
    base = mnist_model(k)[0]
    return (k.Model(inputs=base.input, outputs=[layer.output for layer in base.layers], name="features"),)


def two_heads_and_reuse(k):
    """Two heads on one tensor, and one layer applied twice in a chain."""
    inputs = k.Input(shape=(6,), name="in")
    heads = k.Model(inputs, [k.layers.Dense(2, name="a")(inputs), k.layers.Dense(3, name="b")(inputs)], name="heads")
    square = k.layers.Dense(6, name="square")
    reuse = k.Model(inputs, square(square(inputs)), name="reuse")
    return heads, reuse


ALL = {
    "mnist_model": mnist_model,
    "autoencoder_flat": autoencoder_flat,
    "autoencoder_nested": autoencoder_nested,
    "ticket_model": ticket_model,
    "toy_resnet": toy_resnet,
    "shared_embedding": shared_embedding,
    "ensemble": ensemble,
    "sequential_batchnorm": sequential_batchnorm,
    "sequential_variants": sequential_variants,
    "nested_sequential": nested_sequential,
    "graph_ops": graph_ops,
    "dict_io": dict_io,
    "subclassed": subclassed,
    "feature_extraction": feature_extraction,
    "two_heads_and_reuse": two_heads_and_reuse,
}
