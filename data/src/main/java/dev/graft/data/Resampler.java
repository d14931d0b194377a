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
    RgbImage horizontal = pass(in, left, left + cw, outW, true);
    return pass(horizontal, top, top + ch, outH, false);
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
   * One separable pass of PIL's resampling (ImagingResample's precompute_coeffs) over the source
   * interval [b0, b1) of one axis onto {@code out} samples.
   */
  private static RgbImage pass(RgbImage in, double b0, double b1, int out, boolean horizontal) {
    int inSize = horizontal ? in.width() : in.height();
    int other = horizontal ? in.height() : in.width();
    double scale = (b1 - b0) / out;
    double filterScale = Math.max(scale, 1.0);
    double support = 3 * filterScale;
    int ow = horizontal ? out : in.width();
    int oh = horizontal ? in.height() : out;
    float[] dst = new float[ow * oh * 3];
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
      // PIL's normalize_coeffs_8bpc: fixed point, rounded away from zero
      long[] fixed = new long[k.length];
      for (int i = 0; i < k.length; i++) {
        double v = sum == 0 ? 0 : k[i] / sum;
        fixed[i] = (long) (v < 0 ? v * (1 << PRECISION) - 0.5 : v * (1 << PRECISION) + 0.5);
      }
      for (int j = 0; j < other; j++) {
        for (int c = 0; c < 3; c++) {
          long acc = 1L << (PRECISION - 1);
          for (int i = 0; i < k.length; i++) {
            int s = xmin + i;
            acc += (long) (horizontal ? px(in, s, j, c) : px(in, j, s, c)) * fixed[i];
          }
          int at = horizontal ? 3 * (j * ow + o) + c : 3 * (o * ow + j) + c;
          dst[at] = Math.min(Math.max(acc >> PRECISION, 0), 255);
        }
      }
    }
    return new RgbImage(ow, oh, dst);
  }

  private static float px(RgbImage im, int x, int y, int c) {
    return im.rgb()[3 * (y * im.width() + x) + c];
  }
}
