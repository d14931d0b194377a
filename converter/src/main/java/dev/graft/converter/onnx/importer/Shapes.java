package dev.graft.converter.onnx.importer;

import java.util.Arrays;

/** Shape arithmetic shared by the translators. */
final class Shapes {
  private Shapes() {}

  /** numpy's broadcast of two shapes; IllegalArgumentException when they do not broadcast. */
  static long[] broadcast(long[] a, long[] b) {
    int rank = Math.max(a.length, b.length);
    long[] out = new long[rank];
    for (int i = 0; i < rank; i++) {
      long p = i < rank - a.length ? 1 : a[i - (rank - a.length)];
      long q = i < rank - b.length ? 1 : b[i - (rank - b.length)];
      if (p != q && p != 1 && q != 1) {
        throw new IllegalArgumentException(
            "shapes " + Arrays.toString(a) + " and " + Arrays.toString(b) + " do not broadcast");
      }
      out[i] = p == 1 ? q : p;
    }
    return out;
  }

  /** Output size of a convolution or pooling window along one axis (floor mode). */
  static long windowOut(
      long in, long kernel, long stride, long dilation, long padBefore, long padAfter) {
    return (in + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride + 1;
  }
}
