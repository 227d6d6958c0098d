package io.pagewire.notifier.channel.console;

/** The console channel takes no settings besides {@code type: console}. */
public record ConsoleConfig() {}
