#!/usr/bin/python3
"""Crafts HDF5 model files with links and storage a model never needs, from a valid Keras 2 .h5 and a valid
.keras archive: usage make_hdf5_link_files.py MODEL.h5 TINY.keras SECRET.h5 OUTDIR. Run by the
end-to-end tests, so nothing here is committed as a binary. SECRET.h5 is the outside file an
external link points to (the tests check it is never read into a model)."""
import io
import shutil
import sys
import zipfile

import h5py


def kernel_path(f):
    """The first weight dataset's path, read from the layer_names and weight_names attributes."""
    mw = f["model_weights"]
    for layer in mw.attrs["layer_names"]:
        layer = layer.decode() if isinstance(layer, bytes) else layer
        names = mw[layer].attrs.get("weight_names", [])
        if len(names):
            name = names[0].decode() if isinstance(names[0], bytes) else names[0]
            return "model_weights/" + layer + "/" + name
    raise SystemExit("no weights in " + f.filename)


def main(model, tiny_keras, secret, out):
    # A kernel replaced by an external link to a file outside the model's folder.
    shutil.copyfile(model, out + "/h5_external_link.h5")
    with h5py.File(out + "/h5_external_link.h5", "r+") as f:
        path = kernel_path(f)
        shape = f[path].shape
        del f[path]
        f[path] = h5py.ExternalLink(secret, "/kernel")
    with h5py.File(secret, "w") as s:
        s["kernel"] = [[1.0] * shape[1]] * shape[0]
    # The same kernel with external storage: its bytes live in a raw file beside SECRET.h5.
    raw = secret + ".bin"
    with open(raw, "wb") as r:
        r.write(b"\0\0\x80\x3f" * (shape[0] * shape[1]))
    shutil.copyfile(model, out + "/h5_external_storage.h5")
    with h5py.File(out + "/h5_external_storage.h5", "r+") as f:
        del f[path]
        f.create_dataset(path, shape=shape, dtype="<f4", external=[(raw, 0, 4 * shape[0] * shape[1])])
    # And as a virtual dataset mapping SECRET.h5's kernel.
    shutil.copyfile(model, out + "/h5_virtual_dataset.h5")
    with h5py.File(out + "/h5_virtual_dataset.h5", "r+") as f:
        del f[path]
        layout = h5py.VirtualLayout(shape=shape, dtype="<f8")
        layout[:] = h5py.VirtualSource(secret, "kernel", shape=shape)
        f.create_virtual_dataset(path, layout)
    # A group that contains itself (a hard link back to model_weights).
    shutil.copyfile(model, out + "/h5_hard_link_cycle.h5")
    with h5py.File(out + "/h5_hard_link_cycle.h5", "r+") as f:
        f["model_weights/loop"] = f["model_weights"]
    # 2,000 nested groups.
    shutil.copyfile(model, out + "/h5_deep_groups.h5")
    with h5py.File(out + "/h5_deep_groups.h5", "r+") as f:
        f.create_group("model_weights/" + "/".join("g%d" % i for i in range(2000)))
    # The same cycle inside a .keras archive's model.weights.h5.
    with zipfile.ZipFile(tiny_keras) as z:
        entries = {i.filename: z.read(i) for i in z.infolist()}
    weights = io.BytesIO(entries["model.weights.h5"])
    with h5py.File(weights, "r+") as f:
        f["layers/loop"] = f["layers"]
    entries["model.weights.h5"] = weights.getvalue()
    with zipfile.ZipFile(out + "/keras3_hard_link_cycle.keras", "w") as z:
        for name, data in entries.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)


if __name__ == "__main__":
    main(*sys.argv[1:5])
