package io.pagewire.reports.model;

import java.time.Instant;

/** The post-incident report of one incident. */
public record IncidentReport(ReportQuery query, Instant asOf, Source source, IncidentFacts incident) implements Report {}
