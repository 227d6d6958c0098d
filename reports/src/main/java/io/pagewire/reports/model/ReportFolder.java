package io.pagewire.reports.model;

import io.pagewire.platform.calendar.BusinessCalendar;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.Ids;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Note;
import io.pagewire.schemas.NoteKind;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import io.pagewire.schemas.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Folds replayed records into per-incident facts and alert counts. Pure: it reads no clock and
 * no I/O, so the same records give the same facts.
 *
 * <p>Memory grows with the incidents, not with the records: each incident keeps a fixed set of
 * facts, its pages (which the report lists) and its notes. Its timeline events are kept only for
 * a one-incident report, which prints them; a period report shows none, so its incidents carry an
 * empty {@link IncidentFacts#timeline()}.
 *
 * <p>Records of different topics may arrive in any interleaving; records of one incident on one
 * topic must arrive in offset order (they do: one incident is on one partition of each topic).
 * Nothing here depends on the interleaving, so a replay's polling order cannot change a report.
 *
 * <p>It reads the typed fields escalation and the notifier write, never ids or prose: ids are
 * compared whole and details are only shown. A page's step, recipient and notification id come
 * from its {@code PAGED} event; its delivery from the receipts of that notification id; the
 * priority, when the incident-events topic no longer has the incident, from the most urgent
 * {@code priority} of its timeline events. Records written before those fields existed give what
 * is still known: a page without a step is numbered in the order written, one without a recipient
 * is shown as its level, and an incident whose priority no record gives is left out.
 *
 * <p>Notes: a note counts when escalation accepted it, that is when a {@code NOTE_ADDED} timeline
 * event was written; its kind, text, owner and due date are the event's {@code note}. An older
 * event without one takes them from the {@code ADD_NOTE} command whose {@link Ids#noteEvent} it
 * is; when that command is no longer on its topic either (90 days of retention against the
 * timeline's 400), the note's kind is unknown and it stays a timeline entry only. Commands without
 * the event (ignored by escalation: blank text, unknown incident, too many notes) do not count.
 */
public final class ReportFolder {

  private final PagewireConfig config;
  private final BusinessCalendar calendar;
  private final ReportQuery query;
  private final Map<String, Accumulator> incidents = new HashMap<>();
  private final Map<String, AlertCount> alertCounts = new HashMap<>();
  /** One instance of each recipient name, so that a page costs no string of its own. */
  private final Map<String, String> recipients = new HashMap<>();
  private final boolean keepTimeline;
  private long latest = Long.MIN_VALUE;

  public ReportFolder(PagewireConfig config, ReportQuery query) {
    this.config = config;
    this.calendar = BusinessCalendar.of(config);
    this.query = query;
    this.keepTimeline = query.single().isPresent();
  }

  public void accept(IncidentEvent event) {
    Accumulator incident = incident(event.getIncidentId(), event.getAt());
    if (incident == null) {
      return;
    }
    if (event.getType() == IncidentEventType.OPENED && incident.openedAt == null) {
      incident.openedAt = event.getAt();
      String team = event.getTeam() != null ? event.getTeam() : event.getAlert().getLabels().get("team");
      incident.team = team != null && !team.isBlank() ? team : IncidentFacts.UNASSIGNED;
    }
    incident.title = event.getTitle();
    if (incident.priority == null || event.getPriority().ordinal() < incident.priority.ordinal()) {
      incident.priority = event.getPriority();
    }
    Severity severity = event.getSeverity();
    if (severity != null && (incident.severity == null || severity.ordinal() < incident.severity.ordinal())) {
      incident.severity = severity;
    }
    Alert alert = event.getAlert();
    String service = alert.getLabels().get("service");
    if (service != null) {
      incident.services.add(service);
    }
    incident.alerts.merge(alert.getFingerprint(),
        new IncidentFacts.AlertRef(alertName(alert), alert.getFingerprint(), alert.getStartsAt()),
        (a, b) -> a.startsAt().isAfter(b.startsAt()) ? b : a);
  }

  public void accept(TimelineEvent event) {
    Accumulator incident = incident(event.getIncidentId(), event.getAt());
    if (incident == null) {
      return;
    }
    Instant at = event.getAt();
    if (keepTimeline) {
      incident.timeline.add(new IncidentFacts.Entry(at, event.getType().name(), event.getActor(), event.getLevel(),
          event.getDetail()));
    }
    Priority priority = event.getPriority();
    if (priority != null && (incident.timelinePriority == null || priority.ordinal() < incident.timelinePriority.ordinal())) {
      incident.timelinePriority = priority;
    }
    switch (event.getType()) {
      case OPENED -> {
        if (incident.timelineOpenedAt == null) {
          incident.timelineOpenedAt = at;
        }
      }
      case ACKNOWLEDGED -> {
        if (incident.acknowledgedAt == null) {
          incident.acknowledgedAt = at;
          incident.acknowledgedBy = event.getActor();
        }
      }
      case RESOLVED -> {
        if (incident.resolvedAt == null) {
          incident.resolvedAt = at;
          incident.resolvedBy = event.getActor() != null ? event.getActor() : "system";
        }
      }
      case PAGED -> {
        int level = event.getLevel() != null ? event.getLevel() : 0;
        incident.pages.add(new PendingPage(event.getStep() != null ? event.getStep() : incident.pages.size() + 1,
            at, level, event.getRecipient() != null ? recipients.computeIfAbsent(event.getRecipient(), r -> r) : null,
            event.getNotificationId()));
      }
      case ESCALATED -> incident.escalations++;
      case NOTE_ADDED -> incident.acceptedNotes.putIfAbsent(event.getEventId(), event);
      default -> { }
    }
  }

  /**
   * Keeps {@code ADD_NOTE} commands, the structured side of notes; other commands are already in
   * the timeline. A command moves no clock: until its {@code NOTE_ADDED} event is folded it may
   * be one escalation ignored.
   */
  public void accept(IncidentCommand command) {
    if (command.getType() != CommandType.ADD_NOTE
        || (query.incidentId() != null && !query.incidentId().equals(command.getIncidentId()))) {
      return;
    }
    incidents.computeIfAbsent(command.getIncidentId(), id -> new Accumulator())
        .noteCommands.putIfAbsent(Ids.noteEvent(command.getIncidentId(), command.getCommandId()), command);
  }

  public void accept(NotificationReceipt receipt) {
    Accumulator incident = incident(receipt.getIncidentId(), receipt.getAt());
    if (incident == null) {
      return;
    }
    // One receipt per target: the page counts as delivered when any target got it.
    incident.receipts.merge(receipt.getNotificationId(), new Receipt(receipt.getRecipient(), receipt.getOutcome()),
        (a, b) -> a.outcome.ordinal() <= b.outcome.ordinal() ? a : b);
  }

  /** Counts firing alert notifications received in the period, for the noisiest-alerts table. */
  public void accept(Alert alert) {
    if (query.single().isPresent()) {
      return;
    }
    see(alert.getReceivedAt());
    if (alert.getStatus() != AlertStatus.FIRING || alert.getAction() != null || !query.covers(alert.getReceivedAt())
        || (query.team() != null && !query.team().equals(alert.getLabels().getOrDefault("team", IncidentFacts.UNASSIGNED)))
        || (query.service() != null && !query.service().equals(alert.getLabels().get("service")))) {
      return;
    }
    AlertCount count = alertCounts.computeIfAbsent(alertName(alert), name -> new AlertCount());
    count.notifications++;
    count.firings.add(alert.getFingerprint() + "@" + alert.getStartsAt().toEpochMilli());
  }

  /**
   * The latest time of any record folded (for one incident: of that incident's records), so that
   * "as of" depends on the data only; null when none was.
   */
  public Instant latest() {
    return latest == Long.MIN_VALUE ? null : Instant.ofEpochMilli(latest);
  }

  /**
   * The facts of every incident the query selects, by opening time then id. Incidents whose
   * opening is not in the replayed records (opened before the replay started) are left out.
   *
   * @param asOf the time at which open SLA clocks are judged
   */
  public List<IncidentFacts> incidents(Instant asOf) {
    List<IncidentFacts> selected = new ArrayList<>();
    for (Map.Entry<String, Accumulator> entry : incidents.entrySet()) {
      IncidentFacts facts = entry.getValue().facts(entry.getKey(), asOf);
      if (facts != null && query.selects(facts)) {
        selected.add(facts);
      }
    }
    selected.sort(Comparator.comparing(IncidentFacts::openedAt).thenComparing(IncidentFacts::incidentId));
    return selected;
  }

  /** Firing alert notifications per alert name, most first, ties by name; at most {@code limit}. */
  public List<NoisyAlert> noisiestAlerts(int limit) {
    return alertCounts.entrySet().stream()
        .map(e -> new NoisyAlert(e.getKey(), e.getValue().notifications, e.getValue().firings.size()))
        .sorted(Comparator.comparingLong(NoisyAlert::notifications).reversed().thenComparing(NoisyAlert::alertname))
        .limit(limit)
        .toList();
  }

  private Accumulator incident(String incidentId, Instant at) {
    if (query.incidentId() != null && !query.incidentId().equals(incidentId)) {
      return null;
    }
    see(at);
    return incidents.computeIfAbsent(incidentId, id -> new Accumulator());
  }

  private void see(Instant at) {
    latest = Math.max(latest, at.toEpochMilli());
  }

  private static String alertName(Alert alert) {
    String name = alert.getLabels().get("alertname");
    return name != null ? name : alert.getFingerprint();
  }

  /**
   * Firing notifications of one alert name.
   *
   * @param notifications firing alert records received (Alertmanager repeats firing alerts)
   * @param firings distinct firings: fingerprint and startsAt
   */
  public record NoisyAlert(String alertname, long notifications, long firings) {}

  /**
   * The note an accepted NOTE_ADDED event stands for: the event's own, else the command it was
   * written for; null when neither is known (an older event whose command is gone).
   */
  static RecordedNote recordedNote(TimelineEvent event, IncidentCommand command) {
    Note note = event.getNote();
    if (note != null) {
      return new RecordedNote(note.getNoteId(), note.getKind(), note.getText(), note.getOwner(), note.getDue(),
          note.getActor(), note.getAt());
    }
    if (command != null) {
      return new RecordedNote(command.getCommandId(), command.getNoteKind() != null ? command.getNoteKind() : NoteKind.COMMENT,
          command.getNote(), command.getOwner(), command.getDue(), command.getActor(), command.getAt());
    }
    return null;
  }

  record RecordedNote(String noteId, NoteKind kind, String text, String owner, LocalDate due, String author, Instant at) {}

  /** A PAGED event; {@code recipient} and {@code notificationId} are null when it paged nobody (or is older than them). */
  private record PendingPage(int step, Instant at, int level, String recipient, String notificationId) {}

  private record Receipt(String recipient, DeliveryOutcome outcome) {}

  private static final class AlertCount {
    long notifications;
    final Set<String> firings = new HashSet<>();
  }

  private final class Accumulator {
    Instant openedAt;
    Instant timelineOpenedAt;
    Priority timelinePriority;
    String title;
    String team;
    Priority priority;
    Severity severity;
    final Set<String> services = new TreeSet<>();
    final Map<String, IncidentFacts.AlertRef> alerts = new HashMap<>();
    final List<IncidentFacts.Entry> timeline = new ArrayList<>();
    final List<PendingPage> pages = new ArrayList<>();
    /** The best outcome of each notification, by notification id. */
    final Map<String, Receipt> receipts = new HashMap<>();
    Instant acknowledgedAt;
    String acknowledgedBy;
    Instant resolvedAt;
    String resolvedBy;
    int escalations;
    /** NOTE_ADDED events by event id, in the order written. */
    final Map<String, TimelineEvent> acceptedNotes = new LinkedHashMap<>();
    /** ADD_NOTE commands by the id of the NOTE_ADDED event escalation writes when it accepts one. */
    final Map<String, IncidentCommand> noteCommands = new HashMap<>();

    Retrospective retrospective() {
      List<Retrospective.Note> rootCauses = new ArrayList<>();
      List<Retrospective.Note> resolutions = new ArrayList<>();
      List<Retrospective.Note> lessons = new ArrayList<>();
      List<Retrospective.ActionItem> actions = new ArrayList<>();
      acceptedNotes.forEach((eventId, event) -> {
        RecordedNote note = recordedNote(event, noteCommands.get(eventId));
        if (note == null) {
          return;
        }
        Retrospective.Note plain = new Retrospective.Note(note.noteId, note.text, note.author, note.at);
        switch (note.kind) {
          case ROOT_CAUSE -> rootCauses.add(plain);
          case RESOLUTION -> resolutions.add(plain);
          case LESSON_LEARNED -> lessons.add(plain);
          case ACTION_ITEM -> actions.add(
              new Retrospective.ActionItem(note.noteId, note.text, note.owner, note.due, note.author, note.at));
          case COMMENT -> { } // comments are read in the timeline
        }
      });
      return new Retrospective(rootCauses, resolutions, lessons, actions);
    }

    IncidentFacts facts(String id, Instant asOf) {
      Instant opened = openedAt != null ? openedAt : timelineOpenedAt;
      Priority effective = priority != null ? priority : timelinePriority;
      if (opened == null || effective == null) {
        return null;
      }
      PagewireConfig.Sla sla = config.sla(effective);
      List<IncidentFacts.AlertRef> alertRefs = alerts.values().stream()
          .sorted(Comparator.comparing(IncidentFacts.AlertRef::alertname).thenComparing(IncidentFacts.AlertRef::fingerprint))
          .toList();
      Instant impactStart = alertRefs.stream().map(IncidentFacts.AlertRef::startsAt).min(Comparator.naturalOrder())
          .filter(start -> start.isBefore(opened)).orElse(opened);
      long openedMillis = opened.toEpochMilli();
      Long endMillis = resolvedAt != null ? resolvedAt.toEpochMilli() : null;
      // The escalation service's deadlines: business time for priorities on the business-hours clock.
      long ackDue = calendar.deadline(opened, sla.acknowledgeWithin(), sla.businessHours()).toEpochMilli();
      long resolveDue = calendar.deadline(opened, sla.resolveWithin(), sla.businessHours()).toEpochMilli();
      SlaCheck ack = SlaCheck.judge(openedMillis, acknowledgedAt != null ? acknowledgedAt.toEpochMilli() : null,
          endMillis, asOf.toEpochMilli(), sla.acknowledgeWithin(), ackDue);
      SlaCheck resolve = SlaCheck.judge(openedMillis, endMillis, endMillis, asOf.toEpochMilli(), sla.resolveWithin(), resolveDue);
      List<String> breaches = new ArrayList<>();
      if (ack.status() == SlaCheck.Status.BREACHED) {
        breaches.add("acknowledge");
      }
      if (resolve.status() == SlaCheck.Status.BREACHED) {
        breaches.add("resolve");
      }
      List<IncidentFacts.Page> pageList = pages.stream()
          .sorted(Comparator.comparing(PendingPage::at).thenComparingInt(PendingPage::step)) // stable: ties keep write order
          .map(p -> {
            Receipt receipt = p.notificationId() != null ? receipts.get(p.notificationId()) : null;
            String recipient = p.recipient() != null ? p.recipient()
                : receipt != null && !receipt.recipient().isBlank() ? receipt.recipient() : "level " + p.level();
            return new IncidentFacts.Page(p.step(), p.at(), p.level(), recipient,
                receipt != null ? receipt.outcome().name() : "NO_RECEIPT");
          })
          .toList();
      Map<String, Long> perPerson = new TreeMap<>();
      pageList.forEach(p -> perPerson.merge(p.recipient(), 1L, Long::sum));
      int highest = pageList.stream().mapToInt(IncidentFacts.Page::level).max().orElse(0);
      List<IncidentFacts.Entry> ordered = new ArrayList<>(timeline);
      ordered.sort(Comparator.comparing(IncidentFacts.Entry::at)); // stable: ties keep write order
      return new IncidentFacts(id, title != null ? title : id, effective, severity,
          team != null ? team : IncidentFacts.UNASSIGNED, List.copyOf(services), alertRefs, impactStart, opened,
          acknowledgedAt, acknowledgedBy, resolvedAt, resolvedBy,
          resolvedAt != null ? Duration.between(impactStart, resolvedAt) : null,
          Duration.between(impactStart, opened), ack, resolve, List.copyOf(breaches), pageList, perPerson,
          escalations, highest, highest > 0 && highest >= config.escalation().levels().size(),
          List.copyOf(ordered), retrospective());
    }
  }
}
