package dev.goldilocks.worker.generate;

import dev.goldilocks.worker.model.CausalLm;
import java.util.ArrayList;
import java.util.List;

/**
 * One sequence's decoding state, whoever runs the model for it (alone or in a batch): it samples the next
 * token from the logits after the last input, streams text once it is safe to send, and decides when the
 * sequence is finished.
 */
public final class Decoding {

    private final CausalLm model;
    private final int[] prompt;
    private final GenerationSettings settings;
    private final GenerationListener listener;
    private final long startedNanos;
    private final Sampler sampler;
    private final TextEmitter emitter;
    private final IncrementalDetokenizer detokenizer;
    private final List<GeneratedToken> tokens = new ArrayList<>();
    private final List<GeneratedToken> pending = new ArrayList<>();
    private long firstTokenNanos;
    private FinishReason reason;

    public Decoding(CausalLm model, int[] prompt, GenerationSettings settings, GenerationListener listener,
                    long startedNanos) {
        this.model = model;
        this.prompt = prompt;
        this.settings = settings;
        this.listener = listener;
        this.startedNanos = startedNanos;
        this.sampler = new Sampler(settings);
        this.emitter = new TextEmitter(settings.stop());
        this.detokenizer = new IncrementalDetokenizer(model.tokenizer());
    }

    /** Tokens in the model's cache once the last sampled token has been fed. */
    public int length() {
        return prompt.length + tokens.size();
    }

    public boolean finished() {
        return reason != null;
    }

    /** The token to feed next (valid while not finished). */
    public int lastToken() {
        return tokens.get(tokens.size() - 1).id();
    }

    /** Samples from the logits after the last input; afterwards either {@link #finished()} or feed {@link #lastToken()}. */
    public void accept(float[] logits) {
        int token = sampler.next(logits);
        if (tokens.isEmpty()) {
            firstTokenNanos = System.nanoTime() - startedNanos;
        }
        if (token == model.eosTokenId()) {
            reason = FinishReason.END_OF_TEXT;
            String rest = emitter.flush();
            if (!rest.isEmpty() || !pending.isEmpty()) {
                listener.onText(rest, List.copyOf(pending));
            }
            return;
        }
        float logprob = settings.logprobs() ? Sampler.logprob(logits, token) : 0f;
        GeneratedToken t = new GeneratedToken(token, model.tokenizer().decode(new int[] {token}), logprob);
        tokens.add(t);
        pending.add(t);
        String text = emitter.update(detokenizer.append(token));
        if (emitter.stopped()) {
            reason = FinishReason.STOP_SEQUENCE;
        } else if (tokens.size() >= settings.maxNewTokens()) {
            reason = FinishReason.LENGTH;
        } else if (length() >= model.contextTokens()) {
            reason = FinishReason.CONTEXT_FULL;
        }
        if (!text.isEmpty() || reason != null) {
            listener.onText(text + (reason != null ? emitter.flush() : ""), List.copyOf(pending));
            pending.clear();
        }
    }

    public GenerationResult result() {
        return new GenerationResult(emitter.text(), tokens, reason, prompt.length, firstTokenNanos);
    }
}
