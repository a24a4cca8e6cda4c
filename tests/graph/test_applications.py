"""kcore.applications: VGG16/VGG19 architectures and numerics against keras.applications, and weight loading."""

from __future__ import annotations

import numpy as np
import pytest

import kcore
from vgg_cases import VARIANTS, architecture, deterministic_weights, numerics_input


@pytest.fixture(scope="module")
def oracle(keras_oracle) -> dict:
    return keras_oracle.ask("applications")


def _np(x):
    return np.asarray(kcore.ops.convert_to_numpy(x))


@pytest.mark.parametrize("key", sorted(VARIANTS))
def test_architecture_matches_keras(key, oracle):
    fn, kwargs = VARIANTS[key]
    kcore.utils.clear_session()
    model = getattr(kcore.applications, fn)(weights=None, **kwargs)
    expected = oracle[key]
    assert model.name == expected["name"]
    assert architecture(model) == expected["layers"]
    assert model.count_params() == expected["params"]


def test_notop_numerics_match_keras(oracle):
    model = kcore.applications.VGG19(weights=None, include_top=False, input_shape=(32, 32, 3))
    model.set_weights(deterministic_weights([tuple(w.shape) for w in model.weights]))
    got = _np(model(numerics_input()))
    expected = np.asarray(oracle["vgg19_notop_output"], dtype="float32")
    assert got.shape == expected.shape == (2, 1, 1, 512)
    assert np.abs(expected).max() > 0.1  # the check is not vacuous
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


# ------------------------------------------------------------------ full size

@pytest.fixture(scope="module")
def vgg19():
    kcore.utils.clear_session()
    return kcore.applications.VGG19(weights=None)


def test_vgg19_full_size(vgg19):
    assert vgg19.count_params() == 143_667_240
    shapes = {l.name: l.output.shape for l in vgg19.layers}
    assert shapes["input_layer"] == (None, 224, 224, 3)
    assert shapes["block1_conv2"] == (None, 224, 224, 64)
    assert shapes["block4_conv4"] == (None, 28, 28, 512)
    assert shapes["block5_pool"] == (None, 7, 7, 512)
    assert shapes["flatten"] == (None, 25088)
    assert shapes["fc1"] == shapes["fc2"] == (None, 4096)
    assert shapes["predictions"] == (None, 1000)
    assert len(vgg19.layers) == 26
    assert vgg19.get_layer("predictions").get_config()["activation"] == "softmax"


def test_guide_feature_extraction(vgg19, backend_name):
    """The guide's VGG19 feature extractor: one forward pass at (1, 224, 224, 3)."""
    features_list = [layer.output for layer in vgg19.layers]
    feat_extraction_model = kcore.Model(inputs=vgg19.input, outputs=features_list)
    assert len(feat_extraction_model.outputs) == 26
    img = np.random.random((1, 224, 224, 3)).astype("float32")
    extracted_features = feat_extraction_model(img)
    assert [tuple(kcore.ops.shape(f)) for f in extracted_features] == [(1,) + tuple(l.output.shape[1:])
                                                                       for l in vgg19.layers]
    probabilities = _np(extracted_features[-1])
    np.testing.assert_allclose(probabilities.sum(), 1.0, rtol=1e-4)
    np.testing.assert_allclose(_np(extracted_features[0]), img)


def test_vgg16_full_size_parameter_count():
    kcore.utils.clear_session()
    model = kcore.applications.VGG16(weights=None)
    assert model.name == "vgg16"
    assert model.count_params() == 138_357_544
    assert [l.name for l in model.layers][-4:] == ["flatten", "fc1", "fc2", "predictions"]


# ------------------------------------------------------------------ weights

def test_imagenet_without_a_cached_file_names_the_path(tmp_path, monkeypatch):
    monkeypatch.setenv("KCORE_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError) as info:
        kcore.applications.VGG16(include_top=False, input_shape=(32, 32, 3))
    expected = tmp_path / "models" / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert str(expected) in str(info.value)
    assert "weights=None" in str(info.value)


@pytest.fixture(scope="module")
def small_vgg16():
    model = kcore.applications.VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    model.set_weights(deterministic_weights([tuple(w.shape) for w in model.weights]))
    return model


def test_weights_from_a_weights_h5_path(small_vgg16, tmp_path):
    path = tmp_path / "vgg16_notop.weights.h5"
    small_vgg16.save_weights(str(path))
    loaded = kcore.applications.VGG16(weights=str(path), include_top=False, input_shape=(32, 32, 3))
    for a, b in zip(small_vgg16.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)
    x = numerics_input()
    np.testing.assert_allclose(_np(loaded(x)), _np(small_vgg16(x)), rtol=1e-6)


def _write_legacy_h5(model, path: Path) -> None:
    """A Keras 2 style weights file, as the published ImageNet files are laid out."""
    import h5py

    with h5py.File(path, "w") as f:
        names = [l.name for l in model.layers if l.weights]
        f.attrs["layer_names"] = [n.encode() for n in names]
        for layer in model.layers:
            if not layer.weights:
                continue
            group = f.create_group(layer.name)
            weight_names = [f"{layer.name}/{w.name}:0" for w in layer.weights]
            group.attrs["weight_names"] = [n.encode() for n in weight_names]
            for n, value in zip(weight_names, layer.get_weights()):
                group.create_dataset(n, data=value)


def test_imagenet_weights_from_the_cache(small_vgg16, tmp_path, monkeypatch):
    monkeypatch.setenv("KCORE_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    _write_legacy_h5(small_vgg16, tmp_path / "models" / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
    loaded = kcore.applications.VGG16(include_top=False, input_shape=(32, 32, 3))  # weights="imagenet"
    for a, b in zip(small_vgg16.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_weights_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.weights.h5"):
        kcore.applications.VGG16(weights=str(tmp_path / "nope.weights.h5"), include_top=False,
                                 input_shape=(32, 32, 3))
    with pytest.raises(ValueError, match="weights"):
        kcore.applications.VGG19(weights=3)
    with pytest.raises(ValueError, match="classes"):
        kcore.applications.VGG19(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="224, 224, 3"):
        kcore.applications.VGG19(weights="imagenet", input_shape=(64, 64, 3))
    with pytest.raises(ValueError, match="at least 32x32"):
        kcore.applications.VGG16(weights=None, include_top=False, input_shape=(16, 16, 3))
