package dev.graft.data;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import dev.graft.GraftException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an image file (PNG, JPEG incl. CMYK, BMP, GIF, WebP: by content) to RGB pixels as {@link
 * RgbImage}: EXIF orientation applied, palette, grey, 16-bit and alpha images converted (alpha
 * dropped, as PIL's convert("RGB") and Keras's decode_image do). The declared size is checked
 * before any pixel is decoded: a file that claims absurd dimensions (a decompression bomb) is
 * refused.
 */
public final class ImageDecoder {
  /** Largest image decoded, in pixels (a 100-megapixel photo). */
  public static final long MAX_PIXELS = 100_000_000L;

  private ImageDecoder() {}

  /** Largest image file read, in bytes. */
  public static final long MAX_FILE_BYTES = 1L << 30;

  public static RgbImage read(Path file) {
    byte[] bytes;
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        throw GraftException.badInput(
            file + ": " + size + " bytes, more than an image graft reads (" + MAX_FILE_BYTES + ")");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw GraftException.badInput(file + ": cannot read: " + e.getMessage(), e);
    }
    return decode(bytes, file.toString());
  }

  /**
   * An image held in memory (a Spark row, an upload); {@code file} names it in messages. Read once:
   * the EXIF orientation comes from the same bytes.
   */
  public static RgbImage decode(byte[] bytes, String file) {
    try {
      String format = ImageFormats.sniff(bytes, bytes.length);
      if (format == null) {
        throw GraftException.badInput(
            file + ": not an image graft reads (PNG, JPEG, BMP, GIF or WebP, by content)");
      }
      BufferedImage image;
      try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
          throw GraftException.badInput(file + ": no decoder for this " + format + " image");
        }
        ImageReader reader = readers.next();
        try {
          reader.setInput(in, true, true);
          long w = reader.getWidth(0);
          long h = reader.getHeight(0);
          if (w < 1 || h < 1 || w * h > MAX_PIXELS) {
            throw GraftException.badInput(
                file
                    + ": declares "
                    + w
                    + "x"
                    + h
                    + " pixels (more than "
                    + MAX_PIXELS
                    + "): refused before decoding");
          }
          // A truncated JPEG or PNG decodes "successfully" with the missing rows left grey; the
          // readers say so only through a warning (PIL raises "image file is truncated").
          List<String> warnings = new ArrayList<>();
          reader.addIIOReadWarningListener(
              (source, warning) -> {
                String said = warning.toLowerCase(java.util.Locale.ROOT);
                if (said.contains("truncated") || said.contains("premature end")) {
                  warnings.add(warning); // other warnings (extraneous bytes) PIL tolerates too
                }
              });
          image = reader.read(0);
          if (!warnings.isEmpty()) {
            throw GraftException.badInput(
                file + ": corrupt or truncated image (" + warnings.get(0) + ")");
          }
        } finally {
          reader.dispose();
        }
      }
      int orientation = format.equals("jpeg") ? exifOrientation(bytes) : 1;
      return RgbImage.of(image).oriented(orientation);
    } catch (GraftException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw GraftException.badInput(
          file + ": corrupt or truncated image (" + e.getClass().getSimpleName() + ")", e);
    }
  }

  /** EXIF orientation 1-8 of a JPEG (1 when it has none or it cannot be read). */
  static int exifOrientation(byte[] jpeg) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
      List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
      if (exif.isEmpty()) {
        return 1;
      }
      InputStream data = exif.get(0).data();
      // "Exif\0" is the segment's identifier; a pad byte may follow it
      data.mark(1);
      if (data.read() != 0) {
        data.reset();
      }
      Directory dir = new TIFFReader().read(ImageIO.createImageInputStream(data));
      Entry o = dir.getEntryById(TIFF.TAG_ORIENTATION);
      int value = o == null ? 1 : ((Number) o.getValue()).intValue();
      return value >= 1 && value <= 8 ? value : 1;
    } catch (IOException | RuntimeException e) {
      return 1; // unreadable EXIF: the pixels as stored, as PIL's exif_transpose leaves them
    }
  }
}
