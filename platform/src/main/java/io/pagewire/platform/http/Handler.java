package io.pagewire.platform.http;

/** Answers one route. Throw {@link HttpError} for an error answer; anything else becomes a 500. */
@FunctionalInterface
public interface Handler {
  Response handle(Request request) throws Exception;
}
