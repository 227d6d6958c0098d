package io.pagewire.notifier.channel.pagerduty;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pagewire.notifier.channel.Message;
import io.pagewire.notifier.channel.Rendering;
import io.pagewire.notifier.channel.http.HttpPoster;
import io.pagewire.notifier.channel.http.JsonPostChannel;
import io.pagewire.platform.http.Json;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import java.time.Clock;
import java.util.List;

/**
 * Sends PagerDuty Events API v2 events: a PAGE triggers, ACKNOWLEDGED acknowledges, RESOLVED
 * resolves, all with {@code dedup_key} = the incident id, so PagerDuty keeps one alert per
 * incident and a repeated trigger (an escalation, or a retry after a crash) is merged into it
 * rather than paging twice. Triggers carry {@code payload} (summary, source, severity, timestamp,
 * component, group, class, custom_details), {@code links}, {@code client} and
 * {@code client_url}. Severity from priority: P0 critical, P1 error, P2 warning, P3/P4 info.
 * PagerDuty answers 202; 400 is permanent; 429 and 5xx are retried.
 */
public final class PagerDutyChannel extends JsonPostChannel {

  /** PagerDuty's limit for {@code payload.summary}. */
  static final int SUMMARY_MAX = 1024;

  private final PagerDutyConfig config;

  public PagerDutyChannel(String name, PagerDutyConfig config, Clock clock) {
    super(name, new HttpPoster(config.url(), config.timeouts(), clock, List.of(config.routingKey())));
    this.config = config;
  }

  @Override
  protected Object document(Message message) {
    return event(message, config.routingKey().reveal(), config.source());
  }

  static String severity(Priority priority) {
    return switch (priority) {
      case P0 -> "critical";
      case P1 -> "error";
      case P2 -> "warning";
      case P3, P4 -> "info";
    };
  }

  static String action(NotificationKind kind) {
    return switch (kind) {
      case PAGE -> "trigger";
      case ACKNOWLEDGED -> "acknowledge";
      case RESOLVED -> "resolve";
    };
  }

  static ObjectNode event(Message message, String routingKey, String source) {
    NotificationRequest request = message.request();
    ObjectNode event = Json.MAPPER.createObjectNode()
        .put("routing_key", routingKey)
        .put("event_action", action(request.getKind()))
        .put("dedup_key", request.getIncidentId());
    if (request.getKind() != NotificationKind.PAGE) {
      return event;
    }
    String summary = message.title();
    ObjectNode payload = event.putObject("payload")
        .put("summary", summary.length() <= SUMMARY_MAX ? summary : summary.substring(0, SUMMARY_MAX))
        .put("source", request.getLabels().getOrDefault("instance", source))
        .put("severity", severity(request.getPriority()))
        .put("timestamp", request.getCreatedAt().toString());
    String service = request.getLabels().get("service");
    if (service != null) {
      payload.put("component", service);
    }
    String alertname = request.getLabels().get("alertname");
    if (alertname != null) {
      payload.put("class", alertname);
    }
    ObjectNode details = payload.putObject("custom_details")
        .put("priority", request.getPriority().name())
        .put("incident", request.getIncidentId())
        .put("level", request.getLevel())
        .put("body", message.body());
    if (request.getSeverity() != null) {
      details.put("severity", Rendering.severity(request.getSeverity()));
    }
    request.getLabels().forEach((label, value) -> details.put("label." + label, value));
    event.put("client", "Pagewire");
    String incident = request.getLinks().get("incident");
    if (incident != null) {
      event.put("client_url", incident);
    }
    ArrayNode links = event.putArray("links");
    request.getLinks().forEach((text, href) -> links.addObject().put("href", href).put("text", text));
    return event;
  }
}
