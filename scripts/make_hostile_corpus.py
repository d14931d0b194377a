#!/usr/bin/python3
"""Writes graft's corpus of hostile model files, one per known attack pattern, into
e2e/src/test/resources/hostile (run from the project root; the outputs are committed). Needs Debian's
python3-h5py and python3-onnx. Nothing here is executable: the payloads are inert strings."""
import io
import json
import os
import zipfile

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper

OUT = "e2e/src/test/resources/hostile/"


def keras3_entries():
    """A tiny, valid Keras 3 archive made here (Dense 4 -> 2), laid out as Keras 3.8 writes them."""
    config = {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": True, "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 4], "dtype": "float32", "name": "input_layer"}, "registered_name": None},
        {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": True, "units": 2, "activation": "softmax", "use_bias": True,
         "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": None}, "registered_name": None},
         "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": None}},
         "registered_name": None, "build_config": {"input_shape": [None, 4]}}]}, "registered_name": None}
    weights = io.BytesIO()
    with h5py.File(weights, "w") as f:
        v = f.create_group("layers/dense/vars")
        v.attrs["name"] = "dense"
        v.create_dataset("0", data=np.arange(8, dtype=np.float32).reshape(4, 2) / 10)
        v.create_dataset("1", data=np.zeros(2, dtype=np.float32))
        f.create_group("vars").attrs["name"] = "sequential"
    return {"metadata.json": json.dumps({"keras_version": "3.8.0"}).encode(), "config.json": json.dumps(config).encode(),
            "model.weights.h5": weights.getvalue()}


def write_zip(name, entries, extra=()):
    with zipfile.ZipFile(OUT + name, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in entries.items():
            z.writestr(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), data)  # reproducible bytes
        for info, data in extra:
            z.writestr(info if isinstance(info, zipfile.ZipInfo) else zipfile.ZipInfo(info, date_time=(1980, 1, 1, 0, 0, 0)), data)


def keras3_with_config(name, edit):
    entries = keras3_entries()
    config = json.loads(entries["config.json"])
    edit(config)
    entries["config.json"] = json.dumps(config).encode()
    write_zip(name, entries)


def dense_layers(config):
    return [l for l in config["config"]["layers"] if l["class_name"] == "Dense"]


# CVE-2024-3660 (Lambda bytecode) in a Keras 3 archive.
def lambda_layer(config):
    layer = dense_layers(config)[0]
    layer["class_name"] = "Lambda"
    layer["config"]["function"] = {"class_name": "__lambda__", "config": {"code": "4wEAAAAAAAAAAAAAAAEAAAAE", "defaults": None, "closure": None}}
keras3_with_config("keras3_lambda.keras", lambda_layer)

# CVE-2025-1550: a config naming an arbitrary Python module and function.
def os_system(config):
    dense_layers(config)[0]["config"]["kernel_initializer"] = {"module": "os", "class_name": "system", "config": {"command": "touch /tmp/graft-pwned"}, "registered_name": "system"}
keras3_with_config("keras3_module_os.keras", os_system)

# CVE-2025-8747 / CVE-2025-9906: a Keras function that is not a layer (get_file downloads and writes files).
def get_file(config):
    dense_layers(config)[0]["config"]["kernel_initializer"] = {"module": "keras.utils", "class_name": "get_file", "config": {"fname": "x", "origin": "http://127.0.0.1/x"}, "registered_name": None}
keras3_with_config("keras3_keras_utils_get_file.keras", get_file)

# A custom class registered under another name.
def custom(config):
    layer = dense_layers(config)[0]
    layer["module"] = "my_package.layers"
    layer["registered_name"] = "my_package>EvilDense"
keras3_with_config("keras3_custom_class.keras", custom)

# Zip tricks on the Keras 3 archive.
write_zip("keras3_dotdot.keras", keras3_entries(), [("../../graft-escaped.txt", b"escaped")])
write_zip("keras3_absolute.keras", keras3_entries(), [("/tmp/graft-absolute.txt", b"absolute")])
link = zipfile.ZipInfo("weights-link", date_time=(1980, 1, 1, 0, 0, 0))
link.external_attr = (0o120777 << 16)  # a symbolic link entry
write_zip("keras3_symlink_entry.keras", keras3_entries(), [(link, b"/etc/passwd")])
entries = keras3_entries()
entries["config.json"] = b" " * (40 << 20)  # inflates to 40 MiB from about 40 KiB
write_zip("keras3_zip_bomb.keras", entries)
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w") as z:
    for n, data in keras3_entries().items():
        z.writestr(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), data)
    z.writestr(zipfile.ZipInfo("config.json", date_time=(1980, 1, 1, 0, 0, 0)), b'{"class_name": "Sequential", "config": {"layers": []}}')  # a second config.json
open(OUT + "keras3_duplicate_entry.keras", "wb").write(buf.getvalue())

# CVE-2024-3660 / CVE-2025-9905 in a Keras 2 HDF5 file (safe_mode does not apply to HDF5).
with h5py.File(OUT + "keras2_lambda.h5", "w") as f:
    f.attrs["keras_version"] = "2.9.0"
    f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "name": "in"}},
        {"class_name": "Lambda", "config": {"name": "evil", "function": ["4wEAAAAAAAAAAAAAAAEAAAAE", None, None], "function_type": "lambda"}},
        {"class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "linear", "use_bias": True,
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {}}, "bias_initializer": {"class_name": "Zeros", "config": {}}}}]}})
    f.create_group("model_weights")

# A Keras 2 file that declares a 100 GB weight (the data is never written).
with h5py.File(OUT + "keras2_huge_tensor.h5", "w") as f:
    f.attrs["keras_version"] = "2.9.0"
    f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = json.dumps({"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"name": "big", "units": 250000, "activation": "linear", "use_bias": False,
         "batch_input_shape": [None, 100000],
         "kernel_initializer": {"class_name": "Zeros", "config": {}}}}]}})
    g = f.create_group("model_weights/big")
    g.attrs["weight_names"] = [b"big/kernel:0"]
    g.create_dataset("big/kernel:0", shape=(100000, 250000), dtype="float32", chunks=(1000, 1000))


# Found by fuzzing: an input layer whose config name differs from its graph name made DL4J's
# importer loop forever looking for it.
with h5py.File(OUT + "keras2_renamed_input_hang.h5", "w") as f:
    f.attrs["keras_version"] = "2.9.0"
    f.attrs["backend"] = "tensorflow"
    f.attrs["model_config"] = json.dumps({"class_name": "Functional", "config": {"name": "m", "layers": [
        {"name": "input_1", "class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32",
         "name": "ijput_1"}, "inbound_nodes": []},
        {"name": "d", "class_name": "Dense", "config": {"name": "d", "units": 2, "activation": "linear", "use_bias": True,
         "kernel_initializer": {"class_name": "Zeros", "config": {}}, "bias_initializer": {"class_name": "Zeros", "config": {}}},
         "inbound_nodes": [[["input_1", 0, 0, {}]]]}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["d", 0, 0]]}})
    f.create_group("model_weights")

# A Keras 3 archive whose config and weights declare a 100 GB kernel (chunked, never written).
entries = keras3_entries()
config = json.loads(entries["config.json"])
dense_layers(config)[0]["config"]["units"] = 250000
config["config"]["layers"][0]["config"]["batch_shape"] = [None, 100000]
entries["config.json"] = json.dumps(config).encode()
weights = io.BytesIO()
with h5py.File(weights, "w") as f:
    v = f.create_group("layers/dense/vars")
    v.attrs["name"] = "dense"
    v.create_dataset("0", shape=(100000, 250000), dtype="float32", chunks=(1000, 1000))
    v.create_dataset("1", shape=(250000,), dtype="float32")
entries["model.weights.h5"] = weights.getvalue()
write_zip("keras3_huge_tensor.keras", entries)

write_zip("keras3_valid_tiny.keras", keras3_entries())

# ONNX external data: traversal and absolute paths (the test adds a link out of the folder).
def onnx_with_external(location):
    t = helper.make_tensor("w", TensorProto.FLOAT, [4], [0.0] * 4)
    t.ClearField("float_data")
    t.data_location = TensorProto.EXTERNAL
    t.external_data.add(key="location", value=location)
    t.external_data.add(key="length", value="16")
    node = helper.make_node("Add", ["x", "w"], ["y"])
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], [t])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])

onnx.save(onnx_with_external("../../../../../../etc/passwd"), OUT + "onnx_external_dotdot.onnx")
onnx.save(onnx_with_external("/etc/passwd"), OUT + "onnx_external_absolute.onnx")
onnx.save(onnx_with_external("weights.bin"), OUT + "onnx_external_beside.onnx")
print("wrote", sorted(os.listdir(OUT)))
