package dev.chatsdk.bench;

/** A peer backed by one server process, stopped on {@link #close()}. */
abstract class ProcessPeer implements Peer {
  /** The server process; null until {@link #start} launched it. */
  protected Proc proc;

  @Override
  public Proc proc() {
    return proc;
  }

  @Override
  public double jitSeconds() {
    return proc == null ? Double.NaN : proc.jitSeconds();
  }

  @Override
  public void close() {
    if (proc != null) {
      proc.close();
    }
  }
}
