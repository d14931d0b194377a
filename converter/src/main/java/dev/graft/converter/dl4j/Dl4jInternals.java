package dev.graft.converter.dl4j;

import dev.graft.GraftException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The one gate to DL4J's and ND4J's internals: graft reads a few private fields and replaces ND4J's
 * op executioner, which is only right for the release graft was written against. Every such use
 * asks {@link #known()} first: on any other release the caller falls back to DL4J's public
 * behaviour, or refuses clearly, instead of reading a field that may mean something else now.
 */
public final class Dl4jInternals {
  /** The DL4J/ND4J release whose internals graft was written against (see DESIGN.md). */
  public static final String WRITTEN_AGAINST = "1.0.0-M2.1";

  private static final String[][] ARTIFACTS = {
    {"org.deeplearning4j", "deeplearning4j-nn"},
    {"org.nd4j", "nd4j-api"},
    {"org.nd4j", "nd4j-native"}
  };
  private static final Map<String, String> FOUND = readVersions();

  private Dl4jInternals() {}

  /**
   * Whether every DL4J/ND4J artifact on the class path is the release graft was written against.
   */
  public static boolean known() {
    return FOUND.values().stream().allMatch(WRITTEN_AGAINST::equals);
  }

  /**
   * artifactId -> version as found on the class path ("unknown" where its jar has no Maven record).
   */
  public static Map<String, String> found() {
    return FOUND;
  }

  /** A private field's value; refuses, naming the release, when DL4J is not the one graft knows. */
  public static Object field(Object owner, Class<?> declaring, String name) {
    if (!known()) {
      throw GraftException.unsupported(
          "reading "
              + declaring.getSimpleName()
              + "."
              + name
              + " needs DL4J "
              + WRITTEN_AGAINST
              + "'s internals, but the class path has "
              + FOUND);
    }
    try {
      Field f = declaring.getDeclaredField(name);
      f.setAccessible(true);
      return f.get(owner);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          declaring.getName() + " has no readable field " + name + " in DL4J " + WRITTEN_AGAINST,
          e);
    }
  }

  private static Map<String, String> readVersions() {
    Map<String, String> versions = new LinkedHashMap<>();
    for (String[] a : ARTIFACTS) {
      String path = "META-INF/maven/" + a[0] + "/" + a[1] + "/pom.properties";
      String version = "unknown";
      try (InputStream in = Dl4jInternals.class.getClassLoader().getResourceAsStream(path)) {
        if (in != null) {
          Properties p = new Properties();
          p.load(in);
          version = p.getProperty("version", "unknown");
        }
      } catch (IOException e) {
        version = "unreadable";
      }
      versions.put(a[1], version);
    }
    return Map.copyOf(versions);
  }
}
