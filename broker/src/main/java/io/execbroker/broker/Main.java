package io.execbroker.broker;

import io.execbroker.broker.cli.EventsCommand;
import io.execbroker.broker.cli.ExecCommand;
import io.execbroker.broker.cli.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code exec-broker} command line: parses arguments and hands over to a subcommand. */
@Command(
    name = "exec-broker",
    mixinStandardHelpOptions = true,
    versionProvider = Main.ManifestVersion.class,
    subcommands = {ServeCommand.class, ExecCommand.class, EventsCommand.class},
    description = "Runs authorized docker exec sessions over WebSocket.",
    footer = {"", "Docker is found through DOCKER_HOST (default unix:///var/run/docker.sock)."})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    /** With no subcommand there is nothing to do: say how to use the command, as a usage error. */
    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command.");
    }

    /** Reads the version from the jar's manifest, so it is never out of step with the build. */
    static final class ManifestVersion implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"exec-broker " + (version == null ? "(development build)" : version)};
        }
    }
}
