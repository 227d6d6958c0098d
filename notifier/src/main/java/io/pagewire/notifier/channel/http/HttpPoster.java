package io.pagewire.notifier.channel.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.delivery.RetryAfter;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * POSTs a JSON body and classifies the answer, for every HTTP channel (webhook, Slack, Teams,
 * PagerDuty): 2xx delivered; 429 and 5xx retryable, honouring {@code Retry-After}; connection
 * errors and timeouts retryable; any other status permanent (redirects are not followed).
 * Reasons carry the status and the start of the response body, with every secret (the URL, its
 * path, header values) blanked out.
 */
public final class HttpPoster {

  private static final int BODY_EXCERPT_BYTES = 200;

  private final URI url;
  private final Duration timeout;
  private final Clock clock;
  private final List<String> secrets = new ArrayList<>();
  private final HttpClient client;

  /**
   * @param secrets further values never to appear in a reason (header values, keys)
   */
  public HttpPoster(Secret url, Duration timeout, Clock clock, Collection<Secret> secrets) {
    this.url = URI.create(url.reveal());
    this.timeout = timeout;
    this.clock = clock;
    this.secrets.add(url.reveal());
    if (this.url.getRawPath() != null && this.url.getRawPath().length() > 1) {
      this.secrets.add(this.url.getRawPath());
    }
    secrets.forEach(secret -> this.secrets.add(secret.reveal()));
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  /** One attempt: POST {@code document} written as JSON, with no extra headers. */
  public Delivery postJson(Object document) {
    byte[] body;
    try {
      body = Json.MAPPER.writeValueAsBytes(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + document.getClass().getSimpleName() + " as JSON", e);
    }
    return post(body, Map.of());
  }

  /** One attempt: POST {@code body} with {@code Content-Type: application/json} and these headers. */
  public Delivery post(byte[] body, Map<String, String> headers) {
    HttpRequest.Builder post = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(post::header);
    try {
      HttpResponse<InputStream> response = client.send(post.build(), HttpResponse.BodyHandlers.ofInputStream());
      return classify(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
          excerpt(response.body()));
    } catch (HttpTimeoutException e) {
      return Delivery.retryable("timed out after " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      return Delivery.retryable("connection failed: " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Delivery.retryable("interrupted");
    }
  }

  private Delivery classify(int status, String retryAfter, String body) {
    String reason = "HTTP " + status + (body.isEmpty() ? "" : ": " + body);
    if (status >= 200 && status < 300) {
      return Delivery.delivered();
    }
    if (status == 429 || status >= 500) {
      return Delivery.retryable(reason, RetryAfter.parse(retryAfter, clock.instant()));
    }
    return Delivery.permanent(reason);
  }

  /** The start of the response body on one line: what a receiver says is wrong (Slack's "invalid_payload"). */
  private String excerpt(InputStream body) {
    try (body) {
      String text = new String(body.readNBytes(BODY_EXCERPT_BYTES), StandardCharsets.UTF_8);
      return redact(text.replaceAll("\\s+", " ").strip());
    } catch (IOException e) {
      return "";
    }
  }

  private String describe(IOException e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
    return redact(root.getClass().getSimpleName() + (message != null ? " " + message : ""));
  }

  /** Blanks out every secret this poster knows; for reasons built elsewhere too. */
  public String redact(String text) {
    String out = text;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        out = out.replace(secret, "****");
      }
    }
    return out;
  }

  /** Checks a URL setting without quoting it (it is a secret). */
  public static void requireHttpUrl(Secret url) {
    if (url == null) {
      throw new IllegalArgumentException("url is required");
    }
    URI uri;
    try {
      uri = URI.create(url.reveal());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("url is not a valid URL");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("url must be an absolute http:// or https:// URL");
    }
  }

  /** The shared timeout rule: default 10s, at most 60s (the notifier polls Kafka only between attempts). */
  public static Duration timeout(Duration timeout) {
    Duration value = timeout != null ? timeout : Duration.ofSeconds(10);
    if (value.isNegative() || value.isZero() || value.compareTo(Duration.ofSeconds(60)) > 0) {
      throw new IllegalArgumentException("timeout must be between 1ms and 60s");
    }
    return value;
  }
}
