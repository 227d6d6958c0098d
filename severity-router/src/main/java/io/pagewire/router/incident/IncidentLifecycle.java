package io.pagewire.router.incident;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.text.TextBounds;
import io.pagewire.router.mute.Mute;
import io.pagewire.router.route.AlertRouter.Routing;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.Records;
import io.pagewire.schemas.RouterIncident;
import io.pagewire.schemas.RouterAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 *       alert's record keeps the newest {@code startsAt}.
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
 * <p><b>Bounded state.</b> The incident record holds counts, never its alerts: each firing alert
 * is a {@link RouterAlert} of its own (the caller stores it under
 * {@code Ids.groupMember(incidentKey, fingerprint)}), and every step changes at most one of them
 * ({@link Step#member()}), so an alert costs the same whatever the size of its incident.
 *
 * <p><b>Coalescing.</b> A routine change (an alert joins or leaves an incident that stays open,
 * with no change of its priority or muting) within {@code coalesceAlertEvents} of the incident's
 * previous event publishes nothing: the incident counts it ({@code pendingAdded},
 * {@code pendingResolved}) and the next event carries the counts ({@code alertsAdded},
 * {@code alertsResolved}), be it the next non-routine event or {@link #flush} once the interval
 * has passed. In a storm of n alerts into one incident, escalation gets one event per interval
 * instead of n; the first change after a quiet interval is published at once.
 *
 * <p>Every event carries the alert that caused it, the reason for that alert's priority, and
 * {@code eventId = incidentId + "/" + n} where n counts the incident's events from 1
 * ({@link RouterIncident#getSequence()} holds the last n).
 */
public final class IncidentLifecycle {

  private final PagewireConfig.Flapping flapping;
  private final Duration coalesce;

  /** Publishes every change (no coalescing). */
  public IncidentLifecycle(PagewireConfig.Flapping flapping) {
    this(flapping, Duration.ZERO);
  }

  /** @param coalesce {@code classification.coalesceAlertEvents}; zero publishes every change */
  public IncidentLifecycle(PagewireConfig.Flapping flapping, Duration coalesce) {
    this.flapping = flapping;
    this.coalesce = coalesce;
  }

  /**
   * The change of one alert record of the incident: {@code after} is its new value, or null
   * when it leaves the incident (resolved).
   */
  public record MemberChange(String fingerprint, RouterAlert after) {}

  /**
   * The outcome of one input.
   *
   * @param incident the open incident after the input; null when none is open (never opened,
   *     or just resolved)
   * @param events what to publish, in order; empty when nothing changed that others must know
   * @param orphan true for a resolved alert that no open incident counts
   * @param changes the key's state changes within the flapping window after the input (epoch
   *     millis, oldest first; at most {@code flapping.changes + 1})
   * @param member the alert record the input changed; null when none changed
   */
  public record Step(RouterIncident incident, List<IncidentEvent> events, boolean orphan, long[] changes,
      MemberChange member) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Step s && Objects.equals(s.incident, incident) && s.events.equals(events)
          && s.orphan == orphan && Arrays.equals(s.changes, changes) && Objects.equals(s.member, member);
    }

    @Override
    public int hashCode() {
      return Objects.hash(incident, events, orphan, Arrays.hashCode(changes), member);
    }

    Step withMember(MemberChange change) {
      return new Step(incident, events, orphan, changes, change);
    }
  }

  /**
   * Applies an alert, routed by {@code routing} and muted by {@code mute}, to {@code open}, the
   * open incident of the routing's key or null, whose record of the same alert is {@code known}
   * (null when the incident does not count it). Modifies neither.
   *
   * @param changes the key's recent state changes (epoch millis), possibly empty
   */
  public Step apply(RouterIncident open, RouterAlert known, Routing routing, Mute mute, long[] changes, Instant at) {
    Alert alert = routing.alert();
    if (alert.getStatus() == AlertStatus.RESOLVED) {
      return resolved(open, known, routing, changes, at);
    }
    if (open == null) {
      return opened(routing, mute, changes, at);
    }
    return fired(open, known, routing, mute, changes, at);
  }

  private Step fired(RouterIncident open, RouterAlert known, Routing routing, Mute mute, long[] changes, Instant at) {
    Alert alert = routing.alert();
    String fingerprint = alert.getFingerprint();
    if (known != null) {
      if (!alert.getStartsAt().isAfter(known.getAlert().getStartsAt())) {
        return new Step(open, List.of(), false, changes, null);
      }
      return new Step(open, List.of(), false, changes,
          new MemberChange(fingerprint, new RouterAlert(alert, known.getSuppressed())));
    }
    boolean firingAgain = open.getFiringCount() == 0; // a flapping incident held open starts firing again
    long[] after = firingAgain ? changed(changes, at) : changes;
    RouterIncident next = Records.shallowCopy(open);
    next.setFiringCount(open.getFiringCount() + 1);
    next.setSuppressedCount(open.getSuppressedCount() + (mute.suppressed() ? 1 : 0));
    IncidentEventType type = IncidentEventType.ALERT_ADDED;
    if (routing.verdict().priority().ordinal() < open.getPriority().ordinal()) {
      type = IncidentEventType.PRIORITY_RAISED;
      next.setPriority(routing.verdict().priority());
      next.setSeverity(routing.verdict().severity());
    }
    MemberChange member = new MemberChange(fingerprint, new RouterAlert(alert, mute.reason()));
    if (type == IncidentEventType.ALERT_ADDED && !firingAgain && routine(open, next, at)) {
      next.setPendingAdded(open.getPendingAdded() + 1);
      return held(next, alert, changes, member);
    }
    return emit(next, List.of(type), alert, mute, routing.verdict().reason(), after, at, 1, 0).withMember(member);
  }

  private Step resolved(RouterIncident open, RouterAlert known, Routing routing, long[] changes, Instant at) {
    Alert alert = routing.alert();
    if (open == null || known == null || alert.getStartsAt().isBefore(known.getAlert().getStartsAt())) {
      return new Step(open, List.of(), true, changes, null);
    }
    MemberChange gone = new MemberChange(alert.getFingerprint(), null);
    int firing = open.getFiringCount() - 1;
    RouterIncident next = Records.shallowCopy(open);
    next.setFiringCount(firing);
    next.setSuppressedCount(open.getSuppressedCount() - (known.getSuppressed() != null ? 1 : 0));
    String reason = routing.verdict().reason();
    if (firing > 0) {
      if (routine(open, next, at)) {
        next.setPendingResolved(open.getPendingResolved() + 1);
        return held(next, alert, changes, gone);
      }
      return emit(next, List.of(IncidentEventType.ALERT_RESOLVED), alert, Mute.NONE, reason, changes, at, 0, 1)
          .withMember(gone);
    }
    long[] after = changed(changes, at);
    if (flapping.enabled() && after.length > flapping.changes()) {
      next.setFlapping(true);
      return emit(next, List.of(IncidentEventType.ALERT_RESOLVED), alert, Mute.NONE,
          reason + "; flapping: " + after.length + " state changes within " + flapping.within() + ", kept open", after, at,
          0, 1)
          .withMember(gone);
    }
    Step step = emit(next, List.of(IncidentEventType.ALERT_RESOLVED, IncidentEventType.RESOLVED),
        alert, Mute.NONE, reason, after, at, 0, 1);
    return new Step(null, step.events(), false, after, gone);
  }

  private Step opened(Routing routing, Mute mute, long[] changes, Instant at) {
    Alert alert = routing.alert();
    RouterIncident incident = RouterIncident.newBuilder()
        .setIncidentId(Ids.incidentId(routing.incidentKey(), at.toEpochMilli()))
        .setIncidentKey(routing.incidentKey())
        .setTitle(TextBounds.truncate(routing.route().keys().title(alert), TextBounds.TITLE_BYTES))
        .setPriority(routing.verdict().priority())
        .setSeverity(routing.verdict().severity())
        .setOpenedAt(at)
        .setFiringCount(1)
        .setSuppressedCount(mute.suppressed() ? 1 : 0)
        .setSequence(0)
        .setRoute(routing.route().name())
        .setTeam(routing.route().team())
        .setService(routing.route().service())
        .setEscalationPolicy(routing.route().escalationPolicy())
        .setMuted(false)
        .setFlapping(false)
        // emit sets these four as every step does
        .setLastAlert(alert)
        .setPendingAdded(0)
        .setPendingResolved(0)
        .setPublishedAt(at)
        .build();
    return emit(incident, List.of(IncidentEventType.OPENED), alert, mute, routing.verdict().reason(),
        changed(changes, at), at, 1, 0)
        .withMember(new MemberChange(alert.getFingerprint(), new RouterAlert(alert, mute.reason())));
  }

  /**
   * Re-evaluates one firing alert of an open incident at {@code now}, now muted by {@code mute}:
   * ALERT_ADDED with the new flags when its suppression changed, nothing otherwise.
   */
  public Step remute(RouterIncident open, RouterAlert member, Mute mute, long[] changes, Instant now) {
    String was = member.getSuppressed();
    if (Objects.equals(was, mute.reason())) {
      return new Step(open, List.of(), false, changes, null);
    }
    int delta = (mute.suppressed() ? 1 : 0) - (was != null ? 1 : 0);
    RouterIncident next = Records.shallowCopy(open);
    next.setSuppressedCount(open.getSuppressedCount() + delta);
    String reason = mute.suppressed() ? mute.reason() : "no longer " + was;
    Alert alert = member.getAlert();
    return emit(next, List.of(IncidentEventType.ALERT_ADDED), alert, mute, reason, changes, now, 0, 0)
        .withMember(new MemberChange(alert.getFingerprint(), new RouterAlert(alert, mute.reason())));
  }

  /**
   * The end of flapping at {@code now}: RESOLVED for a flapping incident whose alerts stayed
   * resolved for {@code flapping.within}; a flapping incident that kept firing that long loses
   * the mark.
   */
  public Step calm(RouterIncident open, long[] changes, Instant now) {
    long[] recent = recent(changes, now);
    if (!open.getFlapping() || recent.length > 0) {
      return new Step(open, List.of(), false, recent, null);
    }
    RouterIncident next = Records.shallowCopy(open);
    next.setFlapping(false);
    if (open.getFiringCount() > 0) {
      return new Step(next, List.of(), false, recent, null);
    }
    Step step = emit(next, List.of(IncidentEventType.RESOLVED), open.getLastAlert(), Mute.NONE,
        "stopped flapping: no state change within " + flapping.within(), recent, now, 0, 0);
    return new Step(null, step.events(), false, recent, null);
  }

  /**
   * Publishes the routine changes the incident holds back, once {@code coalesceAlertEvents} has
   * passed since its previous event: one ALERT_ADDED (ALERT_RESOLVED when only alerts left) on
   * its latest alert, with the counts. Nothing when none is held or the interval has not passed.
   *
   * @param mute the latest alert's suppression at {@code now}
   */
  public Step flush(RouterIncident open, Mute mute, long[] changes, Instant now) {
    if (!pending(open) || now.isBefore(open.getPublishedAt().plus(coalesce))) {
      return new Step(open, List.of(), false, changes, null);
    }
    IncidentEventType type = open.getPendingAdded() > 0 ? IncidentEventType.ALERT_ADDED : IncidentEventType.ALERT_RESOLVED;
    String reason = "coalesced: " + open.getPendingAdded() + " alerts added, " + open.getPendingResolved()
        + " resolved within " + coalesce;
    return emit(Records.shallowCopy(open), List.of(type), open.getLastAlert(), mute, reason, changes, now, 0, 0);
  }

  /** True when the incident holds routine changes that no event has published yet. */
  public static boolean pending(RouterIncident incident) {
    return incident.getPendingAdded() > 0 || incident.getPendingResolved() > 0;
  }

  /**
   * A change that can wait: the muting others see stays as published, and the incident's
   * previous event is younger than {@code coalesceAlertEvents}.
   */
  private boolean routine(RouterIncident open, RouterIncident next, Instant at) {
    return !coalesce.isZero() && muted(next) == open.getMuted() && at.isBefore(open.getPublishedAt().plus(coalesce));
  }

  private static Step held(RouterIncident next, Alert alert, long[] changes, MemberChange member) {
    next.setLastAlert(alert);
    return new Step(next, List.of(), false, changes, member);
  }

  private static boolean muted(RouterIncident next) {
    return next.getFiringCount() > 0 && next.getSuppressedCount() >= next.getFiringCount();
  }

  /** The changes still inside the flapping window at {@code now}. */
  public long[] recent(long[] changes, Instant now) {
    long since = now.toEpochMilli() - flapping.within().toMillis();
    return Arrays.stream(changes).filter(t -> t > since).toArray();
  }

  /**
   * The changes after one more at {@code at}: only the last {@code flapping.changes + 1} are
   * kept, all that deciding "more than {@code changes}" needs, so the history stays bounded.
   */
  private long[] changed(long[] changes, Instant at) {
    if (!flapping.enabled()) {
      return changes;
    }
    long[] recent = recent(changes, at);
    int keep = Math.min(recent.length, flapping.changes());
    long[] after = Arrays.copyOfRange(recent, recent.length - keep, recent.length + 1);
    after[keep] = at.toEpochMilli();
    return after;
  }

  /**
   * Numbers and builds the events of one step on the incident as it is after the step. The first
   * event carries the held-back changes plus {@code added} and {@code resolved}, this step's own.
   */
  private static Step emit(RouterIncident next, List<IncidentEventType> types, Alert alert, Mute mute,
      String reason, long[] changes, Instant at, int added, int resolved) {
    boolean muted = muted(next);
    int alertsAdded = next.getPendingAdded() + added;
    int alertsResolved = next.getPendingResolved() + resolved;
    next.setMuted(muted);
    next.setLastAlert(alert);
    next.setPendingAdded(0);
    next.setPendingResolved(0);
    next.setPublishedAt(at);
    List<IncidentEvent> events = new ArrayList<>(types.size());
    int sequence = next.getSequence();
    for (IncidentEventType type : types) {
      sequence++;
      boolean first = events.isEmpty();
      events.add(IncidentEvent.newBuilder()
          .setEventId(Ids.incidentEventId(next.getIncidentId(), sequence))
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
          .setFiringAlerts(next.getFiringCount())
          .setAt(at)
          .setRoute(next.getRoute())
          .setService(next.getService())
          .setSilenced(mute.silenced())
          .setSilencedBy(mute.silencedBy())
          .setInhibited(mute.inhibited())
          .setInhibitedBy(mute.inhibitedBy())
          .setFlapping(next.getFlapping())
          .setMuted(muted)
          .setAlertsAdded(first ? alertsAdded : 0)
          .setAlertsResolved(first ? alertsResolved : 0)
          .build());
    }
    next.setSequence(sequence);
    return new Step(next, List.copyOf(events), false, changes, null);
  }
}
