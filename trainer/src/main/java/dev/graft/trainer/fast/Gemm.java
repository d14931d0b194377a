package dev.graft.trainer.fast;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasColMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * c = op(a) op(b) for 2-D float arrays, straight through OpenBLAS's cblas_sgemm: the function
 * ND4J's matmul ends in, called with the arguments libnd4j 1.0.0-M2.1's MmulHelper::mmulMxM derives
 * from the arrays' strides. ND4J's path adds an op context and shape checks: about 6 us a product,
 * a fifth of model A's matrix time at batch 32 (measured). Arrays BLAS cannot take as they are go
 * through ND4J.
 */
final class Gemm {
  private Gemm() {}

  /**
   * As DL4J's {@code mmuli}, a row-major c is computed into a column-major temporary and copied:
   * OpenBLAS's rounding depends on the layouts it is given (at small sizes), so graft's products
   * match DL4J's bit for bit only for the same layouts.
   */
  static void multiply(INDArray a, boolean transposeA, INDArray b, boolean transposeB, INDArray c) {
    if (c.rank() == 2 && c.ordering() == 'c' && c.size(0) > 1 && c.size(1) > 1) {
      INDArray columnMajor = Nd4j.createUninitialized(c.dataType(), c.shape(), 'f');
      multiply(a, transposeA, b, transposeB, columnMajor);
      c.assign(columnMajor);
      columnMajor.close(); // freed now: with pointer GC off nothing else would
    } else if (!direct(a, transposeA, b, transposeB, c)) {
      Nd4j.gemm(a, b, c, transposeA, transposeB, 1.0, 0.0);
    }
  }

  private static boolean direct(INDArray a, boolean ta, INDArray b, boolean tb, INDArray c) {
    if (!plainFloatMatrix(a) || !plainFloatMatrix(b) || !plainFloatMatrix(c)) {
      return false;
    }
    long m = a.size(ta ? 1 : 0);
    long k = a.size(ta ? 0 : 1);
    long n = b.size(tb ? 0 : 1);
    if (b.size(tb ? 1 : 0) != k || c.size(0) != m || c.size(1) != n) {
      throw new IllegalArgumentException(
          "matrix product of shapes that do not fit: "
              + java.util.Arrays.toString(a.shape())
              + (ta ? "^T" : "")
              + " x "
              + java.util.Arrays.toString(b.shape())
              + (tb ? "^T" : "")
              + " -> "
              + java.util.Arrays.toString(c.shape()));
    }
    // Strides of op(a), op(b) and c along their (rows, columns).
    long a0 = a.stride(ta ? 1 : 0);
    long a1 = a.stride(ta ? 0 : 1);
    long b0 = b.stride(tb ? 1 : 0);
    long b1 = b.stride(tb ? 0 : 1);
    long c0 = c.stride(0);
    long c1 = c.stride(1);
    boolean aM = m == 1 || a0 == 1;
    boolean aK = k == 1 || a1 == 1;
    boolean bK = k == 1 || b0 == 1;
    boolean bN = n == 1 || b1 == 1;
    boolean cM = m == 1 || c0 == 1;
    boolean cN = n == 1 || c1 == 1;
    if (!aM && !aK
        || !bK && !bN
        || !cM && !cN
        || m > Integer.MAX_VALUE
        || n > Integer.MAX_VALUE
        || k > Integer.MAX_VALUE) {
      return false; // libnd4j would copy such an array first
    }
    // As MmulHelper::mmulMxM: the result's layout picks the order, each operand's the transpose.
    boolean transA = !aM && cM || aM && !cM;
    boolean transB = !bK && cM || bK && !cM;
    long lda = aM && aK ? m : !aM ? a0 : a1;
    long ldb = bK && bN ? k : !bK ? b0 : b1;
    long ldc = cM && cN ? m : !cM ? c0 : c1;
    openblas_nolapack.cblas_sgemm(
        cM ? CblasColMajor : CblasRowMajor,
        transA ? CblasTrans : CblasNoTrans,
        transB ? CblasTrans : CblasNoTrans,
        (int) m,
        (int) n,
        (int) k,
        1f,
        pointer(a),
        (int) lda,
        pointer(b),
        (int) ldb,
        0f,
        pointer(c),
        (int) ldc);
    return true;
  }

  private static boolean plainFloatMatrix(INDArray x) {
    return x.dataType() == DataType.FLOAT && x.rank() == 2 && !x.isEmpty() && x.length() > 0;
  }

  /** The address of the array's first element (a view's data buffer starts at the view). */
  private static FloatPointer pointer(INDArray x) {
    return (FloatPointer) x.data().addressPointer();
  }
}
