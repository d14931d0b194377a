#!/usr/bin/python3
"""Writes small Keras 3 archives, laid out as Keras 3.8 writes them, for the layer types of which
../shared/models holds no real archive (Rescaling, Normalization, PReLU, DepthwiseConv2D), with an
input batch and the outputs computed from the archive by scripts/keras3_forward.py (NumPy; no graft
code). Run from the project root with Debian's python3-h5py; the outputs in
src/test/resources/keras3 are committed and checked by KerasV3Test."""
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import keras3_forward  # noqa: E402

OUT = "src/test/resources/keras3/"
DATE = (1980, 1, 1, 0, 0, 0)
rng = np.random.default_rng(11)


def dtype():
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}


def layer(cls, name, input_shape, **config):
    return {"module": "keras.layers", "class_name": cls,
            "config": {"name": name, "trainable": True, "dtype": dtype(), **config},
            "registered_name": None, "build_config": {"input_shape": [None, *input_shape]}}


def init(cls):
    return {"module": "keras.initializers", "class_name": cls, "config": {}, "registered_name": None}


def dense(name, input_shape, units, act):
    return layer("Dense", name, input_shape, units=units, activation=act, use_bias=True,
                 kernel_initializer=init("GlorotUniform"), bias_initializer=init("Zeros"),
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, bias_constraint=None)


def write(name, input_shape, layers, weights):
    """layers: configs in order; weights: group name -> list of arrays (written as vars/0, vars/1, ...)."""
    config = {"module": "keras", "class_name": "Sequential", "config": {
        "name": name, "trainable": True, "dtype": dtype(),
        "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {
            "batch_shape": [None, *input_shape], "dtype": "float32", "sparse": False, "name": "input_layer"},
            "registered_name": None}] + layers,
        "build_input_shape": [None, *input_shape]}, "registered_name": None,
        "build_config": {"input_shape": [None, *input_shape]}}
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        counts = {}
        for l in layers:
            snake = keras3_forward.to_snake_case(l["class_name"])
            group = snake if snake not in counts else f"{snake}_{counts[snake]}"
            counts[snake] = counts.get(snake, 0) + 1
            v = f.create_group(f"layers/{group}/vars")
            v.attrs["name"] = l["config"]["name"]
            for i, a in enumerate(weights.get(l["config"]["name"], [])):
                v.create_dataset(str(i), data=np.asarray(a, dtype=np.float32))
        f.create_group("vars").attrs["name"] = name
    path = OUT + name + ".keras"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("metadata.json", DATE), json.dumps({"keras_version": "3.8.0"}))
        z.writestr(zipfile.ZipInfo("config.json", DATE), json.dumps(config))
        z.writestr(zipfile.ZipInfo("model.weights.h5", DATE), buf.getvalue())
    x = rng.uniform(-1, 3, size=(8, *input_shape)).astype(np.float32)
    np.save(OUT + name + "_x.npy", x)
    np.save(OUT + name + "_y.npy", keras3_forward.run(path, x.astype(np.float64)).astype(np.float32))


def r(*shape, scale=0.5):
    return rng.normal(0, scale, size=shape)


os.makedirs(OUT, exist_ok=True)

# Dense features: Rescaling, a Normalization adapted to data (variables mean, variance, count), PReLU.
write("mlp_rescaling_normalization_prelu", [6], [
    layer("Rescaling", "rescale", [6], scale=0.5, offset=-1.0),
    layer("Normalization", "norm", [6], axis=-1, invert=False, mean=None, variance=None),
    dense("hidden", [6], 5, "linear"),
    layer("PReLU", "prelu", [5], alpha_initializer=init("Zeros"), alpha_regularizer=None, alpha_constraint=None,
          shared_axes=None),
    dense("out", [5], 3, "softmax"),
], {"norm": [r(6), np.abs(r(6)) + 0.2, np.array(100.0)], "hidden": [r(6, 5), r(5)], "prelu": [r(5)],
    "out": [r(5, 3), r(3)]})

# Images: per-channel Rescaling, a depthwise convolution with a depth multiplier, Normalization
# given in the config, PReLU shared over height and width, then a convolution and global pooling.
write("cnn_depthwise_prelu", [8, 8, 3], [
    layer("Rescaling", "rescale", [8, 8, 3], scale=[0.5, 1.0, 2.0], offset=[0.0, -0.5, 0.25]),
    layer("DepthwiseConv2D", "dw", [8, 8, 3], kernel_size=[3, 3], strides=[1, 1], padding="same",
          data_format="channels_last", dilation_rate=[1, 1], depth_multiplier=2, activation="relu", use_bias=True,
          depthwise_initializer=init("GlorotUniform"), bias_initializer=init("Zeros"), depthwise_regularizer=None,
          bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None, bias_constraint=None),
    layer("Normalization", "norm", [8, 8, 6], axis=-1, invert=False, mean=[0.1, 0.2, 0.0, -0.1, 0.3, 0.05],
          variance=[1.0, 0.5, 2.0, 0.25, 1.5, 0.8]),
    layer("PReLU", "prelu", [8, 8, 6], alpha_initializer=init("Zeros"), alpha_regularizer=None, alpha_constraint=None,
          shared_axes=[1, 2]),
    layer("Conv2D", "conv", [8, 8, 6], filters=4, kernel_size=[3, 3], strides=[2, 2], padding="valid",
          data_format="channels_last", dilation_rate=[1, 1], groups=1, activation="tanh", use_bias=True,
          kernel_initializer=init("GlorotUniform"), bias_initializer=init("Zeros"), kernel_regularizer=None,
          bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None),
    layer("GlobalAveragePooling2D", "gap", [3, 3, 4], data_format="channels_last", keepdims=False),
    dense("out", [4], 2, "softmax"),
], {"dw": [r(3, 3, 3, 2), r(6)], "prelu": [r(1, 1, 6)], "conv": [r(3, 3, 6, 4), r(4)], "out": [r(4, 2), r(2)]})

print("wrote", sorted(os.listdir(OUT)))
