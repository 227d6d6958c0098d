package io.pagewire.ingest.alertmanager;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.TextNode;
import io.pagewire.platform.config.PagewireConfig.IngestLimits;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the body of an Alertmanager webhook (payload {@code "version": "4"}) into one
 * {@link Alert} per entry of its {@code alerts} array, in order.
 *
 * <p>The contract, field by field:
 * <ul>
 *   <li>The body is one JSON object with an {@code alerts} array (possibly empty). Fields this
 *       parser does not know ({@code notification_reason}, {@code routeLabels} of newer
 *       Alertmanagers, anything a custom client adds) are ignored. {@code groupKey} is never used
 *       as identity; it only tells the ingest which lane a webhook takes ({@code NewGroups}).
 *       {@code receiver} and {@code externalURL} are optional strings.
 *   <li>Each alert is an object with {@code labels} (a non-empty object of strings) and
 *       {@code startsAt}; {@code annotations} (object of strings), {@code endsAt},
 *       {@code generatorURL}, {@code status} and {@code fingerprint} are optional.
 *   <li>Timestamps are RFC 3339 with up to nanosecond precision; they are kept to the
 *       millisecond, as the {@code pagewire.alerts} schema stores them. {@code endsAt} of Go's
 *       zero time {@code 0001-01-01T00:00:00Z} (what Alertmanager sends while firing), null or
 *       empty means "no end".
 *   <li>{@code status} is {@code firing} or {@code resolved}. Without it the alert is resolved
 *       when it has an {@code endsAt} that is not after {@code receivedAt}, else firing.
 *   <li>{@code fingerprint} is Alertmanager's. Clients that send none get
 *       {@link #fingerprintOf(Map)}: the same function of the label set that Alertmanager uses,
 *       so an alert keeps one identity whichever way it arrives.
 * </ul>
 *
 * <p>Every alert is bounded ({@link IngestLimits}, {@code ingest.limits}): how many labels and
 * annotations it has, how long their names and values, {@code generatorURL}, {@code externalURL}
 * and {@code receiver} are, and how large it is once encoded as its {@code pagewire.alerts}
 * record. The bounds are checked here, where data enters, so no record downstream can outgrow
 * Kafka's record limit; a violation names the field and the limit.
 *
 * <p>Anything else is an {@link InvalidWebhookException} naming the JSON path of the problem.
 * The parser is pure: the receive time, request id and limits are inputs.
 */
public final class WebhookParser {

  /** Go's zero {@code time.Time}, which Alertmanager writes for "no end time". */
  static final Instant GO_ZERO_TIME = Instant.parse("0001-01-01T00:00:00Z");

  private static final int EXCERPT_CHARS = 64;

  /** The first pass checks the whole body, duplicate keys too; the second reads what it checked. */
  private static final ObjectReader READER = Json.MAPPER.reader()
      .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectReader CHECKED_READER = Json.MAPPER.reader();

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;
  private static final int LABEL_SEPARATOR = 0xff;

  private WebhookParser() {}

  /** Parses one webhook body within the default {@link IngestLimits}. */
  public static List<Alert> parse(byte[] body, Instant receivedAt, String requestId) throws InvalidWebhookException {
    return parse(body, receivedAt, requestId, IngestLimits.DEFAULTS);
  }

  /**
   * Parses one webhook body.
   *
   * @param body the raw request body
   * @param receivedAt when the webhook arrived; stored in every alert and used to derive a
   *     missing {@code status}
   * @param requestId the ingest request id, stored in every alert
   * @param limits the bounds every alert must keep
   * @return the alerts, in the order of the body; empty for an empty {@code alerts} array
   * @throws InvalidWebhookException when the body can never be valid, or an alert exceeds a limit
   */
  public static List<Alert> parse(byte[] body, Instant receivedAt, String requestId, IngestLimits limits)
      throws InvalidWebhookException {
    List<Alert> parsed = new ArrayList<>();
    parse(body, receivedAt, requestId, limits, (groupKey, alert) -> parsed.add(alert));
    return parsed;
  }

  /** Receives a webhook's alerts in order, each with the webhook's {@code groupKey} (null when it has none). */
  @FunctionalInterface
  public interface Sink {
    void accept(String groupKey, Alert alert);
  }

  /**
   * Parses one webhook body as a stream, handing each alert to {@code sink} as soon as it is
   * read, so memory stays bounded by the body's bytes plus one alert, however many alerts the
   * group has (a JSON tree of the whole body would take several times the body). A first pass
   * checks the whole body's syntax and reads its top-level fields ({@code externalURL} follows
   * {@code alerts} in Alertmanager's bodies); a second reads one alert at a time. An alert that
   * is invalid ends the parse with its path; the alerts before it have reached {@code sink}.
   *
   * @return how many alerts reached {@code sink}
   */
  public static int parse(byte[] body, Instant receivedAt, String requestId, IngestLimits limits, Sink sink)
      throws InvalidWebhookException {
    Envelope envelope = envelope(body, limits);
    int count = 0;
    try (JsonParser parser = CHECKED_READER.createParser(body)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!field.equals("alerts")) {
          parser.skipChildren();
          continue;
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          String path = "alerts[" + count + "]";
          Alert alert = parseAlert(parser, path, receivedAt, requestId, envelope.receiver(),
              envelope.externalUrl(), limits);
          int encoded = mayExceed(alert, limits.maxAlertBytes()) ? encodedSize(alert) : 0;
          if (encoded > limits.maxAlertBytes()) {
            throw new InvalidWebhookException(path, "encodes to " + encoded + " bytes, over the limit of "
                + limits.maxAlertBytes() + " bytes for one alert (ingest.limits.maxAlertBytes); shorten its labels or annotations");
          }
          sink.accept(envelope.groupKey(), alert);
          count++;
        }
      }
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw new InvalidWebhookException("body", "is not readable JSON: " + excerpt(e.getMessage()));
    }
    return count;
  }

  /** The top-level fields of a webhook. */
  private record Envelope(String receiver, String externalUrl, String groupKey) {}

  /** Reads the body once without building it: its syntax, its top-level fields, and that {@code alerts} is an array. */
  private static Envelope envelope(byte[] body, IngestLimits limits) throws InvalidWebhookException {
    String receiver = "";
    String externalUrl = "";
    String groupKey = null;
    boolean alerts = false;
    try (JsonParser parser = READER.createParser(body)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new InvalidWebhookException("body", "is empty; expected a JSON object");
      }
      if (token != JsonToken.START_OBJECT) {
        throw new InvalidWebhookException("body", "expected a JSON object, got " + describeCurrent(parser));
      }
      while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        token = parser.nextToken();
        switch (field) {
          case "receiver" -> receiver = bounded(scalarString(parser, null, "receiver"), null, "receiver",
              limits.maxReceiverBytes(), "maxReceiverBytes");
          case "externalURL" -> externalUrl = bounded(scalarString(parser, null, "externalURL"), null, "externalURL",
              limits.maxUrlBytes(), "maxUrlBytes");
          case "groupKey" -> groupKey = token == JsonToken.VALUE_STRING ? parser.getText() : null;
          case "alerts" -> {
            if (token == JsonToken.VALUE_NULL) {
              break;
            }
            if (token != JsonToken.START_ARRAY) {
              throw new InvalidWebhookException("alerts", "expected an array, got " + describeCurrent(parser));
            }
            alerts = true;
            parser.skipChildren();
          }
          default -> parser.skipChildren();
        }
      }
      if (parser.nextToken() != null) {
        JsonLocation at = parser.currentTokenLocation();
        throw new InvalidWebhookException("body", "is not valid JSON at line " + at.getLineNr() + ", column "
            + at.getColumnNr() + ": content after the end of the object");
      }
    } catch (JsonProcessingException e) {
      throw notJson(e);
    } catch (IOException e) {
      throw new InvalidWebhookException("body", "is not readable JSON: " + excerpt(e.getMessage()));
    }
    if (!alerts) {
      throw new InvalidWebhookException("alerts", "is missing; an Alertmanager webhook has an \"alerts\" array");
    }
    return new Envelope(receiver, externalUrl, groupKey);
  }

  /** The current string value, "" for null; anything else is named in the error. */
  private static String scalarString(JsonParser parser, String parent, String field)
      throws IOException, InvalidWebhookException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return "";
    }
    if (token != JsonToken.VALUE_STRING) {
      throw new InvalidWebhookException(at(parent, field), "expected a string, got " + describeCurrent(parser));
    }
    return parser.getText();
  }

  /** {@link #describe} of the current value, without reading a container into memory. */
  private static String describeCurrent(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      return "an object";
    }
    if (token == JsonToken.START_ARRAY) {
      return "an array";
    }
    return describe(READER.readTree(parser));
  }

  private static InvalidWebhookException notJson(JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new InvalidWebhookException("body", "is not valid JSON" + where + ": " + excerpt(e.getOriginalMessage()));
  }

  /**
   * Checks an alert made elsewhere (a PagerDuty event) against the same {@code ingest.limits}
   * as a webhook's alerts: label and annotation counts and sizes, URLs, the whole record.
   */
  public static void checkBounds(Alert alert, String path, IngestLimits limits) throws InvalidWebhookException {
    checkEntries(alert.getLabels(), path, "labels", limits.maxLabels(), "maxLabels",
        limits.maxNameBytes(), limits.maxLabelValueBytes(), "maxLabelValueBytes");
    checkEntries(alert.getAnnotations(), path, "annotations", limits.maxAnnotations(), "maxAnnotations",
        limits.maxNameBytes(), limits.maxAnnotationValueBytes(), "maxAnnotationValueBytes");
    bounded(alert.getGeneratorUrl(), path, "url", limits.maxUrlBytes(), "maxUrlBytes");
    int encoded = mayExceed(alert, limits.maxAlertBytes()) ? encodedSize(alert) : 0;
    if (encoded > limits.maxAlertBytes()) {
      throw new InvalidWebhookException(path, "encodes to " + encoded + " bytes, over the limit of "
          + limits.maxAlertBytes() + " bytes for one alert (ingest.limits.maxAlertBytes)");
    }
  }

  /**
   * The fingerprint of a label set, as Alertmanager computes it (Prometheus'
   * {@code model.LabelSet.Fingerprint}): 64-bit FNV-1a over the label names in byte order, each
   * name and value followed by a {@code 0xff} byte, written as 16 lower-case hex digits.
   */
  public static String fingerprintOf(Map<String, String> labels) {
    List<String> names = new ArrayList<>(labels.keySet());
    names.sort((a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b)));
    long hash = FNV_OFFSET;
    for (String name : names) {
      hash = fnv(hash, utf8(name));
      hash = fnv(hash, LABEL_SEPARATOR);
      hash = fnv(hash, utf8(labels.get(name)));
      hash = fnv(hash, LABEL_SEPARATOR);
    }
    return String.format("%016x", hash);
  }

  /** The size of the alert's {@code pagewire.alerts} record value: what Kafka will be asked to carry. */
  static int encodedSize(Alert alert) {
    return Topics.ALERTS.valueSerde().serializer().serialize(Topics.ALERTS.name(), alert).length;
  }

  /**
   * True when {@code alert} may encode to more than {@code limit} bytes: an upper bound of its
   * record (at most 3 UTF-8 bytes per UTF-16 unit and 5 length bytes per string, 128 for the
   * header, the numbers, enums and map blocks), so the exact size is computed, by encoding the
   * alert, only for the rare alert near the limit, not for every alert of every webhook.
   */
  static boolean mayExceed(Alert alert, int limit) {
    long bound = 128 + stringBound(alert.getFingerprint()) + stringBound(alert.getGeneratorUrl())
        + stringBound(alert.getReceiver()) + stringBound(alert.getExternalUrl()) + stringBound(alert.getRequestId());
    for (Map.Entry<String, String> e : alert.getLabels().entrySet()) {
      bound += stringBound(e.getKey()) + stringBound(e.getValue());
    }
    for (Map.Entry<String, String> e : alert.getAnnotations().entrySet()) {
      bound += stringBound(e.getKey()) + stringBound(e.getValue());
    }
    return bound > limit;
  }

  private static long stringBound(CharSequence value) {
    return value == null ? 0 : 5 + 3L * value.length();
  }

  /** Reads the alert object at the parser's current token, leaving the parser at its end. */
  private static Alert parseAlert(JsonParser parser, String path, Instant receivedAt, String requestId,
      String receiver, String externalUrl, IngestLimits limits) throws IOException, InvalidWebhookException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new InvalidWebhookException(path, "expected an alert object, got " + describeCurrent(parser));
    }
    Map<String, String> labels = null;
    Map<String, String> annotations = Map.of();
    String starts = null;
    String ends = "";
    String fingerprint = "";
    String status = null;
    String generatorUrl = "";
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken token = parser.nextToken();
      if (token == JsonToken.VALUE_NULL) {
        // null is absent for every field (labels and startsAt are then missing)
        continue;
      }
      switch (field) {
        case "labels" -> labels = stringMap(parser, path, "labels");
        case "annotations" -> annotations = stringMap(parser, path, "annotations");
        case "startsAt" -> starts = timestampText(parser, path, "startsAt");
        case "endsAt" -> ends = timestampText(parser, path, "endsAt");
        case "fingerprint" -> fingerprint = scalarString(parser, path, "fingerprint");
        case "generatorURL" -> generatorUrl = scalarString(parser, path, "generatorURL");
        case "status" -> {
          if (token != JsonToken.VALUE_STRING) {
            throw new InvalidWebhookException(path + ".status", describeCurrent(parser) + " is neither \"firing\" nor \"resolved\"");
          }
          status = parser.getText();
        }
        default -> parser.skipChildren();
      }
    }
    if (labels == null) {
      throw new InvalidWebhookException(path + ".labels", "is missing; every alert needs its labels");
    }
    if (labels.isEmpty()) {
      throw new InvalidWebhookException(path + ".labels", "is empty; an alert is identified by at least one label");
    }
    checkEntries(labels, path, "labels", limits.maxLabels(), "maxLabels",
        limits.maxNameBytes(), limits.maxLabelValueBytes(), "maxLabelValueBytes");
    checkEntries(annotations, path, "annotations", limits.maxAnnotations(), "maxAnnotations",
        limits.maxNameBytes(), limits.maxAnnotationValueBytes(), "maxAnnotationValueBytes");
    if (starts == null) {
      throw new InvalidWebhookException(path + ".startsAt", "is missing; every alert needs its start time");
    }
    Instant startsAt = timestamp(starts, path, "startsAt");
    if (startsAt.equals(GO_ZERO_TIME)) {
      throw new InvalidWebhookException(path + ".startsAt", "is Go's zero time, not a start time");
    }
    Instant endsAt = null;
    if (!ends.isEmpty()) {
      Instant end = timestamp(ends, path, "endsAt");
      endsAt = end.equals(GO_ZERO_TIME) ? null : end;
    }
    return Alert.newBuilder()
        .setFingerprint(fingerprint.isEmpty() ? fingerprintOf(labels) : fingerprint)
        .setStatus(status(status, path, endsAt, receivedAt))
        .setLabels(labels)
        .setAnnotations(annotations)
        .setStartsAt(startsAt)
        .setEndsAt(endsAt)
        .setGeneratorUrl(bounded(generatorUrl, path, "generatorURL", limits.maxUrlBytes(), "maxUrlBytes"))
        .setReceiver(receiver)
        .setExternalUrl(externalUrl)
        .setReceivedAt(receivedAt.truncatedTo(ChronoUnit.MILLIS))
        .setRequestId(requestId)
        .build();
  }

  private static AlertStatus status(String status, String parent, Instant endsAt, Instant receivedAt)
      throws InvalidWebhookException {
    if (status == null) {
      return endsAt != null && !endsAt.isAfter(receivedAt) ? AlertStatus.RESOLVED : AlertStatus.FIRING;
    }
    return switch (status) {
      case "firing" -> AlertStatus.FIRING;
      case "resolved" -> AlertStatus.RESOLVED;
      default -> throw new InvalidWebhookException(at(parent, "status"), describe(TextNode.valueOf(status)) + " is neither \"firing\" nor \"resolved\"");
    };
  }

  /** The text of a timestamp field, read in {@link #timestamp}; anything but a string is named in the error. */
  private static String timestampText(JsonParser parser, String parent, String field)
      throws IOException, InvalidWebhookException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw new InvalidWebhookException(at(parent, field), describeCurrent(parser) + " is not an RFC 3339 timestamp");
    }
    return parser.getText();
  }

  private static Instant timestamp(String text, String parent, String field) throws InvalidWebhookException {
    Instant instant = Rfc3339.parse(text);
    if (instant == null) {
      throw new InvalidWebhookException(at(parent, field), describe(TextNode.valueOf(text)) + " is not an RFC 3339 timestamp");
    }
    return instant;
  }

  /** The object of strings at the parser's current token, in order. */
  private static Map<String, String> stringMap(JsonParser parser, String parent, String field)
      throws IOException, InvalidWebhookException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw new InvalidWebhookException(at(parent, field), "expected an object of strings, got " + describeCurrent(parser));
    }
    Map<String, String> map = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      if (parser.nextToken() != JsonToken.VALUE_STRING) {
        throw new InvalidWebhookException(at(parent, field) + "." + name, "expected a string, got " + describeCurrent(parser));
      }
      map.put(name, parser.getText());
    }
    return map;
  }

  /**
   * Checks the number of entries of a label or annotation map ({@code what}, of the alert at
   * {@code parent}), and the size of each name and value.
   */
  private static void checkEntries(Map<String, String> entries, String parent, String what, int maxEntries,
      String maxEntriesKey, int maxNameBytes, int maxValueBytes, String maxValueKey) throws InvalidWebhookException {
    if (entries.size() > maxEntries) {
      throw new InvalidWebhookException(at(parent, what), "has " + entries.size() + " " + what + ", over the limit of "
          + maxEntries + " (ingest.limits." + maxEntriesKey + ")");
    }
    for (Map.Entry<String, String> entry : entries.entrySet()) {
      // As in bounded: a UTF-8 char takes at most 3 bytes per UTF-16 unit, so short names need no encoding.
      int nameBytes = entry.getKey().length() * 3L > maxNameBytes ? utf8(entry.getKey()).length : 0;
      if (nameBytes > maxNameBytes) {
        // The name itself is too long to be a readable path: quote an excerpt of it instead.
        throw new InvalidWebhookException(at(parent, what), "has a name of " + nameBytes + " bytes (\"" + excerpt(entry.getKey())
            + "\"), over the limit of " + maxNameBytes + " bytes (ingest.limits.maxNameBytes)");
      }
      bounded(entry.getValue(), parent, what, entry.getKey(), maxValueBytes, maxValueKey);
    }
  }

  /** {@code value} of {@code field} (of {@code parent}, null at the top), when its UTF-8 encoding is at most {@code maxBytes} long. */
  private static String bounded(String value, String parent, String field, int maxBytes, String limitKey)
      throws InvalidWebhookException {
    return bounded(value, parent, field, null, maxBytes, limitKey);
  }

  /** {@link #bounded(String, String, String, int, String)} of the entry {@code name} of the map {@code field}, when not null. */
  private static String bounded(String value, String parent, String field, String name, int maxBytes, String limitKey)
      throws InvalidWebhookException {
    // A UTF-8 char takes at most 3 bytes per UTF-16 unit: most values need no encoding to pass.
    if (value.length() * 3L > maxBytes) {
      int bytes = utf8(value).length;
      if (bytes > maxBytes) {
        String path = name == null ? at(parent, field) : at(parent, field) + "." + name;
        throw new InvalidWebhookException(path, "is " + bytes + " bytes, over the limit of " + maxBytes
            + " bytes (ingest.limits." + limitKey + ")");
      }
    }
    return value;
  }

  /** The path of {@code field} within {@code parent} (null at the top level); built only for an error. */
  private static String at(String parent, String field) {
    return parent == null ? field : parent + "." + field;
  }

  /** A short, bounded rendering of a value for error messages: the sender may echo it to people. */
  private static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case NULL -> "null";
      case BOOLEAN -> "a boolean (" + node.asText() + ")";
      case NUMBER -> "a number (" + excerpt(node.asText()) + ")";
      default -> excerpt(node.toString());
    };
  }

  private static String excerpt(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= EXCERPT_CHARS ? text : text.substring(0, EXCERPT_CHARS) + "…";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static long fnv(long hash, byte[] bytes) {
    for (byte b : bytes) {
      hash = fnv(hash, b & 0xff);
    }
    return hash;
  }

  private static long fnv(long hash, int octet) {
    return (hash ^ octet) * FNV_PRIME;
  }
}
