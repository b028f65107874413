package dev.goldilocks.router.classify;

import java.util.Arrays;
import java.util.List;

/**
 * Multinomial logistic regression with a calibration temperature: p = softmax((W x + b) / T).
 * Trained by full-batch gradient descent with Adam and an L2 penalty; T is then fitted on held-out
 * data by minimising the negative log-likelihood (temperature scaling), so confidences mean what they say.
 */
public final class LinearSoftmax {

    private final double[][] weights;
    private final double[] bias;
    private double temperature;

    public LinearSoftmax(double[][] weights, double[] bias, double temperature) {
        this.weights = weights;
        this.bias = bias;
        this.temperature = temperature;
    }

    public int classes() {
        return bias.length;
    }

    public double[][] weights() {
        return weights;
    }

    public double[] bias() {
        return bias;
    }

    public double temperature() {
        return temperature;
    }

    public double[] probabilities(Features x) {
        return softmax(logits(x), temperature);
    }

    private double[] logits(Features x) {
        double[] z = bias.clone();
        for (int c = 0; c < z.length; c++) {
            double[] w = weights[c];
            for (int k = 0; k < x.index().length; k++) {
                z[c] += w[x.index()[k]] * x.value()[k];
            }
        }
        return z;
    }

    static double[] softmax(double[] z, double temperature) {
        double max = Arrays.stream(z).max().orElseThrow();
        double[] p = new double[z.length];
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp((z[i] - max) / temperature);
            sum += p[i];
        }
        for (int i = 0; i < z.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** Trains on {@code x} with labels {@code y} in [0, classes). */
    public static LinearSoftmax train(List<Features> x, int[] y, int classes, int dimensions, double l2, int epochs,
                                      double learningRate) {
        double[][] w = new double[classes][dimensions];
        double[] b = new double[classes];
        Adam adamW = new Adam(classes * dimensions);
        Adam adamB = new Adam(classes);
        LinearSoftmax model = new LinearSoftmax(w, b, 1.0);
        for (int epoch = 1; epoch <= epochs; epoch++) {
            double[][] gw = new double[classes][dimensions];
            double[] gb = new double[classes];
            for (int i = 0; i < x.size(); i++) {
                double[] p = softmax(model.logits(x.get(i)), 1.0);
                p[y[i]] -= 1;
                Features f = x.get(i);
                for (int c = 0; c < classes; c++) {
                    gb[c] += p[c];
                    for (int k = 0; k < f.index().length; k++) {
                        gw[c][f.index()[k]] += p[c] * f.value()[k];
                    }
                }
            }
            double n = x.size();
            for (int c = 0; c < classes; c++) {
                for (int d = 0; d < dimensions; d++) {
                    gw[c][d] = gw[c][d] / n + l2 * w[c][d];
                }
                gb[c] /= n;
            }
            adamW.step(w, gw, learningRate, epoch);
            adamB.step(new double[][] {b}, new double[][] {gb}, learningRate, epoch);
        }
        return model;
    }

    /** Fits the temperature that minimises held-out negative log-likelihood (golden-section search on log T). */
    public void calibrate(List<Features> x, int[] y) {
        double[][] logits = x.stream().map(this::logits).toArray(double[][]::new);
        double lo = Math.log(0.05);
        double hi = Math.log(20);
        double phi = (Math.sqrt(5) - 1) / 2;
        for (int i = 0; i < 60; i++) {
            double a = hi - phi * (hi - lo);
            double c = lo + phi * (hi - lo);
            if (nll(logits, y, Math.exp(a)) < nll(logits, y, Math.exp(c))) {
                hi = c;
            } else {
                lo = a;
            }
        }
        temperature = Math.exp((lo + hi) / 2);
    }

    private static double nll(double[][] logits, int[] y, double t) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            sum -= Math.log(Math.max(1e-300, softmax(logits[i], t)[y[i]]));
        }
        return sum / logits.length;
    }

    /** Adam over a list of parameter rows. */
    private static final class Adam {
        private static final double BETA1 = 0.9;
        private static final double BETA2 = 0.999;
        private final double[] m;
        private final double[] v;

        Adam(int size) {
            m = new double[size];
            v = new double[size];
        }

        void step(double[][] params, double[][] grads, double lr, int t) {
            int k = 0;
            double c1 = 1 - Math.pow(BETA1, t);
            double c2 = 1 - Math.pow(BETA2, t);
            for (int r = 0; r < params.length; r++) {
                for (int d = 0; d < params[r].length; d++, k++) {
                    m[k] = BETA1 * m[k] + (1 - BETA1) * grads[r][d];
                    v[k] = BETA2 * v[k] + (1 - BETA2) * grads[r][d] * grads[r][d];
                    params[r][d] -= lr * (m[k] / c1) / (Math.sqrt(v[k] / c2) + 1e-8);
                }
            }
        }
    }
}
