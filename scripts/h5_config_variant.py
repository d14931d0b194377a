#!/usr/bin/python3
"""Copies a Keras legacy .h5 and rewrites settings of its top-level layers in model_config, keeping
the weights: the tests derive padding, stride and pooling variants of a real file this way and
compare graft with scripts/keras3_forward.py on them (both read the same rewritten config).

    scripts/h5_config_variant.py SRC.h5 DST.h5 INDEX.KEY=JSON [INDEX.KEY=JSON ...]

INDEX is the layer's position in the config's layer list; KEY "class_name" renames the class,
any other key is set in the layer's config (for example 1.padding='"causal"', 1.strides=[2])."""
import json
import shutil
import sys

import h5py


def main(src, dst, edits):
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        layers = config["config"]["layers"]
        for edit in edits:
            where, value = edit.split("=", 1)
            index, key = where.split(".", 1)
            layer = layers[int(index)]
            if key == "class_name":
                layer["class_name"] = json.loads(value)
            else:
                layer["config"][key] = json.loads(value)
        f.attrs["model_config"] = json.dumps(config)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:])
