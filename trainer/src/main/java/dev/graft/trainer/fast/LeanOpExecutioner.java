package dev.graft.trainer.fast;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.shape.TadPack;
import org.nd4j.linalg.cpu.nativecpu.ops.NativeOpExecutioner;

/**
 * ND4J's CPU executioner, minus the native allocations it makes on every call. Stock ND4J
 * 1.0.0-M2.1 builds a new shape-information buffer for every array object (views included), new TAD
 * buffers for every broadcast or reduction, and a new native op context for every custom op
 * (matmul, selu_bp, ...), and frees them only through JavaCPP's pointer GC: with the GC off, which
 * is what makes ND4J fast, they are never freed. Shape and TAD buffers are constants on the native
 * side (libnd4j caches them), so their Java wrappers are cached here too; op contexts are freed
 * when the executioner closes them. Results are bit-identical to the stock executioner.
 */
public class LeanOpExecutioner extends NativeOpExecutioner {
  /**
   * Past this many distinct shapes the caches stop growing (libnd4j keeps its own copies anyway).
   */
  private static final int MAX_ENTRIES = 100_000;

  private final Map<Key, DataBuffer> shapes = new ConcurrentHashMap<>();
  private final Map<Key, TadPack> tads = new ConcurrentHashMap<>();

  @Override
  public DataBuffer createShapeInfo(
      long[] shape, long[] stride, long ews, char order, DataType type, boolean empty) {
    Key key = Key.of(shape, stride, new long[] {ews, order, type.ordinal(), empty ? 1 : 0, 0});
    return cached(shapes, key, () -> super.createShapeInfo(shape, stride, ews, order, type, empty));
  }

  @Override
  public DataBuffer createShapeInfo(
      long[] shape, long[] stride, long ews, char order, DataType type, long extras) {
    Key key = Key.of(shape, stride, new long[] {ews, order, type.ordinal(), extras, 1});
    return cached(
        shapes, key, () -> super.createShapeInfo(shape, stride, ews, order, type, extras));
  }

  @Override
  public TadPack tadShapeInfoAndOffsets(INDArray array, int[] dimension) {
    long[] dims = Arrays.stream(dimension).asLongStream().toArray();
    Key key = Key.of(array.shapeInfoJava(), dims, new long[0]);
    return cached(tads, key, () -> super.tadShapeInfoAndOffsets(array, dimension));
  }

  @Override
  public OpContext buildContext() {
    return new ClosingOpContext();
  }

  private static <V> V cached(Map<Key, V> cache, Key key, Supplier<V> make) {
    V value = cache.get(key);
    if (value != null) {
      return value;
    }
    value = make.get();
    if (cache.size() < MAX_ENTRIES) {
      cache.putIfAbsent(key, value);
    }
    return value;
  }

  /** Three long arrays as one map key, compared by content. */
  private record Key(long[] values, int hash) {
    static Key of(long[] a, long[] b, long[] c) {
      long[] all = new long[a.length + b.length + c.length + 2];
      all[0] = a.length;
      all[1] = b.length;
      System.arraycopy(a, 0, all, 2, a.length);
      System.arraycopy(b, 0, all, 2 + a.length, b.length);
      System.arraycopy(c, 0, all, 2 + a.length + b.length, c.length);
      return new Key(all, Arrays.hashCode(all));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.hash == hash && Arrays.equals(k.values, values);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
