package io.pagewire.schemas.serde;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;

/**
 * Writes a header and then one record in Avro's binary encoding, as both wire formats frame it
 * ({@link AvroSerde}'s single-object header, {@link ConfluentWireFormat}'s magic byte and id).
 *
 * <p>Each thread writes into a buffer of its own, through Avro's buffered encoder, and the bytes
 * are copied out once. Avro's {@code BinaryMessageEncoder} writes every varint and string through
 * a synchronized {@code ByteArrayOutputStream} and copies the result twice. Encoding was the
 * largest share of escalation's stream thread on openings (JFR); this encodes an opening's
 * records in 0.81× of that encoder's time, the same bytes ({@code scripts/bench encoding}).
 * Records go through {@link ResolvingDatumWriter}.
 */
final class RecordWriter<T> {

  /** A buffer that grew beyond this for one large record is dropped after it, not kept per thread. */
  private static final int KEPT_BYTES = 1 << 20;
  private static final ThreadLocal<Buffer> BUFFERS = ThreadLocal.withInitial(Buffer::new);

  private final DatumWriter<T> writer;

  RecordWriter(Schema schema, SpecificData model) {
    this.writer = new ResolvingDatumWriter<>(schema, model);
  }

  byte[] write(byte[] header, T value) throws IOException {
    Buffer buffer = BUFFERS.get();
    // The encoder first: reconfiguring it flushes what a failed write left in it into the
    // buffer, which is emptied next.
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, buffer.encoder);
    buffer.encoder = encoder;
    buffer.size = 0;
    buffer.write(header);
    writer.write(value, encoder);
    encoder.flush();
    byte[] bytes = Arrays.copyOf(buffer.bytes, buffer.size);
    if (buffer.bytes.length > KEPT_BYTES) {
      BUFFERS.remove();
    }
    return bytes;
  }

  /** A growable byte array without {@code ByteArrayOutputStream}'s locks. */
  private static final class Buffer extends OutputStream {
    private byte[] bytes = new byte[512];
    private int size;
    private BinaryEncoder encoder;

    @Override
    public void write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      ensure(len);
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }
  }
}
