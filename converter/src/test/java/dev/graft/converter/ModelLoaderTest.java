package dev.graft.converter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The time bound on reading a model: past it the caller gets an error, not a hang. */
class ModelLoaderTest {
  @Test
  void aReadThatTakesLongerThanTheBoundIsRefused() {
    Path model = SharedModels.require("keras2/chapter11/my_model_A__keras-2.9.0.h5");
    GraftException e =
        assertThrows(GraftException.class, () -> ModelLoader.load(model, Duration.ofMillis(1)));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("took longer than"), e.getMessage());
    assertEquals(8, ModelLoader.load(model, Duration.ofSeconds(120)).outputSize());
  }

  @Test
  void errorsOfTheWorkerThreadReachTheCallerUnchanged() {
    GraftException e =
        assertThrows(GraftException.class, () -> ModelLoader.load(Path.of("no-such-model.h5")));
    assertEquals(GraftException.Kind.BAD_INPUT, e.kind());
    assertTrue(e.getMessage().contains("no-such-model.h5"), e.getMessage());
  }
}
