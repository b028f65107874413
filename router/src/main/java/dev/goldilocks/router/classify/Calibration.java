package dev.goldilocks.router.classify;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Whether confidences mean what they say: reliability bins, expected calibration error and accuracy at
 * coverage, over predictions each scored by its confidence and whether it was right.
 */
public final class Calibration {

    /** Equal-width confidence bins of the reliability diagram and of the expected calibration error. */
    public static final int BINS = 10;

    /** One prediction: its confidence and whether its domain was the true one. */
    public record Scored(double confidence, boolean right) {
    }

    /** A confidence bin: its bounds, how many predictions fell in it, their mean confidence and accuracy. */
    public record Bin(double low, double high, int count, double meanConfidence, double accuracy) {
    }

    /** The accuracy of the {@code answered} most confident predictions, a {@code coverage} share of all. */
    public record Coverage(double coverage, int answered, double accuracy, double minConfidence) {
    }

    private final List<Scored> predictions;

    public Calibration(List<Scored> predictions) {
        this.predictions = List.copyOf(predictions);
    }

    public int size() {
        return predictions.size();
    }

    public List<Bin> bins() {
        List<Bin> out = new ArrayList<>();
        for (int b = 0; b < BINS; b++) {
            double low = (double) b / BINS;
            double high = (double) (b + 1) / BINS;
            int count = 0;
            double confidence = 0;
            int right = 0;
            for (Scored s : predictions) {
                if (bin(s.confidence()) == b) {
                    count++;
                    confidence += s.confidence();
                    right += s.right() ? 1 : 0;
                }
            }
            out.add(new Bin(low, high, count, count == 0 ? 0 : confidence / count, count == 0 ? 0 : (double) right / count));
        }
        return out;
    }

    /** Sum over bins of the bin's share of predictions times |accuracy - mean confidence|. */
    public double expectedCalibrationError() {
        double ece = 0;
        for (Bin b : bins()) {
            ece += (double) b.count() / predictions.size() * Math.abs(b.accuracy() - b.meanConfidence());
        }
        return ece;
    }

    /** Accuracy when only the most confident share {@code coverage} of the predictions is answered. */
    public Coverage atCoverage(double coverage) {
        List<Scored> sorted = new ArrayList<>(predictions);
        sorted.sort(Comparator.comparingDouble(Scored::confidence).reversed());
        int answered = Math.max(1, (int) Math.round(coverage * sorted.size()));
        int right = 0;
        for (int i = 0; i < answered; i++) {
            right += sorted.get(i).right() ? 1 : 0;
        }
        return new Coverage(coverage, answered, (double) right / answered, sorted.get(answered - 1).confidence());
    }

    private static int bin(double confidence) {
        return Math.min(BINS - 1, (int) (confidence * BINS));
    }
}
