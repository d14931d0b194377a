#!/usr/bin/python3
"""Writes small legacy .h5 files in Keras 2.15's layout (model_config, model_weights groups listed by
layer_names, weights by weight_names) for the recurrent layers the real files in ../shared/models
do not cover: GRU with reset_after=False, Bidirectional(GRU), SimpleRNN, Conv1D before
GlobalMaxPooling1D, and Embedding(mask_zero=True) into masked LSTM, GRU, Bidirectional(GRU) and
GlobalAveragePooling1D. Weights are random from a fixed seed; tests compare graft with
scripts/keras3_forward.py on them (no Keras runs here, so the layout is copied from the real
imdb-sentiment-embedding-lstm__keras-2.15.0.h5).

    scripts/make_recurrent_h5.py OUT_DIR"""
import json
import os
import sys

import h5py
import numpy as np

RNG = np.random.default_rng(20261203)


def init(cls, **config):
    return {"module": "keras.initializers", "class_name": cls, "config": config,
            "registered_name": None}


def layer(cls, name, **config):
    if cls in ("Dense", "Conv1D", "GRU", "SimpleRNN", "LSTM"):
        # Keras writes every initializer; DL4J's importer requires them
        config = dict(kernel_initializer=init("GlorotUniform", seed=None),
                      bias_initializer=init("Zeros"), kernel_regularizer=None,
                      bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                      bias_constraint=None, **config)
        if cls != "Dense" and cls != "Conv1D":
            config.update(recurrent_initializer=init("Orthogonal", gain=1.0, seed=None),
                          recurrent_regularizer=None, recurrent_constraint=None)
    return {"class_name": cls, "config": dict(name=name, trainable=True, dtype="float32", **config)}


def rnn(cls, name, units, **config):
    base = dict(units=units, activation="tanh", use_bias=True, return_sequences=False,
                return_state=False, go_backwards=False, stateful=False, unroll=False,
                dropout=0.0, recurrent_dropout=0.0)
    if cls != "SimpleRNN":
        base["recurrent_activation"] = "sigmoid"
    base.update(config)
    return layer(cls, name, **base)


def cell_weights(cls, prefix, cell, features, units, reset_after=True):
    gates = {"GRU": 3, "LSTM": 4, "SimpleRNN": 1}[cls]
    bias_shape = (2, gates * units) if cls == "GRU" and reset_after else (gates * units,)
    return [
        (f"{prefix}/{cell}/kernel:0", RNG.uniform(-0.5, 0.5, (features, gates * units))),
        (f"{prefix}/{cell}/recurrent_kernel:0", RNG.uniform(-0.5, 0.5, (units, gates * units))),
        (f"{prefix}/{cell}/bias:0", RNG.uniform(-0.2, 0.2, bias_shape)),
    ]


def dense_weights(name, n_in, n_out):
    return [(f"{name}/kernel:0", RNG.uniform(-0.5, 0.5, (n_in, n_out))),
            (f"{name}/bias:0", RNG.uniform(-0.2, 0.2, (n_out,)))]


def write(path, layers, weights):
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config)
        g = f.create_group("model_weights")
        g.attrs["keras_version"] = "2.15.0"
        g.attrs["backend"] = "tensorflow"
        names = [name for name, _ in weights]
        g.attrs["layer_names"] = np.array(names, dtype=h5py.string_dtype())
        for name, arrays in weights:
            lg = g.create_group(name)
            lg.attrs["weight_names"] = np.array([w for w, _ in arrays], dtype=h5py.string_dtype())
            for w, value in arrays:
                lg.create_dataset(w, data=value.astype(np.float32))


def main(out):
    os.makedirs(out, exist_ok=True)
    write_masked(out)
    T, F = 7, 5
    inp = layer("InputLayer", "input_1", batch_input_shape=[None, T, F])
    write(os.path.join(out, "gru-reset-before-bidirectional-gru.h5"),
          [inp,
           rnn("GRU", "gru", 6, reset_after=False, return_sequences=True),
           layer("Bidirectional", "bidirectional", merge_mode="concat",
                 layer=rnn("GRU", "gru_1", 4, reset_after=True)),
           layer("Dense", "dense", units=3, activation="softmax", use_bias=True)],
          [("gru", cell_weights("GRU", "gru", "gru_cell", F, 6, reset_after=False)),
           ("bidirectional",
            cell_weights("GRU", "bidirectional/forward_gru_1", "gru_cell", 6, 4)
            + cell_weights("GRU", "bidirectional/backward_gru_1", "gru_cell", 6, 4)),
           ("dense", dense_weights("dense", 8, 3))])
    write(os.path.join(out, "conv1d-simplernn-globalmax.h5"),
          [inp,
           layer("Conv1D", "conv1d", filters=4, kernel_size=[3], strides=[1], padding="valid",
                 data_format="channels_last", dilation_rate=[1], groups=1, activation="relu",
                 use_bias=True),
           rnn("SimpleRNN", "simple_rnn", 5, return_sequences=True),
           layer("GlobalMaxPooling1D", "global_max_pooling1d", data_format="channels_last"),
           layer("Dense", "dense", units=2, activation="linear", use_bias=True)],
          [("conv1d", [("conv1d/kernel:0", RNG.uniform(-0.5, 0.5, (3, F, 4))),
                       ("conv1d/bias:0", RNG.uniform(-0.2, 0.2, (4,)))]),
           ("simple_rnn", cell_weights("SimpleRNN", "simple_rnn", "simple_rnn_cell", 4, 5)),
           ("dense", dense_weights("dense", 5, 2))])


def write_masked(out):
    T, V = 9, 20
    inp = layer("InputLayer", "input_2", batch_input_shape=[None, T])
    emb = layer("Embedding", "embedding", input_dim=V, output_dim=4, mask_zero=True,
                embeddings_initializer=init("RandomUniform", minval=-0.05, maxval=0.05, seed=None),
                embeddings_regularizer=None, activity_regularizer=None,
                embeddings_constraint=None, input_length=T)
    emb_weights = ("embedding", [("embedding/embeddings:0", RNG.uniform(-1, 1, (V, 4)))])
    write(os.path.join(out, "masked-embedding-lstm-bigru-gap.h5"),
          [inp, emb,
           rnn("LSTM", "lstm", 5, return_sequences=True, unit_forget_bias=True),
           layer("Dropout", "dropout", rate=0.3, noise_shape=None, seed=None),
           layer("Bidirectional", "bidirectional", merge_mode="concat",
                 layer=rnn("GRU", "gru", 3, reset_after=True, return_sequences=True)),
           layer("GlobalAveragePooling1D", "global_average_pooling1d",
                 data_format="channels_last"),
           layer("Dense", "dense", units=2, activation="softmax", use_bias=True)],
          [emb_weights,
           ("lstm", cell_weights("LSTM", "lstm", "lstm_cell", 4, 5)),
           ("bidirectional",
            cell_weights("GRU", "bidirectional/forward_gru", "gru_cell", 5, 3)
            + cell_weights("GRU", "bidirectional/backward_gru", "gru_cell", 5, 3)),
           ("dense", dense_weights("dense", 6, 2))])
    write(os.path.join(out, "masked-embedding-gru-last.h5"),
          [inp, emb,
           rnn("GRU", "gru", 4, reset_after=False),
           layer("Dense", "dense", units=1, activation="sigmoid", use_bias=True)],
          [emb_weights,
           ("gru", cell_weights("GRU", "gru", "gru_cell", 4, 4, reset_after=False)),
           ("dense", dense_weights("dense", 4, 1))])


if __name__ == "__main__":
    main(sys.argv[1])
