package io.pagewire.reports;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.reports.model.Report;
import io.pagewire.reports.model.ReportFolder;
import io.pagewire.reports.model.ReportQuery;
import io.pagewire.platform.kafka.replay.Progress;
import io.pagewire.platform.kafka.replay.TopicReplay;
import io.pagewire.schemas.Alert;
import io.pagewire.schemas.IncidentCommand;
import io.pagewire.schemas.IncidentEvent;
import io.pagewire.schemas.NotificationReceipt;
import io.pagewire.schemas.TimelineEvent;
import io.pagewire.schemas.Topic;
import io.pagewire.schemas.Topics;
import java.util.List;

/**
 * Builds a report by replaying the incident events, timeline, receipt and command topics (and,
 * for a period, the alerts topic) of the cluster {@code config} names, from the query's start to
 * the topics' end when the replay starts. Commands are read for the notes people add.
 */
public final class Reports {

  private Reports() {}

  /** @return the report, or null when the query names an incident the topics do not hold */
  public static Report replay(PagewireConfig config, ReportQuery query, Progress progress) {
    List<Topic<String, ?>> topics = query.single().isPresent()
        ? List.of(Topics.INCIDENT_EVENTS, Topics.INCIDENT_TIMELINE, Topics.NOTIFICATION_RECEIPTS,
            Topics.INCIDENT_COMMANDS)
        : List.of(Topics.ALERTS, Topics.ALERTS_URGENT, Topics.INCIDENT_EVENTS, Topics.INCIDENT_TIMELINE,
            Topics.NOTIFICATION_RECEIPTS, Topics.INCIDENT_COMMANDS);
    ReportFolder folder = new ReportFolder(config, query);
    TopicReplay.Result result = new TopicReplay(config).replay(topics, query.from(), query.incidentId(), progress,
        (topic, timestamp, value) -> fold(folder, value));
    return Report.build(config, query, folder, new Report.Source(result.read(), result.skipped()));
  }

  /** Hands one decoded value to the folder method of its type. */
  public static void fold(ReportFolder folder, Object value) {
    if (value instanceof TimelineEvent e) {
      folder.accept(e);
    } else if (value instanceof IncidentEvent e) {
      folder.accept(e);
    } else if (value instanceof NotificationReceipt r) {
      folder.accept(r);
    } else if (value instanceof Alert a) {
      folder.accept(a);
    } else if (value instanceof IncidentCommand c) {
      folder.accept(c);
    } else {
      throw new IllegalArgumentException("not a replayed value: " + value.getClass().getName());
    }
  }
}
