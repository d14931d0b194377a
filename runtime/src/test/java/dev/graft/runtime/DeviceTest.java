package dev.graft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import org.junit.jupiter.api.Test;

class DeviceTest {
  @Test
  void parses() {
    assertEquals(Device.CPU, Device.parse("cpu"));
    assertEquals(Device.AUTO, Device.parse("AUTO"));
    assertEquals(new Device(Device.Kind.CUDA, 0), Device.parse("cuda"));
    assertEquals(new Device(Device.Kind.CUDA, 2), Device.parse("cuda:2"));
    assertEquals("cuda:2", Device.parse("cuda:2").toString());
    for (String bad : new String[] {"tpu", "cuda:", "cuda:-1", "cuda:x"}) {
      assertEquals(
          GraftException.Kind.USAGE,
          assertThrows(GraftException.class, () -> Device.parse(bad)).kind());
    }
  }
}
