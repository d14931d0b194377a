#!/usr/bin/python3
"""Runs the forward pass (inference) of a Keras model file - a .keras archive, or a legacy .h5
written by Keras 2 or 3 - from its config and weights alone, with NumPy and h5py (Debian's python3-numpy and python3-h5py; no Keras, no graft code).
graft's tests use it as an independent oracle for the archives graft writes.

    scripts/keras3_forward.py MODEL.keras INPUT.npy OUTPUT.npy
    scripts/keras3_forward.py MODEL.h5 IN1.npy,IN2.npy OUT1.npy,OUT2.npy   (several inputs/outputs)

INPUT is a batch in Keras's layout (channels last). Follows Keras 3's documented semantics:
weights live in model.weights.h5 under layers/<class name in snake case>[_n]/vars/<i>, numbered
by the layer's position among layers of its class; in a legacy .h5 under model_weights/<layer>,
listed by its weight_names attribute. A model used as a layer runs as a model. Functional models are run in the order of their
config's layer list, each layer on the outputs its inbound_nodes name (keras_history)."""
import io
import json
import re
import sys
import zipfile

import h5py
import numpy as np


def to_snake_case(name):
    # keras/src/utils/naming.py
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946

ACTIVATIONS = {
    "linear": lambda x: x,
    "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6),
    "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "sigmoid": sigmoid,
    "tanh": np.tanh,
    "softmax": softmax,
    "softplus": lambda x: np.logaddexp(0, x),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "silu": lambda x: x * sigmoid(x),
    "swish": lambda x: x * sigmoid(x),
    "leaky_relu": lambda x: np.where(x >= 0, x, 0.2 * x),
    "exponential": np.exp,
    # Keras 2 (TensorFlow): clip(0.2 x + 0.5); Keras 3: relu6(x + 3) / 6
    "hard_sigmoid": lambda x: (np.clip(0.2 * x + 0.5, 0, 1) if KERAS_MAJOR < 3
                               else np.clip(x + 3, 0, 6) / 6),
}

KERAS_MAJOR = 3  # set from the file by run()


def activation(spec):
    name = spec if isinstance(spec, str) else spec["config"]["name"]
    return ACTIVATIONS[name]


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def same_padding(size, k, s, d):
    """TensorFlow's SAME padding: the extra row or column goes at the end."""
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def windows(x, k, s, d, padding, fill):
    """Yields (i, j, view) for each kernel offset: view[n, y, x, c] = padded x at the window's tap."""
    n, h, w, c = x.shape
    if padding == "same":
        (t, b), (l, r) = same_padding(h, k[0], s[0], d[0]), same_padding(w, k[1], s[1], d[1])
    else:
        t = b = l = r = 0
    xp = np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)), constant_values=fill)
    oh = (xp.shape[1] - ((k[0] - 1) * d[0] + 1)) // s[0] + 1
    ow = (xp.shape[2] - ((k[1] - 1) * d[1] + 1)) // s[1] + 1
    for i in range(k[0]):
        for j in range(k[1]):
            yield i, j, xp[:, i * d[0]: i * d[0] + (oh - 1) * s[0] + 1: s[0], j * d[1]: j * d[1] + (ow - 1) * s[1] + 1: s[1], :]


def conv2d(x, c, kernel, bias):
    k, s, d = pair(c["kernel_size"]), pair(c["strides"]), pair(c.get("dilation_rate", 1))
    out = None
    for i, j, v in windows(x, k, s, d, c["padding"], 0.0):
        term = np.tensordot(v, kernel[i, j], axes=([3], [0]))
        out = term if out is None else out + term
    if bias is not None:
        out = out + bias
    return activation(c["activation"])(out)


def depthwise_conv2d(x, c, kernel, bias):
    k, s, d = pair(c["kernel_size"]), pair(c["strides"]), pair(c.get("dilation_rate", 1))
    m = kernel.shape[3]
    out = None
    for i, j, v in windows(x, k, s, d, c["padding"], 0.0):
        # each input channel c gives m outputs, c * m + q, with its own kernel[i, j, c, q]
        term = (v[..., :, None] * kernel[i, j]).reshape(v.shape[:3] + (v.shape[3] * m,))
        out = term if out is None else out + term
    if bias is not None:
        out = out + bias
    return activation(c["activation"])(out)


def conv2d_transpose(x, c, kernel, bias):
    """Keras's Conv2DTranspose (kernel [kh, kw, filters, in]): each input pixel scatters
    kernel-weighted copies at stride s; "same" keeps h * s rows, cropping (k - s) // 2 first."""
    k, s = pair(c["kernel_size"]), pair(c["strides"])
    assert pair(c.get("dilation_rate", 1)) == (1, 1) and c.get("output_padding") is None
    n, h, w, _ = x.shape
    out = np.zeros((n, (h - 1) * s[0] + k[0], (w - 1) * s[1] + k[1], kernel.shape[2]))
    for i in range(k[0]):
        for j in range(k[1]):
            out[:, i: i + (h - 1) * s[0] + 1: s[0], j: j + (w - 1) * s[1] + 1: s[1], :] += \
                np.tensordot(x, kernel[i, j], axes=([3], [1]))
    if c["padding"] == "same":
        assert k[0] >= s[0] and k[1] >= s[1]
        t, l = (k[0] - s[0]) // 2, (k[1] - s[1]) // 2
        out = out[:, t: t + h * s[0], l: l + w * s[1], :]
    if bias is not None:
        out = out + bias
    return activation(c["activation"])(out)


def separable_conv2d(x, c, v):
    """Depthwise (kernel [kh, kw, in, m]) then pointwise ([1, 1, in * m, filters]), one bias."""
    depth = depthwise_conv2d(x, dict(c, activation="linear"), v[0], None)
    out = np.tensordot(depth, v[1][0, 0], axes=([3], [0]))
    if c["use_bias"]:
        out = out + v[2]
    return activation(c["activation"])(out)


def pool(x, c, kind):
    k = pair(c["pool_size"])
    s = pair(c["strides"]) if c.get("strides") is not None else k
    fill = -np.inf if kind == "max" else 0.0
    taps = [v for _, _, v in windows(x, k, s, (1, 1), c["padding"], fill)]
    if kind == "max":
        return np.max(taps, axis=0)
    # Keras's average pooling leaves padding out of the divisor.
    ones = [v for _, _, v in windows(np.ones_like(x[:1]), k, s, (1, 1), c["padding"], 0.0)]
    return np.sum(taps, axis=0) / np.sum(ones, axis=0)


def inbound(node):
    """Names of the layers whose outputs a Functional layer takes, in order: the keras_history of
    each __keras_tensor__ (Keras 2.13+ and 3), or [name, node_index, tensor_index, kwargs] (Keras 2)."""
    if isinstance(node, dict):
        if node.get("class_name") == "__keras_tensor__":
            return [node["config"]["keras_history"][0]]
        if "args" in node:
            return inbound(node["args"])
        return [n for v in node.values() for n in inbound(v)]
    if isinstance(node, list):
        if len(node) >= 3 and isinstance(node[0], str) and isinstance(node[1], int):
            return [node[0]]
        return [n for v in node for n in inbound(v)]
    return []


MERGES = {
    "Add": lambda xs: np.sum(xs, axis=0),
    "Subtract": lambda xs: xs[0] - xs[1],
    "Multiply": lambda xs: np.prod(xs, axis=0),
    "Average": lambda xs: np.mean(xs, axis=0),
    "Maximum": lambda xs: np.max(xs, axis=0),
}

MODELS = ("Sequential", "Functional", "Model")


class ArchiveWeights:
    """A .keras archive's model.weights.h5: layers/<group>/vars/<i>, a nested model's layers under
    its own group's layers/. tf.keras 2.15 on Windows wrote each path, with backslashes, as one
    group name."""

    def __init__(self, h5):
        self.h5 = h5

    def vars(self, group, path):
        return self.collect(f"layers/{group}")

    def collect(self, group):
        """A layer's own variables, then those of the layers it holds (an RNN's cell, a
        Bidirectional's forward then backward layer)."""
        out = []
        for key in (group, "\\".join(group.split("/"))):
            if key + "/vars" in self.h5:
                g = self.h5[key + "/vars"]
                out = [np.asarray(g[str(i)]) for i in range(len(g))]
                break
        for child in ("cell", "forward_layer", "backward_layer"):
            if any(k in self.h5 for k in (group + "/" + child, "\\".join((group + "/" + child).split("/")))):
                out += self.collect(group + "/" + child)
        return out


class LegacyWeights:
    """A legacy .h5 model file: model_weights/<top-level layer> lists its weights in weight_names;
    a nested model's are all there, each named <layer>/<variable> below any model scopes."""

    def __init__(self, h5):
        self.h5 = h5["model_weights"]

    def vars(self, group, path):
        if path[0] not in self.h5:
            return []
        g = self.h5[path[0]]
        names = [n.decode() if isinstance(n, bytes) else n for n in g.attrs["weight_names"]]
        if len(path) > 1:
            names = [n for n in names if path[-1] in n.split("/")[:-1]]
        return [np.asarray(g[n]) for n in names]


def run(model_file, xs):
    global KERAS_MAJOR
    if zipfile.is_zipfile(model_file):
        with zipfile.ZipFile(model_file) as z:
            config = json.loads(z.read("config.json"))
            weights = ArchiveWeights(h5py.File(io.BytesIO(z.read("model.weights.h5")), "r"))
            names = z.namelist()
            meta = json.loads(z.read("metadata.json")) if "metadata.json" in names else {}
            version = str(meta.get("keras_version", "3"))
    else:
        h5 = h5py.File(model_file, "r")
        config = json.loads(h5.attrs["model_config"])
        weights = LegacyWeights(h5)
        version = h5.attrs.get("keras_version", "3")
        version = version.decode() if isinstance(version, bytes) else str(version)
    KERAS_MAJOR = int(version.split(".")[0]) if version[:1].isdigit() else 3
    return run_model(config, xs, weights, "", [])


def run_model(model, xs, weights, prefix, path):
    """Runs one (possibly nested) model on its inputs xs; returns its outputs. prefix: the archive
    group path of its layers; path: the names of the layers that hold it."""
    cls, cfg = model["class_name"], model["config"]
    assert cls in MODELS, cls
    layers = cfg if isinstance(cfg, list) else cfg["layers"]
    counts = {}
    if cls == "Sequential":
        (x,) = xs
        mask = None
        for layer in layers:
            group = next_group(layer["class_name"], counts)
            if layer["class_name"] != "InputLayer":
                (x,), mask = call(layer, [x], weights, prefix + group, path, mask)
        return [x]
    values, masks = {}, {}
    inputs = inbound_names(cfg["input_layers"])
    for layer in layers:
        name = layer.get("name", layer["config"].get("name"))
        group = next_group(layer["class_name"], counts)
        if layer["class_name"] == "InputLayer":
            values[name] = xs[inputs.index(name)]
            continue
        assert len(layer["inbound_nodes"]) == 1, "shared layers are not implemented here"
        names = inbound(layer["inbound_nodes"][0])
        args = [values[n] for n in names]
        mask = masks.get(names[0]) if len(names) == 1 else None
        assert len(names) == 1 or all(masks.get(n) is None for n in names), "masked merge"
        (values[name],), masks[name] = call(layer, args, weights, prefix + group, path, mask)
    return [values[n] for n in inbound_names(cfg["output_layers"])]


def next_group(cls, counts):
    snake = to_snake_case(cls)
    group = snake if snake not in counts else f"{snake}_{counts[snake]}"
    counts[snake] = counts.get(snake, 0) + 1
    return group


# Keras's masking (Embedding mask_zero=True): which layers pass the mask on unchanged, and which
# use it (recurrent layers skip masked steps, carrying their state; GlobalAveragePooling1D averages
# the unmasked steps only).
MASK_PASSING = ("Dropout", "SpatialDropout1D", "GaussianDropout", "GaussianNoise", "AlphaDropout")
MASK_USING = ("LSTM", "GRU", "SimpleRNN", "Bidirectional", "GlobalAveragePooling1D")


def call(layer, xs, weights, group, path, mask=None):
    """Runs one layer (or nested model); returns its outputs and the mask they carry (or None)."""
    cls, c = layer["class_name"], layer["config"]
    name = layer.get("name", c.get("name") if isinstance(c, dict) else None)
    if cls in MODELS:
        assert mask is None, "a mask into a nested model is not implemented here"
        return run_model(layer, xs, weights, group + "/layers/", path + [name]), None
    v = weights.vars(group, path + [name])
    if mask is not None and cls not in MASK_PASSING + MASK_USING:
        raise SystemExit(f"masking through {cls} is not implemented here")
    if cls in MASK_USING and mask is not None:
        y, out_mask = masked(cls, c, v, xs[0], mask)
        return [y.astype(np.float64)], out_mask
    y = apply(cls, c, v, xs).astype(np.float64)
    if cls == "Embedding" and c.get("mask_zero", False):
        return [y], xs[0] != 0
    return [y], mask if cls in MASK_PASSING else None


def masked(cls, c, v, x, mask):
    if cls == "GlobalAveragePooling1D":
        m = mask[:, :, None].astype(np.float64)
        return (x * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1), None
    if cls == "Bidirectional":
        return bidirectional(c, v, x, mask), mask if c["layer"]["config"].get("return_sequences") else None
    y = recurrent(cls, c, v, x, mask)
    return y, mask if c.get("return_sequences", False) else None


def recurrent(cls, c, v, x, mask=None):
    """Keras's LSTM (gates i, f, c, o), GRU (gates z, r, h; reset_after as in cuDNN) and SimpleRNN
    over x [batch, time, features], from zero states."""
    assert not c.get("return_state", False)
    act = activation(c.get("activation", "tanh"))
    rec = activation(c.get("recurrent_activation", "sigmoid")) if cls != "SimpleRNN" else None
    kernel, recurrent_kernel = v[0], v[1]
    bias = v[2] if c.get("use_bias", True) else np.zeros(kernel.shape[1])
    u = recurrent_kernel.shape[0]
    n, steps = x.shape[0], x.shape[1]
    h = np.zeros((n, u))
    cell = np.zeros((n, u))
    order = range(steps - 1, -1, -1) if c.get("go_backwards", False) else range(steps)
    outs = []
    zero_masked = c.get("zero_output_for_mask", True)
    for t in order:
        xt = x[:, t, :]
        h_before, cell_before = h, cell
        if cls == "SimpleRNN":
            h = act(xt @ kernel + h @ recurrent_kernel + bias)
        elif cls == "LSTM":
            z = xt @ kernel + h @ recurrent_kernel + bias
            i, f, g, o = (z[:, k * u:(k + 1) * u] for k in range(4))
            cell = rec(f) * cell + rec(i) * act(g)
            h = rec(o) * act(cell)
        else:  # GRU
            b_in, b_rec = (bias[0], bias[1]) if bias.ndim == 2 else (bias, np.zeros_like(bias))
            xz = xt @ kernel + b_in
            if c.get("reset_after", True):
                hz = h @ recurrent_kernel + b_rec
                zg = rec(xz[:, :u] + hz[:, :u])
                r = rec(xz[:, u:2 * u] + hz[:, u:2 * u])
                hh = act(xz[:, 2 * u:] + r * hz[:, 2 * u:])
            else:
                zg = rec(xz[:, :u] + h @ recurrent_kernel[:, :u])
                r = rec(xz[:, u:2 * u] + h @ recurrent_kernel[:, u:2 * u])
                hh = act(xz[:, 2 * u:] + (r * h) @ recurrent_kernel[:, 2 * u:])
            h = zg * h + (1 - zg) * hh
        if mask is not None:  # a masked step leaves the state as it was
            m = mask[:, t][:, None]
            h, cell = np.where(m, h, h_before), np.where(m, cell, cell_before)
            outs.append(np.where(m, h, 0.0) if zero_masked else h)
            continue
        outs.append(h)
    if c.get("return_sequences", False):
        return np.stack(outs, axis=1)
    return h


def bidirectional(c, v, x, mask=None):
    """Keras's Bidirectional: the layer forward, a copy over the reversed sequence, merged."""
    inner = c["layer"]
    cls, lc = inner["class_name"], inner["config"]
    half = len(v) // 2
    fwd = recurrent(cls, lc, v[:half], x, mask)
    bwd = recurrent(cls, dict(lc, go_backwards=not lc.get("go_backwards", False)), v[half:], x, mask)
    if lc.get("return_sequences", False):
        bwd = bwd[:, ::-1, :]
    mode = c.get("merge_mode", "concat")
    if mode == "concat":
        return np.concatenate([fwd, bwd], axis=-1)
    return {"sum": fwd + bwd, "mul": fwd * bwd, "ave": (fwd + bwd) / 2}[mode]


def inbound_names(layers):
    """output_layers is [[name, node, tensor], ...] or, in some versions, one [name, node, tensor]."""
    return [layers[0]] if isinstance(layers[0], str) else [l[0] for l in layers]


def apply(cls, c, v, xs):
    if cls in MERGES:
        return MERGES[cls](np.stack(xs))
    if cls == "Concatenate":
        return np.concatenate(xs, axis=c["axis"])
    (x,) = xs
    if cls == "Dense":
        return activation(c["activation"])(x @ v[0] + (v[1] if c["use_bias"] else 0))
    if cls == "Flatten":
        return x.reshape(x.shape[0], -1)
    if cls == "Reshape":
        return x.reshape((x.shape[0],) + tuple(c["target_shape"]))
    if cls == "Activation":
        return activation(c["activation"])(x)
    if cls == "ReLU":
        t, slope, mx = c.get("threshold", 0.0), c.get("negative_slope", 0.0), c.get("max_value")
        x = np.where(x >= t, x, slope * (x - t))
        return x if mx is None else np.minimum(x, mx)
    if cls == "LeakyReLU":  # Keras 3 negative_slope, Keras 2 alpha (default 0.3)
        return np.where(x >= 0, x, c.get("negative_slope", c.get("alpha", 0.3)) * x)
    if cls == "ThresholdedReLU":
        return np.where(x > c.get("theta", 1.0), x, 0)
    if cls == "Softmax":
        assert c.get("axis", -1) in (-1, [-1], x.ndim - 1)
        return softmax(x)
    if cls == "Cropping2D":
        (t, b), (l, r) = c["cropping"]
        return x[:, t: x.shape[1] - b, l: x.shape[2] - r, :]
    if cls == "UpSampling2D":
        assert c.get("interpolation", "nearest") == "nearest"
        sh, sw = pair(c["size"])
        return np.repeat(np.repeat(x, sh, axis=1), sw, axis=2)
    if cls == "Conv2DTranspose":
        assert c.get("data_format", "channels_last") == "channels_last"
        return conv2d_transpose(x, c, v[0], v[1] if c["use_bias"] else None)
    if cls == "SeparableConv2D":
        assert c.get("data_format", "channels_last") == "channels_last"
        return separable_conv2d(x, c, v)
    if cls == "ELU":
        return np.where(x > 0, x, c["alpha"] * np.expm1(np.minimum(x, 0)))
    if cls in ("Dropout", "AlphaDropout", "GaussianDropout", "GaussianNoise", "SpatialDropout1D",
               "SpatialDropout2D"):
        return x  # identity at inference
    if cls == "BatchNormalization":
        assert c["axis"] in (-1, [-1], x.ndim - 1, [x.ndim - 1]), c["axis"]
        gamma, beta, mean, var = v if len(v) == 4 else (1.0, 0.0, v[0], v[1])
        return (x - mean) / np.sqrt(var + c["epsilon"]) * gamma + beta
    if cls == "Rescaling":
        return x * np.asarray(c["scale"]) + np.asarray(c["offset"])
    if cls == "Normalization":
        assert c["axis"] in (-1, [-1]) and not c.get("invert", False)
        mean, var = (np.asarray(c["mean"]), np.asarray(c["variance"])) if c.get("mean") is not None else (v[0], v[1])
        return (x - mean.reshape(-1)) / np.maximum(np.sqrt(var.reshape(-1)), 1e-7)
    if cls == "PReLU":
        return np.where(x >= 0, x, v[0] * x)
    if cls == "DepthwiseConv2D":
        assert c["data_format"] == "channels_last"
        return depthwise_conv2d(x, c, v[0], v[1] if c["use_bias"] else None)
    if cls == "Conv2D":
        assert c["data_format"] == "channels_last" and c.get("groups", 1) == 1
        return conv2d(x, c, v[0], v[1] if c["use_bias"] else None)
    if cls == "MaxPooling2D":
        return pool(x, c, "max")
    if cls == "AveragePooling2D":
        return pool(x, c, "avg")
    if cls == "GlobalAveragePooling2D":
        return x.mean(axis=(1, 2))
    if cls == "GlobalMaxPooling2D":
        return x.max(axis=(1, 2))
    if cls == "Embedding":
        return v[0][x.astype(np.int64)]
    if cls in ("LSTM", "SimpleRNN", "GRU"):
        return recurrent(cls, c, v, x)
    if cls == "Bidirectional":
        return bidirectional(c, v, x)
    if cls == "Conv1D":
        assert c.get("data_format", "channels_last") == "channels_last" and c.get("groups", 1) == 1
        k, d = c["kernel_size"][0], c.get("dilation_rate", [1])[0]
        if c["padding"] == "causal":  # left padding only, then valid
            x = np.pad(x, ((0, 0), ((k - 1) * d, 0), (0, 0)))
        c2 = dict(c, kernel_size=[k, 1], strides=[c["strides"][0], 1], dilation_rate=[d, 1],
                  padding="valid" if c["padding"] == "causal" else c["padding"])
        out = conv2d(x[:, :, None, :], c2, v[0][:, None], v[1] if c["use_bias"] else None)
        return out[:, :, 0, :]
    if cls in ("MaxPooling1D", "AveragePooling1D"):
        s = c.get("strides") or c["pool_size"]
        c2 = dict(c, pool_size=[c["pool_size"][0], 1], strides=[s[0], 1])
        return pool(x[:, :, None, :], c2, "max" if cls.startswith("Max") else "avg")[:, :, 0, :]
    if cls == "GlobalAveragePooling1D":
        return x.mean(axis=1)
    if cls == "GlobalMaxPooling1D":
        return x.max(axis=1)
    if cls == "ZeroPadding2D":
        (t, b), (l, r) = c["padding"]
        return np.pad(x, ((0, 0), (t, b), (l, r), (0, 0)))
    raise SystemExit(f"layer class {cls} is not implemented here")


if __name__ == "__main__":
    # several inputs or outputs: comma-separated, in the order of input_layers / output_layers
    model, inp, out = sys.argv[1:4]
    ys = run(model, [np.load(f).astype(np.float64) for f in inp.split(",")])
    outs = out.split(",")
    assert len(outs) == len(ys), f"the model has {len(ys)} outputs, {len(outs)} files were named"
    for f, y in zip(outs, ys):
        np.save(f, y.astype(np.float32))
