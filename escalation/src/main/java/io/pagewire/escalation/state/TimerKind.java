package io.pagewire.escalation.state;

/**
 * What a timer of the deadline index does when it is due. Each incident has at most one timer of
 * each kind; {@link IncidentLifecycle#timers} derives them from the incident's state.
 */
public enum TimerKind {
  /** Page the next escalation step of an unacknowledged incident. */
  ESCALATE(1),
  /** A snooze ends: page the current step again and resume escalating. */
  SNOOZE_END(2),
  /** An acknowledgement times out: the incident triggers again and pages the current step. */
  RENOTIFY(3),
  /** The acknowledge SLA passes without an acknowledgement: record a breach. */
  ACKNOWLEDGE_SLA(4),
  /** The resolve target passes without a resolution: record a breach. */
  RESOLVE_SLA(5);

  private final byte code;

  TimerKind(int code) {
    this.code = (byte) code;
  }

  /** The byte that stands for this kind in index keys; below 0x20, so never a printable id byte. */
  public byte code() {
    return code;
  }

  public static TimerKind ofCode(byte code) {
    for (TimerKind kind : values()) {
      if (kind.code == code) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown timer kind code " + code);
  }
}
