package io.pagewire.notifier.channel.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pagewire.notifier.channel.Channel;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.delivery.RetryAfter;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.NotificationRequest;
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
import java.util.List;
import java.util.Map;

/**
 * POSTs each notification as JSON ({@link WebhookBody}) to a URL, with header
 * {@code X-Pagewire-Notification-Id}. 2xx is delivered; 429 and 5xx are retryable, honouring
 * {@code Retry-After}; connection errors and timeouts are retryable; any other status is
 * permanent (redirects are not followed). Reasons carry the status and the start of the
 * response body, with the URL and header values blanked out.
 */
public final class WebhookChannel implements Channel {

  /** Header carrying the notification id, for receivers that deduplicate. */
  public static final String NOTIFICATION_ID_HEADER = "X-Pagewire-Notification-Id";

  private static final int BODY_EXCERPT_BYTES = 200;

  private final String name;
  private final URI url;
  private final Map<String, Secret> headers;
  private final Duration timeout;
  private final Clock clock;
  private final List<String> secrets = new ArrayList<>();
  private final HttpClient client;

  public WebhookChannel(String name, WebhookConfig config, Clock clock) {
    this.name = name;
    this.url = URI.create(config.url().reveal());
    this.headers = config.headers();
    this.timeout = config.timeout();
    this.clock = clock;
    secrets.add(config.url().reveal());
    if (url.getRawPath() != null && url.getRawPath().length() > 1) {
      secrets.add(url.getRawPath());
    }
    headers.values().forEach(value -> secrets.add(value.reveal()));
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Delivery send(NotificationRequest request) {
    HttpRequest.Builder post = HttpRequest.newBuilder(url)
        .timeout(timeout)
        .header("Content-Type", "application/json")
        .header(NOTIFICATION_ID_HEADER, request.getNotificationId())
        .POST(HttpRequest.BodyPublishers.ofByteArray(body(request)));
    headers.forEach((header, value) -> post.header(header, value.reveal()));
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

  private static byte[] body(NotificationRequest request) {
    try {
      return Json.MAPPER.writeValueAsBytes(WebhookBody.of(request));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the webhook body", e);
    }
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

  private String redact(String text) {
    String out = text;
    for (String secret : secrets) {
      if (!secret.isEmpty()) {
        out = out.replace(secret, "****");
      }
    }
    return out;
  }
}
