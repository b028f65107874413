package dev.goldilocks.gateway.cli;

import dev.goldilocks.common.grpc.TlsFiles;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The options every client subcommand shares: where the gateway is, the API key to send, and TLS (mutual with a client certificate). */
final class GatewayClient {

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--target", defaultValue = "127.0.0.1:8080", description = "Gateway host:port (default: ${DEFAULT-VALUE}).")
    String target;

    @Option(names = "--api-key", defaultValue = "${env:GOLDILOCKS_API_KEY}",
            description = "API key, when the gateway requires one (default: $GOLDILOCKS_API_KEY).")
    String apiKey;

    @Option(names = "--tls-ca", description = "Connect with TLS, verifying the gateway against this CA (PEM).")
    Path tlsCa;

    @Option(names = "--tls-cert", description = "Client certificate chain (PEM), for a gateway that requires mutual TLS;"
            + " with --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", description = "The client certificate's private key (PEM, PKCS#8).")
    Path tlsKey;

    ManagedChannel channel() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new ParameterException(spec.commandLine(), "--tls-cert and --tls-key go together");
        }
        NettyChannelBuilder builder = NettyChannelBuilder.forTarget(target);
        if (tlsCa != null || tlsCert != null) {
            builder.sslContext(new TlsFiles(Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey),
                    Optional.ofNullable(tlsCa)).clientContext());
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
