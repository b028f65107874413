package dev.goldilocks.worker.generate;

import ai.onnxruntime.OrtException;
import dev.goldilocks.worker.model.CausalLm;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Autoregressive decoding of one sequence with the KV cache: the prompt runs once, then each step
 * feeds only the newest token. Cancellation is checked before every step, so a caller that left or
 * ran past its deadline frees the model at the next token.
 */
public final class Generator {

    private final CausalLm model;

    public Generator(CausalLm model) {
        this.model = model;
    }

    public GenerationResult generate(int[] promptIds, GenerationSettings settings, GenerationListener listener,
                                     BooleanSupplier cancelled) throws OrtException {
        long started = System.nanoTime();
        long firstToken = 0;
        Sampler sampler = new Sampler(settings);
        TextEmitter emitter = new TextEmitter(settings.stop());
        int[] generated = new int[Math.min(settings.maxNewTokens(), model.contextTokens() - promptIds.length)];
        List<GeneratedToken> tokens = new ArrayList<>();
        List<GeneratedToken> pending = new ArrayList<>();
        FinishReason reason = null;
        CausalLm.Step step = null;
        try {
            int[] input = promptIds;
            while (reason == null) {
                if (cancelled.getAsBoolean()) {
                    throw new Cancelled();
                }
                CausalLm.Step next = model.forward(input, step);
                if (step != null) {
                    step.close();
                }
                step = next;
                float[] logits = step.lastLogits();
                int token = sampler.next(logits);
                if (tokens.isEmpty()) {
                    firstToken = System.nanoTime() - started;
                }
                if (token == model.eosTokenId()) {
                    reason = FinishReason.END_OF_TEXT;
                    break;
                }
                float logprob = settings.logprobs() ? Sampler.logprob(logits, token) : 0f;
                generated[tokens.size()] = token;
                GeneratedToken t = new GeneratedToken(token, model.tokenizer().decode(new int[] {token}), logprob);
                tokens.add(t);
                pending.add(t);
                String text = emitter.update(model.tokenizer().decode(generated, 0, tokens.size()));
                if (emitter.stopped()) {
                    reason = FinishReason.STOP_SEQUENCE;
                } else if (tokens.size() >= settings.maxNewTokens()) {
                    reason = FinishReason.LENGTH;
                } else if (promptIds.length + tokens.size() >= model.contextTokens()) {
                    reason = FinishReason.CONTEXT_FULL;
                }
                if (!text.isEmpty() || reason != null) {
                    listener.onText(text + (reason != null ? emitter.flush() : ""), List.copyOf(pending));
                    pending.clear();
                }
                input = new int[] {token};
            }
        } finally {
            if (step != null) {
                step.close();
            }
        }
        if (reason == FinishReason.END_OF_TEXT) {
            String rest = emitter.flush();
            if (!rest.isEmpty() || !pending.isEmpty()) {
                listener.onText(rest, List.copyOf(pending));
            }
        }
        return new GenerationResult(emitter.text(), tokens, reason, promptIds.length, firstToken);
    }
}
