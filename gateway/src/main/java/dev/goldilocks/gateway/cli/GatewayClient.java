package dev.goldilocks.gateway.cli;

import dev.goldilocks.common.grpc.TlsFiles;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every client subcommand shares: where the gateway is and the API key to send. */
final class GatewayClient {

    @Option(names = "--target", defaultValue = "127.0.0.1:8080", description = "Gateway host:port (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--api-key", defaultValue = "${env:GOLDILOCKS_API_KEY}",
            description = "API key, when the gateway requires one (default: $GOLDILOCKS_API_KEY).")
    String apiKey;

    @Option(names = "--tls-ca", description = "Connect with TLS, verifying the gateway against this CA (PEM).")
    Path tlsCa;

    ManagedChannel channel() {
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target);
        if (tlsCa != null) {
            builder.sslContext(new TlsFiles(Optional.empty(), Optional.empty(), Optional.of(tlsCa)).clientContext());
        } else {
            builder.usePlaintext();
        }
        if (apiKey != null && !apiKey.isBlank()) {
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + apiKey);
            builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
        }
        return builder.build();
    }
}
