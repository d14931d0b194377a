package dev.graft.data;

import dev.graft.GraftException;
import java.util.Locale;

/**
 * How an image becomes a model's input: resized to the model's size, then scaled. Stored with every
 * model graft writes and applied again by eval and predict, so the user states it once.
 *
 * @param resize {@code stretch} (Keras's bilinear to the model's size), {@code crop} (centre crop
 *     and Lanczos, as Teachable Machine's snippet and PIL's ImageOps.fit)
 * @param scale {@code unit} x/255, {@code tf} x/127.5-1, {@code torch} x/255 then ImageNet
 *     mean/std, {@code caffe} BGR minus ImageNet means, {@code none} 0-255 as they are (the model
 *     rescales itself)
 */
public record Preprocessing(String resize, String scale, int width, int height, int channels)
    implements java.io.Serializable {
  private static final double[] MEAN = {0.485, 0.456, 0.406};
  private static final double[] STD = {0.229, 0.224, 0.225};
  private static final double[] CAFFE_BGR_MEAN = {103.939, 116.779, 123.68};

  public Preprocessing {
    resize = resize.toLowerCase(Locale.ROOT);
    scale = scale.toLowerCase(Locale.ROOT);
    if (!resize.equals("stretch") && !resize.equals("crop")) {
      throw new IllegalArgumentException("resize: stretch or crop, not " + resize);
    }
    if (!java.util.List.of("unit", "tf", "torch", "caffe", "none").contains(scale)) {
      throw new IllegalArgumentException("scale: unit, tf, torch, caffe or none, not " + scale);
    }
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("images have 1 or 3 channels, not " + channels);
    }
  }

  /** Teachable Machine's own convention: centre crop, Lanczos, x/127.5 - 1. */
  /**
   * How images become a model's input, from one example's shape ([h, w, c] or [c, h, w]) and the
   * preprocessing the model records ("resize+scale", or null): {@code preprocess} and {@code
   * resize} "auto" take the recorded choice, else Keras's image_dataset_from_directory defaults
   * (bilinear stretch) with x/255. {@code label} names the model in messages.
   */
  public static Preprocessing forModel(
      String label, long[] ex, String recorded, String preprocess, String resize) {
    long h;
    long w;
    long c;
    if (ex.length == 3 && (ex[2] == 1 || ex[2] == 3)) {
      h = ex[0];
      w = ex[1];
      c = ex[2];
    } else if (ex.length == 3 && (ex[0] == 1 || ex[0] == 3)) {
      c = ex[0];
      h = ex[1];
      w = ex[2];
    } else {
      throw GraftException.usage(
          label
              + " does not take images: its input is "
              + java.util.Arrays.toString(ex)
              + " per example");
    }
    String[] own = recorded != null && recorded.contains("+") ? recorded.split("\\+", 2) : null;
    String scale = preprocess.equals("auto") ? (own != null ? own[1] : "unit") : preprocess;
    String how = resize.equals("auto") ? (own != null ? own[0] : "stretch") : resize;
    try {
      return new Preprocessing(how, scale, (int) w, (int) h, (int) c);
    } catch (IllegalArgumentException e) {
      throw GraftException.usage(e.getMessage());
    }
  }

  public static Preprocessing teachableMachine(int width, int height, int channels) {
    return new Preprocessing("crop", "tf", width, height, channels);
  }

  /** How it is printed and recorded: "crop+tf 224x224x3". */
  @Override
  public String toString() {
    return resize + "+" + scale + " " + height + "x" + width + "x" + channels;
  }

  /** One model input, [height][width][channels] in float. */
  public float[] apply(RgbImage image) {
    RgbImage sized =
        resize.equals("crop")
            ? Resampler.lanczosFit(image, width, height)
            : Resampler.bilinear(image, width, height);
    float[] rgb = sized.rgb();
    int n = width * height;
    float[] out = new float[n * channels];
    for (int i = 0; i < n; i++) {
      if (channels == 1) {
        // PIL's convert("L"): ITU-R 601-2 luma
        double l = rgb[3 * i] * 0.299 + rgb[3 * i + 1] * 0.587 + rgb[3 * i + 2] * 0.114;
        out[i] = (float) scaleGrey(l);
        continue;
      }
      for (int c = 0; c < 3; c++) {
        out[3 * i + c] = (float) scaled(rgb, i, c);
      }
    }
    return out;
  }

  private double scaled(float[] rgb, int i, int c) {
    return switch (scale) {
      case "unit" -> rgb[3 * i + c] / 255.0;
      case "tf" -> rgb[3 * i + c] / 127.5 - 1;
      case "torch" -> (rgb[3 * i + c] / 255.0 - MEAN[c]) / STD[c];
      case "caffe" -> rgb[3 * i + (2 - c)] - CAFFE_BGR_MEAN[c];
      default -> rgb[3 * i + c];
    };
  }

  private double scaleGrey(double l) {
    return switch (scale) {
      case "unit" -> l / 255.0;
      case "tf" -> l / 127.5 - 1;
      case "none" -> l;
      default ->
          throw new IllegalArgumentException(scale + " scaling needs RGB images, not grey ones");
    };
  }
}
