"""Training loops: packed language-model windows for text, answer-only loss for arithmetic."""
import math
import time

import numpy as np
import torch
import torch.nn.functional as F

from bpe import EOS_ID


class TextStream:
    """All training documents of some domains, tokenized and joined with <|endoftext|>."""

    def __init__(self, tokenizer, documents):
        ids = []
        for doc in documents:
            ids.extend(tokenizer.encode(doc.text))
            ids.append(EOS_ID)
        self.ids = np.array(ids, dtype=np.int64)

    def batch(self, rng, batch_size, length):
        starts = rng.integers(0, len(self.ids) - length - 1, size=batch_size)
        windows = np.stack([self.ids[s:s + length + 1] for s in starts])
        x = torch.from_numpy(windows[:, :-1])
        y = torch.from_numpy(windows[:, 1:])
        return x, y, torch.ones_like(y)


class ArithmeticStream:
    """Prompt + " answer" + <|endoftext|>, right-padded; the loss sees only the answer and the end token,
    so the model spends its capacity on computing answers rather than on predicting questions."""

    def __init__(self, tokenizer, examples):
        self.rows = []
        for prompt, answer in examples:
            p = tokenizer.encode(prompt)
            a = tokenizer.encode(" " + answer) + [EOS_ID]
            self.rows.append((p + a, len(p)))

    def batch(self, rng, batch_size, length=None):
        chosen = [self.rows[i] for i in rng.integers(0, len(self.rows), size=batch_size)]
        width = max(len(ids) for ids, _ in chosen)
        x = torch.full((batch_size, width - 1), EOS_ID, dtype=torch.long)
        y = torch.full((batch_size, width - 1), EOS_ID, dtype=torch.long)
        mask = torch.zeros(batch_size, width - 1, dtype=torch.long)
        for row, (ids, prompt_len) in enumerate(chosen):
            t = torch.tensor(ids)
            x[row, :len(ids) - 1] = t[:-1]
            y[row, :len(ids) - 1] = t[1:]
            mask[row, prompt_len - 1:len(ids) - 1] = 1
        return x, y, mask


def learning_rate(step, steps, peak, warmup=100):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, steps - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def train(model, schedule, steps, peak_lr, seed, log=print):
    """schedule: list of (stream, batch_size, length, share); each step draws one stream by share,
    in a fixed interleaving so runs are reproducible."""
    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=peak_lr, betas=(0.9, 0.95), weight_decay=0.1)
    shares = np.array([s[3] for s in schedule], dtype=np.float64)
    shares /= shares.sum()
    model.train()
    tokens = 0
    started = time.time()
    running = None
    for step in range(steps):
        stream, batch_size, length, _ = schedule[rng.choice(len(schedule), p=shares)]
        x, y, mask = stream.batch(rng, batch_size, length)
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, steps, peak_lr)
        scored = mask > 0  # only positions with a loss pay for the vocabulary projection
        loss = F.cross_entropy(model.logits(model.hidden_train(x)[scored]), y[scored])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        tokens += x.numel()
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        if step % 100 == 0 or step == steps - 1:
            elapsed = time.time() - started
            log("step %d/%d loss %.3f tokens %d (%.0f tokens/s)" % (step, steps, running, tokens,
                                                                   tokens / max(elapsed, 1e-9)))
    model.eval()
    return tokens, time.time() - started
