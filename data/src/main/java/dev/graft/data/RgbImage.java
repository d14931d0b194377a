package dev.graft.data;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;

/**
 * An image as RGB values 0-255 in float, row-major, channels last ([height][width][3]), the layout
 * Keras and PIL use.
 */
public record RgbImage(int width, int height, float[] rgb) {

  /** The RGB channels of any decoded image (alpha dropped, grey and palette expanded). */
  public static RgbImage of(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    float[] rgb = new float[w * h * 3];
    if (standardBgr(image)) {
      // the decoder's own bytes (B, G, R per pixel): getRGB converts pixel by pixel, 3x slower
      byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      for (int i = 0; i < w * h; i++) {
        rgb[3 * i] = bgr[3 * i + 2] & 0xff;
        rgb[3 * i + 1] = bgr[3 * i + 1] & 0xff;
        rgb[3 * i + 2] = bgr[3 * i] & 0xff;
      }
      return new RgbImage(w, h, rgb);
    }
    int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
    for (int i = 0; i < argb.length; i++) {
      rgb[3 * i] = (argb[i] >> 16) & 0xff;
      rgb[3 * i + 1] = (argb[i] >> 8) & 0xff;
      rgb[3 * i + 2] = argb[i] & 0xff;
    }
    return new RgbImage(w, h, rgb);
  }

  /** A plain TYPE_3BYTE_BGR image in sRGB whose raster is its whole, unshared buffer. */
  private static boolean standardBgr(BufferedImage image) {
    var raster = image.getRaster();
    return image.getType() == BufferedImage.TYPE_3BYTE_BGR
        && image.getColorModel().getColorSpace().isCS_sRGB()
        && raster.getDataBuffer() instanceof DataBufferByte buffer
        && buffer.getNumBanks() == 1
        && buffer.getOffset() == 0
        && raster.getSampleModelTranslateX() == 0
        && raster.getSampleModelTranslateY() == 0
        && raster.getSampleModel() instanceof PixelInterleavedSampleModel m
        && m.getPixelStride() == 3
        && m.getScanlineStride() == 3 * image.getWidth()
        && java.util.Arrays.equals(m.getBandOffsets(), new int[] {2, 1, 0})
        && buffer.getData().length == 3 * image.getWidth() * image.getHeight();
  }

  /** Turned upright by an EXIF orientation (1 = as stored ... 8), as PIL's exif_transpose. */
  RgbImage oriented(int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return this;
    }
    boolean swap = orientation >= 5;
    int ow = swap ? height : width;
    int oh = swap ? width : height;
    float[] out = new float[rgb.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        // the stored pixel that lands at (x, y) of the upright image
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> {
            sx = width - 1 - x;
            sy = y;
          }
          case 3 -> {
            sx = width - 1 - x;
            sy = height - 1 - y;
          }
          case 4 -> {
            sx = x;
            sy = height - 1 - y;
          }
          case 5 -> {
            sx = y;
            sy = x;
          }
          case 6 -> {
            sx = y;
            sy = height - 1 - x;
          }
          case 7 -> {
            sx = width - 1 - y;
            sy = height - 1 - x;
          }
          default -> {
            sx = width - 1 - y;
            sy = x;
          }
        }
        System.arraycopy(rgb, 3 * (sy * width + sx), out, 3 * (y * ow + x), 3);
      }
    }
    return new RgbImage(ow, oh, out);
  }
}
