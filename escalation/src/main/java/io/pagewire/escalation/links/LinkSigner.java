package io.pagewire.escalation.links;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signed one-click links: a token that names one incident, one action, who it was sent to and
 * when it expires, with an HMAC-SHA256 over all four. The token is the whole proof: whoever holds
 * it may do that one action on that one incident until it expires, without logging in, so a
 * person can acknowledge from a phone.
 *
 * <p>Token format: {@code base64url(incidentId \n action \n recipient \n expiryMillis) "."
 * base64url(hmac)}. Signing is a pure function of its inputs, so a replayed sweep emits
 * byte-identical links.
 */
public final class LinkSigner {

  private static final Logger log = LoggerFactory.getLogger(LinkSigner.class);
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HMAC = "HmacSHA256";

  /** The actions a link may carry. */
  public static final String ACKNOWLEDGE = "acknowledge";
  public static final String RESOLVE = "resolve";

  private final byte[] key;
  private final Duration ttl;
  // Mac is not thread-safe: each thread (stream threads, the HTTP API's) keys its own once.
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

  public LinkSigner(byte[] key, Duration ttl) {
    if (key.length < 16) {
      throw new IllegalArgumentException("a link signing key needs at least 16 bytes");
    }
    this.key = key.clone();
    this.ttl = ttl;
  }

  /**
   * The signer for {@code escalation.linkSigningKey}; without one, a random key for this process
   * only: its links stop working when the process restarts, and on other instances.
   */
  public static LinkSigner fromConfig(Secret configuredKey, Duration ttl) {
    if (configuredKey != null) {
      return new LinkSigner(configuredKey.reveal().getBytes(StandardCharsets.UTF_8), ttl);
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    log.warn("escalation.linkSigningKey is not set: one-click links are signed with a random key and will not"
        + " work after a restart or on another instance; set it (e.g. ${file:/path}) to keep them valid");
    return new LinkSigner(random, ttl);
  }

  /**
   * The signer for this configuration: {@code escalation.linkSigningKey} (or a random key, see
   * {@link #fromConfig}), links valid for {@code escalation.linkValidFor}.
   */
  public static LinkSigner forConfig(PagewireConfig config) {
    return fromConfig(config.escalation().linkSigningKey(), config.escalation().linkValidFor());
  }

  public Duration ttl() {
    return ttl;
  }

  /** A token for {@code action} on {@code incidentId}, sent to {@code recipient} at {@code now}. */
  public String sign(String incidentId, String action, String recipient, Instant now) {
    long expiry = now.plus(ttl).toEpochMilli();
    String payload = incidentId + "\n" + action + "\n" + recipient + "\n" + expiry;
    byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
    return B64.encodeToString(bytes) + "." + B64.encodeToString(mac(bytes));
  }

  /**
   * The link a token stands for, when its signature is valid; the caller checks
   * {@link Link#expired(Instant)}. Empty for anything forged, altered or malformed.
   */
  public Optional<Link> verify(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return Optional.empty();
    }
    try {
      byte[] payload = B64D.decode(token.substring(0, dot));
      byte[] signature = B64D.decode(token.substring(dot + 1));
      if (!MessageDigest.isEqual(mac(payload), signature)) {
        return Optional.empty();
      }
      String[] parts = new String(payload, StandardCharsets.UTF_8).split("\n", -1);
      if (parts.length != 4) {
        return Optional.empty();
      }
      return Optional.of(new Link(parts[0], parts[1], parts[2], Instant.ofEpochMilli(Long.parseLong(parts[3]))));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(byte[] payload) {
    return macs.get().doFinal(payload);
  }

  /** A keyed HMAC: looking up the algorithm and keying it cost more than signing a link. */
  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** What a valid token allows: {@code action} on {@code incidentId}, as {@code recipient}, until {@code expiresAt}. */
  public record Link(String incidentId, String action, String recipient, Instant expiresAt) {
    public boolean expired(Instant now) {
      return !now.isBefore(expiresAt);
    }
  }
}
