package dev.graft.spark;

import dev.graft.GraftException;
import java.io.Serializable;

/**
 * How a job runs its model on the executors, for every graft spark job: examples per ONNX Runtime
 * call, whether unreadable images are left out (and counted) rather than stopping the job, and the
 * device each executor's session uses ({@code cpu}, {@code cuda[:ID]} through ONNX Runtime's CUDA
 * provider where the executors have it - a build with {@code -Pcuda} - or {@code auto}).
 */
public record RunOptions(int batchSize, boolean skipBad, String device) implements Serializable {
  public RunOptions {
    if (batchSize < 1) {
      throw GraftException.usage("batchSize must be at least 1");
    }
  }

  public static RunOptions defaults() {
    return new RunOptions(64, false, "cpu");
  }
}
