package dev.goldilocks.loadtests.loadgen;

import dev.goldilocks.common.grpc.TlsFiles;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * A gateway on this machine. The load generator sends only to loopback addresses: it can offer far more
 * load than a shared service should ever receive from a test, so a remote target is refused, not sent to.
 */
public record LoopbackTarget(String host, int port) {

    /** Parses "host:port" ("[::1]:port" for IPv6) and refuses a host that is not a loopback address. */
    public static LoopbackTarget parse(String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IllegalArgumentException("--target: expected host:port, got '" + target + "'");
        }
        String host = target.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--target: port is not a number in '" + target + "'");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--target: port must be in 1..65535, got " + port);
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--target: unknown host '" + host + "'");
        }
        if (!Arrays.stream(addresses).allMatch(InetAddress::isLoopbackAddress)) {
            throw new IllegalArgumentException("--target: " + host + " is not a loopback address ("
                    + Arrays.toString(addresses) + "); the load generator only sends to this machine"
                    + " (127.0.0.1, ::1 or localhost)");
        }
        return new LoopbackTarget(host, port);
    }

    /**
     * A channel to the gateway: plaintext, or TLS verified against {@code tlsCa}; every call carries the API
     * key when one is given. Responses are handled on the transport threads (recording one is a few
     * microseconds), so no executor queue sits between an answer and its timestamp.
     */
    public ManagedChannel channel(Optional<String> apiKey, Optional<Path> tlsCa) {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(host, port).directExecutor()
                .maxInboundMessageSize(4 << 20);
        if (tlsCa.isPresent()) {
            builder.sslContext(new TlsFiles(Optional.empty(), Optional.empty(), tlsCa).clientContext());
        } else {
            builder.usePlaintext();
        }
        apiKey.filter(k -> !k.isBlank()).ifPresent(key -> {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        });
        return builder.build();
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
