#!/usr/bin/env python3
"""Measures the time from a webhook POST to the console page on a running `./pagewire run`.

Usage: ./pagewire run > demo.log 2>&1 &  then  scripts/measure-page-latency.py demo.log [runs]
Each run posts one new critical alert and waits for its page line in the demo's log
(timestamps of the log lines, so the number includes every hop: ingest, router, escalation,
notifier, each exactly-once).
"""
import datetime, json, re, statistics, sys, time, urllib.request, uuid

log_file = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 10
url = "http://127.0.0.1:8080/api/v1/alerts/alertmanager"
samples = []
for i in range(runs):
    probe = "probe-" + uuid.uuid4().hex[:8]
    body = {"version": "4", "status": "firing", "receiver": "probe", "alerts": [{
        "status": "firing", "labels": {"alertname": probe, "severity": "critical"},
        "annotations": {"summary": probe}, "startsAt": datetime.datetime.utcnow().isoformat() + "Z",
        "endsAt": "0001-01-01T00:00:00Z", "fingerprint": uuid.uuid4().hex[:16]}]}
    sent = datetime.datetime.utcnow()
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
    deadline = time.time() + 30
    while time.time() < deadline:
        line = next((l for l in open(log_file) if ">>> PAGE" in l and probe in l), None)
        if line:
            stamp = datetime.datetime.combine(sent.date(), datetime.time.fromisoformat(line[:12]))
            samples.append((stamp - sent).total_seconds() * 1000)
            break
        time.sleep(0.005)
    else:
        sys.exit(f"no page for {probe} within 30 s")
    time.sleep(0.2)
samples.sort()
print(f"POST to page over {runs} runs: p50 {statistics.median(samples):.0f} ms, "
      f"min {samples[0]:.0f} ms, max {samples[-1]:.0f} ms")
