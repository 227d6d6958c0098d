package io.pagewire.escalation.state;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.serde.AvroSerde;
import java.lang.invoke.MethodHandles;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The incident lifecycle and escalation policy as pure functions: given the stored state and one
 * input (an incident event, a person's command, or a due deadline) it answers the state after
 * the input and what to emit. It never reads the clock: every time comes with the input.
 *
 * <p>Escalation steps count pages: step 1 pages level 1 when the incident opens, step {@code s}
 * pages level {@code ((s - 1) mod levels) + 1}, so after the last level the policy starts over
 * at level 1. The policy runs {@code repeat + 1} times, {@code levels * (repeat + 1)} steps in
 * all; after the last step no deadline is set.
 *
 * <p>Every id it emits is deterministic (notification ids {@code <incident>/page/<step>} and
 * {@code <incident>/resolved}; timeline ids derived from the incident event id or the step), so
 * a replay produces the same records and the notifier can deduplicate them.
 */
public final class IncidentLifecycle {

  static {
    // Builders deep-copy enums through Avro's class validator, which trusts the generated
    // classes only once AvroSerde is initialised; this class must work before any serde exists.
    try {
      MethodHandles.lookup().ensureInitialized(AvroSerde.class);
    } catch (IllegalAccessException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The actor recorded when the monitoring system, not a person, resolved the incident. */
  public static final String SYSTEM_ACTOR = "system";

  private final PagewireConfig config;
  private final List<PagewireConfig.Level> levels;
  private final String incidentsUrl;

  public IncidentLifecycle(PagewireConfig config) {
    this.config = config;
    this.levels = config.escalation().levels();
    this.incidentsUrl = stripTrailingSlash(config.http().publicUrl()) + "/api/v1/incidents/";
  }

  /** Total pages one incident can receive: every level, {@code repeat + 1} times. */
  public int totalSteps() {
    return levels.size() * (config.escalation().repeat() + 1);
  }

  /** The 1-based level that step {@code step} (1-based) pages. */
  public int levelOfStep(int step) {
    return (step - 1) % levels.size() + 1;
  }

  /** Applies an event of the severity router to the incident's stored state (null when unknown). */
  public Transition onEvent(IncidentState current, IncidentEvent event) {
    if (event.getType() == IncidentEventType.OPENED) {
      return current == null ? open(event) : Transition.ignored("incident already open (duplicate OPENED)");
    }
    if (current == null) {
      return Transition.ignored("unknown incident");
    }
    if (current.getStatus() == IncidentStatus.RESOLVED) {
      return Transition.ignored("incident already resolved");
    }
    return switch (event.getType()) {
      case RESOLVED -> resolve(current, event.getAt(), null, "all alerts resolved: " + alertName(event.getAlert()));
      case ALERT_ADDED, ALERT_RESOLVED, PRIORITY_RAISED -> update(current, event);
      case OPENED -> throw new IllegalStateException("handled above");
    };
  }

  /** Applies a person's command to the incident's stored state (null when unknown). */
  public Transition onCommand(IncidentState current, IncidentCommand command) {
    if (current == null) {
      return Transition.ignored("unknown incident");
    }
    if (current.getStatus() == IncidentStatus.RESOLVED) {
      return Transition.ignored("incident already resolved");
    }
    return switch (command.getType()) {
      case ACKNOWLEDGE -> acknowledge(current, command);
      case RESOLVE -> resolve(current, command.getAt(), command.getActor(),
          command.getNote() != null ? command.getNote() : "");
    };
  }

  /**
   * Fires the escalation deadline {@code deadline} of the incident at {@code now}, the sweep's
   * time. A deadline that no longer matches the stored state (acknowledged, resolved, already
   * escalated, or moved by a priority raise) is stale and ignored.
   *
   * <p>The next deadline counts from {@code now}, not from the missed deadline: after a late
   * sweep (a restart, a long pause) the level just paged still gets its full {@code escalateEvery}
   * to answer, instead of a burst of back-to-back escalations through every level.
   */
  public Transition onDeadline(IncidentState current, Instant deadline, Instant now) {
    if (current == null || current.getStatus() != IncidentStatus.TRIGGERED
        || current.getNextEscalationAt() == null || !current.getNextEscalationAt().equals(deadline)) {
      return Transition.ignored("stale deadline");
    }
    IncidentState.Builder next = IncidentState.newBuilder(current);
    List<NotificationRequest> notifications = new ArrayList<>();
    List<TimelineEvent> timeline = new ArrayList<>();
    int step = current.getPagesSent() + 1;
    if (step > totalSteps()) {
      // Only reachable when the policy shrank since the deadline was set: stop quietly.
      next.setNextEscalationAt(null);
      return new Transition(next.build(), notifications, timeline, null);
    }
    int level = levelOfStep(step);
    timeline.add(timelineEvent(current.getIncidentId() + "/escalated/" + step, current.getIncidentId(),
        TimelineEventType.ESCALATED, null, level,
        "not acknowledged in time: level " + current.getLevel() + " -> level " + level
            + " (" + levels.get(level - 1).name() + ")", now));
    page(next, step, now, notifications, timeline);
    return new Transition(next.build(), notifications, timeline, null);
  }

  private Transition open(IncidentEvent event) {
    Alert alert = event.getAlert();
    Map<String, String> annotations = alert.getAnnotations();
    String id = event.getIncidentId();
    Map<String, String> links = new LinkedHashMap<>();
    links.put("incident", incidentsUrl + id);
    links.put("acknowledge", incidentsUrl + id + "/acknowledge");
    links.put("resolve", incidentsUrl + id + "/resolve");
    String runbook = firstPresent(annotations, "runbook_url", "runbook");
    if (runbook != null) {
      links.put("runbook", runbook);
    }
    IncidentState.Builder state = IncidentState.newBuilder()
        .setIncidentId(id)
        .setIncidentKey(event.getIncidentKey())
        .setTitle(event.getTitle())
        .setSummary(summaryOf(alert))
        .setPriority(event.getPriority())
        .setSeverity(event.getSeverity())
        .setStatus(IncidentStatus.TRIGGERED)
        .setLevel(1)
        .setLabels(new LinkedHashMap<>(alert.getLabels()))
        .setLinks(links)
        .setOpenedAt(event.getAt())
        .setPagesSent(0)
        .setNextEscalationAt(null);
    List<NotificationRequest> notifications = new ArrayList<>();
    List<TimelineEvent> timeline = new ArrayList<>();
    timeline.add(timelineEvent(event.getEventId(), id, TimelineEventType.OPENED, null, null,
        event.getPriority() + " " + event.getTitle() + " (" + event.getReason() + ")", event.getAt()));
    if (config.sla(event.getPriority()).pages()) {
      page(state, 1, event.getAt(), notifications, timeline);
    }
    return new Transition(state.build(), notifications, timeline, null);
  }

  private Transition update(IncidentState current, IncidentEvent event) {
    IncidentState.Builder next = IncidentState.newBuilder(current).setTitle(event.getTitle());
    if (event.getSeverity() != null) {
      next.setSeverity(event.getSeverity());
    }
    if (current.getSummary().isEmpty()) {
      next.setSummary(summaryOf(event.getAlert()));
    }
    List<NotificationRequest> notifications = new ArrayList<>();
    List<TimelineEvent> timeline = new ArrayList<>();
    String detail = switch (event.getType()) {
      case ALERT_ADDED -> "alert firing: " + alertName(event.getAlert()) + " (" + event.getFiringAlerts() + " firing)";
      case ALERT_RESOLVED -> "alert resolved: " + alertName(event.getAlert()) + " (" + event.getFiringAlerts() + " firing)";
      default -> current.getPriority() + " -> " + event.getPriority() + " (" + event.getReason() + ")";
    };
    timeline.add(timelineEvent(event.getEventId(), current.getIncidentId(),
        TimelineEventType.valueOf(event.getType().name()), null, null, detail, event.getAt()));
    if (event.getPriority().ordinal() < current.getPriority().ordinal()) {
      raise(current, next, event.getPriority(), event.getAt(), notifications, timeline);
    }
    return new Transition(next.build(), notifications, timeline, null);
  }

  /**
   * A more urgent priority applies its SLA from the last page on: the deadline moves to the
   * last page time plus the new priority's delay if that is earlier (an overdue result fires on
   * the next sweep), and never later, so a raise cannot postpone an escalation already promised.
   * An incident that was never paged (its old priority does not page) is paged now.
   */
  private void raise(IncidentState current, IncidentState.Builder next, Priority raised, Instant at,
      List<NotificationRequest> notifications, List<TimelineEvent> timeline) {
    next.setPriority(raised);
    if (current.getStatus() != IncidentStatus.TRIGGERED) {
      return;
    }
    PagewireConfig.Sla newSla = config.sla(raised);
    if (current.getPagesSent() == 0) {
      if (newSla.pages()) {
        page(next, 1, at, notifications, timeline);
      }
      return;
    }
    Instant deadline = current.getNextEscalationAt();
    if (deadline == null) {
      return;
    }
    PagewireConfig.Sla oldSla = config.sla(current.getPriority());
    boolean firstStep = current.getPagesSent() == 1;
    Instant lastPage = deadline.minus(firstStep ? oldSla.acknowledgeWithin() : oldSla.escalateEvery());
    Instant candidate = lastPage.plus(firstStep ? newSla.acknowledgeWithin() : newSla.escalateEvery());
    if (candidate.isBefore(deadline)) {
      next.setNextEscalationAt(candidate);
    }
  }

  private Transition acknowledge(IncidentState current, IncidentCommand command) {
    if (current.getStatus() != IncidentStatus.TRIGGERED) {
      return Transition.ignored("incident already acknowledged");
    }
    IncidentState state = IncidentState.newBuilder(current)
        .setStatus(IncidentStatus.ACKNOWLEDGED)
        .setAcknowledgedAt(command.getAt())
        .setAcknowledgedBy(command.getActor())
        .setNextEscalationAt(null)
        .build();
    TimelineEvent acknowledged = timelineEvent(current.getIncidentId() + "/acknowledged", current.getIncidentId(),
        TimelineEventType.ACKNOWLEDGED, command.getActor(), current.getLevel(),
        command.getNote() != null ? command.getNote() : "", command.getAt());
    return new Transition(state, List.of(), List.of(acknowledged), null);
  }

  /**
   * Resolves the incident and tells everyone who was paged: one request to the distinct channels
   * of every level paged so far (nobody is told about an incident that never paged). A null
   * {@code actor} is the monitoring system: the timeline records no person.
   */
  private Transition resolve(IncidentState current, Instant at, String actor, String detail) {
    IncidentState state = IncidentState.newBuilder(current)
        .setStatus(IncidentStatus.RESOLVED)
        .setResolvedAt(at)
        .setResolvedBy(actor != null ? actor : SYSTEM_ACTOR)
        .setNextEscalationAt(null)
        .build();
    List<NotificationRequest> notifications = new ArrayList<>();
    int levelsPaged = Math.min(current.getPagesSent(), levels.size());
    if (levelsPaged > 0) {
      Set<String> channels = new LinkedHashSet<>();
      List<String> recipients = new ArrayList<>();
      for (PagewireConfig.Level level : levels.subList(0, levelsPaged)) {
        channels.addAll(level.channels());
        recipients.add(level.name());
      }
      notifications.add(notification(state, current.getIncidentId() + "/resolved", NotificationKind.RESOLVED,
          current.getLevel(), String.join(", ", recipients), List.copyOf(channels), at));
    }
    TimelineEvent resolved = timelineEvent(current.getIncidentId() + "/resolved", current.getIncidentId(),
        TimelineEventType.RESOLVED, actor, null, detail, at);
    return new Transition(state, notifications, List.of(resolved), null);
  }

  /** Pages step {@code step} at {@code now} and sets the deadline of the step after it, if any. */
  private void page(IncidentState.Builder state, int step, Instant now,
      List<NotificationRequest> notifications, List<TimelineEvent> timeline) {
    int level = levelOfStep(step);
    PagewireConfig.Level target = levels.get(level - 1);
    PagewireConfig.Sla sla = config.sla(state.getPriority());
    state.setLevel(level).setPagesSent(step);
    Duration wait = step == 1 ? sla.acknowledgeWithin() : sla.escalateEvery();
    // A zero delay would re-fire in the same sweep; one millisecond keeps each sweep finite.
    state.setNextEscalationAt(step < totalSteps() ? now.plus(max(wait, Duration.ofMillis(1))) : null);
    String id = state.getIncidentId();
    notifications.add(notification(state.build(), id + "/page/" + step, NotificationKind.PAGE, level,
        target.name(), target.channels(), now));
    timeline.add(timelineEvent(id + "/paged/" + step, id, TimelineEventType.PAGED, null, level,
        "paged " + target.name() + " via " + String.join(", ", target.channels())
            + " (step " + step + " of " + totalSteps() + ")", now));
  }

  private static NotificationRequest notification(IncidentState state, String notificationId, NotificationKind kind,
      int level, String recipient, List<String> channels, Instant now) {
    return NotificationRequest.newBuilder()
        .setNotificationId(notificationId)
        .setIncidentId(state.getIncidentId())
        .setKind(kind)
        .setLevel(level)
        .setRecipient(recipient)
        .setChannels(channels)
        .setTitle(state.getTitle())
        .setSummary(state.getSummary())
        .setPriority(state.getPriority())
        .setSeverity(state.getSeverity())
        .setLabels(state.getLabels())
        .setLinks(state.getLinks())
        .setCreatedAt(now)
        .build();
  }

  private static TimelineEvent timelineEvent(String eventId, String incidentId, TimelineEventType type,
      String actor, Integer level, String detail, Instant at) {
    return TimelineEvent.newBuilder()
        .setEventId(eventId)
        .setIncidentId(incidentId)
        .setType(type)
        .setActor(actor)
        .setLevel(level)
        .setDetail(detail)
        .setAt(at)
        .build();
  }

  private static String summaryOf(Alert alert) {
    String summary = firstPresent(alert.getAnnotations(), "summary", "description");
    return summary != null ? summary : "";
  }

  private static String alertName(Alert alert) {
    String name = alert.getLabels().get("alertname");
    return name != null ? name : alert.getFingerprint();
  }

  private static String firstPresent(Map<String, String> map, String... keys) {
    for (String key : keys) {
      String value = map.get(key);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
