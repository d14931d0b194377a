package dev.graft.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java snippet in the README is compiled code: it appears (whitespace aside) in
 * samples/.../ReadmeJavaApi.java, which the build compiles, so the README cannot show an API that
 * does not exist.
 */
class ReadmeJavaSnippetsTest {
  @Test
  void everyReadmeSnippetIsInTheCompiledSample() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    String readme = Files.readString(root.resolve("README.md"));
    String sample =
        squeeze(
            Files.readString(
                root.resolve("samples/src/main/java/dev/graft/samples/ReadmeJavaApi.java")));
    Matcher m = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    List<String> snippets = new ArrayList<>();
    while (m.find()) {
      snippets.add(m.group(1));
    }
    assertTrue(
        snippets.size() >= 4, "the README's Java section has its snippets: " + snippets.size());
    for (String snippet : snippets) {
      assertTrue(sample.contains(squeeze(snippet)), "not in ReadmeJavaApi.java:\n" + snippet);
    }
  }

  private static String squeeze(String code) {
    return code.replaceAll("\\s+", "");
  }
}
