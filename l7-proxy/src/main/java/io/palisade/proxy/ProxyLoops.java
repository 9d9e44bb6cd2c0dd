package io.palisade.proxy;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A proxy's epoll event loops. Netty starts a loop's thread on its first task, from the submitting
 * thread, and a new thread is in its creator's network namespace: starting every loop here puts
 * them all in the caller's namespace, whichever thread later hands them work.
 */
public final class ProxyLoops {

  private ProxyLoops() {}

  /** {@code threads} loops, each thread started now in the calling thread's network namespace. */
  public static EpollEventLoopGroup start(int threads) {
    Epoll.ensureAvailability();
    EpollEventLoopGroup group = new EpollEventLoopGroup(threads);
    try {
      for (EventExecutor loop : group) {
        loop.submit(() -> {}).syncUninterruptibly();
      }
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
      throw e;
    }
    return group;
  }
}
