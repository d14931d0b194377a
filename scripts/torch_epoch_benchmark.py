#!/usr/bin/python3
"""The PyTorch side of samples/run TrainBenchmark: model A (Dense 300/100/50/50/50 SELU, 8-way
softmax) trained on task A (Fashion-MNIST without classes 5 and 6; as many images as graft trains
on, N on the command line), batch 32, SGD 1e-3, one thread; prints the seconds of each training
epoch as JSON. Needs Debian's python3-torch."""
import gzip
import json
import sys
import time

import numpy as np
import torch

DATA = "/usr/share/datasets/fashion-mnist/"


def idx(name):
    with gzip.open(DATA + name) as f:
        raw = f.read()
    dims = raw[3]
    shape = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    n, epochs = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(1)
    torch.manual_seed(1)
    x = idx("train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    y = idx("train-labels-idx1-ubyte.gz").astype(np.int64)
    keep = (y != 5) & (y != 6)
    x, y = torch.from_numpy(x[keep][:n]), torch.from_numpy(np.searchsorted([0, 1, 2, 3, 4, 7, 8, 9], y[keep][:n]))
    sizes = [784, 300, 100, 50, 50, 50]
    layers = []
    for a, b in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.SELU()]
    model = torch.nn.Sequential(*layers, torch.nn.Linear(50, 8))
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        order = torch.randperm(n)
        for i in range(0, n, 32):
            batch = order[i:i + 32]
            opt.zero_grad()
            loss = loss_fn(model(x[batch]), y[batch])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    blas = "OpenBLAS" if "openblas" in open("/proc/self/maps").read().lower() else "reference (install libopenblas0-pthread)"
    print(json.dumps({"epoch_seconds": times, "examples": n, "blas": blas}))


if __name__ == "__main__":
    main()
