package io.pagewire.router.incident;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.router.mute.Mute;
import io.pagewire.router.route.AlertRouter.Routing;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.RouterIncident;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The router's incident state machine for one incident key: given the open incident (or none)
 * and the next alert of that key, what the incident becomes and which events say so. Pure: "now"
 * is the alert record's timestamp, or the punctuation's time for {@link #recheck}.
 *
 * <ul>
 *   <li>A firing alert and no open incident: <b>OPENED</b>. The id is
 *       {@link IncidentKeys#incidentId} of the key and {@code at} (the record timestamp, not the
 *       alert's {@code startsAt}: an old alert firing again with its old {@code startsAt} after
 *       its incident was resolved must not get the id of that closed incident).
 *   <li>A firing alert new to the open incident: <b>ALERT_ADDED</b>, or <b>PRIORITY_RAISED</b>
 *       when its priority is higher than the incident's (P0 highest): the incident takes the
 *       higher priority and severity. The priority of an open incident never falls, not even
 *       when the alert that raised it resolves.
 *   <li>A firing alert the incident already counts (a new {@code startsAt}): no event; the
 *       state keeps the newest {@code startsAt}.
 *   <li>A resolved alert the incident counts: <b>ALERT_RESOLVED</b>, then <b>RESOLVED</b> when no
 *       alert of the incident fires any more; the incident is closed, so the next firing alert
 *       of the key opens a new incident with a new id.
 *   <li>A resolved alert the incident does not count, or with no open incident: an
 *       {@linkplain Step#orphan() orphan}, no event.
 * </ul>
 *
 * <p><b>Silences and inhibition.</b> Every event says whether its alert is {@code silenced} or
 * {@code inhibited}, and whether the incident is {@code muted}: every alert of it that fires is
 * suppressed, so it must page nobody. {@link #recheck} re-evaluates the firing alerts (a silence
 * started or expired, an inhibiting alert appeared or resolved) and emits <b>ALERT_ADDED</b> for
 * each alert whose suppression changed, carrying the new flags: the event with
 * {@code muted=false} after a silence expired is what resumes paging.
 *
 * <p><b>Flapping.</b> A state change is the incident key going from no firing alert to some, or
 * back. When the key changed state more than {@code flapping.changes} times within
 * {@code flapping.within}, the resolution that would close the incident keeps it open instead,
 * marked {@code flapping} (ALERT_RESOLVED, no RESOLVED), so the next firing joins it
 * (ALERT_ADDED) instead of opening and paging again. {@link #recheck} resolves a flapping
 * incident whose alerts stayed resolved for {@code within}, and clears the mark of one that kept
 * firing that long.
 *
 * <p>Every event carries the alert that caused it, the reason for that alert's priority, and
 * {@code eventId = incidentId + "/" + n} where n counts the incident's events from 1
 * ({@link RouterIncident#getSequence()} holds the last n).
 */
public final class IncidentLifecycle {

  private final PagewireConfig.Flapping flapping;

  public IncidentLifecycle(PagewireConfig.Flapping flapping) {
    this.flapping = flapping;
  }

  /**
   * The outcome of one input.
   *
   * @param incident the open incident after the input; null when none is open (never opened,
   *     or just resolved)
   * @param events what to publish, in order; empty when nothing changed that others must know
   * @param orphan true for a resolved alert that no open incident counts
   * @param changes the key's state changes within the flapping window after the input (epoch
   *     millis, oldest first)
   */
  public record Step(RouterIncident incident, List<IncidentEvent> events, boolean orphan, long[] changes) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Step s && java.util.Objects.equals(s.incident, incident) && s.events.equals(events)
          && s.orphan == orphan && Arrays.equals(s.changes, changes);
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(incident, events, orphan, Arrays.hashCode(changes));
    }
  }

  /**
   * Applies an alert, routed by {@code routing} and muted by {@code mute}, to {@code open}, the
   * open incident of the routing's key or null. Does not modify {@code open}.
   *
   * @param changes the key's recent state changes (epoch millis), possibly empty
   */
  public Step apply(RouterIncident open, Routing routing, Mute mute, long[] changes, Instant at) {
    Alert alert = routing.alert();
    if (alert.getStatus() == AlertStatus.RESOLVED) {
      return resolved(open, routing, changes, at);
    }
    if (open == null) {
      return opened(routing, mute, changes, at);
    }
    return fired(open, routing, mute, changes, at);
  }

  private Step fired(RouterIncident open, Routing routing, Mute mute, long[] changes, Instant at) {
    Alert alert = routing.alert();
    String fingerprint = alert.getFingerprint();
    Map<String, Instant> firing = new LinkedHashMap<>(open.getFiring());
    Instant known = firing.get(fingerprint);
    boolean newest = known == null || alert.getStartsAt().isAfter(known);
    firing.put(fingerprint, newest ? alert.getStartsAt() : known);
    RouterIncident.Builder next = RouterIncident.newBuilder(open).setFiring(firing);
    if (known != null) {
      if (newest) {
        next.setAlerts(with(open.getAlerts(), fingerprint, alert));
      }
      return new Step(next.build(), List.of(), false, changes);
    }
    long[] after = changes;
    if (open.getFiring().isEmpty()) {
      after = changed(changes, at); // a flapping incident held open starts firing again
    }
    next.setAlerts(with(open.getAlerts(), fingerprint, alert));
    next.setSuppressed(suppressed(open.getSuppressed(), fingerprint, mute));
    IncidentEventType type = IncidentEventType.ALERT_ADDED;
    if (routing.verdict().priority().ordinal() < open.getPriority().ordinal()) {
      type = IncidentEventType.PRIORITY_RAISED;
      next.setPriority(routing.verdict().priority()).setSeverity(routing.verdict().severity());
    }
    return emit(next, List.of(type), alert, mute, routing.verdict().reason(), after, at);
  }

  private Step resolved(RouterIncident open, Routing routing, long[] changes, Instant at) {
    Alert alert = routing.alert();
    Instant firingSince = open == null ? null : open.getFiring().get(alert.getFingerprint());
    if (firingSince == null || alert.getStartsAt().isBefore(firingSince)) {
      return new Step(open, List.of(), true, changes);
    }
    Map<String, Instant> firing = new LinkedHashMap<>(open.getFiring());
    firing.remove(alert.getFingerprint());
    Map<String, Alert> alerts = new LinkedHashMap<>(open.getAlerts());
    alerts.remove(alert.getFingerprint());
    Map<String, String> suppressed = new LinkedHashMap<>(open.getSuppressed());
    suppressed.remove(alert.getFingerprint());
    RouterIncident.Builder next = RouterIncident.newBuilder(open)
        .setFiring(firing).setAlerts(alerts).setSuppressed(suppressed);
    String reason = routing.verdict().reason();
    if (!firing.isEmpty()) {
      return emit(next, List.of(IncidentEventType.ALERT_RESOLVED), alert, Mute.NONE, reason, changes, at);
    }
    long[] after = changed(changes, at);
    if (flapping.enabled() && after.length > flapping.changes()) {
      next.setFlapping(true);
      return emit(next, List.of(IncidentEventType.ALERT_RESOLVED), alert, Mute.NONE,
          reason + "; flapping: " + after.length + " state changes within " + flapping.within() + ", kept open", after, at);
    }
    Step step = emit(next, List.of(IncidentEventType.ALERT_RESOLVED, IncidentEventType.RESOLVED),
        alert, Mute.NONE, reason, after, at);
    return new Step(null, step.events(), false, after);
  }

  private Step opened(Routing routing, Mute mute, long[] changes, Instant at) {
    Alert alert = routing.alert();
    Map<String, Instant> firing = new LinkedHashMap<>();
    firing.put(alert.getFingerprint(), alert.getStartsAt());
    RouterIncident.Builder incident = RouterIncident.newBuilder()
        .setIncidentId(IncidentKeys.incidentId(routing.incidentKey(), at.toEpochMilli()))
        .setIncidentKey(routing.incidentKey())
        .setTitle(routing.route().keys().title(alert))
        .setPriority(routing.verdict().priority())
        .setSeverity(routing.verdict().severity())
        .setOpenedAt(at)
        .setFiring(firing)
        .setSequence(0)
        .setRoute(routing.route().name())
        .setTeam(routing.route().team())
        .setService(routing.route().service())
        .setEscalationPolicy(routing.route().escalationPolicy())
        .setAlerts(with(Map.of(), alert.getFingerprint(), alert))
        .setSuppressed(suppressed(Map.of(), alert.getFingerprint(), mute))
        .setMuted(false)
        .setFlapping(false);
    return emit(incident, List.of(IncidentEventType.OPENED), alert, mute, routing.verdict().reason(),
        changed(changes, at), at);
  }

  /**
   * Re-evaluates an open incident at {@code now}: the suppression of each firing alert
   * ({@code muteOf}), and the end of flapping. Emits ALERT_ADDED for every alert whose
   * suppression changed, RESOLVED for a flapping incident whose alerts stayed resolved for
   * {@code flapping.within}.
   */
  public Step recheck(RouterIncident open, Function<Alert, Mute> muteOf, long[] changes, Instant now) {
    long[] recent = recent(changes, now);
    RouterIncident.Builder next = RouterIncident.newBuilder(open);
    List<IncidentEvent> events = new ArrayList<>();
    for (Alert alert : open.getAlerts().values()) {
      Mute mute = muteOf.apply(alert);
      String was = next.getSuppressed().get(alert.getFingerprint());
      if (java.util.Objects.equals(was, mute.reason())) {
        continue;
      }
      next.setSuppressed(suppressed(next.getSuppressed(), alert.getFingerprint(), mute));
      String reason = mute.suppressed() ? mute.reason() : "no longer " + was;
      Step step = emit(next, List.of(IncidentEventType.ALERT_ADDED), alert, mute, reason, recent, now);
      events.addAll(step.events());
      next = RouterIncident.newBuilder(step.incident());
    }
    if (next.getFlapping() && recent.length == 0) {
      if (next.getFiring().isEmpty()) {
        Step step = emit(next.setFlapping(false), List.of(IncidentEventType.RESOLVED), lastAlert(open), Mute.NONE,
            "stopped flapping: no state change within " + flapping.within(), recent, now);
        events.addAll(step.events());
        return new Step(null, List.copyOf(events), false, recent);
      }
      next.setFlapping(false);
    }
    return new Step(next.build(), List.copyOf(events), false, recent);
  }

  /** The changes still inside the flapping window at {@code now}. */
  public long[] recent(long[] changes, Instant now) {
    long since = now.toEpochMilli() - flapping.within().toMillis();
    return Arrays.stream(changes).filter(t -> t > since).toArray();
  }

  private long[] changed(long[] changes, Instant at) {
    if (!flapping.enabled()) {
      return changes;
    }
    long[] recent = recent(changes, at);
    long[] after = Arrays.copyOf(recent, recent.length + 1);
    after[recent.length] = at.toEpochMilli();
    return after;
  }

  /** The alert a closing event of a held-open incident names: the last one it had (kept in {@code alerts} only while firing). */
  private static Alert lastAlert(RouterIncident open) {
    return open.getLastAlert();
  }

  private static Map<String, Alert> with(Map<String, Alert> alerts, String fingerprint, Alert alert) {
    Map<String, Alert> next = new LinkedHashMap<>(alerts);
    next.put(fingerprint, alert);
    return next;
  }

  private static Map<String, String> suppressed(Map<String, String> suppressed, String fingerprint, Mute mute) {
    Map<String, String> next = new LinkedHashMap<>(suppressed);
    if (mute.suppressed()) {
      next.put(fingerprint, mute.reason());
    } else {
      next.remove(fingerprint);
    }
    return next;
  }

  /** Numbers and builds the events of one step on the incident as it is after the step. */
  private static Step emit(RouterIncident.Builder next, List<IncidentEventType> types, Alert alert, Mute mute,
      String reason, long[] changes, Instant at) {
    boolean muted = !next.getFiring().isEmpty() && next.getSuppressed().keySet().containsAll(next.getFiring().keySet());
    next.setMuted(muted).setLastAlert(alert);
    List<IncidentEvent> events = new ArrayList<>(types.size());
    int sequence = next.getSequence();
    for (IncidentEventType type : types) {
      sequence++;
      events.add(IncidentEvent.newBuilder()
          .setEventId(next.getIncidentId() + "/" + sequence)
          .setIncidentId(next.getIncidentId())
          .setType(type)
          .setIncidentKey(next.getIncidentKey())
          .setTitle(next.getTitle())
          .setPriority(next.getPriority())
          .setSeverity(next.getSeverity())
          .setReason(reason)
          .setTeam(next.getTeam())
          .setEscalationPolicy(next.getEscalationPolicy())
          .setAlert(alert)
          .setFiringAlerts(next.getFiring().size())
          .setAt(at)
          .setRoute(next.getRoute())
          .setService(next.getService())
          .setSilenced(mute.silenced())
          .setSilencedBy(mute.silencedBy())
          .setInhibited(mute.inhibited())
          .setInhibitedBy(mute.inhibitedBy())
          .setFlapping(next.getFlapping())
          .setMuted(muted)
          .build());
    }
    return new Step(next.setSequence(sequence).build(), List.copyOf(events), false, changes);
  }
}
