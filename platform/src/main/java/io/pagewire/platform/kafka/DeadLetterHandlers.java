package io.pagewire.platform.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a Pagewire Streams app does with a record it cannot read or process: it skips the record
 * and goes on with the next, never stops. No skip is silent: the record goes to
 * {@code pagewire.dead-letters} (in the same transaction as the app's other output), the skip is
 * counted ({@link RecordErrors}) and logged at ERROR with the record's topic, partition and
 * offset.
 *
 * <p>The dead letter is Kafka Streams' own (the built-in log-and-continue handlers with
 * {@code errors.dead.letter.queue.topic.name}): the source record's key and value bytes, its
 * headers, and {@code __streams.errors.exception} (the exception's class),
 * {@code __streams.errors.message}, {@code __streams.errors.stacktrace},
 * {@code __streams.errors.topic}, {@code __streams.errors.partition} and
 * {@code __streams.errors.offset}. Here the message and the stack trace are cut to
 * {@value #MAX_MESSAGE_BYTES} and {@value #MAX_STACKTRACE_BYTES} bytes, so a dead letter is at
 * most a few KiB larger than the record it holds and cannot itself outgrow Kafka's record limit.
 * The built-in handlers also log the stack trace (at WARN, just before the ERROR line).
 */
public final class DeadLetterHandlers {

  static final int MAX_MESSAGE_BYTES = 2 * 1024;
  static final int MAX_STACKTRACE_BYTES = 16 * 1024;
  static final String MESSAGE_HEADER = "__streams.errors.message";
  static final String STACKTRACE_HEADER = "__streams.errors.stacktrace";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterHandlers.class);

  private DeadLetterHandlers() {}

  /** For {@code processing.exception.handler}: an exception thrown by a processor or punctuator. */
  public static final class Processing implements ProcessingExceptionHandler {

    private final LogAndContinueProcessingExceptionHandler builtIn = new LogAndContinueProcessingExceptionHandler();
    private RecordErrors errors;

    @Override
    public void configure(Map<String, ?> configs) {
      builtIn.configure(configs);
      errors = RecordErrors.of(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
      List<ProducerRecord<byte[], byte[]>> deadLetters =
          builtIn.handleError(context, record, exception).deadLetterQueueRecords();
      errors.processingFailed();
      log.error("{}: record skipped and dead-lettered, processing failed (a bug): topic={} partition={} offset={}"
              + " processor={} task={} exception={}: {}", errors.service(), context.topic(), context.partition(),
          context.offset(), context.processorNodeId(), context.taskId(), exception.getClass().getName(),
          exception.getMessage());
      return Response.resume(bounded(deadLetters));
    }
  }

  /** For {@code deserialization.exception.handler}: a record whose key or value cannot be decoded. */
  public static final class Deserialization implements DeserializationExceptionHandler {

    private final LogAndContinueExceptionHandler builtIn = new LogAndContinueExceptionHandler();
    private RecordErrors errors;

    @Override
    public void configure(Map<String, ?> configs) {
      builtIn.configure(configs);
      errors = RecordErrors.of(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
        Exception exception) {
      List<ProducerRecord<byte[], byte[]>> deadLetters =
          builtIn.handleError(context, record, exception).deadLetterQueueRecords();
      errors.deserializationFailed();
      log.error("{}: record skipped and dead-lettered, it cannot be deserialized: topic={} partition={} offset={}"
              + " exception={}: {}", errors.service(), record.topic(), record.partition(), record.offset(),
          exception.getClass().getName(), exception.getMessage());
      return Response.resume(bounded(deadLetters));
    }
  }

  /** The dead letters with their message and stack trace headers cut to size. */
  static List<ProducerRecord<byte[], byte[]>> bounded(List<ProducerRecord<byte[], byte[]>> deadLetters) {
    return deadLetters.stream().map(DeadLetterHandlers::bounded).toList();
  }

  private static ProducerRecord<byte[], byte[]> bounded(ProducerRecord<byte[], byte[]> deadLetter) {
    RecordHeaders headers = new RecordHeaders();
    for (Header header : deadLetter.headers()) {
      int max = switch (header.key()) {
        case MESSAGE_HEADER -> MAX_MESSAGE_BYTES;
        case STACKTRACE_HEADER -> MAX_STACKTRACE_BYTES;
        default -> Integer.MAX_VALUE;
      };
      headers.add(header.key(), cut(header.value(), max));
    }
    return new ProducerRecord<>(deadLetter.topic(), deadLetter.partition(), deadLetter.timestamp(), deadLetter.key(),
        deadLetter.value(), headers);
  }

  /** At most {@code max} bytes of UTF-8 text, cut at a character boundary and marked as cut. */
  static byte[] cut(byte[] text, int max) {
    if (text == null || text.length <= max) {
      return text;
    }
    byte[] marker = ("… (cut, " + text.length + " bytes in all)").getBytes(StandardCharsets.UTF_8);
    int end = Math.max(0, max - marker.length);
    while (end > 0 && (text[end] & 0xC0) == 0x80) {
      end--; // a continuation byte: back up to the start of its character
    }
    byte[] out = new byte[end + marker.length];
    System.arraycopy(text, 0, out, 0, end);
    System.arraycopy(marker, 0, out, end, marker.length);
    return out;
  }
}
