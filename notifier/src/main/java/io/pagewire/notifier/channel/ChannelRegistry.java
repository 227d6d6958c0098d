package io.pagewire.notifier.channel;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.pagewire.notifier.channel.console.ConsoleChannel;
import io.pagewire.notifier.channel.console.ConsoleConfig;
import io.pagewire.notifier.channel.email.EmailChannel;
import io.pagewire.notifier.channel.email.EmailConfig;
import io.pagewire.notifier.channel.pagerduty.PagerDutyChannel;
import io.pagewire.notifier.channel.pagerduty.PagerDutyConfig;
import io.pagewire.notifier.channel.slack.SlackChannel;
import io.pagewire.notifier.channel.slack.SlackConfig;
import io.pagewire.notifier.channel.teams.TeamsChannel;
import io.pagewire.notifier.channel.teams.TeamsConfig;
import io.pagewire.notifier.channel.webhook.WebhookChannel;
import io.pagewire.notifier.channel.webhook.WebhookConfig;
import io.pagewire.platform.config.ConfigException;
import io.pagewire.platform.config.ConfigLoader;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The channel types Pagewire knows, registered here and nowhere else, and the construction of
 * the configured channels from {@code notifier.channels}:
 *
 * <pre>
 * notifier:
 *   channels:
 *     console: {type: console}
 *     ops-webhook:
 *       type: webhook
 *       url: ${env:OPS_WEBHOOK_URL}
 *       headers: {Authorization: ${file:/run/secrets/ops-token}}
 *       timeout: 5s
 * </pre>
 *
 * <p>Channel names are the keys of a YAML map: a name given twice is refused by the configuration
 * parser (strict duplicate detection), with file and line.
 *
 * <p>{@code type} picks the implementation; every other key binds to that type's config record,
 * and a key the record does not know fails, as does an unknown type, at start-up.
 */
public final class ChannelRegistry {

  /** Builds one channel of a type from its bound config. */
  @FunctionalInterface
  public interface Factory<C> {
    Channel create(String name, C config, Clock clock);
  }

  private record ChannelType<C>(Class<C> configType, Factory<C> factory) {
    Channel create(String name, Map<String, Object> settings, Clock clock) {
      return factory.create(name, ConfigLoader.YAML.convertValue(settings, configType), clock);
    }
  }

  // Map.of refuses a type registered twice, when this class loads.
  private static final Map<String, ChannelType<?>> TYPES = Map.of(
      "console", new ChannelType<>(ConsoleConfig.class, ConsoleChannel::new),
      "webhook", new ChannelType<>(WebhookConfig.class, WebhookChannel::new),
      "slack", new ChannelType<>(SlackConfig.class, SlackChannel::new),
      "teams", new ChannelType<>(TeamsConfig.class, TeamsChannel::new),
      "pagerduty", new ChannelType<>(PagerDutyConfig.class, PagerDutyChannel::new),
      "email", new ChannelType<>(EmailConfig.class, EmailChannel::new));

  private ChannelRegistry() {}

  /** The names usable as {@code type}, sorted. */
  public static String knownTypes() {
    return String.join(", ", new TreeSet<>(TYPES.keySet()));
  }

  /**
   * Builds every configured channel.
   *
   * @param settings channel name to its settings, as in {@code notifier.channels}
   * @param clock the time channels read (for example to turn a {@code Retry-After} date into a delay)
   * @return channel name to channel, in name order
   * @throws ConfigException naming the channel, when its type is missing or unknown or its
   *     settings do not bind; the message never repeats a setting's value
   */
  public static Map<String, Channel> create(Map<String, Map<String, Object>> settings, Clock clock) {
    SortedMap<String, Channel> channels = new TreeMap<>();
    settings.forEach((name, channelSettings) -> channels.put(name, create(name, channelSettings, clock)));
    return Collections.unmodifiableSortedMap(channels);
  }

  private static Channel create(String name, Map<String, Object> settings, Clock clock) {
    String where = "notifier.channels." + name;
    Object type = settings == null ? null : settings.get("type");
    if (type == null) {
      throw new ConfigException(where + ": missing 'type' (known types: " + knownTypes() + ")");
    }
    ChannelType<?> channelType = TYPES.get(type.toString());
    if (channelType == null) {
      throw new ConfigException(where + ": unknown channel type '" + type + "' (known types: " + knownTypes() + ")");
    }
    Map<String, Object> own = new LinkedHashMap<>(settings);
    own.remove("type");
    try {
      return channelType.create(name, own, clock);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + " (type " + type + "): " + describe(e));
    }
  }

  /** Jackson's wording, without the input it quotes: a setting's value may be a secret. */
  private static String describe(IllegalArgumentException e) {
    if (e.getCause() instanceof UnrecognizedPropertyException u) {
      return "unknown key '" + u.getPropertyName() + "' (known here: "
          + u.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")) + ")";
    }
    if (e.getCause() instanceof JsonMappingException m) {
      String path = m.getPath().stream()
          .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
          .collect(Collectors.joining("."));
      Throwable root = m.getCause() != null ? m.getCause() : m;
      String problem = root == m ? "cannot read this value" : root.getMessage();
      return (path.isEmpty() ? "" : path + ": ") + problem;
    }
    return e.getMessage();
  }
}
