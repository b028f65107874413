package dev.goldilocks.router.classify;

import java.util.List;

/**
 * Accuracy, macro-F1 and the confusion matrix of predicted against true domains.
 *
 * @param confusion confusion[true][predicted] counts
 */
public record Evaluation(List<String> domains, int[][] confusion) {

    public static Evaluation of(List<String> domains, List<String> truth, List<String> predicted) {
        int[][] m = new int[domains.size()][domains.size()];
        for (int i = 0; i < truth.size(); i++) {
            m[domains.indexOf(truth.get(i))][domains.indexOf(predicted.get(i))]++;
        }
        return new Evaluation(domains, m);
    }

    public int total() {
        int n = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                n += v;
            }
        }
        return n;
    }

    public double accuracy() {
        int right = 0;
        for (int i = 0; i < confusion.length; i++) {
            right += confusion[i][i];
        }
        return total() == 0 ? 0 : (double) right / total();
    }

    /** The share of prompts of domain {@code i} (by index) that were assigned to it. */
    public double recall(int i) {
        int actual = 0;
        for (int v : confusion[i]) {
            actual += v;
        }
        return actual == 0 ? 0 : (double) confusion[i][i] / actual;
    }

    /** The lowest per-domain accuracy (recall). */
    public double minRecall() {
        double min = 1;
        for (int i = 0; i < confusion.length; i++) {
            min = Math.min(min, recall(i));
        }
        return min;
    }

    public double macroF1() {
        double sum = 0;
        for (int c = 0; c < confusion.length; c++) {
            int tp = confusion[c][c];
            int predicted = 0;
            int actual = 0;
            for (int k = 0; k < confusion.length; k++) {
                predicted += confusion[k][c];
                actual += confusion[c][k];
            }
            double precision = predicted == 0 ? 0 : (double) tp / predicted;
            double recall = actual == 0 ? 0 : (double) tp / actual;
            sum += precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        }
        return sum / confusion.length;
    }

    /** The confusion matrix as a Markdown table (rows: true domain; columns: predicted). */
    public String confusionTable() {
        StringBuilder sb = new StringBuilder("| true \\ predicted |");
        domains.forEach(d -> sb.append(' ').append(d).append(" |"));
        sb.append("\n|---|").append("---|".repeat(domains.size())).append('\n');
        for (int i = 0; i < domains.size(); i++) {
            sb.append("| ").append(domains.get(i)).append(" |");
            for (int j = 0; j < domains.size(); j++) {
                sb.append(' ').append(confusion[i][j]).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
