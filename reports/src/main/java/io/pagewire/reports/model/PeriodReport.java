package io.pagewire.reports.model;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.Priority;
import io.pagewire.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The numbers of a period: every map is sorted by key (priorities P0..P4, severities SEV-1..SEV-3
 * then "none", teams and people by name), every list has a fixed order.
 *
 * @param incidents the incidents opened in the period, by opening time
 * @param byPriority incidents per priority, every priority listed
 * @param bySeverity incidents per severity, "none" for incidents without one
 * @param mttaByPriority time to acknowledge, acknowledged incidents only, priorities with incidents
 * @param mttrByPriority time to resolve, resolved incidents only
 * @param mttaByTeam as mttaByPriority, per team ("unassigned" when the alert had no team label)
 * @param mttrByTeam as mttrByPriority, per team
 * @param slaByPriority acknowledge and resolve compliance per priority with incidents
 * @param noisiestAlerts firing alert notifications received in the period, per alert name
 * @param pagesPerPerson pages per recipient over all incidents
 * @param outOfHoursPages pages sent outside Mon-Fri 09:00-17:00 in the query's zone
 * @param reachedLastLevel incidents whose escalation paged the last level of the policy
 * @param openActionItems the action items of the period's incidents; nothing records an item as
 *     done, so all are open. Soonest due first, undated last, then incident, description, note id
 */
public record PeriodReport(
    ReportQuery query,
    Instant asOf,
    Source source,
    List<IncidentFacts> incidents,
    Map<String, Long> byPriority,
    Map<String, Long> bySeverity,
    Map<String, DurationStats> mttaByPriority,
    Map<String, DurationStats> mttrByPriority,
    Map<String, DurationStats> mttaByTeam,
    Map<String, DurationStats> mttrByTeam,
    Map<String, SlaCompliance> slaByPriority,
    List<ReportFolder.NoisyAlert> noisiestAlerts,
    Map<String, Long> pagesPerPerson,
    List<OutOfHoursPage> outOfHoursPages,
    List<String> reachedLastLevel,
    List<OpenActionItem> openActionItems) implements Report {

  /** How many alert names the noisiest-alerts table lists. */
  public static final int NOISIEST = 10;
  public static final String NO_SEVERITY = "none";
  private static final long SECONDS_PER_DAY = 86_400;
  private static final long BUSINESS_START = LocalTime.of(9, 0).toSecondOfDay();
  private static final long BUSINESS_END = LocalTime.of(17, 0).toSecondOfDay();
  private static final Comparator<OutOfHoursPage> BY_TIME_THEN_INCIDENT = (a, b) -> {
    int byTime = a.at().compareTo(b.at());
    return byTime != 0 ? byTime : a.incidentId().compareTo(b.incidentId());
  };

  /** Acknowledge and resolve compliance of one priority. */
  public record SlaCompliance(Duration acknowledgeWithin, Compliance acknowledge, Duration resolveWithin, Compliance resolve) {}

  /** One page outside business hours; {@code localTime} in the query's zone. */
  public record OutOfHoursPage(String incidentId, Instant at, String localTime, String recipient) {}

  /** An action item of one of the period's incidents. */
  public record OpenActionItem(String incidentId, String description, String owner, LocalDate due, String noteId) {}

  static PeriodReport of(PagewireConfig config, ReportQuery query, Instant asOf, Source source,
      List<IncidentFacts> incidents, List<ReportFolder.NoisyAlert> noisiest) {
    Map<String, Long> byPriority = new LinkedHashMap<>();
    for (Priority p : Priority.values()) {
      byPriority.put(p.name(), incidents.stream().filter(i -> i.priority() == p).count());
    }
    Map<String, Long> bySeverity = new LinkedHashMap<>();
    for (Severity s : Severity.values()) {
      bySeverity.put(severityName(s), incidents.stream().filter(i -> i.severity() == s).count());
    }
    bySeverity.put(NO_SEVERITY, incidents.stream().filter(i -> i.severity() == null).count());

    Map<String, SlaCompliance> sla = new LinkedHashMap<>();
    for (Priority p : Priority.values()) {
      List<IncidentFacts> of = incidents.stream().filter(i -> i.priority() == p).toList();
      if (!of.isEmpty()) {
        PagewireConfig.Sla target = config.sla(p);
        sla.put(p.name(), new SlaCompliance(
            target.acknowledgeWithin(), Compliance.of(of.stream().map(IncidentFacts::acknowledge).toList()),
            target.resolveWithin(), Compliance.of(of.stream().map(IncidentFacts::resolve).toList())));
      }
    }

    Map<String, Long> perPerson = new TreeMap<>();
    List<OutOfHoursPage> outOfHours = new ArrayList<>();
    ZoneRules zone = query.zone().getRules();
    for (IncidentFacts incident : incidents) {
      incident.pagesPerPerson().forEach((who, n) -> perPerson.merge(who, n, Long::sum));
      for (IncidentFacts.Page page : incident.pages()) {
        ZoneOffset offset = zone.getOffset(page.at());
        if (!businessHours(page.at(), offset)) {
          outOfHours.add(new OutOfHoursPage(incident.incidentId(), page.at(),
              localTime(page.at(), offset), page.recipient()));
        }
      }
    }
    outOfHours.sort(BY_TIME_THEN_INCIDENT);

    List<OpenActionItem> actionItems = incidents.stream()
        .flatMap(i -> i.retrospective().actionItems().stream()
            .map(a -> new OpenActionItem(i.incidentId(), a.description(), a.owner(), a.due(), a.noteId())))
        .sorted(Comparator.comparing(OpenActionItem::due, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(OpenActionItem::incidentId).thenComparing(OpenActionItem::description)
            .thenComparing(OpenActionItem::noteId))
        .toList();

    return new PeriodReport(query, asOf, source, incidents, byPriority, bySeverity,
        stats(incidents, i -> i.priority().name(), IncidentFacts::acknowledge),
        stats(incidents, i -> i.priority().name(), IncidentFacts::resolve),
        stats(incidents, IncidentFacts::team, IncidentFacts::acknowledge),
        stats(incidents, IncidentFacts::team, IncidentFacts::resolve),
        sla, noisiest, perPerson, List.copyOf(outOfHours),
        incidents.stream().filter(IncidentFacts::reachedLastLevel).map(IncidentFacts::incidentId).toList(),
        actionItems);
  }

  /**
   * Mon-Fri, 09:00 inclusive to 17:00 exclusive, local time at {@code offset}. Computed from the
   * epoch second, without building the local date and time: a period report asks for every page.
   */
  static boolean businessHours(Instant at, ZoneOffset offset) {
    long local = at.getEpochSecond() + offset.getTotalSeconds();
    long day = Math.floorDiv(local, SECONDS_PER_DAY);
    long second = Math.floorMod(local, SECONDS_PER_DAY);
    // 1970-01-01 was a Thursday: day 0 is Thursday, so (day + 3) mod 7 is 0 on Mondays.
    long weekday = Math.floorMod(day + 3, 7);
    return weekday < 5 && second >= BUSINESS_START && second < BUSINESS_END;
  }

  /** As {@code at.atZone(zone).toOffsetDateTime().toString()}, from the zone's offset at that instant. */
  static String localTime(Instant at, ZoneOffset offset) {
    // Not OffsetDateTime.ofInstant: it builds the offset's ZoneRules for every call.
    return OffsetDateTime.of(LocalDateTime.ofEpochSecond(at.getEpochSecond(), at.getNano(), offset), offset).toString();
  }

  public static String severityName(Severity severity) {
    return severity == null ? NO_SEVERITY : severity.name().replace('_', '-');
  }

  /** Groups that have at least one incident get stats, possibly of zero durations (count 0). */
  private static Map<String, DurationStats> stats(List<IncidentFacts> incidents, Function<IncidentFacts, String> group,
      Function<IncidentFacts, SlaCheck> check) {
    Map<String, List<Duration>> grouped = new TreeMap<>();
    for (IncidentFacts incident : incidents) {
      List<Duration> durations = grouped.computeIfAbsent(group.apply(incident), k -> new ArrayList<>());
      Duration actual = check.apply(incident).actual();
      if (actual != null) {
        durations.add(actual);
      }
    }
    Map<String, DurationStats> result = new TreeMap<>();
    grouped.forEach((key, durations) -> result.put(key, DurationStats.of(durations)));
    return result;
  }
}
