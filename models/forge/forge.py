"""Retrains every demo model from a fixed seed and rewrites models/ (run through forge.sh).

Steps: read corpora -> split by document -> tokenizer -> evaluation and routing sets ->
train generic and specialists -> export ONNX -> held-out scores -> manifest.json and the
table in models/README.md.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import time

import torch

import arithmetic
import bpe
import corpora
import evalsets
import routing_set
import evaluate
import gpt
import train

DOMAINS = ("code", "legal", "prose", "math")
VOCAB_SIZE = 2048
CONTEXT = 256
TOKENIZER_SAMPLE_CHARS = 1_500_000
TABLE_BEGIN = "<!-- forge:table:begin -->"
TABLE_END = "<!-- forge:table:end -->"

# name -> architecture, training mixture (domain -> share of steps), steps, learning rate.
MODELS = {
    "generic": dict(role="generic", domain=None, d_model=256, n_layer=6, n_head=4, steps=1800, lr=1e-3,
                    mixture={"code": 0.28, "legal": 0.22, "prose": 0.25, "math": 0.25}),
    "code-specialist": dict(role="specialist", domain="code", d_model=128, n_layer=4, n_head=4, steps=1200,
                            lr=2e-3, mixture={"code": 1.0}),
    "legal-specialist": dict(role="specialist", domain="legal", d_model=128, n_layer=4, n_head=4, steps=1200,
                             lr=2e-3, mixture={"legal": 1.0}),
    "math-specialist": dict(role="specialist", domain="math", d_model=128, n_layer=2, n_head=4, steps=2000,
                            lr=3e-3, mixture={"math": 1.0}),
}
TEXT_BATCH = 8
MATH_BATCH = 128
MATH_TRAIN_EXAMPLES = 300_000


def log(*args):
    print(time.strftime("%H:%M:%S"), *args, flush=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_jsonl(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def tokenizer_sample(documents, math_examples, seed):
    rng = random.Random(seed)
    texts = []
    for domain in ("code", "legal", "prose"):
        docs = [d.text for d in documents[domain] if not d.held_out()]
        rng.shuffle(docs)
        size = 0
        for text in docs:
            if size > TOKENIZER_SAMPLE_CHARS:
                break
            texts.append(text)
            size += len(text)
    texts.append("\n".join("%s %s" % pair for pair in math_examples[:20000]))
    return texts


def build_streams(tokenizer, documents, math_examples):
    streams = {d: train.TextStream(tokenizer, [doc for doc in documents[d] if not doc.held_out()])
               for d in ("code", "legal", "prose")}
    streams["math"] = train.ArithmeticStream(tokenizer, math_examples)
    return streams


def train_model(name, spec, streams, seed):
    torch.manual_seed(seed)
    model = gpt.GPT(gpt.Config(VOCAB_SIZE, spec["d_model"], spec["n_layer"], spec["n_head"], CONTEXT))
    log("training %s: %d parameters, %d steps" % (name, model.parameter_count(), spec["steps"]))
    schedule = [(streams[d], MATH_BATCH if d == "math" else TEXT_BATCH, CONTEXT, share)
                for d, share in spec["mixture"].items()]
    tokens, seconds = train.train(model, schedule, spec["steps"], spec["lr"], seed,
                                  log=lambda msg: log(name, msg))
    return model, tokens, seconds


def write_config(model, path):
    """A Hugging Face style config.json: what a server needs beside the ONNX graph."""
    cfg = model.cfg
    with open(path, "w") as f:
        json.dump({"model_type": "goldilocks-gpt", "architectures": ["GPT"], "vocab_size": cfg.vocab_size,
                   "n_positions": cfg.context, "n_embd": cfg.d_model, "n_layer": cfg.n_layer, "n_head": cfg.n_head,
                   "bos_token_id": bpe.EOS_ID, "eos_token_id": bpe.EOS_ID, "use_cache": True}, f, indent=2)
        f.write("\n")


def tradeoff_table(manifest):
    names = list(manifest["models"])
    header = "| domain (metric) | " + " | ".join(names) + " |"
    rows = [header, "|" + "---|" * (len(names) + 1)]
    for domain in DOMAINS:
        metrics = ["exact_match"] if domain == "math" else ["loglik_per_byte", "chrf"]
        for metric in metrics:
            cells = [str(manifest["models"][n]["heldout"][domain][metric]) for n in names]
            rows.append("| %s (%s) | %s |" % (domain, metric, " | ".join(cells)))
    flops = [str(manifest["models"][n]["flops_per_token"]) for n in names]
    params = [str(manifest["models"][n]["parameters"]) for n in names]
    rows.append("| FLOPs per token | %s |" % " | ".join(flops))
    rows.append("| parameters | %s |" % " | ".join(params))
    return "\n".join(rows)


def update_readme(models_dir, table):
    path = os.path.join(models_dir, "README.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.index(TABLE_BEGIN) + len(TABLE_BEGIN)
    end = text.index(TABLE_END)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text[:start] + "\n" + table + "\n" + text[end:])


def write_manifest(path, manifest):
    with open(path, "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")


def finished(out, old, name):
    """True when an earlier run wrote this model's entry and its ONNX file is still the one it scored."""
    entry = old["models"].get(name)
    onnx_path = os.path.join(out, name, "model.onnx")
    return entry is not None and os.path.exists(onnx_path) and sha256(onnx_path) == entry["sha256"]["model.onnx"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--only", nargs="*", help="retrain only these models (keeps the others' files)")
    parser.add_argument("--resume", action="store_true",
                        help="keep models that a killed run already finished (in manifest.json, same sha256)")
    parser.add_argument("--smoke", action="store_true", help="a few steps and items: checks the pipeline in minutes")
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    started = time.time()

    log("reading corpora")
    documents = corpora.read_all(args.seed)
    for domain, docs in documents.items():
        log("%s: %d documents, %d held out, %d chars" % (domain, len(docs), sum(d.held_out() for d in docs),
                                                          sum(len(d.text) for d in docs)))
    train_problems, _ = arithmetic.split_problems()
    math_examples = arithmetic.examples(random.Random(args.seed), train_problems, MATH_TRAIN_EXAMPLES)

    log("training tokenizer")
    tokenizer = bpe.train(tokenizer_sample(documents, math_examples, args.seed), VOCAB_SIZE)
    tokenizer_path = os.path.join(out, "tokenizer.json")
    tokenizer.save(tokenizer_path)

    log("writing evaluation and routing sets")
    eval_sets = {d: evalsets.continuation_items(d, documents[d], args.seed, 320,
                                                     lambda text: len(tokenizer.encode(text))) for d in ("code", "legal", "prose")}
    eval_sets["math"] = evalsets.math_items(args.seed, 400)
    for domain, items in eval_sets.items():
        write_jsonl(os.path.join(out, "eval", domain + ".jsonl"), items)
    routing_set.write_sets(os.path.join(out, "routing"), args.seed)

    streams = build_streams(tokenizer, documents, math_examples)
    stream_tokens = {d: int(len(s.ids)) for d, s in streams.items() if hasattr(s, "ids")}
    log("training tokens available: %s" % stream_tokens)

    manifest_path = os.path.join(out, "manifest.json")
    old = json.load(open(manifest_path)) if os.path.exists(manifest_path) else {"models": {}}
    if args.resume and old["models"] and old["tokenizer"]["sha256"] != sha256(tokenizer_path):
        raise SystemExit("forge: the tokenizer came out different from the kept models'; retrain everything")
    manifest = {"format": 1, "seed": args.seed, "tokenizer": {"file": "tokenizer.json",
                "sha256": sha256(tokenizer_path), "vocab_size": tokenizer.vocab_size, "eos_token_id": bpe.EOS_ID},
                "context": CONTEXT, "eval": {d: "eval/%s.jsonl" % d for d in DOMAINS},
                "routing": {"train": "routing/train.jsonl", "test": "routing/test.jsonl",
                            "user_heldout": "routing/user-heldout.jsonl"}, "models": {}}
    for index, (name, spec) in enumerate(MODELS.items()):
        if (args.only and name not in args.only) or (args.resume and finished(out, old, name)):
            log("keeping %s" % name)
            manifest["models"][name] = old["models"][name]
            continue
        if args.smoke:
            spec = dict(spec, steps=3)
        model, tokens, seconds = train_model(name, spec, streams, args.seed + index)
        model_dir = os.path.join(out, name)
        os.makedirs(model_dir, exist_ok=True)
        onnx_path = os.path.join(model_dir, "model.onnx")
        gpt.export_onnx(model, onnx_path)
        shutil.copyfile(tokenizer_path, os.path.join(model_dir, "tokenizer.json"))
        write_config(model, os.path.join(model_dir, "config.json"))
        log("evaluating %s" % name)
        heldout = {d: evaluate.score_set(model, tokenizer, items[:5] if args.smoke else items)
                   for d, items in eval_sets.items()}
        log(name, json.dumps(heldout))
        cfg = model.cfg
        manifest["models"][name] = {
            "role": spec["role"], "domain": spec["domain"],
            "files": {"model": "%s/model.onnx" % name, "tokenizer": "%s/tokenizer.json" % name,
                      "config": "%s/config.json" % name},
            "sha256": {"model.onnx": sha256(onnx_path), "tokenizer.json": sha256(tokenizer_path),
                       "config.json": sha256(os.path.join(model_dir, "config.json"))},
            "parameters": model.parameter_count(),
            "flops_per_token": model.flops_per_token(CONTEXT // 2),
            "layers": cfg.n_layer, "heads": cfg.n_head, "hidden_size": cfg.d_model, "vocab_size": cfg.vocab_size,
            "context": cfg.context, "training": {"domains": spec["mixture"], "steps": spec["steps"],
                                                 "tokens": tokens, "seconds": round(seconds)},
            "heldout": heldout,
        }
        # Written after every model, so that a run killed half way can --resume.
        write_manifest(manifest_path, manifest)
    write_manifest(manifest_path, manifest)
    update_readme(out, tradeoff_table(manifest))
    log("forge done in %.0f s" % (time.time() - started))


if __name__ == "__main__":
    main()
