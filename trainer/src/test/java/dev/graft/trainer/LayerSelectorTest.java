package dev.graft.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LayerSelectorTest {
  private static final List<String> NAMES =
      List.of("dense", "dense_1", "dense_2", "dropout", "dense_3");

  @Test
  void indicesRangesNamesAndPatterns() {
    assertEquals(Set.of(0, 4), LayerSelector.of("0,4").select(NAMES));
    assertEquals(Set.of(1, 2, 3), LayerSelector.of("1-3").select(NAMES));
    assertEquals(Set.of(3), LayerSelector.of("dropout").select(NAMES));
    assertEquals(Set.of(0, 1, 2), LayerSelector.of("dense(_1|_2)?").select(NAMES));
  }

  @Test
  void aSelectionThatMatchesNothingIsAnError() {
    GraftException e =
        assertThrows(GraftException.class, () -> LayerSelector.of("dense_9").select(NAMES));
    assertTrue(e.getMessage().contains("0:dense"), e.getMessage());
    assertThrows(GraftException.class, () -> LayerSelector.of("7").select(NAMES));
    assertThrows(GraftException.class, () -> LayerSelector.of("dense(").select(NAMES));
  }
}
