package io.pagewire.ingest.alertmanager;

/**
 * A webhook body that can never be accepted, however often it is retried: malformed JSON, a
 * missing or mistyped field, an unparseable timestamp. The message starts with the JSON path of
 * the problem, e.g. {@code alerts[1].startsAt: "yesterday" is not an RFC 3339 timestamp}, and is
 * safe to show to the sender (it quotes at most a short excerpt of the offending value).
 */
public final class InvalidWebhookException extends Exception {

  private final String path;

  public InvalidWebhookException(String path, String problem) {
    super(path + ": " + problem);
    this.path = path;
  }

  /** Where in the body the problem is: {@code body} for the document as a whole, else a JSON path. */
  public String path() {
    return path;
  }
}
