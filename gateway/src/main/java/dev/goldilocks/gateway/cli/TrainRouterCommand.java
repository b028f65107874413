package dev.goldilocks.gateway.cli;

import dev.goldilocks.gateway.config.GatewayConfigReader;
import dev.goldilocks.router.classify.ClassifierTrainer;
import dev.goldilocks.router.classify.MiniLmEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "train-router", mixinStandardHelpOptions = true,
        description = "Trains the domain classifier on the labelled routing sets and writes its file, report and charts.")
final class TrainRouterCommand implements Callable<Integer> {

    static final String BEGIN = "<!-- train-router:begin -->";
    static final String END = "<!-- train-router:end -->";

    @Option(names = "--routing", defaultValue = "models/routing", description = "Folder with train.jsonl, test.jsonl and user-heldout.jsonl.")
    Path routing;

    @Option(names = "--out", defaultValue = "models/router/domain-classifier.json", description = "The classifier file.")
    Path out;

    @Option(names = "--readme", defaultValue = "router/README.md",
            description = "A Markdown file whose measured section is rewritten (between the train-router markers).")
    Path readme;

    @Option(names = "--charts", defaultValue = "router/docs",
            description = "Folder for the reliability and accuracy-at-coverage charts (SVG) the report shows.")
    Path charts;

    @Option(names = "--max-tokens", defaultValue = "128", description = "Encoder truncation (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Override
    public Integer call() throws Exception {
        try (MiniLmEncoder encoder = MiniLmEncoder.load(Runtime.getRuntime().availableProcessors(), maxTokens)) {
            ClassifierTrainer.Result result = ClassifierTrainer.trainAndWrite(routing, out,
                    GatewayConfigReader.DEFAULT_DOMAINS, encoder, maxTokens);
            String report = result.report().markdown();
            System.out.println(report);
            System.out.println("classifier written to " + out);
            System.out.println("charts written: " + ClassifierTrainer.writeCharts(result.report(), charts));
            if (Files.exists(readme)) {
                String text = Files.readString(readme);
                int start = text.indexOf(BEGIN);
                int end = text.indexOf(END);
                if (start >= 0 && end > start) {
                    Files.writeString(readme, text.substring(0, start + BEGIN.length()) + "\n" + report + "\n"
                            + text.substring(end));
                    System.out.println("measurements written into " + readme);
                }
            }
        }
        return 0;
    }
}
