#!/usr/bin/python3
"""Writes small Keras 3 archives, laid out as Keras 3.8 writes them, for the layer types of which
../shared/models holds no real archive (Rescaling, Normalization, PReLU, DepthwiseConv2D), with an
input batch and the outputs computed from the archive by scripts/keras3_forward.py (NumPy; no graft
code). Run from the project root with Debian's python3-h5py; the outputs in
e2e/src/test/resources/keras3 are committed and checked by KerasV3Test."""
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import keras3_forward  # noqa: E402

OUT = "e2e/src/test/resources/keras3/"
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


def input_layer(input_shape):
    return {"module": "keras.layers", "class_name": "InputLayer", "config": {
        "batch_shape": [None, *input_shape], "dtype": "float32", "sparse": False, "name": "input_layer"},
        "registered_name": None}


def write(name, input_shape, layers, weights):
    """layers: configs in order; weights: group name -> list of arrays (written as vars/0, vars/1, ...)."""
    config = {"module": "keras", "class_name": "Sequential", "config": {
        "name": name, "trainable": True, "dtype": dtype(), "layers": [input_layer(input_shape)] + layers,
        "build_input_shape": [None, *input_shape]}, "registered_name": None,
        "build_config": {"input_shape": [None, *input_shape]}}
    save(name, input_shape, config, layers, weights)


def call(layer_config, *inputs):
    """A Functional model's layer entry: the layer called on the outputs of the layers in inputs
    (name, shape); several inputs are passed as one list, as Keras's merge layers take them."""
    tensors = [{"class_name": "__keras_tensor__", "config": {"shape": [None, *shape], "dtype": "float32",
                                                             "keras_history": [src, 0, 0]}} for src, shape in inputs]
    return {**layer_config, "name": layer_config["config"]["name"],
            "inbound_nodes": [{"args": [tensors[0] if len(tensors) == 1 else tensors], "kwargs": {}}]}


def write_functional(name, input_shape, layers, output, weights):
    """layers: entries made by call(), in Keras's order; output: the name of the output layer."""
    entry = {**input_layer(input_shape), "name": "input_layer", "inbound_nodes": []}
    config = {"module": "keras.src.models.functional", "class_name": "Functional", "config": {
        "name": name, "trainable": True, "layers": [entry] + layers,
        "input_layers": [["input_layer", 0, 0]], "output_layers": [[output, 0, 0]]},
        "registered_name": "Functional", "build_config": {"input_shape": None}}
    save(name, input_shape, config, layers, weights)


def save(name, input_shape, config, layers, weights):
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


def conv(name, input_shape, filters, k, act, padding="same"):
    return layer("Conv2D", name, input_shape, filters=filters, kernel_size=[k, k], strides=[1, 1], padding=padding,
                 data_format="channels_last", dilation_rate=[1, 1], groups=1, activation=act, use_bias=True,
                 kernel_initializer=init("GlorotUniform"), bias_initializer=init("Zeros"), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None)


def merge(cls, name, input_shapes, **config):
    return {"module": "keras.layers", "class_name": cls, "config": {"name": name, "trainable": True,
                                                                     "dtype": dtype(), **config},
            "registered_name": None, "build_config": {"input_shape": [[None, *s] for s in input_shapes]}}



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

# A residual MLP: Rescaling straight into a Dense layer, a skip connection (Add), batch
# normalization after the merge, then the normalized sum concatenated with the first layer's output.
I = ("input_layer", [6])
write_functional("functional_residual_mlp", [6], [
    call(layer("Rescaling", "rescale", [6], scale=0.5, offset=-1.0), I),
    call(dense("d1", [6], 8, "relu"), ("rescale", [6])),
    call(dense("d2", [8], 8, "linear"), ("d1", [8])),
    call(merge("Add", "skip", [[8], [8]]), ("d1", [8]), ("d2", [8])),
    call(layer("BatchNormalization", "bn", [8], axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True,
               beta_initializer=init("Zeros"), gamma_initializer=init("Ones"),
               moving_mean_initializer=init("Zeros"), moving_variance_initializer=init("Ones"),
               beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
               synchronized=False), ("skip", [8])),
    call(merge("Concatenate", "cat", [[8], [8]], axis=-1), ("bn", [8]), ("d1", [8])),
    call(dense("out", [16], 3, "softmax"), ("cat", [16])),
], "out", {"d1": [r(6, 8), r(8)], "d2": [r(8, 8), r(8)],
           "bn": [1 + r(8, scale=0.2), r(8), r(8), np.abs(r(8)) + 0.3], "out": [r(16, 3), r(3)]})

# A CNN that branches: two convolutions of the input concatenated on the channels axis, a residual
# convolution added back, then a flattened pooled branch concatenated with a globally pooled one.
I = ("input_layer", [8, 8, 3])
write_functional("functional_concat_cnn", [8, 8, 3], [
    call(conv("c1", [8, 8, 3], 4, 3, "relu"), I),
    call(conv("c2", [8, 8, 3], 2, 1, "linear"), I),
    call(merge("Concatenate", "channels", [[8, 8, 4], [8, 8, 2]], axis=-1), ("c1", [8, 8, 4]), ("c2", [8, 8, 2])),
    call(conv("c3", [8, 8, 6], 6, 3, "relu"), ("channels", [8, 8, 6])),
    call(merge("Add", "residual", [[8, 8, 6], [8, 8, 6]]), ("channels", [8, 8, 6]), ("c3", [8, 8, 6])),
    call(layer("MaxPooling2D", "pool", [8, 8, 6], pool_size=[2, 2], padding="valid", strides=[2, 2],
               data_format="channels_last"), ("residual", [8, 8, 6])),
    call(layer("Flatten", "flat", [4, 4, 6], data_format="channels_last"), ("pool", [4, 4, 6])),
    call(layer("GlobalAveragePooling2D", "gap", [8, 8, 6], data_format="channels_last", keepdims=False),
         ("residual", [8, 8, 6])),
    call(merge("Concatenate", "features", [[96], [6]], axis=-1), ("flat", [96]), ("gap", [6])),
    call(dense("out", [102], 2, "softmax"), ("features", [102])),
], "out", {"c1": [r(3, 3, 3, 4), r(4)], "c2": [r(1, 1, 3, 2), r(2)], "c3": [r(3, 3, 6, 6), r(6)],
           "out": [r(102, 2, scale=0.2), r(2)]})

# Fashion-MNIST-sized, for graft finetune on a graph: Flatten, two Dense layers with a skip, a head.
I = ("input_layer", [28, 28])
write_functional("functional_fashion_skip", [28, 28], [
    call(layer("Flatten", "flatten", [28, 28], data_format="channels_last"), I),
    call(dense("d1", [784], 32, "relu"), ("flatten", [784])),
    call(dense("d2", [32], 32, "relu"), ("d1", [32])),
    call(merge("Add", "skip", [[32], [32]]), ("d1", [32]), ("d2", [32])),
    call(dense("out", [32], 8, "softmax"), ("skip", [32])),
], "out", {"d1": [r(784, 32, scale=0.05), r(32, scale=0.1)], "d2": [r(32, 32, scale=0.2), r(32, scale=0.1)],
           "out": [r(32, 8), r(8)]})

# Reshape: features to an image (height, width, channels), convolved, flattened, and reshaped
# again with an inferred dimension (-1).
write("mlp_reshape_cnn", [12], [
    dense("expand", [12], 48, "relu"),
    layer("Reshape", "to_image", [48], target_shape=[4, 4, 3]),
    conv("conv", [4, 4, 3], 2, 3, "tanh"),
    layer("Reshape", "to_vector", [4, 4, 2], target_shape=[-1]),
    dense("out", [32], 3, "softmax"),
], {"expand": [r(12, 48), r(48)], "conv": [r(3, 3, 3, 2), r(2)], "out": [r(32, 3), r(3)]})

print("wrote", sorted(os.listdir(OUT)))
