package dev.graft.converter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Keras's Reshape is numpy's row-major reshape of each example; its gradient goes back the same
 * way.
 */
class KerasReshapePreProcessorTest {
  private final LayerWorkspaceMgr ws = LayerWorkspaceMgr.noWorkspaces();

  @Test
  void reshapesEachExampleRowMajorAndBack() {
    KerasReshapePreProcessor p =
        new KerasReshapePreProcessor(new long[] {12}, new long[] {2, 2, 3});
    INDArray x = Nd4j.arange(24).castTo(DataType.FLOAT).reshape(2, 12);
    INDArray y = p.preProcess(x, 2, ws);
    assertArrayEquals(new long[] {2, 2, 2, 3}, y.shape());
    // numpy: np.arange(24).reshape(2, 12).reshape(2, 2, 2, 3)[1, 0, 1, 2] == 12 + 0*6 + 1*3 + 2 ==
    // 17
    assertEquals(17f, y.getFloat(1, 0, 1, 2));
    assertEquals(x, p.backprop(y, 2, ws));
    assertEquals(p.targetShape().length, p.clone().targetShape().length);
  }

  @Test
  void sizesThatDoNotMatchAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new KerasReshapePreProcessor(new long[] {12}, new long[] {5, 1, 2}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new KerasReshapePreProcessor(new long[] {12}, new long[] {3, 5}));
    assertThrows(
        IllegalArgumentException.class,
        () -> new KerasReshapePreProcessor(new long[] {12}, new long[] {1, 2, 2, 3}));
  }

  @Test
  void sequenceTargetsAreTimeMajor() {
    KerasReshapePreProcessor p = new KerasReshapePreProcessor(new long[] {6}, new long[] {3, 2});
    INDArray x = Nd4j.arange(12).castTo(DataType.FLOAT).reshape(2, 6);
    INDArray y = p.preProcess(x, 2, ws);
    // numpy: np.arange(12).reshape(2, 6).reshape(2, 3, 2)[1, 2, 0] == 6 + 2*2 + 0 == 10
    assertArrayEquals(new long[] {2, 3, 2}, y.shape());
    assertEquals(10f, y.getFloat(1, 2, 0));
    assertEquals(x, p.backprop(y, 2, ws));
  }
}
