package dev.goldilocks.loadtests.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import picocli.CommandLine;

/** The command as a user runs it: options in, three results files out. */
class LoadGenCommandTest {

    private static int run(StringWriter err, String... args) {
        CommandLine cli = LoadGenCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void aTargetOffThisMachineIsRefusedBeforeAnythingIsSent() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "--target", "192.0.2.1:8080")).isEqualTo(2);
        assertThat(err.toString()).contains("not a loopback address").contains("only sends to this machine");
    }

    @Test
    void aRunWritesJsonMarkdownAndAChartWhoseCountsAddUp(@TempDir Path dir) throws Exception {
        try (ScriptedGateway server = new ScriptedGateway()) {
            Path out = dir.resolve("run");
            StringWriter err = new StringWriter();
            int code = run(err, "--target", "127.0.0.1:" + server.port(), "--rate", "40,80", "--duration", "0.5",
                    "--policy", "a,b", "--mode", "unary", "--models", PromptSetTest.MODELS.toString(),
                    "--slo-e2e", "10", "--api-key", "secret-key", "--out", out.toString());
            assertThat(code).as(err.toString()).isZero();

            JsonNode json = new ObjectMapper().readTree(dir.resolve("run.json").toFile());
            assertThat(json.get("runs")).hasSize(4); // two rates, two policies each
            for (JsonNode r : json.get("runs")) {
                long outcomes = 0;
                for (JsonNode n : r.get("outcomes")) {
                    outcomes += n.asLong();
                }
                assertThat(outcomes).isEqualTo(r.get("sent").asLong()).isPositive();
                assertThat(r.get("outcomes").get("OK").asLong()).isEqualTo(r.get("sent").asLong());
            }
            String md = Files.readString(dir.resolve("run.md"));
            assertThat(md).contains("| a | 40.00 |").contains("| b | 80.00 |").contains("![latency and goodput")
                    .doesNotContain("secret-key");
            Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("run.svg").toFile());
            assertThat(svg.getElementsByTagName("polyline").getLength()).isEqualTo(6); // p50, p99, goodput per policy
        }
    }
}
