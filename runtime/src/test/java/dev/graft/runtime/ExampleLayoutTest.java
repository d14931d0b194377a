package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;

/**
 * Each value encodes its own index (example, row, column, channel), so where it lands after the
 * transposition is checked against the definition of the layouts, not against the code.
 */
class ExampleLayoutTest {
  private static float code(int e, int h, int w, int c) {
    return e * 1000 + h * 100 + w * 10 + c;
  }

  @Test
  void channelsLastExamplesAreTransposedForAChannelsFirstModel() {
    int n = 2;
    int height = 4;
    int width = 5;
    int channels = 3;
    float[] nhwc = new float[n * height * width * channels];
    int i = 0;
    for (int e = 0; e < n; e++) {
      for (int h = 0; h < height; h++) {
        for (int w = 0; w < width; w++) {
          for (int c = 0; c < channels; c++) {
            nhwc[i++] = code(e, h, w, c);
          }
        }
      }
    }
    ExampleLayout.Fitted f =
        ExampleLayout.fit(
            nhwc,
            new long[] {n, height, width, channels},
            new long[] {channels, height, width},
            "x.npy");
    assertTrue(f.note().contains("channels-last"), f.note());
    i = 0;
    for (int e = 0; e < n; e++) {
      for (int c = 0; c < channels; c++) {
        for (int h = 0; h < height; h++) {
          for (int w = 0; w < width; w++) {
            assertEquals(
                code(e, h, w, c), f.data()[i++], "NCHW element " + e + "," + c + "," + h + "," + w);
          }
        }
      }
    }
    // and back: channels-first examples for a channels-last model
    ExampleLayout.Fitted back =
        ExampleLayout.fit(
            f.data(),
            new long[] {n, channels, height, width},
            new long[] {height, width, channels},
            "y.npy");
    assertTrue(java.util.Arrays.equals(nhwc, back.data()));
  }

  @Test
  void exactShapesAndFlatRowsAreUsedAsTheyAre() {
    float[] data = new float[2 * 784];
    ExampleLayout.Fitted same =
        ExampleLayout.fit(data, new long[] {2, 28, 28}, new long[] {28, 28}, "x");
    assertSame(data, same.data());
    assertNull(same.note());
    assertSame(data, ExampleLayout.fit(data, new long[] {2, 784}, new long[] {28, 28}, "x").data());
    assertEquals(2, same.examples());
    assertSame(
        data,
        ExampleLayout.fit(data, new long[] {2, 28, 28}, new long[] {784}, "x").data(),
        "a flat model");
  }

  @Test
  void shapesThatDoNotFitAreRefused() {
    // same size, other shape: the size check alone used to accept it
    GraftException e =
        assertThrows(
            GraftException.class,
            () ->
                ExampleLayout.fit(
                    new float[2 * 784], new long[] {2, 14, 56}, new long[] {28, 28}, "x.npy"));
    assertEquals(GraftException.Kind.USAGE, e.kind());
    assertTrue(
        e.getMessage().contains("x.npy") && e.getMessage().contains("[28, 28]"), e.getMessage());
    // three axes that are no channel reordering of the model's
    assertThrows(
        GraftException.class,
        () ->
            ExampleLayout.fit(
                new float[60], new long[] {1, 4, 3, 5}, new long[] {3, 4, 5}, "x.npy"));
    assertThrows(
        GraftException.class,
        () -> ExampleLayout.fit(new float[0], new long[] {0, 3}, new long[] {3}, "x"));
  }
}
