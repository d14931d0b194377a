package dev.graft.cli;

import java.io.ObjectInputFilter;

/**
 * The second fence against Java deserialization of file content (JEP 290): the graft command's JVM
 * rejects every object a Java ObjectInputStream would create. graft itself never deserializes (DL4J
 * zips are read without ModelSerializer; checkpoints are checked before it reads them), so this
 * only matters if a library on the class path tries.
 */
final class SerialFence {
  static final ObjectInputFilter REJECT_ALL = info -> ObjectInputFilter.Status.REJECTED;

  private SerialFence() {}

  /** Installs the filter process-wide unless one is already set (-Djdk.serialFilter). */
  static void install() {
    if (ObjectInputFilter.Config.getSerialFilter() == null) {
      ObjectInputFilter.Config.setSerialFilter(REJECT_ALL);
    }
  }
}
