package dev.goldilocks.gateway;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A throwaway CA and certificates for 127.0.0.1, made with openssl for TLS tests. */
final class TestCertificates {

    final Path dir;

    TestCertificates() throws IOException, InterruptedException {
        dir = Files.createTempDirectory("goldilocks-tls");
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=goldilocks-test-ca",
                "-keyout", file("ca.key"), "-out", file("ca.crt"));
        for (String name : List.of("worker", "gateway", "gateway-client", "stranger")) {
            run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=" + name, "-keyout", file(name + ".key"),
                    "-out", file(name + ".csr"));
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
            String ca = name.equals("stranger") ? "stranger-ca" : "ca";
            if (name.equals("stranger")) {
                run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=stranger-ca",
                        "-keyout", file("stranger-ca.key"), "-out", file("stranger-ca.crt"));
            }
            run("openssl", "x509", "-req", "-in", file(name + ".csr"), "-CA", file(ca + ".crt"), "-CAkey",
                    file(ca + ".key"), "-CAcreateserial", "-days", "2", "-extfile", file(name + ".ext"),
                    "-out", file(name + ".crt"));
        }
    }

    Path path(String name) {
        return dir.resolve(name);
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
