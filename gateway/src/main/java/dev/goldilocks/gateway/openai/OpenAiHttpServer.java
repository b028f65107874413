package dev.goldilocks.gateway.openai;

import dev.goldilocks.common.grpc.GrpcServers;
import dev.goldilocks.gateway.config.OpenAiHttpSettings;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible HTTP surface: HTTP/1.1 on its own port (Netty: a few event-loop threads that never
 * block, streamed responses flushed per event, the socket read all along so a client leaving is seen at
 * once), translated into calls of the gateway's public gRPC service, served in-process with its
 * interceptors. {@link #beginDrain()} and {@link #close()} drain it like the gRPC server: no new requests
 * (503 shutting_down), those in flight finish.
 */
public final class OpenAiHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenAiHttpServer.class);
    private static final long DRAIN_SECONDS = 30;

    private final String host;
    private final Channel listener;
    private final EventLoopGroup group;
    private final Server api;
    private final ManagedChannel apiChannel;
    private final ExecutorService executor;
    private final AtomicBoolean draining;

    private OpenAiHttpServer(String host, Channel listener, EventLoopGroup group, Server api, ManagedChannel apiChannel,
                             ExecutorService executor, AtomicBoolean draining) {
        this.host = host;
        this.listener = listener;
        this.group = group;
        this.api = api;
        this.apiChannel = apiChannel;
        this.executor = executor;
        this.draining = draining;
    }

    /**
     * @param publicApi       the gateway's public service with every interceptor a client's call goes through
     * @param maxInboundBytes the gRPC API's message limit
     * @param defaultPolicy   the policy model "goldilocks" routes with
     * @param policies        the policies a request may ask for (empty when the gateway lets none be chosen)
     */
    public static OpenAiHttpServer start(OpenAiHttpSettings settings, ServerServiceDefinition publicApi,
                                         int maxInboundBytes, String defaultPolicy, List<String> policies,
                                         MeterRegistry registry) throws IOException {
        ExecutorService executor = GrpcServers.boundedExecutor("openai-grpc");
        String name = InProcessServerBuilder.generateName();
        Server api = InProcessServerBuilder.forName(name).executor(executor).maxInboundMessageSize(maxInboundBytes)
                .addService(publicApi).build().start();
        // callbacks run on the gRPC server's thread that produced them: they only queue writes on the event loop
        ManagedChannel apiChannel = InProcessChannelBuilder.forName(name).directExecutor()
                .maxInboundMessageSize(maxInboundBytes).build();
        AtomicBoolean draining = new AtomicBoolean();
        OpenAiMetrics metrics = new OpenAiMetrics(registry);
        Endpoints endpoints = new Endpoints(apiChannel, settings.requestTimeoutSeconds(),
                new ModelList(defaultPolicy, policies, System.currentTimeMillis() / 1000), draining::get);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(settings.ioThreads(),
                new DefaultThreadFactory("openai-http", true), NioIoHandler.newFactory());
        long idleMillis = (long) (settings.idleTimeoutSeconds() * 1000);
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(
                                new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS),
                                new HttpServerCodec(),
                                new HttpServerKeepAliveHandler(),
                                new Oversized.Aggregator(settings.maxBodyBytes()),
                                new HttpConnection(endpoints, metrics));
                    }
                });
        try {
            Channel listener = bootstrap.bind(new InetSocketAddress(settings.host(), settings.port())).sync().channel();
            OpenAiHttpServer server = new OpenAiHttpServer(settings.host(), listener, group, api, apiChannel, executor,
                    draining);
            LOG.info("OpenAI-compatible HTTP surface on {}", server.url());
            return server;
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            apiChannel.shutdownNow();
            api.shutdownNow();
            executor.shutdownNow();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("openai_http: cannot listen on " + settings.host() + ":" + settings.port() + ": "
                    + e.getMessage(), e);
        }
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The base URL OpenAI clients take, e.g. {@code http://127.0.0.1:8000/v1}. */
    public String url() {
        String shown = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + shown + ":" + port() + "/v1";
    }

    /** Stops taking requests: the port closes, requests on open connections get 503; those in flight go on. */
    public void beginDrain() {
        if (draining.compareAndSet(false, true)) {
            listener.close().syncUninterruptibly();
            api.shutdown();
        }
    }

    /** Drains (up to 30 s for the requests in flight), then stops. */
    @Override
    public void close() {
        beginDrain();
        try {
            if (!api.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
                api.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            api.shutdownNow();
        }
        apiChannel.shutdownNow();
        // the last answers' writes are queued on the event loops: they run before the loops stop
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        executor.shutdownNow();
    }
}
