package dev.goldilocks.common.grpc;

import dev.goldilocks.common.config.ConfigNode;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * PEM files for TLS: a certificate chain and its private key (PKCS#8), and a CA to trust the other side
 * by. On a server the CA makes it mutual TLS (clients must present a certificate the CA signed); on a
 * client it is what the server's certificate must chain to.
 *
 * @param certChain  this side's certificate chain; may be absent on a client that presents none
 * @param privateKey its private key
 * @param ca         the CA the other side is verified against; absent on a server: no client certificates
 */
public record TlsFiles(Optional<Path> certChain, Optional<Path> privateKey, Optional<Path> ca) {

    /** Reads a tls: section ({cert_chain, private_key, ca}); empty when the section is absent. */
    public static Optional<TlsFiles> read(ConfigNode parent, String key, Path baseDir) {
        if (!parent.has(key)) {
            return Optional.empty();
        }
        return Optional.of(parent.section(key, node -> {
            Optional<Path> chain = file(node, "cert_chain", baseDir);
            Optional<Path> privateKey = file(node, "private_key", baseDir);
            if (chain.isPresent() != privateKey.isPresent()) {
                throw node.error(chain.isPresent() ? "private_key" : "cert_chain", "cert_chain and private_key go together");
            }
            return new TlsFiles(chain, privateKey, file(node, "ca", baseDir));
        }));
    }

    private static Optional<Path> file(ConfigNode node, String key, Path baseDir) {
        String value = node.string(key, null);
        if (value == null) {
            return Optional.empty();
        }
        Path path = baseDir.resolve(value).normalize();
        if (!Files.isReadable(path)) {
            throw node.error(key, "cannot read " + path);
        }
        return Optional.of(path);
    }

    /** A server context; with a CA, clients must present a certificate it signed. */
    public SslContext serverContext() {
        try {
            SslContextBuilder builder = GrpcSslContexts.forServer(certChain.orElseThrow().toFile(),
                    privateKey.orElseThrow().toFile());
            ca.ifPresent(c -> builder.trustManager(c.toFile()).clientAuth(ClientAuth.REQUIRE));
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("TLS server context: " + e.getMessage(), e);
        }
    }

    /** A client context that verifies the server against the CA and presents this side's certificate, if any. */
    public SslContext clientContext() {
        try {
            SslContextBuilder builder = GrpcSslContexts.forClient();
            ca.ifPresent(c -> builder.trustManager(c.toFile()));
            if (certChain.isPresent()) {
                builder.keyManager(certChain.get().toFile(), privateKey.orElseThrow().toFile());
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException("TLS client context: " + e.getMessage(), e);
        }
    }
}
