package io.pagewire.escalation.api;

import io.pagewire.platform.config.Durations;
import io.pagewire.platform.http.HttpError;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.Priority;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.Bytes;

/**
 * The query of {@code GET /api/v1/incidents}: {@code status} (triggered, acknowledged, snoozed,
 * resolved), {@code priority} (P0..P4), {@code team}, {@code since} (incidents opened at or after
 * it: an ISO-8601 instant, or a duration back from now such as {@code 24h}), {@code limit}
 * (1..{@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}) and {@code pageToken} (the
 * {@code nextPageToken} of the page before; opaque). A bad value is answered 400.
 *
 * @param after the index key the page starts after; null: from the newest incident
 */
record ListQuery(IncidentStatus status, Priority priority, String team, Instant since, int limit, Bytes after) {

  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;

  static ListQuery parse(Map<String, String> query, Instant now) {
    return new ListQuery(
        status(query.get("status")),
        priority(query.get("priority")),
        blankToNull(query.get("team")),
        since(query.get("since"), now),
        limit(query.get("limit")),
        blankToNull(query.get("pageToken")) != null ? parseToken(query.get("pageToken")) : null);
  }

  boolean matches(IncidentState incident) {
    return (status == null || incident.getStatus() == status)
        && (priority == null || incident.getPriority() == priority)
        && (team == null || team.equals(incident.getTeam()))
        && (since == null || !incident.getOpenedAt().isBefore(since));
  }

  /** The same query for another instance (with {@code since} made absolute, so both mean the same). */
  String queryString() {
    Map<String, String> params = new LinkedHashMap<>();
    if (status != null) {
      params.put("status", status.name().toLowerCase(Locale.ROOT));
    }
    if (priority != null) {
      params.put("priority", priority.name());
    }
    if (team != null) {
      params.put("team", team);
    }
    if (since != null) {
      params.put("since", since.toString());
    }
    params.put("limit", Integer.toString(limit));
    if (after != null) {
      params.put("pageToken", token(after));
    }
    return params.entrySet().stream()
        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
        .collect(Collectors.joining("&", "?", ""));
  }

  /** Page tokens name their format, so a change of the index key can refuse older tokens. */
  private static final String TOKEN_PREFIX = "o1.";

  static String token(Bytes key) {
    return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(key.get());
  }

  static Bytes parseToken(String token) {
    try {
      byte[] key = token.startsWith(TOKEN_PREFIX)
          ? Base64.getUrlDecoder().decode(token.substring(TOKEN_PREFIX.length())) : new byte[0];
      if (key.length > Long.BYTES) {
        return Bytes.wrap(key);
      }
    } catch (IllegalArgumentException e) {
      // answered below
    }
    throw HttpError.badRequest("pageToken: not a token this API gave out; take nextPageToken of the page before");
  }

  private static IncidentStatus status(String status) {
    if (status == null || status.isEmpty()) {
      return null;
    }
    try {
      return IncidentStatus.valueOf(status.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("status must be triggered, acknowledged, snoozed or resolved, not '" + status + "'");
    }
  }

  private static Priority priority(String priority) {
    if (priority == null || priority.isEmpty()) {
      return null;
    }
    try {
      return Priority.valueOf(priority.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("priority must be P0, P1, P2, P3 or P4, not '" + priority + "'");
    }
  }

  private static Instant since(String since, Instant now) {
    if (since == null || since.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(since);
    } catch (DateTimeParseException notAnInstant) {
      try {
        return now.minus(Durations.parse(since));
      } catch (IllegalArgumentException | java.time.DateTimeException notADuration) {
        throw HttpError.badRequest("since must be an instant like 2026-03-01T00:00:00Z or a duration like 24h, not '"
            + since + "'");
      }
    }
  }

  private static int limit(String limit) {
    if (limit == null || limit.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    try {
      int value = Integer.parseInt(limit);
      if (value >= 1 && value <= MAX_LIMIT) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw HttpError.badRequest("limit must be a number from 1 to " + MAX_LIMIT + ", not '" + limit + "'");
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
