"""Held-out scores of a model, computed exactly as the gateway computes them live.

- exact_match: greedy generation (stops at <|endoftext|> or max_new_tokens), stripped, equals the reference.
- loglik_chrf: (1) the reference's log-likelihood given the prompt, per UTF-8 byte of the reference, with
  prompt and reference tokenized separately (as Score does); (2) chrF (character n-grams 1..6, beta 2,
  white space removed, in [0, 1]) of the greedy continuation against the reference.
"""
from collections import Counter

import torch
import torch.nn.functional as F

from bpe import EOS_ID

CHRF_ORDER = 6
CHRF_BETA = 2.0


def chrf(hypothesis, reference):
    hyp = "".join(hypothesis.split())
    ref = "".join(reference.split())
    precisions, recalls = [], []
    for n in range(1, CHRF_ORDER + 1):
        h = Counter(hyp[i:i + n] for i in range(len(hyp) - n + 1))
        r = Counter(ref[i:i + n] for i in range(len(ref) - n + 1))
        matches = sum((h & r).values())
        precisions.append(matches / sum(h.values()) if h else 0.0)
        recalls.append(matches / sum(r.values()) if r else 0.0)
    p = sum(precisions) / CHRF_ORDER
    r = sum(recalls) / CHRF_ORDER
    if p == 0.0 and r == 0.0:
        return 0.0
    b2 = CHRF_BETA * CHRF_BETA
    return (1 + b2) * p * r / (b2 * p + r)


def _step(model, ids, past, total):
    batch = torch.tensor([ids])
    mask = torch.ones(1, total, dtype=torch.long)
    positions = torch.arange(total - len(ids), total).unsqueeze(0)
    logits, present = model(batch, mask, positions, past)
    return logits[0, -1], present


@torch.no_grad()
def greedy(model, tokenizer, prompt, max_new_tokens):
    """Greedy decoding through the KV-cache path, the one exported to ONNX."""
    ids = tokenizer.encode(prompt)
    context = model.cfg.context
    logits, past = _step(model, ids, model.empty_past(1), len(ids))
    out = []
    while len(out) < max_new_tokens and len(ids) + len(out) < context:
        token = int(torch.argmax(logits))
        if token == EOS_ID:
            break
        out.append(token)
        logits, past = _step(model, [token], past, len(ids) + len(out))
    return tokenizer.decode(out)


@torch.no_grad()
def loglik_per_byte(model, tokenizer, prompt, continuation):
    p = tokenizer.encode(prompt)
    c = tokenizer.encode(continuation)
    ids = (p + c)[-model.cfg.context:]
    n = len(ids)
    logits, _ = model(torch.tensor([ids]), torch.ones(1, n, dtype=torch.long),
                      torch.arange(n).unsqueeze(0), model.empty_past(1))
    logp = F.log_softmax(logits[0, :-1], dim=-1)
    targets = torch.tensor(ids[1:])
    token_logp = logp[torch.arange(n - 1), targets][-len(c):]
    return float(token_logp.sum()) / len(continuation.encode("utf-8"))


def score_item(model, tokenizer, item):
    generated = greedy(model, tokenizer, item["prompt"], item["max_new_tokens"])
    if item["metric"] == "exact_match":
        return {"exact_match": float(generated.strip() == item["reference"].strip())}
    return {"loglik_per_byte": loglik_per_byte(model, tokenizer, item["prompt"], item["reference"]),
            "chrf": chrf(generated, item["reference"])}


def score_set(model, tokenizer, items):
    """Mean of each metric over the items, with n."""
    totals = Counter()
    for item in items:
        totals.update(score_item(model, tokenizer, item))
    return {"n": len(items), **{k: round(v / len(items), 4) for k, v in totals.items()}}
