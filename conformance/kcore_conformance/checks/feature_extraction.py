"""Guide, "Extract and reuse nodes in the graph of layers": a feature-extraction model over VGG19.

The guide loads VGG19 with ImageNet weights at 224x224. kcore downloads
nothing and the suite must stay fast, so this builds the same architecture
with ``weights=None`` on the smallest input VGG19 accepts, 32x32x3 (the
classifier head keeps its layers; ``fc1`` then sees 1x1x512 features).
"""

from __future__ import annotations

import numpy as np

import kcore as keras

from kcore_conformance._support import expect, expect_close, expect_equal, expect_shape, to_numpy

SECTION = "Extract and reuse nodes in the graph of layers"

SIDE = 32
# (layer name, output shape without the batch) for VGG19 on a 32x32x3 input.
EXPECTED = [("input_layer", (32, 32, 3))]
for _block, (_convs, _filters) in enumerate(zip((2, 2, 4, 4, 4), (64, 128, 256, 512, 512)), start=1):
    _side = SIDE // 2 ** (_block - 1)
    EXPECTED += [(f"block{_block}_conv{i}", (_side, _side, _filters)) for i in range(1, _convs + 1)]
    EXPECTED.append((f"block{_block}_pool", (_side // 2, _side // 2, _filters)))
EXPECTED += [("flatten", (512,)), ("fc1", (4096,)), ("fc2", (4096,)), ("predictions", (1000,))]


def check() -> None:
    vgg19 = keras.applications.VGG19(weights=None, input_shape=(SIDE, SIDE, 3))
    expect_equal(vgg19.count_params(), 43_003_944, "VGG19(input_shape=(32, 32, 3)).count_params()")

    features_list = [layer.output for layer in vgg19.layers]

    feat_extraction_model = keras.Model(inputs=vgg19.input, outputs=features_list)

    img = np.random.random((1, SIDE, SIDE, 3)).astype("float32")
    extracted_features = feat_extraction_model(img)

    expect_equal([layer.name for layer in vgg19.layers], [name for name, _ in EXPECTED], "VGG19 layer names")
    for feature, (name, shape) in zip(features_list, EXPECTED):
        expect_shape(feature, (None, *shape), f"{name}.output")
    expect_equal(len(extracted_features), len(EXPECTED), "number of extracted features")
    for feature, (name, shape) in zip(extracted_features, EXPECTED):
        expect_shape(feature, (1, *shape), f"extracted feature {name!r}")

    first, last = to_numpy(extracted_features[0]), to_numpy(extracted_features[-1])
    expect(np.array_equal(first, img), "the first extracted feature should be the input image")
    expect_close(last.sum(), 1.0, "the softmax predictions should sum to 1", rtol=1e-4)
    expect_close(last, to_numpy(vgg19(img)), "the last feature vs vgg19(img)", rtol=1e-4, atol=1e-6)
