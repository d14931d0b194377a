#!/usr/bin/python3
"""Writes the .npy and .npz test fixtures with NumPy itself (Debian's python3-numpy), so that
graft's readers are checked against files they did not write. Run from the project root; the
outputs are committed under data/src/test/resources/npy."""
import numpy as np

out = "data/src/test/resources/npy/"
a = (np.arange(12, dtype=np.float32) / 8).reshape(3, 4)
np.save(out + "f32_3x4.npy", a)
np.save(out + "f64_2x3x2.npy", (np.arange(12, dtype=np.float64) - 5.5).reshape(2, 3, 2))
np.save(out + "f32_vector.npy", np.array([1.5, -2.25, 3.0], dtype=np.float32))
np.save(out + "int32.npy", np.arange(3, dtype=np.int32))
np.save(out + "f32_fortran.npy", np.asfortranarray(a))
# integer kinds labels and pixels come in, and what graft refuses
np.save(out + "u8_2x2x2.npy", np.array([0, 1, 127, 128, 200, 254, 255, 7], dtype=np.uint8).reshape(2, 2, 2))
np.save(out + "i64_labels.npy", np.array([3, 0, -1, 2**40], dtype=np.int64))
np.save(out + "bool.npy", np.array([True, False, True]))
np.save(out + "big_endian.npy", np.arange(3, dtype=">f4"))
np.save(out + "strings.npy", np.array(["cat", "dog"]))
# labelled arrays: Keras's keys and the plain ones
rng = np.random.default_rng(0)
x = rng.random((6, 4), dtype=np.float32)
np.savez(out + "xy.npz", x=x, y=np.array([0, 1, 2, 0, 1, 2], dtype=np.int64))
np.savez_compressed(out + "keras_split.npz", x_train=(x * 255).astype(np.uint8), y_train=np.array([1, 0, 1, 0, 1, 0], dtype=np.uint8),
                    x_test=(x[:2] * 255).astype(np.uint8), y_test=np.array([0, 1], dtype=np.uint8))
np.savez(out + "onehot.npz", x=x, y=np.eye(3, dtype=np.float32)[[0, 1, 2, 0, 1, 2]])
