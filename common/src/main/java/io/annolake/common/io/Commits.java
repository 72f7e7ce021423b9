package io.annolake.common.io;

import java.util.ConcurrentModificationException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a Delta commit that lost a legitimate race with another run's commit (Delta's optimistic
 * concurrency: a concurrent append to the same partition, a metadata change, two runs creating one
 * table) with bounded, jittered exponential backoff. Each attempt is planned anew against the
 * table's latest version, so a retry never writes over what the winner wrote.
 *
 * @param attempts commits tried at most (at least 1)
 * @param firstBackoffMillis wait before the second attempt; doubled per attempt up to the cap
 * @param maxBackoffMillis the cap of one wait
 */
public record Commits(int attempts, long firstBackoffMillis, long maxBackoffMillis) {
  private static final Logger LOG = LoggerFactory.getLogger(Commits.class);

  /** Ten attempts, 0.2 s doubling up to 10 s: a minute of waiting at most. */
  public static final Commits DEFAULT = new Commits(10, 200, 10_000);

  public Commits {
    if (attempts < 1 || firstBackoffMillis < 0 || maxBackoffMillis < firstBackoffMillis) {
      throw new IllegalArgumentException(
          "Cannot retry commits: invalid attempts/backoff "
              + attempts
              + "/"
              + firstBackoffMillis
              + "/"
              + maxBackoffMillis);
    }
  }

  /**
   * Runs the commit, again after each concurrent-modification conflict, up to {@link #attempts}.
   */
  public void retry(String table, Runnable commit) {
    long backoff = firstBackoffMillis;
    for (int attempt = 1; ; attempt++) {
      try {
        commit.run();
        return;
      } catch (RuntimeException e) {
        if (!isConflict(e) || attempt >= attempts) {
          throw e;
        }
        long wait = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        LOG.warn(
            "Commit to {} conflicted with another run's (attempt {} of {}): {}; retrying in {} ms",
            table,
            attempt,
            attempts,
            e.getClass().getSimpleName(),
            wait);
        sleep(wait);
        backoff = Math.min(maxBackoffMillis, Math.max(1, backoff * 2));
      }
    }
  }

  /**
   * Delta's conflicts (io.delta.exceptions.*: ConcurrentAppend, ConcurrentDeleteRead,
   * MetadataChanged, ProtocolChanged, ConcurrentTransaction) all extend
   * java.util.ConcurrentModificationException.
   */
  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConcurrentModificationException) {
        return true;
      }
    }
    return false;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting to retry a commit", e);
    }
  }
}
