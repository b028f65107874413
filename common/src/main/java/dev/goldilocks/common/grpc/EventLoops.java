package dev.goldilocks.common.grpc;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoop;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.IoHandlerFactory;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.ServerChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.Epoll;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioSocketChannel;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static com.google.common.util.concurrent.MoreExecutors.directExecutor;

/**
 * A proxy's event-loop threads, shared by its server and its upstream connections, and which of them the
 * current call arrived on. A call that goes upstream on a connection served by the loop its client's
 * connection is on crosses no thread between the two: the upstream's answer arrives on that loop and is
 * written back to the client there. With gRPC's shared loops the two connections sat on different threads
 * and every message between them woke the other one (an eventfd write and an epoll return each way:
 * load-tests/results/hop-findings.md). Envoy keeps an upstream connection pool per worker thread for the
 * same reason.
 */
public final class EventLoops implements AutoCloseable {

    private final EventLoopGroup boss;
    private final EventLoopGroup group;
    private final List<EventLoop> loops = new ArrayList<>();
    private final boolean epoll;
    /** The loop of the call a handler thread is running a callback of (set around each callback). */
    private final ThreadLocal<Integer> callLoop = new ThreadLocal<>();

    private EventLoops(String name, int threads) {
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true), io);
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name + "-loop", true), io);
        group.forEach(e -> loops.add((EventLoop) e));
    }

    /** Twice as many loops as cores, as gRPC's shared ones. */
    public static EventLoops create(String name) {
        return new EventLoops(name, 2 * Runtime.getRuntime().availableProcessors());
    }

    public int size() {
        return loops.size();
    }

    /**
     * Serves {@code server}'s connections on these loops. Calls are handled on {@code handlers}, except those
     * of the methods {@code inline} accepts, which run on their connection's loop: a hand-off to a handler
     * thread and back costs two thread wake-ups per call, more than such a call's own work. Those methods'
     * handlers must not block and must hand anything long (classifying a prompt takes milliseconds) to a
     * handler thread themselves ({@link #onLoopThread()} tells them where they run). Only the choice of
     * executor runs on the transport thread for the others, where the call's loop is known.
     */
    public NettyServerBuilder serve(NettyServerBuilder server, Executor handlers,
                                    Predicate<MethodDescriptor<?, ?>> inline) {
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ServerCallExecutorSupplier executors = new ServerCallExecutorSupplier() {
            @Override
            public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
                // null keeps the server's own executor, direct: the call stays on its loop
                return inline.test(call.getMethodDescriptor()) ? null : onLoop(handlers, current());
            }
        };
        return server.bossEventLoopGroup(boss).workerEventLoopGroup(group).channelType(type)
                .executor(directExecutor()).callExecutor(executors);
    }

    /** Whether this thread is one of the loops (a transport thread, which must not block). */
    public boolean onLoopThread() {
        return thisThreadsLoop() >= 0;
    }

    /** A client connection served by loop {@code index}. */
    public NettyChannelBuilder connectOn(NettyChannelBuilder channel, int index) {
        return channel.eventLoopGroup(loops.get(index))
                .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class);
    }

    /** The loop the current call arrived on, or -1 on a thread that is not handling one of these loops' calls. */
    public int current() {
        Integer index = callLoop.get();
        return index != null ? index : thisThreadsLoop();
    }

    /** The index of the loop this thread is, or -1. */
    private int thisThreadsLoop() {
        for (int i = 0; i < loops.size(); i++) {
            if (loops.get(i).inEventLoop()) {
                return i;
            }
        }
        return -1;
    }

    private Executor onLoop(Executor handlers, int loop) {
        if (loop < 0) {
            return handlers;
        }
        Integer index = loop; // boxed once per call (cached for small values)
        return task -> handlers.execute(() -> {
            callLoop.set(index);
            try {
                task.run();
            } finally {
                callLoop.remove();
            }
        });
    }

    /** After the server and the channels on these loops have terminated. */
    @Override
    public void close() {
        boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS);
        boss.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
        group.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
