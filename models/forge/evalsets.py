"""Held-out evaluation sets of the models.

Evaluation items come only from held-out documents (and held-out arithmetic problems). The router's
labelled sets are made by routing_set.py.
"""
import random
import re

import arithmetic

CONTINUATION_METRIC = "loglik_chrf"
EXACT_METRIC = "exact_match"
PROMPT_CHARS = (160, 400)
REFERENCE_CHARS = 120
CONTINUATION_TOKENS = 32
PROMPT_TOKENS = 160
ANSWER_TOKENS = 6


def _windows(rng, text, count):
    """Up to `count` (prompt, reference) pairs that start at a line start and cut at white space."""
    starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    rng.shuffle(starts)
    pairs = []
    taken = []
    for start in starts:
        if len(pairs) == count:
            break
        length = rng.randint(*PROMPT_CHARS)
        cut = text.rfind(" ", start + PROMPT_CHARS[0], start + length)
        if cut < 0 or any(abs(start - t) < PROMPT_CHARS[1] + REFERENCE_CHARS for t in taken):
            continue
        prompt = text[start:cut]
        end = text.rfind(" ", cut + 1, cut + REFERENCE_CHARS)
        if end < 0:
            continue
        reference = text[cut:end]
        if len(prompt.split()) < 8 or len(reference.split()) < 5:
            continue
        taken.append(start)
        pairs.append((prompt, reference))
    return pairs


def continuation_items(domain, documents, seed, count, token_count):
    """Items whose prompt fits in PROMPT_TOKENS, so prompt and continuation fit every model's context."""
    rng = random.Random(seed)
    held = [d for d in documents if d.held_out()]
    per_doc = max(1, -(-count * 2 // max(1, len(held))))
    candidates = []
    for doc in held:
        for prompt, reference in _windows(rng, doc.text, per_doc):
            if token_count(prompt) <= PROMPT_TOKENS:
                candidates.append((doc.doc_id, prompt, reference))
    rng.shuffle(candidates)
    items = []
    for i, (doc_id, prompt, reference) in enumerate(sorted(candidates[:count], key=lambda c: c[0])):
        items.append({"id": "%s-%04d" % (domain, i), "domain": domain, "prompt": prompt,
                      "reference": reference, "metric": CONTINUATION_METRIC,
                      "max_new_tokens": CONTINUATION_TOKENS, "source": doc_id})
    return items


def math_items(seed, count):
    rng = random.Random(seed)
    _, held = arithmetic.split_problems()
    return [{"id": "math-%04d" % i, "domain": "math", "prompt": prompt, "reference": answer,
             "metric": EXACT_METRIC, "max_new_tokens": ANSWER_TOKENS}
            for i, (prompt, answer) in enumerate(arithmetic.examples(rng, held, count))]
