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

  /** Fingerprints of alerts from the PagerDuty Events API start with this. */
  public static final String PAGERDUTY_PREFIX = "pagerduty:";

  /**
   * The fingerprint of the alert a PagerDuty Events API client means by {@code dedupKey} on the
   * integration {@code integration}: one alert per integration and dedup key.
   */
  public static String pagerDutyFingerprint(String integration, String dedupKey) {
    return PAGERDUTY_PREFIX + HEX.formatHex(sha256((integration + "\u0000" + dedupKey).getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0, 16);
  }

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

  /**
   * A sequence number as a group member that sorts in number order: 12 zero-padded digits.
   */
  public static String sequence(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a sequence number is not negative: " + n);
    }
    // Not String.format: this runs for every timeline event, and the formatter was 6% of
    // escalation's stream thread on openings (JFR).
    String digits = Long.toString(n);
    return digits.length() >= SEQUENCE_DIGITS.length() ? digits : SEQUENCE_DIGITS.substring(digits.length()) + digits;
  }

  private static final String SEQUENCE_DIGITS = "000000000000";

  /** A member of a group in a store range-scanned by {@link #groupPrefix}: {@code <prefix><member>}. */
  public static String groupMember(String groupKey, String member) {
    return groupPrefix(groupKey) + member;
  }

  // Notification ids (NotificationRequest.notificationId): deterministic, so a replay emits the
  // same ids and the notifier delivers each at most once per target.

  /** The page of escalation step {@code step} (from 1): {@code <incident>/page/<step>}. */
  public static String pageNotification(String incidentId, int step) {
    return incidentId + "/page/" + step;
  }

  /** The n-th re-notification (after a snooze or an acknowledgement timeout): {@code <incident>/renotify/<n>}. */
  public static String renotifyNotification(String incidentId, int count) {
    return incidentId + "/renotify/" + count;
  }

  /** The page to the new assignee of a REASSIGN command: {@code <incident>/assigned/<commandId>}. */
  public static String assignedNotification(String incidentId, String commandId) {
    return incidentId + "/assigned/" + commandId;
  }

  /**
   * The page when the router event {@code incidentEventId} (see {@link #incidentEventId}) unmuted
   * the incident: {@code <incident>/unmuted/<n>}.
   */
  public static String unmutedNotification(String incidentId, String incidentEventId) {
    String own = incidentId + "/";
    return own + "unmuted/" + (incidentEventId.startsWith(own) ? incidentEventId.substring(own.length()) : incidentEventId);
  }

  /** The resolution notice to every level paged: {@code <incident>/resolved}. */
  public static String resolvedNotification(String incidentId) {
    return incidentId + "/resolved";
  }

  /**
   * One recipient's part of a notification that goes to several ({@code <notificationId>/<recipient>}):
   * a step paging several users, the resolution notice to each user paged.
   */
  public static String recipientNotification(String notificationId, String recipient) {
    return notificationId + "/" + recipient;
  }

  // Timeline event ids (TimelineEvent.eventId) that escalation writes; events it copies from the
  // router keep the router's id.

  /** The PAGED event of a step's page: {@code <incident>/paged/<step>}. */
  public static String stepPagedEvent(String incidentId, int step) {
    return incidentId + "/paged/" + step;
  }

  /** The PAGED event of one recipient of a step that pages several: {@code <incident>/paged/<step>/<recipient>}. */
  public static String stepPagedEvent(String incidentId, int step, String recipient) {
    return stepPagedEvent(incidentId, step) + "/" + recipient;
  }

  /** The PAGED event of any other notification (re-notification, assignment, unmute): {@code <notificationId>/paged}. */
  public static String pagedEvent(String notificationId) {
    return notificationId + "/paged";
  }

  /**
   * The PAGED event saying nobody was on call: {@code <incident>/paged/<step>/nobody} for a
   * step's page, {@code <notificationId>/nobody} for any other.
   */
  public static String nobodyPagedEvent(String pagedPrefix) {
    return pagedPrefix + "/nobody";
  }

  /** The ESCALATED event of the timer that paged {@code step}: {@code <incident>/escalated/<step>}. */
  public static String escalatedEvent(String incidentId, int step) {
    return incidentId + "/escalated/" + step;
  }

  /** The RENOTIFIED event of the n-th re-notification: {@code <incident>/renotified/<n>}. */
  public static String renotifiedEvent(String incidentId, int count) {
    return incidentId + "/renotified/" + count;
  }

  /** The SLA_BREACHED event: {@code <incident>/sla-breached/acknowledge} or {@code .../resolve}. */
  public static String slaBreachedEvent(String incidentId, boolean acknowledge) {
    return incidentId + "/sla-breached/" + (acknowledge ? "acknowledge" : "resolve");
  }

  /** RESOLVED by the monitoring system (every alert resolved): {@code <incident>/resolved}. */
  public static String resolvedEvent(String incidentId) {
    return incidentId + "/resolved";
  }

  /**
   * The event of a person's command: {@code <incident>/<action>/<commandId>}, {@code action} one
   * of {@code acknowledged}, {@code resolved}, {@code snoozed}, {@code reassigned},
   * {@code escalated}; notes have {@link #noteEvent}.
   */
  public static String commandEvent(String incidentId, String action, String commandId) {
    return incidentId + "/" + action + "/" + commandId;
  }

  /** The NOTE_ADDED event of an accepted ADD_NOTE command: {@code <incident>/note/<commandId>}. */
  public static String noteEvent(String incidentId, String commandId) {
    return commandEvent(incidentId, "note", commandId);
  }

  /** SILENCED or INHIBITED when the router event {@code incidentEventId} muted the incident: {@code <eventId>/muted}. */
  public static String mutedEvent(String incidentEventId) {
    return incidentEventId + "/muted";
  }

  /** RENOTIFIED when the router event {@code incidentEventId} unmuted the incident: {@code <eventId>/unmuted}. */
  public static String unmutedEvent(String incidentEventId) {
    return incidentEventId + "/unmuted";
  }

  // The notifier's keys.

  /** A target that is a user's contact method: {@code <user>/<contactMethod>}; a named channel's target is its name. */
  public static String contactMethodTarget(String user, String contactMethod) {
    return user + "/" + contactMethod;
  }

  /** The key of a notification's entry in the delivery log: {@code <notificationId>|<target>}. */
  public static String deliveryLogKey(String notificationId, String target) {
    return notificationId + "|" + target;
  }

  /** The timeline event of a delivery's outcome: {@code <notificationId>|<target>|<OUTCOME>}. */
  public static String deliveryEvent(String notificationId, String target, DeliveryOutcome outcome) {
    return deliveryLogKey(notificationId, target) + "|" + outcome.name();
  }

  private static byte[] sha256(byte[] input) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(input);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
