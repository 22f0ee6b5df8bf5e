package dev.chatctl.util;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/** File errors in the words of the shell ("permission denied"), for one-line messages. */
public final class IoErrors {
  private IoErrors() {}

  /** Why a file operation failed: the reason and the path it names. */
  public static String describe(IOException e) {
    String reason;
    if (e instanceof AccessDeniedException) {
      reason = "permission denied";
    } else if (e instanceof NoSuchFileException) {
      reason = "no such file or directory";
    } else if (e instanceof NotDirectoryException) {
      reason = "not a directory";
    } else if (e instanceof FileAlreadyExistsException) {
      reason = "a file is in the way";
    } else if (e instanceof FileSystemException fs && fs.getReason() != null) {
      reason = fs.getReason().toLowerCase();
    } else {
      return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
    return e instanceof FileSystemException fs && fs.getFile() != null
        ? reason + ": " + fs.getFile()
        : reason;
  }
}
