package dev.chatctl.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * Writes the man pages of every command (picocli-codegen's ManPageGenerator, from the same
 * annotations as --help) into the directory given: run by the build, not part of chatctl.jar.
 */
public final class ManPages {
  private ManPages() {}

  public static void main(String[] args) throws IOException {
    CommandLine cli = Main.commandLine();
    cli.addSubcommand("gen-manpage", new ManPageGenerator());
    int exit = cli.execute("gen-manpage", "--outdir=" + args[0]);
    Files.deleteIfExists(Path.of(args[0], "chatctl-gen-manpage.adoc")); // the generator's own page
    System.exit(exit);
  }
}
