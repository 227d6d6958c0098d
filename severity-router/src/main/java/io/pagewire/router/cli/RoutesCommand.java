package io.pagewire.router.cli;

import io.pagewire.router.whatif.RoutesReplay;
import picocli.CommandLine.Command;

/** {@code pagewire routes ...}: the routing tree of a configuration. Add a sub-command to {@code subcommands}. */
@Command(name = "routes", description = "Inspect the routing tree (classification.routes).",
    subcommands = {RoutesTestCommand.class, RoutesReplay.class})
public final class RoutesCommand {
}
