package io.pagewire.router.whatif;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.config.PolicyConfig;
import io.pagewire.router.incident.IncidentLifecycle;
import io.pagewire.router.mute.Mute;
import io.pagewire.router.mute.Suppressions;
import io.pagewire.router.route.AlertRouter;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.RouterAlert;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.Silence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs recorded alerts through one configuration's routing, grouping, silences and inhibition with
 * the router's own pure parts ({@link AlertRouter}, {@link Suppressions}, {@link IncidentLifecycle}),
 * and says which incidents that would have opened, at what priority, and who would have been
 * paged first and when. Writes nothing and reads no clock: the times are the alerts' record
 * timestamps, as the router's are.
 *
 * <p>What it leaves out, so that a difference it shows comes from the configuration: duplicate
 * alerts need no dedup step (the lifecycle ignores an alert its incident already counts, and a
 * repeated resolution of none); resolutions by people are not replayed (their incident ids are
 * those of the old configuration); silences are taken as they are on the topic now, their start
 * and end re-checked at the exact times instead of every {@code recheckInterval}; flapping
 * incidents are not calmed between alerts. "Paged" is the policy's first step when the incident
 * opens (or stops being muted) at a priority that pages; schedules are not resolved to people.
 */
public final class RoutingSimulation {

  /**
   * One incident the configuration opens.
   *
   * @param fingerprint the alert that opened it; with {@code openedAt}, what identifies it across
   *     configurations
   * @param priority the highest priority it reached
   * @param mutedAtOpen every alert of it was silenced or inhibited when it opened
   * @param firstPage the first page; null when it would page nobody
   */
  public record Incident(String fingerprint, String alertname, Instant openedAt, String incidentId, String incidentKey,
      String route, Priority priority, String team, String policy, boolean mutedAtOpen, Page firstPage) {

    Incident withPriority(Priority raised) {
      return new Incident(fingerprint, alertname, openedAt, incidentId, incidentKey, route, raised, team, policy,
          mutedAtOpen, firstPage);
    }

    Incident withPage(Page page) {
      return new Incident(fingerprint, alertname, openedAt, incidentId, incidentKey, route, priority, team, policy,
          mutedAtOpen, page);
    }
  }

  /** Who is paged first and when: the policy's first step targets (or level name), at a time. */
  public record Page(Instant at, String who) {}

  /** An alert as recorded, with its record timestamp. */
  public record Recorded(long timestamp, Alert alert) {}

  private final PagewireConfig config;
  private final AlertRouter router;
  private final Suppressions suppressions;
  private final IncidentLifecycle lifecycle;
  private final List<Silence> silences;

  private final Map<String, Group> groups = new HashMap<>();
  private final Map<String, Alert> inhibiting = new LinkedHashMap<>();
  private final Map<String, Incident> incidents = new LinkedHashMap<>();

  public RoutingSimulation(PagewireConfig config, List<Silence> silences) {
    this.config = config;
    this.router = new AlertRouter(config.classification());
    this.suppressions = new Suppressions(config.classification().inhibitRules());
    this.lifecycle = new IncidentLifecycle(config.classification().flapping());
    this.silences = List.copyOf(silences);
  }

  /** The open incident of one key and the alerts it counts. */
  private static final class Group {
    RouterIncident open;
    final Map<String, RouterAlert> members = new HashMap<>();
    long[] changes = new long[0];
  }

  /** Runs every alert, in record-timestamp order (ties as given), and returns the incidents opened, by opening time. */
  public List<Incident> run(List<Recorded> alerts) {
    List<Recorded> ordered = new ArrayList<>(alerts);
    ordered.sort((a, b) -> Long.compare(a.timestamp(), b.timestamp())); // stable
    TreeSet<Long> boundaries = new TreeSet<>();
    for (Silence silence : silences) {
      boundaries.add(silence.getStartsAt().toEpochMilli());
      boundaries.add(silence.getEndsAt().toEpochMilli());
    }
    for (Recorded recorded : ordered) {
      // A silence that started or ended before this alert re-mutes the open incidents at that moment.
      for (Long boundary = boundaries.pollFirst(); boundary != null; boundary = boundaries.pollFirst()) {
        if (boundary > recorded.timestamp()) {
          boundaries.add(boundary);
          break;
        }
        remuteAll(Instant.ofEpochMilli(boundary));
      }
      accept(recorded.alert(), Instant.ofEpochMilli(recorded.timestamp()));
    }
    List<Incident> result = new ArrayList<>(incidents.values());
    result.sort((a, b) -> a.openedAt().compareTo(b.openedAt()));
    return result;
  }

  private void accept(Alert input, Instant at) {
    boolean inhibitorsChanged = false;
    for (AlertRouter.Routing routing : router.route(input)) {
      Alert alert = routing.alert();
      Group group = groups.computeIfAbsent(routing.incidentKey(), key -> new Group());
      Mute mute = alert.getStatus() == AlertStatus.FIRING
          ? suppressions.of(alert.getLabels(), alert.getFingerprint(), silences, inhibiting.values(), at)
          : Mute.NONE;
      RouterAlert known = group.open == null ? null : group.members.get(alert.getFingerprint());
      apply(group, lifecycle.apply(group.open, known, routing, mute, group.changes, at), at);
    }
    // The router publishes alerts that can inhibit to a compacted topic while they fire.
    if (suppressions.canInhibit(input.getLabels())) {
      Alert before = input.getStatus() == AlertStatus.FIRING
          ? inhibiting.put(input.getFingerprint(), input) : inhibiting.remove(input.getFingerprint());
      inhibitorsChanged = input.getStatus() == AlertStatus.FIRING ? before == null : before != null;
    }
    if (inhibitorsChanged) {
      remuteAll(at);
    }
  }

  private void remuteAll(Instant now) {
    List<Silence> active = silences;
    for (Group group : new TreeMap<>(groups).values()) {
      if (group.open == null) {
        continue;
      }
      for (RouterAlert member : List.copyOf(group.members.values())) {
        Alert alert = member.getAlert();
        Mute mute = suppressions.of(alert.getLabels(), alert.getFingerprint(), active, inhibiting.values(), now);
        apply(group, lifecycle.remute(group.open, member, mute, group.changes, now), now);
      }
    }
  }

  private void apply(Group group, IncidentLifecycle.Step step, Instant at) {
    group.open = step.incident();
    group.changes = step.changes();
    if (step.member() != null) {
      if (step.member().after() == null) {
        group.members.remove(step.member().fingerprint());
      } else {
        group.members.put(step.member().fingerprint(), step.member().after());
      }
    }
    if (group.open == null) {
      group.members.clear();
    }
    for (IncidentEvent event : step.events()) {
      record(event, at);
    }
  }

  private void record(IncidentEvent event, Instant at) {
    if (event.getType() == IncidentEventType.OPENED) {
      Alert alert = event.getAlert();
      incidents.put(event.getIncidentId(), new Incident(alert.getFingerprint(),
          alert.getLabels().getOrDefault("alertname", alert.getFingerprint()), event.getAt(), event.getIncidentId(),
          event.getIncidentKey(), event.getRoute(), event.getPriority(), event.getTeam(), policy(event), event.getMuted(),
          null));
    }
    Incident incident = incidents.get(event.getIncidentId());
    if (incident == null) {
      return;
    }
    if (event.getPriority().ordinal() < incident.priority().ordinal()) {
      incident = incident.withPriority(event.getPriority());
    }
    boolean firing = event.getType() == IncidentEventType.OPENED || event.getType() == IncidentEventType.ALERT_ADDED
        || event.getType() == IncidentEventType.PRIORITY_RAISED;
    if (incident.firstPage() == null && firing && !event.getMuted() && config.sla(event.getPriority()).pages()) {
      incident = incident.withPage(new Page(at, firstStep(incident.policy())));
    }
    incidents.put(event.getIncidentId(), incident);
  }

  /** The route's policy, else the priority's default policy; null: the default levels. */
  private String policy(IncidentEvent event) {
    if (event.getEscalationPolicy() != null) {
      return event.getEscalationPolicy();
    }
    return config.escalation().defaultPolicies().get(event.getPriority());
  }

  private String firstStep(String policy) {
    PolicyConfig named = policy != null ? config.escalation().policies().get(policy) : null;
    if (named == null || named.steps().isEmpty()) {
      return config.escalation().levels().get(0).name();
    }
    List<String> targets = new ArrayList<>();
    for (PolicyConfig.Target target : named.steps().get(0).targets()) {
      targets.add(target.user() != null ? "user " + target.user()
          : target.schedule() != null ? "schedule " + target.schedule() : "team " + target.team());
    }
    return String.join(", ", targets);
  }
}
