package io.pagewire.notifier.channel.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The webhook signature, so a receiver can tell a POST comes from this Pagewire and was not
 * replayed: {@code X-Pagewire-Timestamp: <unix seconds>} and
 * {@code X-Pagewire-Signature: sha256=<lowercase hex of HMAC-SHA256(key, timestamp + "." + body)>},
 * the body being the exact bytes received.
 *
 * <p>A receiver verifies by recomputing the HMAC over the received timestamp header, a dot and
 * the raw body, comparing in constant time, and refusing timestamps more than five minutes from
 * its clock ({@link #verify} does all three). The same scheme as Stripe's and Slack's signing.
 */
public final class WebhookSignature {

  public static final String SIGNATURE_HEADER = "X-Pagewire-Signature";
  public static final String TIMESTAMP_HEADER = "X-Pagewire-Timestamp";
  public static final long TOLERANCE_SECONDS = 300;

  private WebhookSignature() {}

  /** {@code sha256=<hex>} for this timestamp and body. */
  public static String sign(String key, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** What a receiver does: true only for a matching signature with a timestamp within tolerance of {@code nowSeconds}. */
  public static boolean verify(String key, String timestampHeader, String signatureHeader, byte[] body, long nowSeconds) {
    if (timestampHeader == null || signatureHeader == null) {
      return false;
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(timestampHeader.strip());
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowSeconds - timestamp) > TOLERANCE_SECONDS) {
      return false;
    }
    return MessageDigest.isEqual(sign(key, timestamp, body).getBytes(StandardCharsets.UTF_8),
        signatureHeader.strip().getBytes(StandardCharsets.UTF_8));
  }
}
