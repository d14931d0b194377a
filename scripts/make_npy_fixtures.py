#!/usr/bin/python3
"""Writes the .npy test fixtures with NumPy itself (Debian's python3-numpy), so that graft's .npy
reader is checked against files it did not write. Run from the project root; the outputs are
committed under runtime/src/test/resources/npy."""
import numpy as np

out = "runtime/src/test/resources/npy/"
a = (np.arange(12, dtype=np.float32) / 8).reshape(3, 4)
np.save(out + "f32_3x4.npy", a)
np.save(out + "f64_2x3x2.npy", (np.arange(12, dtype=np.float64) - 5.5).reshape(2, 3, 2))
np.save(out + "f32_vector.npy", np.array([1.5, -2.25, 3.0], dtype=np.float32))
np.save(out + "int32.npy", np.arange(3, dtype=np.int32))
np.save(out + "f32_fortran.npy", np.asfortranarray(a))
