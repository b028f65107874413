package dev.goldilocks.worker.model;

/**
 * What Generate and Score ask of a model before it runs: a text's tokens and how many fit its context. A
 * causal LM answers with its tokenizer; an echo model, which computes nothing, with UTF-8 bytes.
 */
public interface GenerativeModel {

    int[] encode(String text);

    int contextTokens();
}
