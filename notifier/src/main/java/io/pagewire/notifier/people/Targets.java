package io.pagewire.notifier.people;

import io.pagewire.platform.config.PagewireConfig;
import io.pagewire.schemas.NotificationKind;
import io.pagewire.schemas.NotificationRequest;
import io.pagewire.schemas.Priority;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a notification goes. A request naming channels goes to each of them (what the escalation
 * service emits for levels with channels). A request naming none goes to its recipient, a user
 * id of {@code users}, through that user's notification rules: each rule whose urgency matches
 * (P0/P1 high, P2..P4 low) is a target due {@code after} its delay. Only a PAGE follows delayed
 * rules; RESOLVED and ACKNOWLEDGED go to the user's immediate rules only.
 */
public final class Targets {

  private final Map<String, PagewireConfig.User> users;

  public Targets(Map<String, PagewireConfig.User> users) {
    this.users = users;
  }

  /** The targets, in rule order; empty when the request names no channel and no known user. */
  public List<Target> of(NotificationRequest request) {
    if (!request.getChannels().isEmpty()) {
      return request.getChannels().stream().distinct()
          .map(Target::channel).toList();
    }
    PagewireConfig.User user = users.get(request.getRecipient());
    if (user == null) {
      return List.of();
    }
    String urgency = request.getPriority() == Priority.P0 || request.getPriority() == Priority.P1 ? "high" : "low";
    Map<String, Target> targets = new LinkedHashMap<>();
    for (PagewireConfig.NotificationRule rule : user.notificationRules()) {
      if (!rule.urgency().equals("any") && !rule.urgency().equals(urgency)) {
        continue;
      }
      if (request.getKind() != NotificationKind.PAGE && !rule.after().isZero()) {
        continue;
      }
      method(user, rule.contactMethod()).ifPresent(method -> {
        Target target = target(request.getRecipient(), user, method, rule.after());
        targets.putIfAbsent(target.key(), target);
      });
    }
    return List.copyOf(targets.values());
  }

  /**
   * The fallback after {@code failed} failed for good: the user's next contact method in rule
   * order, due at once; empty for a named channel or when no method is left.
   */
  public Optional<Target> fallback(NotificationRequest request, Target failed) {
    if (!failed.ofUser()) {
      return Optional.empty();
    }
    PagewireConfig.User user = users.get(failed.user());
    if (user == null || failed.contactMethod() == null) {
      return Optional.empty(); // no longer configured, or which method failed is not known
    }
    List<String> order = new ArrayList<>();
    user.notificationRules().forEach(rule -> {
      if (!order.contains(rule.contactMethod())) {
        order.add(rule.contactMethod());
      }
    });
    user.contactMethods().forEach(method -> {
      if (!order.contains(method.name())) {
        order.add(method.name());
      }
    });
    int at = order.indexOf(failed.contactMethod());
    if (at < 0 || at + 1 >= order.size()) {
      return Optional.empty();
    }
    return method(user, order.get(at + 1)).map(method -> target(failed.user(), user, method, Duration.ZERO));
  }

  private static Optional<PagewireConfig.ContactMethod> method(PagewireConfig.User user, String name) {
    return user.contactMethods().stream().filter(m -> m.name().equals(name)).findFirst();
  }

  private static Target target(String userId, PagewireConfig.User user, PagewireConfig.ContactMethod method, Duration after) {
    String to = method.to() != null ? method.to() : user.email();
    return Target.contactMethod(userId, method.name(), method.channel(), to, after);
  }
}
