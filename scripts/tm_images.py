#!/usr/bin/python3
"""Prepares photos the way Teachable Machine's own Keras export snippet does, with PIL (Debian's
python3-pil): RGB, ImageOps.fit to 224 x 224 (centre crop to the square, LANCZOS resampling), then
x / 127.5 - 1. Writes one float32 array of all images, sorted by class folder then file name, and
the class folder of each image, one per line. Tests use it to feed real photos to a Teachable
Machine model independently of graft's own image code.

    scripts/tm_images.py IMAGES_DIR OUT.npy OUT_CLASSES.txt"""
import os
import sys

import numpy as np
from PIL import Image, ImageOps


def main(images, out, classes_out):
    xs, classes = [], []
    for cls in sorted(os.listdir(images)):
        folder = os.path.join(images, cls)
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            if name.startswith("."):
                continue
            with Image.open(os.path.join(folder, name)) as im:
                im = ImageOps.fit(im.convert("RGB"), (224, 224), Image.Resampling.LANCZOS)
                xs.append(np.asarray(im, dtype=np.float32) / 127.5 - 1)
            classes.append(cls)
    np.save(out, np.stack(xs).astype(np.float32))
    with open(classes_out, "w", encoding="utf-8") as f:
        f.write("\n".join(classes) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:4])
