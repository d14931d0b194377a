package dev.graft.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The graft command's JEP 290 filter refuses the objects a hostile stream would create. */
class SerialFenceTest {
  @Test
  void everyObjectIsRejected() throws Exception {
    for (Object o : new Object[] {new HashSet<>(Set.of("a")), new long[3], Integer.valueOf(1)}) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(o);
      }
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        in.setObjectInputFilter(SerialFence.REJECT_ALL);
        assertThrows(InvalidClassException.class, in::readObject, o.getClass().getName());
      }
    }
  }
}
