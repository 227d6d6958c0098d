package io.pagewire.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The few calls of the Confluent Schema Registry REST API that the wire format needs, as served
 * by Confluent Schema Registry, Apicurio Registry ({@code /apis/ccompat/v7}), Karapace and
 * Redpanda: register a schema under a subject (and set the subject's compatibility first), and
 * fetch a schema by id. Answers are cached for the life of the process: an id names one schema
 * forever, and a subject's id for a given schema does not change.
 */
public final class SchemaRegistryClient {

  /** The compatibility rule set on every subject Pagewire registers: the build checks the same. */
  public static final String COMPATIBILITY = "BACKWARD_TRANSITIVE";
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final String authorization;
  private final HttpClient http;
  private final Duration timeout;
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Integer> registered = new ConcurrentHashMap<>();

  /**
   * @param url the registry's base URL, e.g. {@code http://registry:8081} or
   *     {@code http://apicurio:8080/apis/ccompat/v7}
   * @param authorization the {@code Authorization} header value ({@code Basic ...},
   *     {@code Bearer ...}); null for none
   * @param tls the TLS context for an {@code https} URL; null for the JDK's default trust
   */
  public SchemaRegistryClient(URI url, String authorization, SSLContext tls, Duration timeout) {
    String text = url.toString();
    this.base = URI.create(text.endsWith("/") ? text : text + "/");
    this.authorization = authorization;
    this.timeout = timeout;
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(timeout);
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.http = builder.build();
  }

  /** The base URL, for messages (it holds no credentials: those are in the header). */
  public URI url() {
    return base;
  }

  /**
   * The id of {@code schema} under {@code subject}, registering it (after setting the subject's
   * compatibility to {@link #COMPATIBILITY}) when this process has not yet. The registry refuses
   * a schema its rule rejects (HTTP 409): that is thrown, never written around.
   */
  public int register(String subject, Schema schema) {
    String key = subject + '\n' + schema;
    Integer known = registered.get(key);
    if (known != null) {
      return known;
    }
    String path = "subjects/" + encode(subject);
    send("PUT", "config/" + encode(subject), Map.of("compatibility", COMPATIBILITY));
    JsonNode answer = send("POST", path + "/versions", Map.of("schema", schema.toString()));
    int id = answer.path("id").asInt(-1);
    if (id < 0) {
      throw new SerializationException("schema registry " + base + " answered no id for " + subject + ": " + answer);
    }
    byId.putIfAbsent(id, schema);
    registered.put(key, id);
    return id;
  }

  /** The schema with this id. */
  public Schema schema(int id) {
    Schema known = byId.get(id);
    if (known != null) {
      return known;
    }
    JsonNode answer = send("GET", "schemas/ids/" + id, null);
    String type = answer.path("schemaType").asText("AVRO");
    if (!"AVRO".equals(type)) {
      throw new SerializationException("schema " + id + " of " + base + " is " + type + ", not AVRO");
    }
    Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
    byId.putIfAbsent(id, schema);
    return schema;
  }

  private JsonNode send(String method, String path, Object body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Accept", CONTENT_TYPE + ", application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
          : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      if (body != null) {
        request.header("Content-Type", CONTENT_TYPE);
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        throw new SerializationException("schema registry " + base + ": " + method + " " + path + " answered "
            + response.statusCode() + ": " + response.body());
      }
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new SerializationException("schema registry " + base + " unreachable: " + method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SerializationException("interrupted while asking the schema registry " + base, e);
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
