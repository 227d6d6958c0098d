package io.pagewire.router.incident;

import io.pagewire.router.classify.Classifier;
import io.pagewire.router.classify.Verdict;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.RouterIncident;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The router's incident state machine for one incident key: given the open incident (or none)
 * and the next alert of that key, what the incident becomes and which events say so. Pure: "now"
 * is the alert record's timestamp, passed in as {@code at}.
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
 * <p>Every event carries the alert that caused it, the classifier's reason for that alert's
 * priority, and {@code eventId = incidentId + "/" + n} where n counts the incident's events from 1
 * ({@link RouterIncident#getSequence()} holds the last n).
 */
public final class IncidentLifecycle {

  private final Classifier classifier;
  private final IncidentKeys keys;

  public IncidentLifecycle(Classifier classifier, IncidentKeys keys) {
    this.classifier = classifier;
    this.keys = keys;
  }

  /**
   * The outcome of one alert.
   *
   * @param incident the open incident after the alert; null when none is open (never opened,
   *     or just resolved)
   * @param events what to publish, in order; empty when nothing changed that others must know
   * @param orphan true for a resolved alert that no open incident counts
   */
  public record Step(RouterIncident incident, List<IncidentEvent> events, boolean orphan) {}

  /**
   * Applies {@code alert} to {@code open}, the open incident of {@code incidentKey} or null.
   * Does not modify {@code open}.
   */
  public Step apply(String incidentKey, RouterIncident open, Alert alert, Instant at) {
    Verdict verdict = classifier.classify(alert.getLabels());
    if (alert.getStatus() == AlertStatus.RESOLVED) {
      return resolved(open, alert, verdict, at);
    }
    return open == null ? opened(incidentKey, alert, verdict, at) : fired(open, alert, verdict, at);
  }

  private Step fired(RouterIncident open, Alert alert, Verdict verdict, Instant at) {
    Map<String, Instant> firing = new LinkedHashMap<>(open.getFiring());
    Instant known = firing.get(alert.getFingerprint());
    firing.put(alert.getFingerprint(),
        known == null || alert.getStartsAt().isAfter(known) ? alert.getStartsAt() : known);
    RouterIncident.Builder next = RouterIncident.newBuilder(open).setFiring(firing);
    if (known != null) {
      return new Step(next.build(), List.of(), false);
    }
    IncidentEventType type = IncidentEventType.ALERT_ADDED;
    if (verdict.priority().ordinal() < open.getPriority().ordinal()) {
      type = IncidentEventType.PRIORITY_RAISED;
      next.setPriority(verdict.priority()).setSeverity(verdict.severity());
    }
    return emit(next, List.of(type), alert, verdict, at);
  }

  private Step resolved(RouterIncident open, Alert alert, Verdict verdict, Instant at) {
    Instant firingSince = open == null ? null : open.getFiring().get(alert.getFingerprint());
    if (firingSince == null || alert.getStartsAt().isBefore(firingSince)) {
      return new Step(open, List.of(), true);
    }
    Map<String, Instant> firing = new LinkedHashMap<>(open.getFiring());
    firing.remove(alert.getFingerprint());
    RouterIncident.Builder next = RouterIncident.newBuilder(open).setFiring(firing);
    if (!firing.isEmpty()) {
      return emit(next, List.of(IncidentEventType.ALERT_RESOLVED), alert, verdict, at);
    }
    List<IncidentEvent> events =
        emit(next, List.of(IncidentEventType.ALERT_RESOLVED, IncidentEventType.RESOLVED), alert, verdict, at).events();
    return new Step(null, events, false);
  }

  private Step opened(String incidentKey, Alert alert, Verdict verdict, Instant at) {
    Map<String, Instant> firing = new LinkedHashMap<>();
    firing.put(alert.getFingerprint(), alert.getStartsAt());
    RouterIncident.Builder incident = RouterIncident.newBuilder()
        .setIncidentId(IncidentKeys.incidentId(incidentKey, at.toEpochMilli()))
        .setIncidentKey(incidentKey)
        .setTitle(keys.title(alert))
        .setPriority(verdict.priority())
        .setSeverity(verdict.severity())
        .setOpenedAt(at)
        .setFiring(firing)
        .setSequence(0);
    return emit(incident, List.of(IncidentEventType.OPENED), alert, verdict, at);
  }

  /** Numbers and builds the events of one step on the incident as it is after the step. */
  private static Step emit(
      RouterIncident.Builder next, List<IncidentEventType> types, Alert alert, Verdict verdict, Instant at) {
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
          .setReason(verdict.reason())
          .setTeam(null)
          .setEscalationPolicy(null)
          .setAlert(alert)
          .setFiringAlerts(next.getFiring().size())
          .setAt(at)
          .build());
    }
    return new Step(next.setSequence(sequence).build(), List.copyOf(events), false);
  }
}
