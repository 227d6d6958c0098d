package io.pagewire.notifier.channel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
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
import io.pagewire.platform.config.ConfigProblem;
import io.pagewire.platform.config.PagewireConfig;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The channel types Pagewire knows, registered here and nowhere else, and the one way settings
 * in {@code notifier.channels} become typed configs and channels:
 *
 * <pre>
 * notifier:
 *   channels:
 *     console: {type: console}
 *     ops-webhook:
 *       type: webhook
 *       url: ${env:OPS_WEBHOOK_URL}
 *       headers: {Authorization: ${file:/run/secrets/ops-token}}
 *       readTimeout: 5s
 * </pre>
 *
 * <p>Channel names are the keys of a YAML map: a name given twice is refused by the configuration
 * parser (strict duplicate detection), with file and line.
 *
 * <p>{@code type} picks the implementation; every other key binds to that type's config record.
 * {@link #bind} reports every problem at once, each at its key (a missing or unknown type, each
 * unknown key, a value that does not bind or that the record refuses); {@link #check} is that
 * binding as a {@link io.pagewire.platform.config.ConfigCheck}, run by {@code pagewire
 * check-config} and at start-up with file and line, and {@link #create} builds the channels from
 * the same binding when the notifier starts.
 */
public final class ChannelRegistry {

  /** Builds one channel of a type from its bound config. */
  @FunctionalInterface
  public interface Factory<C> {
    Channel create(String name, C config, Clock clock);
  }

  private record ChannelType<C extends Record>(Class<C> configType, Factory<C> factory) {
    String knownKeys() {
      return Arrays.stream(configType.getRecordComponents()).map(RecordComponent::getName)
          .sorted().collect(Collectors.joining(", "));
    }
  }

  /** One channel's typed settings, ready to be built. */
  public record Configured<C>(String name, String type, C config, Factory<C> factory) {
    public Channel create(Clock clock) {
      return factory.create(name, config, clock);
    }
  }

  /**
   * The outcome of binding {@code notifier.channels}: every channel that bound, and every
   * problem; a channel with any problem is not among {@code channels}.
   */
  public record Binding(SortedMap<String, Configured<?>> channels, List<ConfigProblem> problems) {}

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

  /** The problems of {@code notifier.channels}, for {@code ConfigLoader} (file and line) and {@code check-config}. */
  public static List<ConfigProblem> check(PagewireConfig config) {
    return bind(config.notifier().channels()).problems();
  }

  /**
   * Binds every channel's settings to its type's config record, finding every problem rather
   * than stopping at the first; no message repeats a setting's value (it may be a secret).
   *
   * @param settings channel name to its settings, as in {@code notifier.channels}
   */
  public static Binding bind(Map<String, Map<String, Object>> settings) {
    SortedMap<String, Configured<?>> channels = new TreeMap<>();
    List<ConfigProblem> problems = new ArrayList<>();
    new TreeMap<>(settings).forEach((name, channelSettings) -> {
      Configured<?> configured = bind(name, channelSettings, problems);
      if (configured != null) {
        channels.put(name, configured);
      }
    });
    return new Binding(Collections.unmodifiableSortedMap(channels), List.copyOf(problems));
  }

  /**
   * Builds every configured channel.
   *
   * @param settings channel name to its settings, as in {@code notifier.channels}
   * @param clock the time channels read (for example to turn a {@code Retry-After} date into a delay)
   * @return channel name to channel, in name order
   * @throws ConfigException listing every problem {@link #bind} finds, each as {@code
   *     notifier.channels.NAME[.KEY]: problem}
   */
  public static Map<String, Channel> create(Map<String, Map<String, Object>> settings, Clock clock) {
    Binding binding = bind(settings);
    if (!binding.problems().isEmpty()) {
      throw new ConfigException(binding.problems().stream().map(ConfigProblem::toString).toList());
    }
    SortedMap<String, Channel> channels = new TreeMap<>();
    binding.channels().forEach((name, configured) -> channels.put(name, configured.create(clock)));
    return Collections.unmodifiableSortedMap(channels);
  }

  private static Configured<?> bind(String name, Map<String, Object> settings, List<ConfigProblem> problems) {
    String where = "notifier.channels." + name;
    Object type = settings == null ? null : settings.get("type");
    if (type == null) {
      problems.add(new ConfigProblem(where, "missing 'type' (known types: " + knownTypes() + ")"));
      return null;
    }
    ChannelType<?> channelType = TYPES.get(type.toString());
    if (channelType == null) {
      problems.add(new ConfigProblem(where + ".type", "unknown channel type '" + type + "' (known types: " + knownTypes() + ")"));
      return null;
    }
    Map<String, Object> own = new LinkedHashMap<>(settings);
    own.remove("type");
    return bind(name, type.toString(), channelType, own, problems);
  }

  private static <C extends Record> Configured<C> bind(String name, String type, ChannelType<C> channelType,
                                                       Map<String, Object> settings, List<ConfigProblem> problems) {
    String where = "notifier.channels." + name;
    List<ConfigProblem> found = new ArrayList<>();
    // Unknown keys are collected, not fatal, so that one pass names all of them and still
    // checks the values of the known ones.
    ObjectReader reader = ConfigLoader.YAML.readerFor(channelType.configType()).withHandler(new DeserializationProblemHandler() {
      @Override
      public boolean handleUnknownProperty(DeserializationContext ctxt, JsonParser p, JsonDeserializer<?> deserializer,
                                           Object beanOrClass, String propertyName) throws IOException {
        found.add(new ConfigProblem(where + "." + propertyName,
            "unknown key for type " + type + " (known here: " + channelType.knownKeys() + ")"));
        p.skipChildren();
        return true;
      }
    });
    C config = null;
    try {
      config = reader.readValue((JsonNode) ConfigLoader.YAML.valueToTree(settings));
    } catch (JsonMappingException e) {
      found.add(describe(where, e));
    } catch (IOException | IllegalArgumentException e) {
      found.add(new ConfigProblem(where, "cannot read these settings"));
    }
    problems.addAll(found);
    return found.isEmpty() ? new Configured<>(name, type, config, channelType.factory()) : null;
  }

  /** Jackson's problem at its key, without the input it quotes: a setting's value may be a secret. */
  private static ConfigProblem describe(String where, JsonMappingException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof InvalidSetting invalid) {
        return new ConfigProblem(where + "." + invalid.key(), invalid.problem());
      }
    }
    String path = e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? "." + ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining());
    String at = where + path;
    if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
      return new ConfigProblem(at, "cannot read this value as " + describe(mismatch.getTargetType()));
    }
    Throwable root = e.getCause() != null ? e.getCause() : null;
    return new ConfigProblem(at, root != null && root.getMessage() != null ? root.getMessage() : "cannot read this value");
  }

  private static String describe(Class<?> type) {
    if (Map.class.isAssignableFrom(type)) {
      return "a map";
    }
    if (List.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
      return "a number";
    }
    return type.getSimpleName().equals("Secret") || type == String.class ? "text" : type.getSimpleName();
  }
}
