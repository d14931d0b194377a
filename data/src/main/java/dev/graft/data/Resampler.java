package dev.graft.data;

/**
 * Image resizing as the frameworks users come from do it, on {@link RgbImage}s (float, so no
 * rounding between passes):
 *
 * <ul>
 *   <li>{@link #bilinear}: TensorFlow's tf.image.resize "bilinear" (half-pixel centres, no
 *       antialiasing), what Keras's image_dataset_from_directory uses;
 *   <li>{@link #lanczosFit}: PIL's ImageOps.fit with LANCZOS, what Teachable Machine's export
 *       snippet uses: the centred crop with the target's aspect ratio (fractional edges kept), then
 *       PIL's separable convolution resampling, whose Lanczos-3 kernel widens by the downscale
 *       factor (antialiasing), in PIL's 8-bit fixed-point arithmetic (22-bit coefficients, each
 *       pass rounded and clamped to 0-255), so an image PIL decodes alike comes out alike.
 * </ul>
 */
public final class Resampler {
  /** PIL's PRECISION_BITS for 8-bit images: 32 - 8 - 2. */
  private static final int PRECISION = 22;

  private Resampler() {}

  /** tf.image.resize(method="bilinear", antialias=False) to outW x outH. */
  public static RgbImage bilinear(RgbImage in, int outW, int outH) {
    float[] out = new float[outW * outH * 3];
    double sx = (double) in.width() / outW;
    double sy = (double) in.height() / outH;
    for (int y = 0; y < outH; y++) {
      double fy = Math.max((y + 0.5) * sy - 0.5, 0);
      int y0 = Math.min((int) Math.floor(fy), in.height() - 1);
      int y1 = Math.min(y0 + 1, in.height() - 1);
      double dy = fy - y0;
      for (int x = 0; x < outW; x++) {
        double fx = Math.max((x + 0.5) * sx - 0.5, 0);
        int x0 = Math.min((int) Math.floor(fx), in.width() - 1);
        int x1 = Math.min(x0 + 1, in.width() - 1);
        double dx = fx - x0;
        for (int c = 0; c < 3; c++) {
          double top = px(in, x0, y0, c) * (1 - dx) + px(in, x1, y0, c) * dx;
          double bottom = px(in, x0, y1, c) * (1 - dx) + px(in, x1, y1, c) * dx;
          out[3 * (y * outW + x) + c] = (float) (top * (1 - dy) + bottom * dy);
        }
      }
    }
    return new RgbImage(outW, outH, out);
  }

  /** PIL's ImageOps.fit(image, (outW, outH), Image.LANCZOS): centred crop, then resize. */
  public static RgbImage lanczosFit(RgbImage in, int outW, int outH) {
    double ratio = (double) in.width() / in.height();
    double target = (double) outW / outH;
    double cw = in.width();
    double ch = in.height();
    if (ratio > target) {
      cw = target * in.height();
    } else if (ratio < target) {
      ch = in.width() / target;
    }
    double left = (in.width() - cw) * 0.5;
    double top = (in.height() - ch) * 0.5;
    Taps rows = taps(top, top + ch, outH, in.height());
    // As PIL does: the horizontal pass only over the rows the vertical pass reads.
    int first = rows.first();
    int last = rows.last();
    int[] src = new int[in.rgb().length];
    for (int i = 0; i < src.length; i++) {
      src[i] = (int) in.rgb()[i];
    }
    int[] horizontal =
        horizontalPass(src, in.width(), first, last, taps(left, left + cw, outW, in.width()));
    return verticalPass(horizontal, outW, first, rows);
  }

  /** Lanczos-3: sinc(x) sinc(x / 3) on [-3, 3]. */
  private static double lanczos(double x) {
    if (x <= -3 || x >= 3) {
      return 0;
    }
    return sinc(x) * sinc(x / 3);
  }

  private static double sinc(double x) {
    if (x == 0) {
      return 1;
    }
    x *= Math.PI;
    return Math.sin(x) / x;
  }

  /**
   * PIL's precompute_coeffs and normalize_coeffs_8bpc for one axis: for each output sample, the
   * first source index it reads and its fixed-point weights (rounded away from zero).
   */
  private record Taps(int[] start, int[][] weights) {
    int first() {
      int f = Integer.MAX_VALUE;
      for (int s : start) {
        f = Math.min(f, s);
      }
      return f == Integer.MAX_VALUE ? 0 : f;
    }

    int last() {
      int l = 0;
      for (int o = 0; o < start.length; o++) {
        l = Math.max(l, start[o] + weights[o].length);
      }
      return l;
    }
  }

  /** The taps resampling the source interval [b0, b1) of an axis of {@code inSize} onto out. */
  private static Taps taps(double b0, double b1, int out, int inSize) {
    double scale = (b1 - b0) / out;
    double filterScale = Math.max(scale, 1.0);
    double support = 3 * filterScale;
    int[] start = new int[out];
    int[][] weights = new int[out][];
    for (int o = 0; o < out; o++) {
      double center = b0 + (o + 0.5) * scale;
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), inSize);
      double[] k = new double[Math.max(xmax - xmin, 0)];
      double sum = 0;
      for (int i = 0; i < k.length; i++) {
        k[i] = lanczos((i + xmin - center + 0.5) / filterScale);
        sum += k[i];
      }
      int[] fixed = new int[k.length];
      for (int i = 0; i < k.length; i++) {
        double v = sum == 0 ? 0 : k[i] / sum;
        fixed[i] = (int) (v < 0 ? v * (1 << PRECISION) - 0.5 : v * (1 << PRECISION) + 0.5);
      }
      start[o] = xmin;
      weights[o] = fixed;
    }
    return new Taps(start, weights);
  }

  /**
   * Rows [first, last) of an RGB image {@code width} wide, resampled along x; rounded to 8 bits.
   */
  private static int[] horizontalPass(int[] src, int width, int first, int last, Taps t) {
    int out = t.start().length;
    int[] dst = new int[(last - first) * out * 3];
    for (int y = first; y < last; y++) {
      int row = y * width * 3;
      int to = (y - first) * out * 3;
      for (int o = 0; o < out; o++) {
        int[] w = t.weights()[o];
        int s0 = row + 3 * t.start()[o];
        int r = 1 << (PRECISION - 1); // PIL's 8-bit accumulators are 32-bit ints too
        int g = r;
        int b = r;
        for (int i = 0; i < w.length; i++) {
          int s = s0 + 3 * i;
          r += src[s] * w[i];
          g += src[s + 1] * w[i];
          b += src[s + 2] * w[i];
        }
        dst[to + 3 * o] = clamp(r);
        dst[to + 3 * o + 1] = clamp(g);
        dst[to + 3 * o + 2] = clamp(b);
      }
    }
    return dst;
  }

  /** Resampled along y from rows that start at source row {@code first}; rounded to 8 bits. */
  private static RgbImage verticalPass(int[] src, int width, int first, Taps t) {
    int out = t.start().length;
    int stride = width * 3;
    float[] dst = new float[out * stride];
    int[] acc = new int[stride];
    for (int o = 0; o < out; o++) {
      int[] w = t.weights()[o];
      java.util.Arrays.fill(acc, 1 << (PRECISION - 1));
      int s0 = (t.start()[o] - first) * stride;
      for (int i = 0; i < w.length; i++) { // row by row: the source is read in memory order
        int row = s0 + i * stride;
        int wi = w[i];
        for (int x = 0; x < stride; x++) {
          acc[x] += src[row + x] * wi;
        }
      }
      for (int x = 0; x < stride; x++) {
        dst[o * stride + x] = clamp(acc[x]);
      }
    }
    return new RgbImage(width, out, dst);
  }

  private static int clamp(int acc) {
    return Math.min(Math.max(acc >> PRECISION, 0), 255);
  }

  private static float px(RgbImage im, int x, int y, int c) {
    return im.rgb()[3 * (y * im.width() + x) + c];
  }
}
