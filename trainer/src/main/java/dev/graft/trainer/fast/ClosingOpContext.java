package dev.graft.trainer.fast;

import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.BooleanPointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.Deallocatable;
import org.nd4j.linalg.api.memory.Deallocator;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.BaseOpContext;
import org.nd4j.linalg.api.ops.ExecutionMode;
import org.nd4j.linalg.cpu.nativecpu.buffer.BaseCpuDataBuffer;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOps;
import org.nd4j.nativeblas.NativeOpsHolder;
import org.nd4j.nativeblas.OpaqueContext;
import org.nd4j.nativeblas.OpaqueDataBuffer;
import org.nd4j.nativeblas.OpaqueRandomGenerator;

/**
 * ND4J's CPU op context (CpuOpContext) with a {@link #close()} that frees the native context, and
 * op arguments passed through reused buffers instead of a new native array per argument list. The
 * stock class's close() does nothing and leaves both to JavaCPP's pointer GC; the executioner
 * closes every context it builds, so with the GC off this is what keeps custom ops from leaking.
 * With the GC on, whichever of close() and the GC comes first frees the context, once.
 */
final class ClosingOpContext extends BaseOpContext implements Deallocatable {
  private static final NativeOps OPS = NativeOpsHolder.getInstance().getDeviceNativeOps();

  /**
   * libnd4j copies op arguments into the context, so one native buffer per thread serves every op.
   */
  private static final ThreadLocal<ArgumentBuffers> ARGUMENTS =
      ThreadLocal.withInitial(ArgumentBuffers::new);

  private final OpaqueContext context = OPS.createGraphContext(1);
  private final AtomicBoolean freed = new AtomicBoolean();
  private final long id = Nd4j.getDeallocatorService().nextValue();

  ClosingOpContext() {
    Nd4j.getDeallocatorService().pickObject(this);
  }

  @Override
  public void close() {
    free(context, freed);
  }

  private static void free(OpaqueContext context, AtomicBoolean freed) {
    if (freed.compareAndSet(false, true)) {
      OPS.deleteGraphContext(context);
    }
  }

  @Override
  public Deallocator deallocator() {
    OpaqueContext c = context;
    AtomicBoolean f = freed;
    return () -> free(c, f); // must not hold this object, or it would never be collected
  }

  @Override
  public void setIArguments(long... arguments) {
    if (arguments.length > 0) {
      super.setIArguments(arguments);
      OPS.setGraphContextIArguments(context, ARGUMENTS.get().longs(arguments), arguments.length);
    }
  }

  @Override
  public void setBArguments(boolean... arguments) {
    if (arguments.length > 0) {
      super.setBArguments(arguments);
      OPS.setGraphContextBArguments(context, ARGUMENTS.get().booleans(arguments), arguments.length);
    }
  }

  @Override
  public void setTArguments(double... arguments) {
    if (arguments.length > 0) {
      super.setTArguments(arguments);
      OPS.setGraphContextTArguments(context, ARGUMENTS.get().doubles(arguments), arguments.length);
    }
  }

  @Override
  public void setDArguments(DataType... arguments) {
    if (arguments.length > 0) {
      super.setDArguments(arguments);
      int[] types = new int[arguments.length];
      for (int i = 0; i < arguments.length; i++) {
        types[i] = arguments[i].toInt();
      }
      OPS.setGraphContextDArguments(context, ARGUMENTS.get().ints(types), arguments.length);
    }
  }

  @Override
  public void setRngStates(long rootState, long nodeState) {
    OPS.setRandomGeneratorStates(OPS.getGraphContextRandomGenerator(context), rootState, nodeState);
  }

  @Override
  public Pair<Long, Long> getRngStates() {
    OpaqueRandomGenerator g = OPS.getGraphContextRandomGenerator(context);
    return Pair.makePair(OPS.getRandomGeneratorRootState(g), OPS.getRandomGeneratorNodeState(g));
  }

  @Override
  public void setInputArray(int index, INDArray array) {
    OPS.setGraphContextInputBuffer(
        context, index, buffer(array), array.shapeInfoDataBuffer().addressPointer(), null);
    super.setInputArray(index, array);
  }

  @Override
  public void setOutputArray(int index, INDArray array) {
    OPS.setGraphContextOutputBuffer(
        context, index, buffer(array), array.shapeInfoDataBuffer().addressPointer(), null);
    super.setOutputArray(index, array);
  }

  private static OpaqueDataBuffer buffer(INDArray array) {
    return array.isEmpty() ? null : ((BaseCpuDataBuffer) array.data()).getOpaqueDataBuffer();
  }

  @Override
  public Pointer contextPointer() {
    return context;
  }

  @Override
  public void markInplace(boolean reallyInplace) {
    OPS.markGraphContextInplace(context, reallyInplace);
  }

  @Override
  public void allowHelpers(boolean reallyAllow) {
    OPS.ctxAllowHelpers(context, reallyAllow);
  }

  @Override
  public void shapeFunctionOverride(boolean reallyOverride) {
    OPS.ctxShapeFunctionOverride(context, reallyOverride);
  }

  @Override
  public void setExecutionMode(ExecutionMode mode) {
    super.setExecutionMode(mode);
    OPS.ctxSetExecutionMode(context, mode.ordinal());
  }

  @Override
  public void purge() {
    super.purge();
    OPS.ctxPurge(context);
  }

  @Override
  public String getUniqueId() {
    return "CTX_" + id;
  }

  @Override
  public int targetDevice() {
    return 0;
  }

  /** Native arrays that grow as needed and are reused for every argument list on this thread. */
  private static final class ArgumentBuffers {
    private LongPointer longs = new LongPointer(16);
    private DoublePointer doubles = new DoublePointer(16);
    private IntPointer ints = new IntPointer(16);
    private BooleanPointer booleans = new BooleanPointer(16);

    LongPointer longs(long[] values) {
      if (longs.capacity() < values.length) {
        longs = new LongPointer(values.length);
      }
      return longs.put(values, 0, values.length);
    }

    DoublePointer doubles(double[] values) {
      if (doubles.capacity() < values.length) {
        doubles = new DoublePointer(values.length);
      }
      return doubles.put(values, 0, values.length);
    }

    IntPointer ints(int[] values) {
      if (ints.capacity() < values.length) {
        ints = new IntPointer(values.length);
      }
      return ints.put(values, 0, values.length);
    }

    BooleanPointer booleans(boolean[] values) {
      if (booleans.capacity() < values.length) {
        booleans = new BooleanPointer(values.length);
      }
      return booleans.put(values, 0, values.length);
    }
  }
}
