package io.pagewire.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Every id and composite key format Pagewire writes, in one place. Ids are opaque to readers:
 * a module that needs a part of an id reads the typed field that carries it instead.
 */
public final class Ids {

  private static final HexFormat HEX = HexFormat.of();
  /** 128 bits: at a million incidents a day for a century a collision stays below 10^-15. */
  private static final int INCIDENT_ID_BYTES = 16;

  private Ids() {}

  /**
   * {@code inc-} + 32 hex digits (128 bits) of SHA-256({@code incidentKey@openedAtMillis}):
   * deterministic, so a replay of the alerts topic reproduces the same ids, and different for
   * each incident of one key because each opens at a different time.
   */
  public static String incidentId(String incidentKey, long openedAtMillis) {
    byte[] hash = sha256((incidentKey + "@" + openedAtMillis).getBytes(StandardCharsets.UTF_8));
    return "inc-" + HEX.formatHex(hash, 0, INCIDENT_ID_BYTES);
  }

  /** The n-th event (from 1) the router emitted for an incident: {@code <incidentId>/<n>}. */
  public static String incidentEventId(String incidentId, int sequence) {
    return incidentId + "/" + sequence;
  }

  /**
   * The prefix of every composite key of one group: the group's key, length-prefixed so that no
   * group's prefix is the prefix of another group's keys ({@code 5:abcde/}).
   */
  public static String groupPrefix(String groupKey) {
    return groupKey.length() + ":" + groupKey + "/";
  }

  /** A member of a group in a store range-scanned by {@link #groupPrefix}: {@code <prefix><member>}. */
  public static String groupMember(String groupKey, String member) {
    return groupPrefix(groupKey) + member;
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
