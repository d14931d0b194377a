package dev.graft.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The oracle is ONNX's own test data (Debian package libonnx-testdata): every model.onnx must parse
 * with graft's schema, leave no field unknown to it, and re-serialize to an equal model.
 */
class OnnxTestDataParseTest {
  static final Path DATA = Path.of("/usr/share/libonnx-testdata/data");

  @Test
  void everyModelParsesAndRoundTrips() throws IOException {
    assumeTrue(
        Files.isDirectory(DATA),
        "skipped: " + DATA + " missing (apt-get install libonnx-testdata)");
    List<Path> models;
    try (Stream<Path> s = Files.walk(DATA)) {
      models = s.filter(p -> p.getFileName().toString().equals("model.onnx")).sorted().toList();
    }
    List<String> problems = new ArrayList<>();
    for (Path file : models) {
      byte[] bytes = Files.readAllBytes(file);
      ModelProto model = ModelProto.parseFrom(bytes);
      List<String> unknown = new ArrayList<>();
      collectUnknown(model, "model", unknown);
      if (!unknown.isEmpty()) {
        problems.add(file + ": fields unknown to graft's schema at " + unknown);
      }
      ModelProto again = ModelProto.parseFrom(model.toByteArray());
      if (!model.equals(again)) {
        problems.add(file + ": differs after a round trip");
      }
      if (model.getGraph().getNodeCount() == 0 && model.getFunctionsCount() == 0) {
        problems.add(file + ": parsed to an empty graph");
      }
    }
    System.out.printf(
        "libonnx-testdata: %d model.onnx files parsed and round-tripped%n", models.size());
    assertTrue(models.size() > 1000, "expected ONNX's full test data, found " + models.size());
    assertEquals(List.of(), problems);
  }

  /** Every (sub)message with fields the schema does not declare, by path. */
  static void collectUnknown(Message m, String path, List<String> out) {
    if (!m.getUnknownFields().asMap().isEmpty()) {
      out.add(path + m.getUnknownFields().asMap().keySet());
    }
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      if (e.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
        continue;
      }
      String sub = path + "." + e.getKey().getName();
      if (e.getKey().isRepeated()) {
        for (Object o : (List<?>) e.getValue()) {
          collectUnknown((Message) o, sub, out);
        }
      } else {
        collectUnknown((Message) e.getValue(), sub, out);
      }
    }
  }
}
