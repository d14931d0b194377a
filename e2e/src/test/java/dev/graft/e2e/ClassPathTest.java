package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime and ND4J in one JVM launched with the CLI's full class path (well over the ~3,500
 * characters at which ONNX Runtime 1.29.0 killed the JVM): if the pinned version ever changes to
 * one with that crash, this fails instead of the users' services.
 */
class ClassPathTest {
  @Test
  void onnxRuntimeAndNd4jShareAJvmWithTheFullClassPath() throws Exception {
    String classPath = GraftJvm.classPath();
    assertTrue(classPath.length() > 3_500, "class path only " + classPath.length() + " characters");
    ProcessBuilder pb = GraftJvm.builder(ClassPathProbe.class.getName());
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe hung");
    assertEquals(0, p.exitValue(), "probe JVM died (exit " + p.exitValue() + "):\n" + output);
    // [[1,2],[3,4]]^2 = [[7,10],[15,22]]; Relu(-1, 2, -3, 4) = (0, 2, 0, 4).
    assertTrue(output.contains("nd4j 22.0 onnxruntime 0.0 2.0 0.0 4.0"), output);
  }
}
