"""A small GPT whose forward pass has exactly the Hugging Face Optimum causal-LM signature.

Inputs: input_ids [batch, seq], attention_mask [batch, past + seq], position_ids [batch, seq],
past_key_values.{i}.key|value [batch, heads, past, head_dim]. Outputs: logits
[batch, seq, vocab] and present.{i}.key|value [batch, heads, past + seq, head_dim].
The same module is trained and exported, so what ONNX Runtime runs is what was evaluated.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

MASKED = -1e9  # finite, so a fully padded row softmaxes to uniform instead of NaN


class Config:
    def __init__(self, vocab_size, d_model, n_layer, n_head, context):
        self.vocab_size = vocab_size
        self.d_model = d_model
        self.n_layer = n_layer
        self.n_head = n_head
        self.context = context

    @property
    def head_dim(self):
        return self.d_model // self.n_head

    def as_dict(self):
        return dict(vocab_size=self.vocab_size, d_model=self.d_model, n_layer=self.n_layer,
                    n_head=self.n_head, context=self.context)


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_head = cfg.n_head
        self.head_dim = cfg.head_dim
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)

    def forward(self, x, past_key, past_value, bias):
        b, s, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q = q.view(b, s, self.n_head, self.head_dim).transpose(1, 2)
        k = k.view(b, s, self.n_head, self.head_dim).transpose(1, 2)
        v = v.view(b, s, self.n_head, self.head_dim).transpose(1, 2)
        if past_key is not None:  # training runs without a past
            k = torch.cat([past_key, k], dim=2)
            v = torch.cat([past_value, v], dim=2)
        scores = torch.matmul(q, k.transpose(2, 3)) * (1.0 / math.sqrt(self.head_dim)) + bias
        out = torch.matmul(F.softmax(scores, dim=-1), v)
        return self.proj(out.transpose(1, 2).reshape(b, s, d)), k, v


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = Attention(cfg)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.fc = nn.Linear(cfg.d_model, 4 * cfg.d_model)
        self.out = nn.Linear(4 * cfg.d_model, cfg.d_model)

    def forward(self, x, past_key, past_value, bias):
        a, k, v = self.attn(self.ln1(x), past_key, past_value, bias)
        x = x + a
        x = x + self.out(F.gelu(self.fc(self.ln2(x))))
        return x, k, v


class GPT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.wte = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.wpe = nn.Embedding(cfg.context, cfg.d_model)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layer)])
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.apply(self._init)
        for block in self.blocks:  # GPT-2's scaled init of residual projections
            nn.init.normal_(block.attn.proj.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))
            nn.init.normal_(block.out.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def parameter_count(self):
        return sum(p.numel() for p in self.parameters())

    def flops_per_token(self, context_length):
        """Forward FLOPs per generated token: 2 per weight (tied output head included, position
        table excluded) plus attention over the given context length."""
        cfg = self.cfg
        weights = self.parameter_count() - cfg.context * cfg.d_model
        return 2 * weights + 2 * 2 * cfg.n_layer * cfg.d_model * context_length

    def empty_past(self, batch):
        shape = (batch, self.cfg.n_head, 0, self.cfg.head_dim)
        return [(torch.zeros(shape), torch.zeros(shape)) for _ in range(self.cfg.n_layer)]

    def forward(self, input_ids, attention_mask, position_ids, past):
        past_len = past[0][0].shape[2]
        seq_len = input_ids.shape[1]
        total = attention_mask.shape[1]
        key_pos = torch.arange(total).view(1, 1, 1, total)
        query_pos = (torch.arange(seq_len) + past_len).view(1, 1, seq_len, 1)
        allowed = (key_pos <= query_pos) & (attention_mask.view(-1, 1, 1, total) > 0)
        bias = torch.where(allowed, torch.tensor(0.0), torch.tensor(MASKED))
        x = self.wte(input_ids) + self.wpe(position_ids)
        presents = []
        for block, (pk, pv) in zip(self.blocks, past):
            x, k, v = block(x, pk, pv, bias)
            presents.append((k, v))
        return self.logits(self.ln_f(x)), presents

    def logits(self, hidden):
        return torch.matmul(hidden, self.wte.weight.t())

    def hidden_train(self, input_ids):
        """Final hidden states of a batch without padding or past; the training path."""
        b, s = input_ids.shape
        x = self.wte(input_ids) + self.wpe(torch.arange(s).unsqueeze(0))
        bias = torch.triu(torch.full((s, s), MASKED), diagonal=1)
        for block in self.blocks:
            x, _, _ = block(x, None, None, bias)
        return self.ln_f(x)


class OptimumSignature(nn.Module):
    """Flattens the past into positional inputs, as torch.onnx.export needs."""

    def __init__(self, gpt):
        super().__init__()
        self.gpt = gpt

    def forward(self, input_ids, attention_mask, position_ids, *flat_past):
        past = [(flat_past[2 * i], flat_past[2 * i + 1]) for i in range(self.gpt.cfg.n_layer)]
        logits, presents = self.gpt(input_ids, attention_mask, position_ids, past)
        flat = [logits]
        for k, v in presents:
            flat += [k, v]
        return tuple(flat)


def export_onnx(gpt, path):
    cfg = gpt.cfg
    gpt.eval()
    batch, seq, past_len = 2, 3, 4
    shape = (batch, cfg.n_head, past_len, cfg.head_dim)
    flat_past = []
    names_in = ["input_ids", "attention_mask", "position_ids"]
    names_out = ["logits"]
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "total_sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"}}
    for i in range(cfg.n_layer):
        for kind in ("key", "value"):
            flat_past.append(torch.zeros(shape))
            names_in.append("past_key_values.%d.%s" % (i, kind))
            names_out.append("present.%d.%s" % (i, kind))
            axes[names_in[-1]] = {0: "batch_size", 2: "past_sequence_length"}
            axes[names_out[-1]] = {0: "batch_size", 2: "total_sequence_length"}
    args = (torch.ones(batch, seq, dtype=torch.long), torch.ones(batch, past_len + seq, dtype=torch.long),
            torch.arange(past_len, past_len + seq).unsqueeze(0).expand(batch, seq).contiguous()) + tuple(flat_past)
    with torch.no_grad():
        torch.onnx.export(OptimumSignature(gpt), args, path, input_names=names_in, output_names=names_out,
                          dynamic_axes=axes, opset_version=17, do_constant_folding=True)
