package dev.graft.converter;

import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The {@link FormatProvider} of each format, found once through {@link ServiceLoader}. */
final class FormatProviders {
  private static final Map<ModelFormat, FormatProvider> BY_FORMAT = load();

  private FormatProviders() {}

  static FormatProvider of(ModelFormat format) {
    FormatProvider p = BY_FORMAT.get(format);
    if (p == null) {
      throw new IllegalStateException(
          "no FormatProvider for " + format + " (META-INF/services lost in packaging?)");
    }
    return p;
  }

  private static Map<ModelFormat, FormatProvider> load() {
    Map<ModelFormat, FormatProvider> map = new EnumMap<>(ModelFormat.class);
    for (FormatProvider p :
        ServiceLoader.load(FormatProvider.class, FormatProvider.class.getClassLoader())) {
      if (map.put(p.format(), p) != null) {
        throw new IllegalStateException("two FormatProviders for " + p.format());
      }
    }
    return map;
  }
}
