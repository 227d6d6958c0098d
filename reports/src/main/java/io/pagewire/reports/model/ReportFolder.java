package io.pagewire.reports.model;

import io.pagewire.platform.calendar.BusinessCalendar;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.DeliveryOutcome;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.NoteKind;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import io.pagewire.schemas.TimelineEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Folds replayed records into per-incident facts and alert counts. Pure: it reads no clock and
 * no I/O, so the same records give the same facts.
 *
 * <p>Records of different topics may arrive in any interleaving; records of one incident on one
 * topic must arrive in offset order (they do: one incident is on one partition of each topic).
 * Nothing here depends on the interleaving, so a replay's polling order cannot change a report.
 *
 * <p>It reads what the escalation service writes: page steps from PAGED event ids
 * ({@code <incident>/paged/<step>}), recipients from notification ids ({@code <incident>/page/<step>})
 * on receipts, or from the PAGED detail ({@code paged <recipient> via ...}) when no receipt came.
 *
 * <p>Notes: a note counts when escalation accepted it, that is when a {@code NOTE_ADDED} timeline
 * event ({@code <incident>/note/<commandId>}) was written; its kind, text, owner and due date come
 * from the {@code ADD_NOTE} command with that id. When the command is no longer on its topic (90
 * days of retention against the timeline's 400), they are parsed from the event's detail
 * ({@code <kind>: <text>[ [owner <owner>, due <date>]]}). Commands without the event (ignored by
 * escalation: blank text, unknown incident, too many notes) do not count.
 */
public final class ReportFolder {

  private static final Pattern STEP_SUFFIX = Pattern.compile(".*/(?:paged|page)/(\\d+)$");
  private static final Pattern PAGED_DETAIL = Pattern.compile("^paged (.+?) via .*");
  private static final Pattern PRIORITY_PREFIX = Pattern.compile("^(P[0-4]) .*");
  private static final Pattern NOTE_DETAIL = Pattern.compile(
      "^(comment|root_cause|resolution|lesson_learned|action_item): (.*)$", Pattern.DOTALL);
  private static final Pattern NOTE_OWNER_DUE = Pattern.compile(
      "^(.*) \\[owner (.*), due (null|\\d{4}-\\d{2}-\\d{2})\\]$", Pattern.DOTALL);

  private final PagewireConfig config;
  private final BusinessCalendar calendar;
  private final ReportQuery query;
  private final Map<String, Accumulator> incidents = new HashMap<>();
  private final Map<String, AlertCount> alertCounts = new HashMap<>();
  private long latest = Long.MIN_VALUE;

  public ReportFolder(PagewireConfig config, ReportQuery query) {
    this.config = config;
    this.calendar = BusinessCalendar.of(config);
    this.query = query;
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
    incident.timeline.add(new IncidentFacts.Entry(at, event.getType().name(), event.getActor(), event.getLevel(),
        event.getDetail()));
    switch (event.getType()) {
      case OPENED -> {
        if (incident.timelineOpenedAt == null) {
          incident.timelineOpenedAt = at;
          Matcher m = PRIORITY_PREFIX.matcher(event.getDetail());
          incident.timelinePriority = m.matches() ? Priority.valueOf(m.group(1)) : null;
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
        Matcher step = STEP_SUFFIX.matcher(event.getEventId());
        Matcher detail = PAGED_DETAIL.matcher(event.getDetail());
        int level = event.getLevel() != null ? event.getLevel() : 0;
        incident.pages.add(new PendingPage(step.matches() ? Integer.parseInt(step.group(1)) : incident.pages.size() + 1,
            at, level, detail.matches() ? detail.group(1) : "level " + level));
      }
      case ESCALATED -> incident.escalations++;
      case NOTE_ADDED -> {
        String prefix = event.getIncidentId() + "/note/";
        String noteId = event.getEventId().startsWith(prefix) ? event.getEventId().substring(prefix.length())
            : event.getEventId();
        incident.acceptedNotes.putIfAbsent(noteId, event);
      }
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
        .noteCommands.putIfAbsent(command.getCommandId(), command);
  }

  public void accept(NotificationReceipt receipt) {
    Accumulator incident = incident(receipt.getIncidentId(), receipt.getAt());
    if (incident == null) {
      return;
    }
    Matcher step = STEP_SUFFIX.matcher(receipt.getNotificationId());
    if (step.matches()) {
      incident.receipts.merge(Integer.parseInt(step.group(1)),
          new Receipt(receipt.getRecipient(), receipt.getOutcome()),
          (a, b) -> a.outcome.ordinal() <= b.outcome.ordinal() ? a : b);
    }
  }

  /** Counts firing alert notifications received in the period, for the noisiest-alerts table. */
  public void accept(Alert alert) {
    if (query.single().isPresent()) {
      return;
    }
    see(alert.getReceivedAt());
    if (alert.getStatus() != AlertStatus.FIRING || !query.covers(alert.getReceivedAt())
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
   * The note an accepted NOTE_ADDED event stands for: from its command when replayed, else parsed
   * from the detail; null when the detail is not one escalation writes.
   */
  static RecordedNote recordedNote(String noteId, TimelineEvent event, IncidentCommand command) {
    if (command != null) {
      return new RecordedNote(command.getNoteKind() != null ? command.getNoteKind() : NoteKind.COMMENT,
          command.getNote(), command.getOwner(), command.getDue(), command.getActor(), command.getAt());
    }
    Matcher detail = NOTE_DETAIL.matcher(event.getDetail());
    if (!detail.matches()) {
      return null;
    }
    NoteKind kind = NoteKind.valueOf(detail.group(1).toUpperCase(Locale.ROOT));
    String text = detail.group(2);
    String owner = null;
    LocalDate due = null;
    Matcher ownerDue = NOTE_OWNER_DUE.matcher(text);
    if (ownerDue.matches()) {
      try {
        due = ownerDue.group(3).equals("null") ? null : LocalDate.parse(ownerDue.group(3));
        owner = ownerDue.group(2).equals("null") ? null : ownerDue.group(2);
        text = ownerDue.group(1);
      } catch (DateTimeParseException e) {
        // Not a date escalation wrote (2024-02-30): keep the whole detail as the text.
      }
    }
    return new RecordedNote(kind, text, owner, due, event.getActor(), event.getAt());
  }

  record RecordedNote(NoteKind kind, String text, String owner, LocalDate due, String author, Instant at) {}

  private record PendingPage(int step, Instant at, int level, String recipient) {}

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
    final Map<Integer, Receipt> receipts = new HashMap<>();
    Instant acknowledgedAt;
    String acknowledgedBy;
    Instant resolvedAt;
    String resolvedBy;
    int escalations;
    /** NOTE_ADDED events by note (command) id, in the order written. */
    final Map<String, TimelineEvent> acceptedNotes = new LinkedHashMap<>();
    final Map<String, IncidentCommand> noteCommands = new HashMap<>();

    Retrospective retrospective() {
      List<Retrospective.Note> rootCauses = new ArrayList<>();
      List<Retrospective.Note> resolutions = new ArrayList<>();
      List<Retrospective.Note> lessons = new ArrayList<>();
      List<Retrospective.ActionItem> actions = new ArrayList<>();
      acceptedNotes.forEach((noteId, event) -> {
        RecordedNote note = recordedNote(noteId, event, noteCommands.get(noteId));
        if (note == null) {
          return;
        }
        Retrospective.Note plain = new Retrospective.Note(noteId, note.text, note.author, note.at);
        switch (note.kind) {
          case ROOT_CAUSE -> rootCauses.add(plain);
          case RESOLUTION -> resolutions.add(plain);
          case LESSON_LEARNED -> lessons.add(plain);
          case ACTION_ITEM -> actions.add(
              new Retrospective.ActionItem(noteId, note.text, note.owner, note.due, note.author, note.at));
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
          .sorted(Comparator.comparingInt(PendingPage::step))
          .map(p -> {
            Receipt receipt = receipts.get(p.step());
            String recipient = receipt != null && !receipt.recipient().isBlank() ? receipt.recipient() : p.recipient();
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
