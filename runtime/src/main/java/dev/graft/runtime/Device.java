package dev.graft.runtime;

import dev.graft.GraftException;
import java.util.Locale;

/**
 * Where a model runs: {@code cpu}, {@code cuda} / {@code cuda:ID}, or {@code auto} (CUDA if
 * available, else CPU).
 */
public record Device(Kind kind, int id) {
  public enum Kind {
    CPU,
    CUDA,
    AUTO
  }

  public static final Device CPU = new Device(Kind.CPU, 0);
  public static final Device AUTO = new Device(Kind.AUTO, 0);

  public static Device parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("cpu")) {
      return CPU;
    }
    if (t.equals("auto")) {
      return AUTO;
    }
    if (t.equals("cuda") || t.equals("gpu")) {
      return new Device(Kind.CUDA, 0);
    }
    if (t.startsWith("cuda:")) {
      try {
        int id = Integer.parseInt(t.substring(5));
        if (id >= 0) {
          return new Device(Kind.CUDA, id);
        }
      } catch (NumberFormatException e) {
        // fall through to the usage error
      }
    }
    throw GraftException.usage("unknown device '" + text + "'; use cpu, cuda, cuda:ID or auto");
  }

  @Override
  public String toString() {
    return switch (kind) {
      case CPU -> "cpu";
      case AUTO -> "auto";
      case CUDA -> "cuda:" + id;
    };
  }
}
