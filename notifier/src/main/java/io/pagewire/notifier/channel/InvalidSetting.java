package io.pagewire.notifier.channel;

/**
 * A channel setting that binds but cannot be used, thrown by a channel's config record. It names
 * the key, so the problem is reported at {@code notifier.channels.NAME.KEY} and, by
 * {@code pagewire check-config}, at that key's line; the message never repeats the value (it may
 * be a secret).
 */
public final class InvalidSetting extends IllegalArgumentException {

  private final String key;

  /**
   * @param key the setting, as written in the file ({@code url}, {@code readTimeout})
   * @param problem what is wrong, without the value: "is required", "must be at least 16 characters"
   */
  public InvalidSetting(String key, String problem) {
    super(key + " " + problem);
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** The problem without the key. */
  public String problem() {
    return getMessage().substring(key.length() + 1);
  }
}
