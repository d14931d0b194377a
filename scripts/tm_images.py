#!/usr/bin/python3
"""Prepares photos the way Teachable Machine's own Keras export snippet does, with PIL (Debian's
python3-pil): RGB, ImageOps.fit to 224 x 224 (centre crop to the square, LANCZOS resampling), then
x / 127.5 - 1. Writes one float32 array of all images, sorted by class folder then file name, and
the class folder of each image, one per line. Tests use it to feed real photos to a Teachable
Machine model independently of graft's own image code. SIZE, SCALE (tf: x / 127.5 - 1, unit:
x / 255) and LAYOUT (nhwc, or nchw for channels-first models) change those choices.

    scripts/tm_images.py IMAGES_DIR OUT.npy OUT_CLASSES.txt [SIZE SCALE LAYOUT]"""
import os
import sys

import numpy as np
from PIL import Image, ImageOps


def main(images, out, classes_out, size="224", scale="tf", layout="nhwc"):
    size = int(size)
    xs, classes = [], []
    for cls in sorted(os.listdir(images)):
        folder = os.path.join(images, cls)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.startswith("."):
                continue
            with Image.open(os.path.join(folder, name)) as im:
                im = ImageOps.fit(im.convert("RGB"), (size, size), Image.Resampling.LANCZOS)
                x = np.asarray(im, dtype=np.float32)
                x = x / 127.5 - 1 if scale == "tf" else x / 255
                xs.append(x.transpose(2, 0, 1) if layout == "nchw" else x)
            classes.append(cls)
    np.save(out, np.stack(xs).astype(np.float32))
    with open(classes_out, "w", encoding="utf-8") as f:
        f.write("\n".join(classes) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:7])
