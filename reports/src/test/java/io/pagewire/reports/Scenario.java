package io.pagewire.reports;

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
import io.pagewire.schemas.TimelineEventType;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A scripted week of incidents, written as the pipeline writes them (ids, details and actors as
 * the router, escalation and notifier produce them). Tests derive every expected figure from the
 * times below by hand.
 *
 * <ul>
 *   <li>inc-a: P0/SEV-1 HighErrorRate on checkout (team payments), Mon 2024-03-04. Alert firing
 *       10:00, opened 10:02, paged primary 10:02, escalated to secondary 10:17, acknowledged by
 *       alice 10:20 (18m > 15m: breach), resolved by alice 11:02 (1h <= 4h).</li>
 *   <li>inc-c: P2/SEV-3 DiskFull on checkout (payments), Tue 2024-03-05. Firing 13:59, opened 14:00,
 *       paged primary 14:00, acknowledged by carol 14:30, resolved by carol 15:00. Afterwards notes
 *       are added through the API: root cause (carol 15:10), resolution (carol 15:12), a lesson
 *       (dave 15:20), an action item owned by carol due 2024-03-12 (dave 15:25), one without owner
 *       or due date (dave 15:26) and a comment (erin 15:30); a root cause by mallory (15:45) that
 *       escalation did not accept has a command but no NOTE_ADDED event.</li>
 *   <li>inc-d: P4 Reminder (payments, no service), Fri 2024-03-08 08:00; never pages, never
 *       acknowledged or resolved.</li>
 *   <li>inc-b: P1/SEV-2 SearchLatency on search (no team), Sat 2024-03-09. Firing 01:55, opened
 *       02:00, paged primary 02:00, secondary 03:00 (delivery failed), engineering-manager 04:00
 *       (the last level), acknowledged by bob 04:10, resolved by the system 12:00.</li>
 * </ul>
 * The alerts topic also holds a repeated notification of HighErrorRate (10:06:30) and its resolution.
 */
final class Scenario {

  static {
    // Avro builders deep-copy enums through a class validator that trusts the generated classes
    // only once the serdes are initialised, which loading Topics does.
    java.util.Objects.requireNonNull(io.pagewire.schemas.Topics.ALERTS);
  }

  final List<Alert> alerts = new ArrayList<>();
  final List<IncidentEvent> incidentEvents = new ArrayList<>();
  final List<TimelineEvent> timeline = new ArrayList<>();
  final List<NotificationReceipt> receipts = new ArrayList<>();
  final List<IncidentCommand> commands = new ArrayList<>();

  static Instant t(String iso) {
    return Instant.parse(iso);
  }

  static Scenario week() {
    Scenario s = new Scenario();
    Alert a1 = alert("fp-a1", "HighErrorRate", "checkout", "payments", "critical", t("2024-03-04T10:00:00Z"));
    s.alerts.add(received(a1, t("2024-03-04T10:01:30Z")));
    s.alerts.add(received(a1, t("2024-03-04T10:06:30Z")));
    s.incident("inc-a", 1, IncidentEventType.OPENED, a1, Priority.P0, Severity.SEV_1, "HighErrorRate checkout", t("2024-03-04T10:02:00Z"));
    s.tl("inc-a/1", "inc-a", TimelineEventType.OPENED, null, null, "P0 HighErrorRate checkout (label severity=critical)", "2024-03-04T10:02:00Z").setPriority(Priority.P0);
    s.page("inc-a", 1, 1, "primary-oncall", "2024-03-04T10:02:00Z", DeliveryOutcome.DELIVERED);
    s.tl("inc-a/escalated/2", "inc-a", TimelineEventType.ESCALATED, null, 2, "not acknowledged in time: level 1 -> level 2 (secondary-oncall)", "2024-03-04T10:17:00Z");
    s.page("inc-a", 2, 2, "secondary-oncall", "2024-03-04T10:17:00Z", DeliveryOutcome.DELIVERED);
    s.tl("inc-a/acknowledged", "inc-a", TimelineEventType.ACKNOWLEDGED, "alice", 2, "looking", "2024-03-04T10:20:00Z");
    Alert a1Resolved = Alert.newBuilder(a1).setStatus(AlertStatus.RESOLVED).setEndsAt(t("2024-03-04T11:01:00Z")).build();
    s.alerts.add(received(a1Resolved, t("2024-03-04T11:02:00Z")));
    s.incident("inc-a", 2, IncidentEventType.ALERT_RESOLVED, a1Resolved, Priority.P0, Severity.SEV_1, "HighErrorRate checkout", t("2024-03-04T11:02:00Z"));
    s.tl("inc-a/2", "inc-a", TimelineEventType.ALERT_RESOLVED, null, null, "alert resolved: HighErrorRate (0 firing)", "2024-03-04T11:02:00Z");
    s.tl("inc-a/resolved", "inc-a", TimelineEventType.RESOLVED, "alice", null, "fixed by rollback", "2024-03-04T11:02:00Z");
    s.receipt(Ids.resolvedNotification("inc-a"), "inc-a", "primary-oncall, secondary-oncall", DeliveryOutcome.DELIVERED, "2024-03-04T11:02:01Z");

    Alert c1 = alert("fp-c1", "DiskFull", "checkout", "payments", "error", t("2024-03-05T13:59:00Z"));
    s.alerts.add(received(c1, t("2024-03-05T14:00:00Z")));
    s.incident("inc-c", 1, IncidentEventType.OPENED, c1, Priority.P2, Severity.SEV_3, "DiskFull checkout", t("2024-03-05T14:00:00Z"));
    s.tl("inc-c/1", "inc-c", TimelineEventType.OPENED, null, null, "P2 DiskFull checkout (label severity=error)", "2024-03-05T14:00:00Z").setPriority(Priority.P2);
    s.page("inc-c", 1, 1, "primary-oncall", "2024-03-05T14:00:00Z", DeliveryOutcome.DELIVERED);
    s.tl("inc-c/acknowledged", "inc-c", TimelineEventType.ACKNOWLEDGED, "carol", 1, "", "2024-03-05T14:30:00Z");
    s.tl("inc-c/resolved", "inc-c", TimelineEventType.RESOLVED, "carol", null, "cleaned up", "2024-03-05T15:00:00Z");
    s.note("inc-c", "cmd-c1", NoteKind.ROOT_CAUSE, "carol", "log rotation was disabled on checkout-db-2", null, null,
        "2024-03-05T15:10:00Z", "root_cause: log rotation was disabled on checkout-db-2");
    s.note("inc-c", "cmd-c2", NoteKind.RESOLUTION, "carol", "deleted old WAL segments, re-enabled rotation", null, null,
        "2024-03-05T15:12:00Z", "resolution: deleted old WAL segments, re-enabled rotation");
    s.note("inc-c", "cmd-c3", NoteKind.LESSON_LEARNED, "dave", "a disk alert at 95% leaves no time to act", null, null,
        "2024-03-05T15:20:00Z", "lesson_learned: a disk alert at 95% leaves no time to act");
    s.note("inc-c", "cmd-c4", NoteKind.ACTION_ITEM, "dave", "alert on disk usage at 80%", "carol", LocalDate.of(2024, 3, 12),
        "2024-03-05T15:25:00Z", "action_item: alert on disk usage at 80% [owner carol, due 2024-03-12]");
    s.note("inc-c", "cmd-c5", NoteKind.ACTION_ITEM, "dave", "audit log rotation on every database host", null, null,
        "2024-03-05T15:26:00Z", "action_item: audit log rotation on every database host");
    s.note("inc-c", "cmd-c6", NoteKind.COMMENT, "erin", "thanks all", null, null,
        "2024-03-05T15:30:00Z", "comment: thanks all");
    // Escalation did not accept this one (say the incident already had its maximum of notes): no NOTE_ADDED.
    s.note("inc-c", "cmd-c7", NoteKind.ROOT_CAUSE, "mallory", "cosmic rays", null, null, "2024-03-05T15:45:00Z", null);

    Alert d1 = alert("fp-d1", "Reminder", null, "payments", null, t("2024-03-08T08:00:00Z"));
    s.alerts.add(received(d1, t("2024-03-08T08:00:00Z")));
    s.incident("inc-d", 1, IncidentEventType.OPENED, d1, Priority.P4, null, "Reminder", t("2024-03-08T08:00:00Z"));
    s.tl("inc-d/1", "inc-d", TimelineEventType.OPENED, null, null, "P4 Reminder (label priority=P4)", "2024-03-08T08:00:00Z").setPriority(Priority.P4);

    Alert b1 = alert("fp-b1", "SearchLatency", "search", null, "warning", t("2024-03-09T01:55:00Z"));
    s.alerts.add(received(b1, t("2024-03-09T02:00:00Z")));
    s.incident("inc-b", 1, IncidentEventType.OPENED, b1, Priority.P1, Severity.SEV_2, "SearchLatency search", t("2024-03-09T02:00:00Z"));
    s.tl("inc-b/1", "inc-b", TimelineEventType.OPENED, null, null, "P1 SearchLatency search (label severity=warning)", "2024-03-09T02:00:00Z").setPriority(Priority.P1);
    s.page("inc-b", 1, 1, "primary-oncall", "2024-03-09T02:00:00Z", DeliveryOutcome.DELIVERED);
    s.tl("inc-b/escalated/2", "inc-b", TimelineEventType.ESCALATED, null, 2, "not acknowledged in time: level 1 -> level 2 (secondary-oncall)", "2024-03-09T03:00:00Z");
    s.page("inc-b", 2, 2, "secondary-oncall", "2024-03-09T03:00:00Z", DeliveryOutcome.FAILED);
    s.tl("inc-b/escalated/3", "inc-b", TimelineEventType.ESCALATED, null, 3, "not acknowledged in time: level 2 -> level 3 (engineering-manager)", "2024-03-09T04:00:00Z");
    s.page("inc-b", 3, 3, "engineering-manager", "2024-03-09T04:00:00Z", DeliveryOutcome.DELIVERED);
    s.tl("inc-b/acknowledged", "inc-b", TimelineEventType.ACKNOWLEDGED, "bob", 3, "", "2024-03-09T04:10:00Z");
    Alert b1Resolved = Alert.newBuilder(b1).setStatus(AlertStatus.RESOLVED).setEndsAt(t("2024-03-09T12:00:00Z")).build();
    s.incident("inc-b", 2, IncidentEventType.ALERT_RESOLVED, b1Resolved, Priority.P1, Severity.SEV_2, "SearchLatency search", t("2024-03-09T12:00:00Z"));
    s.incident("inc-b", 3, IncidentEventType.RESOLVED, b1Resolved, Priority.P1, Severity.SEV_2, "SearchLatency search", t("2024-03-09T12:00:00Z"));
    s.tl("inc-b/2", "inc-b", TimelineEventType.ALERT_RESOLVED, null, null, "alert resolved: SearchLatency (0 firing)", "2024-03-09T12:00:00Z");
    s.tl("inc-b/resolved", "inc-b", TimelineEventType.RESOLVED, null, null, "all alerts resolved: SearchLatency", "2024-03-09T12:00:00Z");
    return s;
  }

  private void incident(String id, int seq, IncidentEventType type, Alert alert, Priority priority, Severity severity,
      String title, Instant at) {
    incidentEvents.add(IncidentEvent.newBuilder()
        .setEventId(id + "/" + seq).setIncidentId(id).setType(type)
        .setIncidentKey(alert.getLabels().get("alertname")).setTitle(title).setPriority(priority).setSeverity(severity)
        .setReason("scripted").setTeam(null).setEscalationPolicy(null).setAlert(alert)
        .setFiringAlerts(alert.getStatus() == AlertStatus.FIRING ? 1 : 0).setAt(at).build());
  }

  /** Adds a timeline event and returns it, for the caller to set the typed fields of its type. */
  private TimelineEvent tl(String eventId, String id, TimelineEventType type, String actor, Integer level, String detail, String at) {
    TimelineEvent event = TimelineEvent.newBuilder().setEventId(eventId).setIncidentId(id).setType(type).setActor(actor)
        .setLevel(level).setDetail(detail).setAt(t(at)).build();
    timeline.add(event);
    return event;
  }

  /**
   * A note as the API and escalation write it: the ADD_NOTE command on the commands topic and,
   * when escalation accepted it ({@code detail} not null), NOTE_ADDED with escalation's event id
   * ({@link Ids#noteEvent}), detail and note.
   */
  private void note(String id, String commandId, NoteKind kind, String actor, String text, String owner, LocalDate due,
      String at, String detail) {
    commands.add(IncidentCommand.newBuilder().setCommandId(commandId).setIncidentId(id).setType(CommandType.ADD_NOTE)
        .setActor(actor).setNote(text).setAt(t(at)).setNoteKind(kind).setOwner(owner).setDue(due).setVia("api").build());
    if (detail != null) {
      tl(Ids.noteEvent(id, commandId), id, TimelineEventType.NOTE_ADDED, actor, null, detail, at)
          .setNote(Note.newBuilder().setNoteId(commandId).setKind(kind).setText(text).setActor(actor).setAt(t(at))
              .setOwner(owner).setDue(due).build());
    }
  }

  /** A page as escalation writes it (PAGED event) and the notifier's receipt one second later. */
  private void page(String id, int step, int level, String recipient, String at, DeliveryOutcome outcome) {
    TimelineEvent paged = tl(Ids.stepPagedEvent(id, step), id, TimelineEventType.PAGED, null, level,
        "paged " + recipient + " via console (step " + step + " of 6)", at);
    paged.setStep(step);
    paged.setTotalSteps(6);
    paged.setRecipient(recipient);
    paged.setNotificationId(Ids.pageNotification(id, step));
    receipt(Ids.pageNotification(id, step), id, recipient, outcome, t(at).plusSeconds(1).toString());
  }

  private void receipt(String notificationId, String id, String recipient, DeliveryOutcome outcome, String at) {
    receipts.add(NotificationReceipt.newBuilder().setNotificationId(notificationId).setIncidentId(id)
        .setChannel("console").setRecipient(recipient).setOutcome(outcome).setAttempts(1).setLatencyMs(1000)
        .setReason(outcome == DeliveryOutcome.FAILED ? "HTTP 500" : null).setAt(t(at)).build());
  }

  private static Alert alert(String fingerprint, String name, String service, String team, String severity, Instant startsAt) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", name);
    if (service != null) {
      labels.put("service", service);
    }
    if (team != null) {
      labels.put("team", team);
    }
    if (severity != null) {
      labels.put("severity", severity);
    }
    return Alert.newBuilder().setFingerprint(fingerprint).setStatus(AlertStatus.FIRING).setLabels(labels)
        .setAnnotations(Map.of()).setStartsAt(startsAt).setEndsAt(null).setReceivedAt(startsAt).build();
  }

  private static Alert received(Alert alert, Instant at) {
    return Alert.newBuilder(alert).setReceivedAt(at).build();
  }
}
