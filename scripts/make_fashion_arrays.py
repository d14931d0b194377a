#!/usr/bin/python3
"""Writes Fashion-MNIST as the labelled arrays users bring (NumPy only), for graft's tests:

    scripts/make_fashion_arrays.py FASHION_MNIST_DIR OUTDIR

shirt_sandal.npz   Keras's keys: x_train/y_train (uint8 images of the chapter's shirt-vs-sandal task,
                   250 from after graft's 5,000 validation images), x_test/y_test (its 2,000 test
                   images); label 1 = shirt
eight_classes.npz  x/y: the 8,000 test images of every class but sandal and shirt, labels
                   renumbered in order (as graft eval --exclude 5,6 numbers them)
shirt_sandal.csv   the same 250 training images as float columns (x/255, 4 decimals) and a
                   'label' column of class names (sandal, shirt)
images_u8.npy      the first 20 test images as uint8, and images_f32.npy as float32 x/255
shirt_sandal_x.npy the CSV's feature values as NumPy parses them (float32)"""
import csv
import gzip
import sys

import numpy as np


def idx(path, offset, shape):
    with gzip.open(path) as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset).reshape(shape)


def main(data, out):
    x_train = idx(data + "/train-images-idx3-ubyte.gz", 16, (-1, 28, 28))
    y_train = idx(data + "/train-labels-idx1-ubyte.gz", 8, (-1,))
    x_test = idx(data + "/t10k-images-idx3-ubyte.gz", 16, (-1, 28, 28))
    y_test = idx(data + "/t10k-labels-idx1-ubyte.gz", 8, (-1,))
    task = np.where(np.isin(y_train, [5, 6]))[0]
    task = task[task >= 5000][:250]
    test = np.isin(y_test, [5, 6])
    np.savez_compressed(out + "/shirt_sandal.npz",
                        x_train=x_train[task], y_train=(y_train[task] == 6).astype(np.uint8),
                        x_test=x_test[test], y_test=(y_test[test] == 6).astype(np.uint8))
    keep = [c for c in range(10) if c not in (5, 6)]
    eight = np.isin(y_test, keep)
    renumber = np.array([keep.index(c) if c in keep else -1 for c in range(10)])
    np.savez(out + "/eight_classes.npz", x=x_test[eight], y=renumber[y_test[eight]].astype(np.int64))
    np.save(out + "/images_u8.npy", x_test[:20])
    np.save(out + "/images_f32.npy", x_test[:20].astype(np.float32) / 255)
    with open(out + "/shirt_sandal.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["p%d" % i for i in range(784)] + ["label"])
        for x, y in zip(x_train[task], y_train[task]):
            w.writerow(["%.4f" % v for v in x.reshape(-1) / 255] + ["shirt" if y == 6 else "sandal"])
    values = np.genfromtxt(out + "/shirt_sandal.csv", delimiter=",", skip_header=1, usecols=range(784))
    np.save(out + "/shirt_sandal_x.npy", values.astype(np.float32))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
