package io.pagewire.escalation.state;

import io.pagewire.platform.text.TextBounds;
import io.pagewire.escalation.links.LinkSigner;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.IncidentState;
import io.pagewire.schemas.IncidentStatus;
import io.pagewire.schemas.Note;
import io.pagewire.schemas.NoteKind;
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
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The incident lifecycle, escalation and SLA clocks as pure functions: given the stored state and
 * one input (an incident event, a person's command, or a due timer) it answers the state after
 * the input and what to emit. It never reads the clock: every time comes with the input.
 *
 * <p>Statuses: {@code TRIGGERED} (escalating), {@code ACKNOWLEDGED} (someone owns it; pages
 * again after the priority's {@code reacknowledgeAfter}, if set), {@code SNOOZED} (silent until
 * {@code snoozedUntil}, then pages the current step again and resumes escalating) and
 * {@code RESOLVED} (final; only notes are still accepted).
 *
 * <p>Escalation steps count pages (see {@link EscalationPlan}): step 1 pages when the incident
 * opens, and each later step waits {@link EscalationPlan#waitAfter} the one before; after the
 * last step of the last loop no further step is set. A re-assigned incident pages its assignee
 * at every later step instead of the policy's targets.
 *
 * <p>The timers an incident needs follow from its state alone ({@link #timers}); a timer that no
 * longer matches the state when it fires is stale and ignored.
 *
 * <p>Every id it emits is deterministic and formatted by {@link Ids} (notification ids {@code <incident>/page/<step>},
 * {@code <incident>/renotify/<n>}, {@code <incident>/resolved}, with {@code /<recipient>} added
 * when a step pages several people; timeline ids derived from the incident event, the command
 * or the step), so a replay produces the same records and the notifier can deduplicate them.
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
  /**
   * Notes beyond this many are refused: the incident state must stay a bounded record (each note
   * at most {@link TextBounds#NOTE_BYTES}, so notes take at most about 450 KiB).
   */
  public static final int MAX_NOTES = 100;

  private final PagewireConfig config;
  private final EscalationPlan plan;
  private final SlaClock slaClock;
  private final LinkSigner links;
  private final String baseUrl;

  public IncidentLifecycle(PagewireConfig config, EscalationPlan plan, SlaClock slaClock, LinkSigner links) {
    this.config = config;
    this.plan = plan;
    this.slaClock = slaClock;
    this.links = links;
    this.baseUrl = stripTrailingSlash(config.http().publicUrl());
  }

  /** The URL of a signed link token. */
  public String linkUrl(String token) {
    return baseUrl + "/api/v1/links/" + token;
  }

  /** Total pages the incident can receive from its policy: every step of every loop. */
  public int totalSteps(IncidentState incident) {
    return plan.totalSteps(incident);
  }

  /**
   * The timers {@code incident} needs now, by kind: the next escalation while triggered, the end
   * of a snooze while snoozed, the acknowledgement timeout while acknowledged, and the SLA
   * deadlines not yet met or breached.
   */
  public static Map<TimerKind, Instant> timers(IncidentState incident) {
    Map<TimerKind, Instant> timers = new EnumMap<>(TimerKind.class);
    if (incident == null || incident.getStatus() == IncidentStatus.RESOLVED) {
      return timers;
    }
    switch (incident.getStatus()) {
      case TRIGGERED -> {
        if (!incident.getMuted()) {
          putIfPresent(timers, TimerKind.ESCALATE, incident.getNextEscalationAt());
        }
      }
      case SNOOZED -> putIfPresent(timers, TimerKind.SNOOZE_END, incident.getSnoozedUntil());
      case ACKNOWLEDGED -> putIfPresent(timers, TimerKind.RENOTIFY, incident.getRenotifyAt());
      default -> { }
    }
    if (incident.getAcknowledgedAt() == null && incident.getAcknowledgeBreachedAt() == null) {
      putIfPresent(timers, TimerKind.ACKNOWLEDGE_SLA, incident.getAcknowledgeDueAt());
    }
    if (incident.getResolveBreachedAt() == null) {
      putIfPresent(timers, TimerKind.RESOLVE_SLA, incident.getResolveDueAt());
    }
    return timers;
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
      case RESOLVED -> resolve(current, event.getAt(), null, event.getEventId(),
          "all alerts resolved: " + alertName(event.getAlert()));
      case ALERT_ADDED, ALERT_RESOLVED, PRIORITY_RAISED -> update(current, event);
      case OPENED -> throw new IllegalStateException("handled above");
    };
  }

  /** Applies a person's command to the incident's stored state (null when unknown). */
  public Transition onCommand(IncidentState current, IncidentCommand command) {
    if (current == null) {
      return Transition.ignored("unknown incident");
    }
    if (command.getType() == CommandType.ADD_NOTE) {
      return addNote(current, command);
    }
    if (current.getStatus() == IncidentStatus.RESOLVED) {
      return Transition.ignored("incident already resolved");
    }
    return switch (command.getType()) {
      case ACKNOWLEDGE -> acknowledge(current, command);
      case RESOLVE -> resolve(current, command.getAt(), command.getActor(), command.getCommandId(),
          command.getNote() != null ? command.getNote() : "");
      case SNOOZE -> snooze(current, command);
      case REASSIGN -> reassign(current, command);
      case ESCALATE -> escalateNow(current, command);
      case ADD_NOTE -> throw new IllegalStateException("handled above");
    };
  }

  /**
   * Fires the timer {@code kind} of the incident, due at {@code deadline}, at {@code now}, the
   * sweep's time. A timer that no longer matches {@link #timers} of the stored state
   * (acknowledged, resolved, already fired, moved) is stale and ignored.
   *
   * <p>Delays count from {@code now}, not from the missed deadline: after a late sweep (a
   * restart, a long pause) the people just paged still get their full wait to answer, instead of
   * a burst of back-to-back escalations through every level.
   */
  public Transition onTimer(IncidentState current, TimerKind kind, Instant deadline, Instant now) {
    if (current == null || !deadline.equals(timers(current).get(kind))) {
      return Transition.ignored("stale " + kind.name().toLowerCase(Locale.ROOT) + " timer");
    }
    return switch (kind) {
      case ESCALATE -> escalate(current, now);
      case SNOOZE_END -> retrigger(current, now, "snooze ended");
      case RENOTIFY -> retrigger(current, now, "acknowledged " + current.getAcknowledgedAt() + " by "
          + current.getAcknowledgedBy() + " and not resolved within "
          + config.sla(current.getPriority()).reacknowledgeAfter());
      case ACKNOWLEDGE_SLA -> breach(current, deadline, true);
      case RESOLVE_SLA -> breach(current, deadline, false);
    };
  }

  private Transition open(IncidentEvent event) {
    Alert alert = event.getAlert();
    Map<String, String> annotations = alert.getAnnotations();
    String id = event.getIncidentId();
    Map<String, String> links = new LinkedHashMap<>();
    links.put("incident", baseUrl + "/api/v1/incidents/" + id);
    String runbook = firstPresent(annotations, "runbook_url", "runbook");
    if (runbook != null) {
      links.put("runbook", runbook);
    }
    PagewireConfig.Sla sla = config.sla(event.getPriority());
    IncidentState.Builder state = IncidentState.newBuilder()
        .setIncidentId(id)
        .setIncidentKey(event.getIncidentKey())
        .setTitle(TextBounds.truncate(event.getTitle(), TextBounds.TITLE_BYTES))
        .setSummary(summaryOf(alert))
        .setTeam(event.getTeam())
        .setPriority(event.getPriority())
        .setSeverity(event.getSeverity())
        .setStatus(IncidentStatus.TRIGGERED)
        .setLevel(1)
        .setLabels(new LinkedHashMap<>(alert.getLabels()))
        .setLinks(links)
        .setOpenedAt(event.getAt())
        .setPagesSent(0)
        .setNextEscalationAt(null)
        .setPolicy(event.getEscalationPolicy())
        .setNotes(new ArrayList<>())
        .setMuted(event.getMuted());
    Emitted out = new Emitted();
    TimelineEvent opened = timelineEvent(event.getEventId(), id, TimelineEventType.OPENED, null, null,
        event.getPriority() + " " + event.getTitle() + " (" + event.getReason() + ")", event.getAt());
    opened.setPriority(event.getPriority());
    out.timeline.add(opened);
    if (event.getMuted()) {
      // Silenced or inhibited from the start: on record, but no page and no clock until unmuted.
      out.timeline.add(muteEvent(event, id));
      return out.transition(state.build());
    }
    startPaging(state, sla, event.getAt(), out);
    return out.transition(state.build());
  }

  /** The SLA clocks start when paging starts: at opening, or when a muted incident is unmuted. */
  private void startPaging(IncidentState.Builder state, PagewireConfig.Sla sla, Instant at, Emitted out) {
    state.setAcknowledgeDueAt(slaClock.plus(at, sla.acknowledgeWithin(), sla.businessHours()))
        .setResolveDueAt(slaClock.plus(at, sla.resolveWithin(), sla.businessHours()));
    if (sla.pages()) {
      page(state, 1, at, out, null);
    }
  }

  private static TimelineEvent muteEvent(IncidentEvent event, String incidentId) {
    boolean silenced = event.getSilenced();
    String detail = silenced
        ? "silenced by " + String.join(", ", event.getSilencedBy()) + ": pages nobody"
        : "inhibited" + (event.getInhibitedBy() != null ? " by " + event.getInhibitedBy() : "") + ": pages nobody";
    return timelineEvent(Ids.mutedEvent(event.getEventId()), incidentId,
        silenced ? TimelineEventType.SILENCED : TimelineEventType.INHIBITED, null, null, detail, event.getAt());
  }

  /**
   * "alert firing: X (3 firing)", or for an event the router coalesced from several changes
   * "500 alerts firing, 2 resolved, latest X (3 firing)".
   */
  private static String alertChanges(IncidentEvent event) {
    String firing = " (" + event.getFiringAlerts() + " firing)";
    if (event.getAlertsAdded() + event.getAlertsResolved() <= 1) {
      String verb = event.getType() == IncidentEventType.ALERT_ADDED ? "alert firing: " : "alert resolved: ";
      return verb + alertName(event.getAlert()) + firing;
    }
    return event.getAlertsAdded() + " alerts firing, " + event.getAlertsResolved() + " resolved, latest "
        + alertName(event.getAlert()) + firing;
  }

  private Transition update(IncidentState current, IncidentEvent event) {
    IncidentState.Builder next = IncidentState.newBuilder(current)
        .setTitle(TextBounds.truncate(event.getTitle(), TextBounds.TITLE_BYTES));
    if (event.getTeam() != null) {
      next.setTeam(event.getTeam());
    }
    if (event.getSeverity() != null) {
      next.setSeverity(event.getSeverity());
    }
    if (current.getSummary().isEmpty()) {
      next.setSummary(summaryOf(event.getAlert()));
    }
    Emitted out = new Emitted();
    String detail = switch (event.getType()) {
      case ALERT_ADDED, ALERT_RESOLVED -> alertChanges(event);
      default -> current.getPriority() + " -> " + event.getPriority() + " (" + event.getReason() + ")";
    };
    TimelineEvent changed = timelineEvent(event.getEventId(), current.getIncidentId(),
        TimelineEventType.valueOf(event.getType().name()), null, null, detail, event.getAt());
    // Never lowered while open: the more urgent of the two.
    changed.setPriority(event.getPriority().ordinal() < current.getPriority().ordinal()
        ? event.getPriority() : current.getPriority());
    if (event.getType() == IncidentEventType.PRIORITY_RAISED) {
      changed.setPreviousPriority(current.getPriority());
    }
    out.timeline.add(changed);
    if (event.getPriority().ordinal() < current.getPriority().ordinal()) {
      raise(current, next, event.getPriority(), event.getAt(), out);
    }
    if (event.getMuted() != current.getMuted()) {
      mute(current, next, event, out);
    }
    return out.transition(next.build());
  }

  /**
   * The router's latest event decides whether the incident may page. Muting stops the escalation
   * clock (the timer is not indexed while muted); unmuting a triggered incident pages at once:
   * level 1 if it never paged, else the current step again, and escalation resumes from there.
   */
  private void mute(IncidentState current, IncidentState.Builder next, IncidentEvent event, Emitted out) {
    String id = current.getIncidentId();
    next.setMuted(event.getMuted());
    if (event.getMuted()) {
      out.timeline.add(muteEvent(event, id));
      return;
    }
    out.timeline.add(timelineEvent(Ids.unmutedEvent(event.getEventId()), id, TimelineEventType.RENOTIFIED, null,
        current.getLevel(), "no longer silenced or inhibited: paging", event.getAt()));
    if (current.getStatus() != IncidentStatus.TRIGGERED) {
      return;
    }
    if (current.getPagesSent() == 0) {
      startPaging(next, config.sla(next.getPriority()), event.getAt(), out);
    } else {
      page(next, current.getPagesSent(), event.getAt(), out, Ids.unmutedNotification(id, event.getEventId()));
    }
  }

  /**
   * A more urgent priority applies its SLA from the last page on: the deadline moves to the
   * last page time plus the new priority's wait, counted on the new priority's clock (wall or
   * business hours), if that is earlier; an overdue result fires at once (on the next sweep), and
   * never later, so a raise cannot postpone an escalation already promised.
   * SLA deadlines not yet met move the same way, counted from the opening. An incident that was
   * never paged (its old priority does not page) is paged now.
   */
  private void raise(IncidentState current, IncidentState.Builder next, Priority raised, Instant at, Emitted out) {
    next.setPriority(raised);
    if (current.getMuted() && current.getPagesSent() == 0) {
      return; // its clocks start when it is unmuted, with the priority it has then
    }
    PagewireConfig.Sla newSla = config.sla(raised);
    next.setAcknowledgeDueAt(earlier(current.getAcknowledgeDueAt(),
        slaClock.plus(current.getOpenedAt(), newSla.acknowledgeWithin(), newSla.businessHours())));
    next.setResolveDueAt(earlier(current.getResolveDueAt(),
        slaClock.plus(current.getOpenedAt(), newSla.resolveWithin(), newSla.businessHours())));
    if (current.getStatus() != IncidentStatus.TRIGGERED) {
      return;
    }
    if (current.getPagesSent() == 0) {
      if (newSla.pages() && !current.getMuted()) {
        page(next, 1, at, out, null);
      }
      return;
    }
    Instant deadline = current.getNextEscalationAt();
    if (deadline == null) {
      return;
    }
    // State stored before lastPagedAt existed: the deadline minus the wait is the best guess
    // (exact on the wall clock).
    Instant lastPage = current.getLastPagedAt() != null ? current.getLastPagedAt()
        : deadline.minus(plan.waitAfter(current, current.getPagesSent()));
    Duration wait = max(plan.waitAfter(next.build(), current.getPagesSent()), Duration.ofMillis(1));
    Instant candidate = slaClock.plus(lastPage, wait, newSla.businessHours());
    // Overdue: due at the raise itself, so the next sweep pages.
    Instant due = candidate.isBefore(at) ? at : candidate;
    if (due.isBefore(deadline)) {
      next.setNextEscalationAt(due);
    }
  }

  private Transition acknowledge(IncidentState current, IncidentCommand command) {
    if (current.getStatus() == IncidentStatus.ACKNOWLEDGED) {
      return Transition.ignored("incident already acknowledged");
    }
    Duration timeout = config.sla(current.getPriority()).reacknowledgeAfter();
    List<TimelineEvent> timeline = new ArrayList<>();
    IncidentState.Builder next = IncidentState.newBuilder(current);
    if (current.getAcknowledgedAt() == null) {
      lateBreach(current, next, command.getAt(), true, timeline);
    }
    IncidentState state = next
        .setStatus(IncidentStatus.ACKNOWLEDGED)
        .setAcknowledgedAt(command.getAt())
        .setAcknowledgedBy(command.getActor())
        .setNextEscalationAt(null)
        .setSnoozedUntil(null)
        .setRenotifyAt(timeout.isZero() ? null : command.getAt().plus(timeout))
        .build();
    timeline.add(timelineEvent(commandEventId(current, "acknowledged", command), current.getIncidentId(),
        TimelineEventType.ACKNOWLEDGED, command.getActor(), current.getLevel(),
        command.getNote() != null ? command.getNote() : via(command), command.getAt()));
    return new Transition(state, List.of(), timeline, null);
  }

  /** Silences the incident until {@code at + durationMillis}; then it pages its current step again. */
  private Transition snooze(IncidentState current, IncidentCommand command) {
    Long millis = command.getDurationMillis();
    if (millis == null || millis <= 0) {
      return Transition.ignored("snooze without a positive duration");
    }
    Instant until = command.getAt().plusMillis(millis);
    IncidentState state = IncidentState.newBuilder(current)
        .setStatus(IncidentStatus.SNOOZED)
        .setSnoozedUntil(until)
        .setNextEscalationAt(null)
        .setRenotifyAt(null)
        .build();
    TimelineEvent snoozed = timelineEvent(commandEventId(current, "snoozed", command), current.getIncidentId(),
        TimelineEventType.SNOOZED, command.getActor(), current.getLevel(),
        "snoozed for " + Duration.ofMillis(millis) + " until " + until, command.getAt());
    return new Transition(state, List.of(), List.of(snoozed), null);
  }

  /**
   * Later pages go to {@code user}; a triggered incident pages the new assignee at once, so the
   * person who now owns it knows.
   */
  private Transition reassign(IncidentState current, IncidentCommand command) {
    String user = command.getUser();
    if (user == null || user.isBlank()) {
      return Transition.ignored("reassign without a user");
    }
    IncidentState.Builder next = IncidentState.newBuilder(current).setAssignee(user);
    Emitted out = new Emitted();
    TimelineEvent reassigned = timelineEvent(commandEventId(current, "reassigned", command), current.getIncidentId(),
        TimelineEventType.REASSIGNED, command.getActor(), current.getLevel(),
        "re-assigned to " + user + (command.getNote() != null ? ": " + command.getNote() : ""), command.getAt());
    reassigned.setRecipient(user);
    out.timeline.add(reassigned);
    if (current.getStatus() == IncidentStatus.TRIGGERED && current.getPagesSent() > 0) {
      String notificationId = Ids.assignedNotification(current.getIncidentId(), command.getCommandId());
      // The assignee is paged instead of the current step's targets: it is that step's page.
      NotificationRequest page = notification(next.build(), notificationId, NotificationKind.PAGE, current.getLevel(),
          new EscalationPlan.Recipient(user, List.of()), command.getAt());
      page.setStep(current.getPagesSent());
      page.setTotalSteps(plan.totalSteps(current));
      out.notify(page, Ids.pagedEvent(notificationId), command.getAt(), "re-assigned");
    }
    return out.transition(next.build());
  }

  /** Pages the next step now, whatever the status (short of resolved) and the timer say. */
  private Transition escalateNow(IncidentState current, IncidentCommand command) {
    int step = current.getPagesSent() + 1;
    if (step > plan.totalSteps(current)) {
      return Transition.ignored("no further escalation step (" + current.getPagesSent() + " of "
          + plan.totalSteps(current) + " paged)");
    }
    IncidentState.Builder next = IncidentState.newBuilder(current)
        .setStatus(IncidentStatus.TRIGGERED)
        .setAssignee(null)
        .setSnoozedUntil(null)
        .setRenotifyAt(null);
    Emitted out = new Emitted();
    int level = plan.levelOfStep(current, step);
    out.timeline.add(stepEvent(timelineEvent(commandEventId(current, "escalated", command), current.getIncidentId(),
        TimelineEventType.ESCALATED, command.getActor(), level,
        "escalated by " + command.getActor() + ": level " + current.getLevel() + " -> level " + level, command.getAt()),
        step, plan.totalSteps(current)));
    page(next, step, command.getAt(), out, null);
    return out.transition(next.build());
  }

  private Transition addNote(IncidentState current, IncidentCommand command) {
    if (command.getNote() == null || command.getNote().isBlank()) {
      return Transition.ignored("note without text");
    }
    if (current.getNotes().size() >= MAX_NOTES) {
      return Transition.ignored("incident already has " + MAX_NOTES + " notes");
    }
    NoteKind kind = command.getNoteKind() != null ? command.getNoteKind() : NoteKind.COMMENT;
    Note note = Note.newBuilder()
        .setNoteId(command.getCommandId())
        .setKind(kind)
        .setText(TextBounds.truncate(command.getNote(), TextBounds.NOTE_BYTES))
        .setActor(command.getActor())
        .setAt(command.getAt())
        .setOwner(command.getOwner())
        .setDue(command.getDue())
        .build();
    List<Note> notes = new ArrayList<>(current.getNotes());
    notes.add(note);
    IncidentState state = IncidentState.newBuilder(current).setNotes(notes).build();
    TimelineEvent added = timelineEvent(Ids.noteEvent(current.getIncidentId(), command.getCommandId()),
        current.getIncidentId(), TimelineEventType.NOTE_ADDED, command.getActor(), null, noteDetail(note), command.getAt());
    added.setNote(note);
    return new Transition(state, List.of(), List.of(added), null);
  }

  /**
   * A note as the timeline shows it: {@code <kind>: <text>}, and for action items
   * {@code  [owner <owner>, due <date>]}; kind is {@code comment}, {@code root_cause},
   * {@code resolution}, {@code lesson_learned} or {@code action_item}.
   */
  public static String noteDetail(Note note) {
    StringBuilder detail = new StringBuilder(note.getKind().name().toLowerCase(Locale.ROOT))
        .append(": ").append(note.getText());
    if (note.getOwner() != null || note.getDue() != null) {
      detail.append(" [owner ").append(note.getOwner()).append(", due ").append(note.getDue()).append(']');
    }
    return detail.toString();
  }

  /**
   * Resolves the incident and tells everyone who was paged. Recipients with channels (the levels
   * of {@code escalation.levels}) share one request to the union of their channels; users get one
   * request each. Nobody is told about an incident that never paged. A null {@code actor} is the
   * monitoring system: the timeline records no person.
   */
  private Transition resolve(IncidentState current, Instant at, String actor, String cause, String detail) {
    Emitted out = new Emitted();
    IncidentState.Builder next = IncidentState.newBuilder(current);
    if (current.getAcknowledgedAt() == null) {
      lateBreach(current, next, at, true, out.timeline);
    }
    lateBreach(current, next, at, false, out.timeline);
    IncidentState state = next
        .setStatus(IncidentStatus.RESOLVED)
        .setResolvedAt(at)
        .setResolvedBy(actor != null ? actor : SYSTEM_ACTOR)
        .setNextEscalationAt(null)
        .setSnoozedUntil(null)
        .setRenotifyAt(null)
        .build();
    Map<String, EscalationPlan.Recipient> paged = new LinkedHashMap<>();
    int steps = Math.min(current.getPagesSent(), plan.totalSteps(current));
    for (int step = 1; step <= steps; step++) {
      for (EscalationPlan.Recipient recipient : plan.recipients(current, step, at)) {
        paged.putIfAbsent(recipient.id(), recipient);
      }
    }
    if (current.getAssignee() != null) {
      paged.putIfAbsent(current.getAssignee(), new EscalationPlan.Recipient(current.getAssignee(), List.of()));
    }
    Set<String> channels = new LinkedHashSet<>();
    List<String> levelNames = new ArrayList<>();
    for (EscalationPlan.Recipient recipient : paged.values()) {
      if (recipient.channels().isEmpty()) {
        out.notifications.add(notification(state,
            Ids.recipientNotification(Ids.resolvedNotification(current.getIncidentId()), recipient.id()),
            NotificationKind.RESOLVED, current.getLevel(), recipient, at));
      } else {
        channels.addAll(recipient.channels());
        levelNames.add(recipient.id());
      }
    }
    if (!levelNames.isEmpty()) {
      out.notifications.add(0, notification(state, Ids.resolvedNotification(current.getIncidentId()), NotificationKind.RESOLVED,
          current.getLevel(), new EscalationPlan.Recipient(String.join(", ", levelNames), List.copyOf(channels)), at));
    }
    String eventId = actor == null ? Ids.resolvedEvent(current.getIncidentId())
        : Ids.commandEvent(current.getIncidentId(), "resolved", cause);
    out.timeline.add(timelineEvent(eventId, current.getIncidentId(), TimelineEventType.RESOLVED, actor, null, detail, at));
    return out.transition(state);
  }

  private Transition escalate(IncidentState current, Instant now) {
    IncidentState.Builder next = IncidentState.newBuilder(current);
    Emitted out = new Emitted();
    int step = current.getPagesSent() + 1;
    if (step > plan.totalSteps(current)) {
      // Only reachable when the policy shrank since the deadline was set: stop quietly.
      next.setNextEscalationAt(null);
      return out.transition(next.build());
    }
    int level = plan.levelOfStep(current, step);
    out.timeline.add(stepEvent(timelineEvent(Ids.escalatedEvent(current.getIncidentId(), step), current.getIncidentId(),
        TimelineEventType.ESCALATED, null, level,
        "not acknowledged in time: level " + current.getLevel() + " -> level " + level, now),
        step, plan.totalSteps(current)));
    page(next, step, now, out, null);
    return out.transition(next.build());
  }

  /**
   * Back to triggered after a snooze or an acknowledgement timeout: pages the current step again
   * (or the assignee) and waits that step's delay before escalating further. An incident whose
   * priority never pages goes back to triggered without a page.
   */
  private Transition retrigger(IncidentState current, Instant now, String why) {
    int count = current.getRenotifications() + 1;
    IncidentState.Builder next = IncidentState.newBuilder(current)
        .setStatus(IncidentStatus.TRIGGERED)
        .setSnoozedUntil(null)
        .setRenotifyAt(null)
        .setRenotifications(count);
    Emitted out = new Emitted();
    out.timeline.add(timelineEvent(Ids.renotifiedEvent(current.getIncidentId(), count), current.getIncidentId(),
        TimelineEventType.RENOTIFIED, null, current.getLevel(), why + ": paging again", now));
    if (current.getPagesSent() > 0) {
      page(next, current.getPagesSent(), now, out, Ids.renotifyNotification(current.getIncidentId(), count));
    }
    return out.transition(next.build());
  }

  /**
   * An acknowledgement or resolution that comes after its SLA deadline, before the sweep fired
   * that deadline (a late sweep, a backlog), still records the breach.
   */
  private void lateBreach(IncidentState current, IncidentState.Builder next, Instant at, boolean acknowledge,
      List<TimelineEvent> timeline) {
    Instant due = acknowledge ? current.getAcknowledgeDueAt() : current.getResolveDueAt();
    Instant breached = acknowledge ? current.getAcknowledgeBreachedAt() : current.getResolveBreachedAt();
    if (due != null && breached == null && at.isAfter(due)) {
      timeline.add(breach(current, next, due, acknowledge));
    }
  }

  /** Records the breach of the acknowledge or resolve SLA, dated at the deadline that passed. */
  private Transition breach(IncidentState current, Instant deadline, boolean acknowledge) {
    IncidentState.Builder next = IncidentState.newBuilder(current);
    TimelineEvent event = breach(current, next, deadline, acknowledge);
    return new Transition(next.build(), List.of(), List.of(event), null);
  }

  private TimelineEvent breach(IncidentState current, IncidentState.Builder next, Instant deadline, boolean acknowledge) {
    PagewireConfig.Sla sla = config.sla(current.getPriority());
    String what;
    if (acknowledge) {
      next.setAcknowledgeBreachedAt(deadline);
      what = "acknowledge SLA breached: not acknowledged within " + sla.acknowledgeWithin();
    } else {
      next.setResolveBreachedAt(deadline);
      what = "resolve SLA breached: not resolved within " + sla.resolveWithin();
    }
    TimelineEvent event = timelineEvent(Ids.slaBreachedEvent(current.getIncidentId(), acknowledge),
        current.getIncidentId(), TimelineEventType.SLA_BREACHED, null, current.getLevel(),
        what + (sla.businessHours() ? " business hours" : "") + " (due " + deadline + ")", deadline);
    return event;
  }

  /**
   * Pages step {@code step} at {@code now} and sets the deadline of the step after it, if any.
   * {@code idPrefix} names the notifications; null for the step's own ({@link Ids#pageNotification}).
   * Every request and PAGED event carries the step and the policy's total.
   */
  private void page(IncidentState.Builder state, int step, Instant now, Emitted out, String idPrefix) {
    IncidentState before = state.build();
    int total = plan.totalSteps(before);
    int level = plan.levelOfStep(before, step);
    state.setLevel(level).setPagesSent(step).setLastPagedAt(now);
    // A zero delay would re-fire in the same sweep; one millisecond keeps each sweep finite.
    Duration wait = max(plan.waitAfter(before, step), Duration.ofMillis(1));
    // Priorities on the business-hours clock (P3, P4) also escalate in business time: nobody is
    // woken at night for them.
    boolean businessHours = config.sla(before.getPriority()).businessHours();
    state.setNextEscalationAt(step < total ? slaClock.plus(now, wait, businessHours) : null);
    IncidentState after = state.build();
    String id = after.getIncidentId();
    List<EscalationPlan.Recipient> recipients = after.getAssignee() != null
        ? List.of(new EscalationPlan.Recipient(after.getAssignee(), List.of()))
        : plan.recipients(after, step, now);
    String prefix = idPrefix != null ? idPrefix : Ids.pageNotification(id, step);
    if (recipients.isEmpty()) {
      // A schedule with nobody on call: say so in the history; the next step still comes.
      TimelineEvent nobody = stepEvent(timelineEvent(
          Ids.nobodyPagedEvent(idPrefix != null ? idPrefix : Ids.stepPagedEvent(id, step)), id, TimelineEventType.PAGED,
          null, level, "nobody on call for level " + level + " (step " + step + " of " + total + ")", now), step, total);
      nobody.setPriority(after.getPriority());
      out.timeline.add(nobody);
    }
    boolean several = recipients.size() > 1;
    for (EscalationPlan.Recipient recipient : recipients) {
      String notificationId = several ? Ids.recipientNotification(prefix, recipient.id()) : prefix;
      String pagedId = idPrefix != null ? Ids.pagedEvent(notificationId)
          : several ? Ids.stepPagedEvent(id, step, recipient.id()) : Ids.stepPagedEvent(id, step);
      NotificationRequest request = notification(after, notificationId, NotificationKind.PAGE, level, recipient, now);
      request.setStep(step);
      request.setTotalSteps(total);
      out.notify(request, pagedId, now, "step " + step + " of " + total);
    }
  }

  private NotificationRequest notification(IncidentState state, String notificationId, NotificationKind kind,
      int level, EscalationPlan.Recipient recipient, Instant now) {
    Map<String, String> links = new LinkedHashMap<>(state.getLinks());
    if (kind == NotificationKind.PAGE) {
      links.put("acknowledge", linkUrl(this.links.sign(state.getIncidentId(), LinkSigner.ACKNOWLEDGE, recipient.id(), now)));
      links.put("resolve", linkUrl(this.links.sign(state.getIncidentId(), LinkSigner.RESOLVE, recipient.id(), now)));
    }
    return NotificationRequest.newBuilder()
        .setNotificationId(notificationId)
        .setIncidentId(state.getIncidentId())
        .setKind(kind)
        .setLevel(level)
        .setRecipient(recipient.id())
        .setChannels(recipient.channels())
        .setTitle(state.getTitle())
        .setSummary(state.getSummary())
        .setPriority(state.getPriority())
        .setSeverity(state.getSeverity())
        .setLabels(state.getLabels())
        .setLinks(links)
        .setCreatedAt(now)
        // The version before this transition's own status change (stamped later by
        // StatusUpdates): the acknowledgement a re-page follows is not newer than the request,
        // an acknowledgement after it is.
        .setStatusVersion(state.getVersion())
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

  private static String commandEventId(IncidentState current, String what, IncidentCommand command) {
    return Ids.commandEvent(current.getIncidentId(), what, command.getCommandId());
  }

  /** Sets the escalation step an event is about and the policy's total. */
  private static TimelineEvent stepEvent(TimelineEvent event, int step, int totalSteps) {
    event.setStep(step);
    event.setTotalSteps(totalSteps);
    return event;
  }

  private static String via(IncidentCommand command) {
    return command.getVia() != null ? "via " + command.getVia() : "";
  }

  private static String summaryOf(Alert alert) {
    String summary = firstPresent(alert.getAnnotations(), "summary", "description");
    return summary != null ? TextBounds.truncate(summary, TextBounds.SUMMARY_BYTES) : "";
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

  private static void putIfPresent(Map<TimerKind, Instant> timers, TimerKind kind, Instant at) {
    if (at != null) {
      timers.put(kind, at);
    }
  }

  private static Instant earlier(Instant a, Instant b) {
    return a == null || b.isBefore(a) ? b : a;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String stripTrailingSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** What one transition emits, in order: each page with its PAGED timeline event. */
  private static final class Emitted {
    final List<NotificationRequest> notifications = new ArrayList<>();
    final List<TimelineEvent> timeline = new ArrayList<>();

    /** Emits a page and its PAGED event {@code pagedEventId}, which repeats the request's typed facts. */
    void notify(NotificationRequest request, String pagedEventId, Instant now, String why) {
      notifications.add(request);
      String channels = request.getChannels().isEmpty() ? "their contact methods"
          : String.join(", ", request.getChannels());
      TimelineEvent paged = timelineEvent(pagedEventId,
          request.getIncidentId(), TimelineEventType.PAGED, null, request.getLevel(),
          "paged " + request.getRecipient() + " via " + channels + " (" + why + ")", now);
      paged.setRecipient(request.getRecipient());
      paged.setNotificationId(request.getNotificationId());
      paged.setStep(request.getStep());
      paged.setTotalSteps(request.getTotalSteps());
      paged.setPriority(request.getPriority());
      timeline.add(paged);
    }

    Transition transition(IncidentState state) {
      return new Transition(state, notifications, timeline, null);
    }
  }
}
