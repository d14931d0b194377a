package dev.graft.converter.onnx.importer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.GraftException;
import dev.graft.converter.Network;
import dev.graft.onnx.ModelProto;
import dev.graft.onnx.NodeProto;
import dev.graft.onnx.TensorProto;
import dev.graft.onnx.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * ONNX's own operator and model tests (Debian's libonnx-testdata: node, pytorch-converted,
 * pytorch-operator, simple): every case at opset 7 or later whose operators are all supported is
 * imported, its extra graph inputs (the weights, in operator tests) taken as constants from the
 * recorded inputs, and run by DL4J on its first input. An imported case must reproduce the recorded
 * output within ONNX's backend-test tolerance (rtol 1e-3, atol 1e-7); one that cannot be imported
 * must be refused with a graft error. Prints the coverage table the README carries.
 */
class OnnxTestDataTest {
  static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");
  static final List<String> SUITES =
      List.of("node", "pytorch-converted", "pytorch-operator", "simple");

  /** Cases that import and match today: a floor, so that a regression fails the build. */
  static final int MIN_PASSED = 71;

  record Outcome(String suite, String name, Set<String> ops, String result) {}

  @Test
  void supportedCasesReproduceTheirRecordedOutputs() throws IOException {
    Assumptions.assumeTrue(
        Files.isDirectory(DATA), DATA + " missing: install Debian's libonnx-testdata");
    List<Outcome> outcomes = new ArrayList<>();
    for (String suite : SUITES) {
      try (Stream<Path> cases = Files.list(DATA.resolve(suite))) {
        for (Path dir : cases.sorted().toList()) {
          Path model = dir.resolve("model.onnx");
          Path data = dir.resolve("test_data_set_0");
          if (!Files.isRegularFile(model) || !Files.isDirectory(data)) {
            continue;
          }
          ModelProto proto = ModelProto.parseFrom(Files.readAllBytes(model));
          Set<String> ops = new TreeSet<>();
          proto.getGraph().getNodeList().stream().map(NodeProto::getOpType).forEach(ops::add);
          if (!NodeTranslator.SUPPORTED.containsAll(ops)
              || ops.isEmpty()
              || opset(proto) < OnnxImporter.MIN_OPSET) {
            continue; // outside what graft imports: operators it lacks, or opsets before 7
          }
          outcomes.add(
              new Outcome(
                  suite, dir.getFileName().toString(), ops, run(proto, data, dir.toString())));
        }
      }
    }
    report(outcomes);
    List<String> wrong =
        outcomes.stream()
            .filter(o -> o.result().startsWith("WRONG") || o.result().startsWith("CRASH"))
            .map(o -> o.suite() + "/" + o.name() + ": " + o.result())
            .toList();
    assertTrue(
        wrong.isEmpty(),
        "imported cases with wrong outputs or non-graft errors:\n" + String.join("\n", wrong));
    long passed = outcomes.stream().filter(o -> o.result().equals("passed")).count();
    assertTrue(
        passed >= MIN_PASSED, passed + " cases passed, fewer than the " + MIN_PASSED + " that did");
  }

  private static long opset(ModelProto proto) {
    return proto.getOpsetImportList().stream()
        .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
        .mapToLong(o -> o.getVersion())
        .max()
        .orElse(0);
  }

  private static String run(ModelProto proto, Path data, String label) throws IOException {
    Map<String, TensorProto> constants = new HashMap<>();
    List<ValueInfoProto> inputs = new ArrayList<>();
    Set<String> initializers = new TreeSet<>();
    proto.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    proto.getGraph().getInputList().stream()
        .filter(i -> !initializers.contains(i.getName()))
        .forEach(inputs::add);
    for (int i = 1; i < inputs.size(); i++) {
      Path pb = data.resolve("input_" + i + ".pb");
      if (!Files.exists(pb)) {
        return "skipped (input " + i + " not recorded)";
      }
      TensorProto t = TensorProto.parseFrom(Files.readAllBytes(pb));
      constants.put(
          inputs.get(i).getName(), t.toBuilder().setName(inputs.get(i).getName()).build());
    }
    Path in0 = data.resolve("input_0.pb");
    Path out0 = data.resolve("output_0.pb");
    if (!Files.exists(in0) || !Files.exists(out0)) {
      return "skipped (no recorded input or output)";
    }
    Network network;
    try {
      network = OnnxImporter.importModel(proto, null, label, constants, "");
    } catch (GraftException e) {
      return "refused: " + e.getMessage().replace(label + ": ", "");
    } catch (RuntimeException | StackOverflowError e) {
      return "CRASH on import: " + e;
    }
    INDArray x;
    INDArray expected;
    try {
      x =
          OnnxTensors.read(TensorProto.parseFrom(Files.readAllBytes(in0)), null, label)
              .castTo(DataType.FLOAT);
      expected =
          OnnxTensors.read(TensorProto.parseFrom(Files.readAllBytes(out0)), null, label)
              .castTo(DataType.FLOAT);
    } catch (GraftException e) {
      return "refused: recorded data " + e.getMessage().replace(label + ": ", "");
    }
    INDArray actual;
    try {
      actual = network.output(x);
    } catch (RuntimeException e) {
      return "refused at run time: " + e.getClass().getSimpleName();
    }
    if (actual.length() != expected.length()) {
      return "WRONG shape: "
          + java.util.Arrays.toString(actual.shape())
          + " vs "
          + java.util.Arrays.toString(expected.shape());
    }
    float[] a = actual.dup('c').data().asFloat();
    float[] e = expected.dup('c').data().asFloat();
    for (int i = 0; i < a.length; i++) {
      if (!(Math.abs(a[i] - e[i]) <= 1e-7 + 1e-3 * Math.abs(e[i]))) {
        return "WRONG at " + i + ": " + a[i] + " vs " + e[i];
      }
    }
    return "passed";
  }

  private static void report(List<Outcome> outcomes) {
    Map<String, int[]> byOp = new TreeMap<>();
    for (Outcome o : outcomes) {
      for (String op : o.ops()) {
        int[] c = byOp.computeIfAbsent(op, k -> new int[2]);
        c[1]++;
        if (o.result().equals("passed")) {
          c[0]++;
        }
      }
    }
    StringBuilder sb =
        new StringBuilder(
            "ONNX test data (libonnx-testdata): supported operator -> cases passed / attempted\n");
    sb.append("| operator | passed / attempted |\n| --- | --- |\n");
    byOp.forEach((op, c) -> sb.append(String.format("| %s | %d / %d |%n", op, c[0], c[1])));
    long passed = outcomes.stream().filter(o -> o.result().equals("passed")).count();
    sb.append(String.format("total: %d of %d cases passed%n", passed, outcomes.size()));
    outcomes.stream()
        .filter(o -> !o.result().equals("passed"))
        .forEach(
            o ->
                sb.append("  ")
                    .append(o.suite())
                    .append('/')
                    .append(o.name())
                    .append(": ")
                    .append(o.result())
                    .append('\n'));
    System.out.print(sb);
  }
}
