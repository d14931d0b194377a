package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.onnx.ModelProto;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ONNX Runtime is the oracle: the halves, run one after the other, compute what the whole does. */
class GraphCutTest {
  static final float[] X = {-2f, -0.5f, 0.5f, 2f, 1f, -1f, 3f, 0f};

  static float[] run(ModelProto m, float[] x, int n) {
    try (OnnxModel model = OnnxModel.load(m.toByteArray(), ModelOptions.defaults())) {
      return model.predict(x, n);
    }
  }

  @Test
  void halvesComposeToTheWhole() {
    ModelProto chain = TinyModels.chain();
    float[] whole = run(chain, X, 2);
    for (String cut : List.of("relu", "sigmoid")) {
      GraphCut.Halves h = GraphCut.cut(chain, cut);
      assertArrayEquals(whole, run(h.rest(), run(h.trunk(), X, 2), 2), 1e-7f);
      assertArrayEquals(whole, run(GraphStitch.stitch(h.trunk(), h.rest(), "head/"), X, 2), 1e-7f);
    }
    // Relu then Sigmoid then Tanh, by hand.
    assertEquals(Math.tanh(1 / (1 + Math.exp(-2.0))), whole[3], 1e-6);
  }

  @Test
  void onlySeparatingTensorsAreCutPoints() {
    assertEquals(List.of("relu", "sigmoid"), GraphCut.cutPoints(TinyModels.chain()));
    ModelProto residual = TinyModels.residual();
    assertEquals(List.of("c"), GraphCut.cutPoints(residual));
    GraftException e = assertThrows(GraftException.class, () -> GraphCut.cut(residual, "a"));
    assertTrue(
        e.getMessage().contains("does not separate") && e.getMessage().contains("'x'"),
        e.getMessage());
    GraftException unknown =
        assertThrows(GraftException.class, () -> GraphCut.cut(residual, "nope"));
    assertTrue(unknown.getMessage().contains("valid cut points: c"), unknown.getMessage());
  }
}
