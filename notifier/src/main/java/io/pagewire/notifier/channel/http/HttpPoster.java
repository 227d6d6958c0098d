package io.pagewire.notifier.channel.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.pagewire.notifier.channel.Delivery;
import io.pagewire.notifier.channel.InvalidSetting;
import io.pagewire.notifier.delivery.RetryAfter;
import io.pagewire.platform.config.Secret;
import io.pagewire.platform.http.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * POSTs a JSON body and classifies the answer, for every HTTP channel (webhook, Slack, Teams,
 * PagerDuty): 2xx delivered; 429 and 5xx retryable, honouring {@code Retry-After}; connection
 * errors and timeouts retryable; any other status permanent (redirects are not followed).
 * Reasons carry the status and the start of the response body, with every secret (the URL, its
 * path and query, header values) blanked out.
 *
 * <p>Every attempt is bounded (see {@link HttpTimeouts}): the connect timeout covers TCP and TLS;
 * the read timeout covers the wait for the status line and headers, and separately the reading
 * of the body excerpt, so a receiver that accepts and never answers, or answers headers and then
 * stalls, cannot hold a delivery for longer than {@code connect + 2 * read}. Only the first
 * {@value #BODY_EXCERPT_BYTES} bytes of a body are read.
 */
public final class HttpPoster {

  static final int BODY_EXCERPT_BYTES = 200;

  private final URI url;
  private final HttpTimeouts timeouts;
  private final Clock clock;
  private final List<String> secrets = new ArrayList<>();
  private final HttpClient client;

  /**
   * @param secrets further values never to appear in a reason (header values, keys)
   */
  public HttpPoster(Secret url, HttpTimeouts timeouts, Clock clock, Collection<Secret> secrets) {
    this.url = URI.create(url.reveal());
    this.timeouts = timeouts;
    this.clock = clock;
    this.secrets.add(url.reveal());
    if (this.url.getRawPath() != null && this.url.getRawPath().length() > 1) {
      this.secrets.add(this.url.getRawPath());
    }
    if (this.url.getRawQuery() != null) {
      // Workflows (Teams) and similar URLs carry their signature in the query (sig=...).
      this.secrets.add(this.url.getRawQuery());
    }
    secrets.forEach(secret -> this.secrets.add(secret.reveal()));
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeouts.connect())
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
        .timeout(timeouts.read())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(post::header);
    try {
      // send, not sendAsync: on 2 cores (a common pool of one thread) every sendAsync answer is
      // handed on through a thread of its own, started and ended per POST.
      HttpResponse<String> response = client.send(post.build(), info -> new Excerpt(timeouts));
      return classify(response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
          redact(response.body().replaceAll("\\s+", " ").strip()));
    } catch (HttpConnectTimeoutException e) {
      return Delivery.retryable("connect timed out after " + timeouts.connect().toMillis() + " ms");
    } catch (HttpTimeoutException e) {
      return Delivery.retryable("timed out after " + timeouts.read().toMillis() + " ms");
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

  private String describe(Throwable e) {
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
      throw new InvalidSetting("url", "is required");
    }
    URI uri;
    try {
      uri = URI.create(url.reveal());
    } catch (IllegalArgumentException e) {
      throw new InvalidSetting("url", "is not a valid URL");
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new InvalidSetting("url", "must be an absolute http:// or https:// URL");
    }
  }

  /**
   * Keeps the first {@value #BODY_EXCERPT_BYTES} bytes of a response body (what a receiver says
   * is wrong: Slack's "invalid_payload") and stops reading there; a body that stalls ends with
   * what arrived by the read timeout.
   */
  private static final class Excerpt implements HttpResponse.BodySubscriber<String> {
    private final CompletableFuture<String> text = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    Excerpt(HttpTimeouts timeouts) {
      text.completeOnTimeout(null, timeouts.read().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(1);
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> items) {
      for (ByteBuffer item : items) {
        int take = Math.min(item.remaining(), BODY_EXCERPT_BYTES - bytes.size());
        byte[] chunk = new byte[take];
        item.get(chunk);
        bytes.write(chunk, 0, take);
      }
      if (bytes.size() >= BODY_EXCERPT_BYTES) {
        subscription.cancel();
        finish();
      } else {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable error) {
      // The status is what classifies the answer; a body cut off is only a shorter excerpt.
      finish();
    }

    @Override
    public void onComplete() {
      finish();
    }

    private synchronized void finish() {
      text.complete(decoded());
    }

    private synchronized String decoded() {
      return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
    }

    @Override
    public CompletionStage<String> getBody() {
      // completeOnTimeout leaves null: keep what arrived so far.
      return text.thenApply(body -> body != null ? body : decodedAfterTimeout());
    }

    private synchronized String decodedAfterTimeout() {
      if (subscription != null) {
        subscription.cancel();
      }
      return decoded();
    }
  }
}
