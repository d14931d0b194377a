#!/usr/bin/env python3
"""Writes N JPEG photos-like images (smooth gradients and shapes, seeded) of WxH pixels into
OUT/a and OUT/b, for graft's throughput and memory benchmarks (samples, graft spark bench).

usage: make_bench_images.py OUT N W H [SEED]"""
import os
import random
import sys

from PIL import Image, ImageDraw


def main():
    out, n, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    rng = random.Random(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    for c in ("a", "b"):
        os.makedirs(os.path.join(out, c), exist_ok=True)
    base = Image.linear_gradient("L").resize((w, h))
    for i in range(n):
        r, g, b = (rng.randrange(256) for _ in range(3))
        img = Image.merge("RGB", (base.point(lambda v: (v + r) % 256),
                                  base.rotate(90).resize((w, h)).point(lambda v: (v + g) % 256),
                                  Image.new("L", (w, h), b)))
        d = ImageDraw.Draw(img)
        for _ in range(6):
            x0, y0 = rng.randrange(w), rng.randrange(h)
            d.ellipse([x0, y0, x0 + rng.randrange(1, w // 3), y0 + rng.randrange(1, h // 3)],
                      fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        img.save(os.path.join(out, "ab"[i % 2], "img%06d.jpg" % i), quality=85)


if __name__ == "__main__":
    main()
