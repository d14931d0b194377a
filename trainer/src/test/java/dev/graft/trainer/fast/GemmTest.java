package dev.graft.trainer.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The oracle is ND4J's own matrix product: graft's direct BLAS call gives the same bits for every
 * layout.
 */
class GemmTest {
  private static final char[] ORDERS = {'c', 'f'};

  @Test
  void everyLayoutAndTransposeEqualsNd4jBitForBit() {
    Nd4j.getRandom().setSeed(1);
    int cases = 0;
    for (int[] mkn : new int[][] {{32, 784, 300}, {7, 5, 3}, {1, 9, 4}, {6, 1, 5}, {8, 3, 1}}) {
      int m = mkn[0];
      int k = mkn[1];
      int n = mkn[2];
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          for (char ao : ORDERS) {
            for (char bo : ORDERS) {
              for (char co : ORDERS) {
                INDArray a = Nd4j.rand(DataType.FLOAT, ao, ta ? k : m, ta ? m : k).subi(0.5);
                INDArray b = Nd4j.rand(DataType.FLOAT, bo, tb ? n : k, tb ? k : n).subi(0.5);
                INDArray expected =
                    Nd4j.gemm(
                        a,
                        b,
                        Nd4j.create(DataType.FLOAT, new long[] {m, n}, 'f'),
                        ta,
                        tb,
                        1.0,
                        0.0);
                INDArray c = Nd4j.create(DataType.FLOAT, new long[] {m, n}, co);
                Gemm.multiply(a, ta, b, tb, c);
                assertArrayEquals(
                    flat(expected),
                    flat(c),
                    0f,
                    m + "x" + k + "x" + n + " " + ta + tb + ao + bo + co);
                cases++;
              }
            }
          }
        }
      }
    }
    assertEquals(5 * 4 * 8, cases);
  }

  @Test
  void viewsWithAnOffsetAreReadWhereTheyStart() {
    Nd4j.getRandom().setSeed(2);
    INDArray all = Nd4j.rand(DataType.FLOAT, 'c', 100, 20);
    INDArray batch =
        all.get(NDArrayIndex.interval(64, 96), NDArrayIndex.all()); // as the trainer slices batches
    INDArray w = Nd4j.rand(DataType.FLOAT, 'f', 20, 10);
    INDArray expected = batch.dup().mmul(w);
    INDArray c = Nd4j.create(DataType.FLOAT, new long[] {32, 10}, 'c');
    Gemm.multiply(batch, false, w, false, c);
    assertArrayEquals(flat(expected), flat(c), 0f);
    INDArray columns =
        Nd4j.rand(DataType.FLOAT, 'c', 20, 30)
            .get(NDArrayIndex.all(), NDArrayIndex.interval(5, 15));
    INDArray viaNd4j = batch.dup().mmul(columns.dup());
    Gemm.multiply(batch, false, columns, false, c);
    assertArrayEquals(flat(viaNd4j), flat(c), 0f);
  }

  private static float[] flat(INDArray x) {
    return x.dup('c').reshape(x.length()).toFloatVector();
  }
}
