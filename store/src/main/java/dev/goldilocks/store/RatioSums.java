package dev.goldilocks.store;

/**
 * The sufficient statistics of a ratio metric over randomisation units: with x and y one unit's numerator and
 * denominator, the number of units and the sums of x, y, x^2, y^2 and x y (what the delta method needs).
 */
public record RatioSums(long units, double sumX, double sumY, double sumXX, double sumYY, double sumXY) {
}
