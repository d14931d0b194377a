#!/usr/bin/python3
"""The PyTorch peer of samples/run ImageThroughputBenchmark (Debian's python3-torch,
python3-torchvision, python3-pil; not needed by CI):

    scripts/torch_image_bench.py DIR [--threads 2] [--runs 5] [--repeat 5]

Images per second through torchvision's ImageFolder and a DataLoader with T workers (PIL: decode,
ImageOps.fit to 224x224 with Lanczos, x/127.5-1, as Teachable Machine's snippet prepares images),
batches of 32, and through MobileNetV2's convolutional trunk and pooling (torchvision's, untrained
weights: the time does not depend on them) with T threads, and both together (the workers decode
ahead while the trunk runs). Medians of RUNS runs, each over the folder REPEAT times."""
import argparse
import statistics
import time

import numpy as np
import torch
import torchvision
from PIL import Image, ImageOps


def teachable_machine(image):
    image = ImageOps.fit(image, (224, 224), Image.Resampling.LANCZOS)
    x = np.asarray(image, dtype=np.float32) / 127.5 - 1
    return torch.from_numpy(x).permute(2, 0, 1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("dir")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--repeat", type=int, default=5)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    data = torchvision.datasets.ImageFolder(a.dir, transform=teachable_machine)
    loader = torch.utils.data.DataLoader(data, batch_size=32, num_workers=a.threads,
                                         persistent_workers=True)
    decode = []
    batches = []
    for _ in range(a.runs):
        start = time.perf_counter()
        for _ in range(a.repeat):
            batches = [x for x, _ in loader]
        decode.append(len(data) * a.repeat / (time.perf_counter() - start))
    net = torchvision.models.mobilenet_v2(weights=None).eval()
    trunk = torch.nn.Sequential(net.features, torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten())
    forward = []
    with torch.no_grad():
        trunk(batches[0])  # warm up
        for _ in range(a.runs):
            start = time.perf_counter()
            for _ in range(a.repeat):
                for x in batches:
                    trunk(x)
            forward.append(len(data) * a.repeat / (time.perf_counter() - start))
        # both: the DataLoader's workers decode the next batches while the trunk runs this one
        both = []
        for _ in range(a.runs):
            start = time.perf_counter()
            for _ in range(a.repeat):
                for x, _ in loader:
                    trunk(x)
            both.append(len(data) * a.repeat / (time.perf_counter() - start))
    print("pytorch, %d images x %d, %d threads: ImageFolder+DataLoader %.1f images/s (median of %d"
          " runs: %s); MobileNetV2 trunk %.1f images/s (%s); DataLoader feeding the trunk %.1f"
          " images/s (%s)"
          % (len(data), a.repeat, a.threads, statistics.median(decode), a.runs,
             ["%.1f" % v for v in decode], statistics.median(forward), ["%.1f" % v for v in forward],
             statistics.median(both), ["%.1f" % v for v in both]))


if __name__ == "__main__":
    main()
