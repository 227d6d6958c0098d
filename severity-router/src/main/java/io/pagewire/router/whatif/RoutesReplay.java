package io.pagewire.router.whatif;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pagewire.platform.cli.ConfigOption;
import io.pagewire.platform.cli.OutputOption;
import io.pagewire.platform.config.Durations;
import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.platform.http.Json;
import io.pagewire.platform.kafka.replay.Progress;
import io.pagewire.platform.kafka.replay.TopicReplay;
import io.pagewire.router.whatif.RoutingSimulation.Incident;
import io.pagewire.router.whatif.RoutingSimulation.Page;
import io.pagewire.router.whatif.RoutingSimulation.Recorded;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.IncidentEventType;
import io.pagewire.schemas.Silence;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.TimelineEventType;
import io.pagewire.schemas.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code pagewire routes replay --config NEW.yaml (--since 7d | --from T [--to T]) [--output json]}:
 * replays {@code pagewire.alerts} of the cluster NEW.yaml names through NEW.yaml's routing,
 * grouping, silences and inhibition ({@link RoutingSimulation}), writing nothing, and compares the
 * incidents that would have opened with those that did ({@code pagewire.incident-events}, first
 * pages from {@code pagewire.incident-timeline}). An incident is identified by the alert that
 * opened it and the time; only incidents that differ are listed.
 */
@Command(name = "replay", description = {"What a routing change would have done: replay pagewire.alerts through NEW.yaml.",
    "Through its routing, grouping, silences and inhibition, writing nothing; lists the incidents that would open,",
    "close or change against what happened. Needs --config NEW.yaml and --since or --from."})
public final class RoutesReplay implements Callable<Integer> {

  @Mixin ConfigOption config;
  @Mixin OutputOption output;
  @Option(names = "--since", paramLabel = "DURATION", description = "Replay from this long ago, e.g. 7d.")
  String since;
  @Option(names = "--from", paramLabel = "TIME", description = "Replay from this instant (ISO-8601), instead of --since.")
  Instant from;
  @Option(names = "--to", paramLabel = "TIME", description = "Replay up to this instant (default: the topics' end).")
  Instant to;
  @Spec CommandSpec spec;
  private final Clock clock;

  public RoutesReplay() {
    this(Clock.systemUTC());
  }

  RoutesReplay(Clock clock) {
    this.clock = clock;
  }



  /**
   * One difference.
   *
   * @param change {@code new} (would open, did not), {@code gone} (opened, would not: its alerts
   *     join another incident or none pages), or {@code changed}
   * @param happened the incident that opened; null for {@code new}
   * @param wouldHave the incident that would open; null for {@code gone}
   * @param differences what differs, each "what: before -> after"
   */
  public record Change(String change, String alert, String fingerprint, Instant openedAt, Incident happened,
      Incident wouldHave, List<String> differences) {}

  /** The whole answer: what was replayed, both sides, and their differences. */
  public record Result(Instant from, Instant to, long alerts, List<Incident> happened, List<Incident> wouldHave,
      List<Change> changes) {}

  @Override
  public Integer call() {
    if (config.file() == null || (since == null) == (from == null)) {
      throw new ParameterException(spec.commandLine(), "give --config NEW.yaml and one of --since or --from");
    }
    Instant start = since != null ? clock.instant().minus(Durations.parse(since)) : from;
    Result result = replay(config.load(), start, to);
    PrintWriter out = spec.commandLine().getOut();
    out.print(output.json() ? json(result) : table(result, config.file()));
    out.flush();
    return 0;
  }

  /** Reads the topics of {@code config}'s cluster from {@code from} (to {@code to}, else their end) and compares. */
  public static Result replay(PagewireConfig config, Instant from, Instant to) {
    TopicReplay replay = new TopicReplay(config);
    List<Silence> silences = new ArrayList<>();
    replay.replay(List.of(Topics.SILENCES), null, null, Progress.NONE, (topic, timestamp, value) -> silences.add((Silence) value));
    List<Recorded> alerts = new ArrayList<>();
    List<IncidentEvent> events = new ArrayList<>();
    List<TimelineEvent> pages = new ArrayList<>();
    replay.replay(List.of(Topics.ALERTS, Topics.ALERTS_URGENT, Topics.INCIDENT_EVENTS, Topics.INCIDENT_TIMELINE), from, null, Progress.NONE,
        (topic, timestamp, value) -> {
          if (to != null && timestamp >= to.toEpochMilli()) {
            return;
          }
          if (value instanceof Alert alert) {
            alerts.add(new Recorded(timestamp, alert));
          } else if (value instanceof IncidentEvent event) {
            events.add(event);
          } else if (value instanceof TimelineEvent event && event.getType() == TimelineEventType.PAGED) {
            pages.add(event);
          }
        });
    List<Incident> wouldHave = new RoutingSimulation(config, silences).run(alerts);
    List<Incident> happened = happened(events, pages);
    return new Result(from, to, alerts.size(), happened, wouldHave, compare(happened, wouldHave));
  }

  /** The incidents the router opened, with the highest priority they reached and their first page. */
  static List<Incident> happened(List<IncidentEvent> events, List<TimelineEvent> pages) {
    Map<String, Incident> opened = new LinkedHashMap<>();
    for (IncidentEvent e : events) {
      if (e.getType() == IncidentEventType.OPENED) {
        Alert alert = e.getAlert();
        opened.putIfAbsent(e.getIncidentId(), new Incident(alert.getFingerprint(),
            alert.getLabels().getOrDefault("alertname", alert.getFingerprint()), e.getAt(), e.getIncidentId(),
            e.getIncidentKey(), e.getRoute(), e.getPriority(), e.getTeam(), e.getEscalationPolicy(), e.getMuted(), null));
      }
    }
    for (IncidentEvent e : events) {
      Incident incident = opened.get(e.getIncidentId());
      if (incident != null && e.getPriority().ordinal() < incident.priority().ordinal()) {
        opened.put(e.getIncidentId(), incident.withPriority(e.getPriority()));
      }
    }
    for (TimelineEvent page : pages) {
      Incident incident = opened.get(page.getIncidentId());
      if (incident != null && (incident.firstPage() == null || page.getAt().isBefore(incident.firstPage().at()))) {
        String who = page.getRecipient() != null ? page.getRecipient() : "level " + page.getLevel();
        opened.put(page.getIncidentId(), incident.withPage(new Page(page.getAt(), who)));
      }
    }
    List<Incident> list = new ArrayList<>(opened.values());
    list.sort((a, b) -> a.openedAt().compareTo(b.openedAt()));
    return list;
  }

  /** The differences, by opening time: incidents matched by the alert that opened them and when. */
  static List<Change> compare(List<Incident> happened, List<Incident> wouldHave) {
    Map<String, Incident> before = new HashMap<>();
    happened.forEach(i -> before.put(identity(i), i));
    Map<String, Incident> after = new HashMap<>();
    wouldHave.forEach(i -> after.put(identity(i), i));
    List<Change> changes = new ArrayList<>();
    for (Incident was : happened) {
      Incident will = after.get(identity(was));
      if (will == null) {
        changes.add(new Change("gone", was.alertname(), was.fingerprint(), was.openedAt(), was, null,
            List.of("not opened: its alerts join another incident")));
        continue;
      }
      List<String> differences = differences(was, will);
      if (!differences.isEmpty()) {
        changes.add(new Change("changed", was.alertname(), was.fingerprint(), was.openedAt(), was, will, differences));
      }
    }
    for (Incident will : wouldHave) {
      if (!before.containsKey(identity(will))) {
        changes.add(new Change("new", will.alertname(), will.fingerprint(), will.openedAt(), null, will,
            List.of("opened: it joined another incident before")));
      }
    }
    changes.sort((a, b) -> a.openedAt().compareTo(b.openedAt()) != 0 ? a.openedAt().compareTo(b.openedAt())
        : a.fingerprint().compareTo(b.fingerprint()));
    return changes;
  }

  private static List<String> differences(Incident was, Incident will) {
    List<String> d = new ArrayList<>();
    diff(d, "priority", was.priority(), will.priority());
    diff(d, "route", was.route(), will.route());
    diff(d, "team", was.team(), will.team());
    diff(d, "policy", was.policy(), will.policy());
    diff(d, "muted", was.mutedAtOpen(), will.mutedAtOpen());
    diff(d, "first page", was.firstPage() == null ? null : was.firstPage().at(),
        will.firstPage() == null ? null : will.firstPage().at());
    return d;
  }

  private static void diff(List<String> d, String what, Object before, Object after) {
    if (!Objects.equals(before, after)) {
      d.add(what + ": " + (before == null ? "none" : before) + " -> " + (after == null ? "none" : after));
    }
  }

  private static String identity(Incident i) {
    return i.fingerprint() + "@" + i.openedAt().toEpochMilli();
  }

  static String table(Result r, Path config) {
    StringBuilder out = new StringBuilder();
    out.append("what-if: ").append(r.alerts()).append(" alert records from ").append(r.from())
        .append(r.to() != null ? " to " + r.to() : " to the end of the topics")
        .append(" replayed through ").append(config).append(" (nothing written)\n");
    long gone = r.changes().stream().filter(c -> c.change().equals("gone")).count();
    long added = r.changes().stream().filter(c -> c.change().equals("new")).count();
    long changed = r.changes().stream().filter(c -> c.change().equals("changed")).count();
    long pagedBefore = r.happened().stream().filter(i -> i.firstPage() != null).count();
    long pagedAfter = r.wouldHave().stream().filter(i -> i.firstPage() != null).count();
    out.append("incidents opened: ").append(r.happened().size()).append(" happened, ").append(r.wouldHave().size())
        .append(" would have; paged: ").append(pagedBefore).append(" happened, ").append(pagedAfter).append(" would have\n");
    out.append("changes: ").append(added).append(" new, ").append(gone).append(" gone, ").append(changed).append(" changed\n\n");
    out.append("| change | alert | opened at | happened | would have | differences |\n|---|---|---|---|---|---|\n");
    for (Change c : r.changes()) {
      out.append("| ").append(c.change()).append(" | ").append(c.alert()).append(" | ").append(c.openedAt())
          .append(" | ").append(cell(c.happened())).append(" | ").append(cell(c.wouldHave())).append(" | ")
          .append(String.join("; ", c.differences())).append(" |\n");
    }
    return out.toString();
  }

  private static String cell(Incident i) {
    if (i == null) {
      return "—";
    }
    return i.priority() + " " + (i.team() != null ? i.team() : "no team") + (i.mutedAtOpen() ? ", muted" : "")
        + (i.firstPage() != null ? ", paged " + i.firstPage().who() + " at " + i.firstPage().at() : ", not paged");
  }

  static String json(Result r) {
    try {
      return Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).writeValueAsString(r) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the what-if as JSON", e);
    }
  }

}
