package io.pagewire.escalation;

import io.pagewire.schemas.Alert;
import io.pagewire.schemas.AlertStatus;
import io.pagewire.schemas.CommandType;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.time.Instant;
import java.util.Map;

/** Incident events and commands as the severity router and the incidents API write them. */
public final class IncidentFixtures {

  private IncidentFixtures() {}

  public static Alert alert(String name, Instant at) {
    return Alert.newBuilder()
        .setFingerprint("fp-" + name)
        .setStatus(AlertStatus.FIRING)
        .setLabels(Map.of("alertname", name, "service", "checkout", "severity", "critical"))
        .setAnnotations(Map.of("summary", name + " is failing", "runbook_url", "https://runbooks.example/" + name))
        .setStartsAt(at)
        .setEndsAt(null)
        .setReceivedAt(at)
        .build();
  }

  public static IncidentEvent event(String incidentId, int sequence, IncidentEventType type, Priority priority,
      Instant at) {
    Severity severity = switch (priority) {
      case P0 -> Severity.SEV_1;
      case P1 -> Severity.SEV_2;
      case P2 -> Severity.SEV_3;
      default -> null;
    };
    return IncidentEvent.newBuilder()
        .setEventId(incidentId + "/" + sequence)
        .setIncidentId(incidentId)
        .setType(type)
        .setIncidentKey("alertname=CheckoutDown")
        .setTitle("CheckoutDown")
        .setPriority(priority)
        .setSeverity(severity)
        .setReason("label severity=critical")
        .setAlert(alert("CheckoutDown", at))
        .setFiringAlerts(type == IncidentEventType.RESOLVED ? 0 : 1)
        .setAt(at)
        .build();
  }

  public static IncidentEvent opened(String incidentId, Priority priority, Instant at) {
    return event(incidentId, 1, IncidentEventType.OPENED, priority, at);
  }

  public static IncidentCommand command(String incidentId, CommandType type, String actor, Instant at) {
    return IncidentCommand.newBuilder()
        .setCommandId(incidentId + "-" + type + "-" + at.toEpochMilli())
        .setIncidentId(incidentId)
        .setType(type)
        .setActor(actor)
        .setNote(null)
        .setAt(at)
        .build();
  }
}
