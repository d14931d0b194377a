package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PredictionTest {
  @Test
  void aSingleSigmoidWithTwoNamesReadsAsBothClasses() {
    Prediction p = new Prediction(new float[] {0.8f}, new long[] {1}, List.of("cat", "dog"));
    assertEquals("dog", p.best().name());
    assertEquals(0.8f, p.best().probability());
    assertEquals(0.2f, p.classes().get(0).probability(), 1e-7);
  }

  @Test
  void classesWithoutNamesAreNamedByIndexAndRankedByProbability() {
    Prediction p = new Prediction(new float[] {0.1f, 0.7f, 0.2f}, new long[] {3}, List.of());
    assertEquals(List.of("1", "2"), p.top(2).stream().map(Prediction.Scored::name).toList());
    assertEquals(1, p.best().index());
  }

  @Test
  void theShapeHoldsTheValuesAndIsCopied() {
    long[] shape = {2, 3};
    Prediction p = new Prediction(new float[6], shape, List.of());
    shape[0] = 7;
    assertArrayEquals(new long[] {2, 3}, p.shape());
    assertThrows(
        IllegalArgumentException.class,
        () -> new Prediction(new float[5], new long[] {2, 3}, List.of()));
  }
}
