"""Writes the router's labelled sets into models/routing/ (Python 3 and the standard library only).

  train.jsonl         the training set: corpus text with requests around it, and user-style requests
                      from the project's templates (routing_templates.py); every row names its source and
                      its group (a document or a template frame), so the trainer can hold out whole groups
  test.jsonl          the corpus split: the same sources, from documents never used in train.jsonl
  user-heldout.jsonl  the user-style held-out set, converted from the hand-written user-heldout.txt;
                      nothing in train.jsonl is derived from it, and a training item that shares a run of
                      eight words with it is dropped (and counted)

Sources are Debian-packaged files of the packages named in routing-packages.txt (a fixed list, so a
regeneration reads the same files), the licence texts in /usr/share/common-licenses, the prose corpora
of corpora.py, generated arithmetic (arithmetic.py) and the project's templates. Run it with Debian's
python3 from the repository root:  /usr/bin/python3 models/forge/routing_set.py
"""
import argparse
import collections
import glob
import hashlib
import json
import os
import random
import re
import subprocess
import zipfile

import arithmetic
import corpora
import routing_templates as t

HERE = os.path.dirname(os.path.abspath(__file__))
DOMAINS = ("code", "legal", "prose", "math")
MAX_FILE_CHARS = 12000
MAX_PROMPT_CHARS = 1200
LEAK_WORDS = 8


# ---------------------------------------------------------------- the fixed package list

def package_list():
    """{use: [package]} from routing-packages.txt; a package that is not installed is an error."""
    uses = collections.defaultdict(list)
    with open(os.path.join(HERE, "routing-packages.txt")) as f:
        for line in f:
            line = line.split("#")[0].strip()
            if line:
                use, package = line.split()
                uses[use].append(package)
    missing = sorted({p for ps in uses.values() for p in ps if subprocess.run(
        ["dpkg", "-s", p], capture_output=True).returncode != 0})
    if missing:
        raise SystemExit("routing_set: install these packages first (apt-get install): " + " ".join(missing))
    return uses


def package_files(package):
    listed = subprocess.run(["dpkg", "-L", package], capture_output=True, text=True, check=True).stdout.split("\n")
    return sorted(p for p in listed if p and os.path.isfile(p) and not os.path.islink(p))


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read(MAX_FILE_CHARS)


# ---------------------------------------------------------------- code corpora, by language

LANGUAGE_OF = [("go", r"\.go$"), ("rust", r"\.rs$"), ("typescript", r"\.d\.ts$|\.ts$"), ("javascript", r"(?<!\.min)\.m?js$"),
               ("c", r"\.c$|/usr/include/[^/]+\.h$|/usr/include/(sys|netinet|arpa|linux)/[^/]+\.h$"),
               ("cpp", r"/usr/include/c\+\+/\d+/[a-z_]+$|/usr/include/c\+\+/\d+/bits/[a-z_]+\.h$|\.(cc|cpp|hpp)$"),
               ("sql", r"\.sql$"), ("shell", r"\.sh$|/git-core/git-[a-z-]+$"), ("yaml", r"\.ya?ml$"),
               ("json", r"/package\.json$")]
LANGUAGE_NAMES = {"go": "Go", "rust": "Rust", "typescript": "TypeScript", "javascript": "JavaScript", "c": "C", "cpp": "C++",
                  "sql": "SQL", "shell": "shell script", "yaml": "YAML", "json": "JSON", "java": "Java", "python": "Python"}
FILES_PER_LANGUAGE = 400


def strip_header(text):
    """Licence headers belong to the legal domain, not code (// and -- comments too)."""
    text = corpora.strip_license_header(text)
    lines = text.split("\n")
    i = 0
    while i < len(lines) and i < 60 and (re.match(r"\s*(//|--|#)", lines[i]) or not lines[i].strip()):
        i += 1
    if any("opyright" in l or "icense" in l for l in lines[:i]):
        return "\n".join(lines[i:])
    return text


def is_script(path):
    try:
        with open(path, "rb") as f:
            head = f.read(64)
    except OSError:
        return False
    return head.startswith(b"#!/bin/sh") or head.startswith(b"#!/bin/bash") or head.startswith(b"#!/usr/bin/env bash")


def code_documents(rng, uses):
    by_language = collections.defaultdict(list)
    for use, packages in sorted(uses.items()):
        if use != "code":
            continue
        for package in packages:
            for path in package_files(package):
                for language, pattern in LANGUAGE_OF:
                    if re.search(pattern, path) and (language != "shell" or path.endswith(".sh") or is_script(path)):
                        by_language[language].append(path)
                        break
    docs = {}
    for language, paths in sorted(by_language.items()):
        chosen = sorted(rng.sample(paths, min(FILES_PER_LANGUAGE, len(paths))))
        docs[language] = [corpora.Document("%s:%s" % (language, p), "code", corpora.clean(strip_header(read_text(p))))
                          for p in chosen]
        docs[language] = [d for d in docs[language] if len(d.text) > 200]
    jdk = corpora.code_documents(rng, java_files=FILES_PER_LANGUAGE, python_files=FILES_PER_LANGUAGE)
    docs["java"] = [d for d in jdk if d.doc_id.startswith("java:")]
    docs["python"] = [d for d in jdk if d.doc_id.startswith("py:")]
    return docs


def man_documents(rng, uses, per_package=12):
    """Man pages of the listed packages, rendered as a terminal shows them."""
    docs = []
    for package in uses.get("man", []):
        pages = [p for p in package_files(package) if re.search(r"/man/man[18]/[^/]+\.[18]\.gz$", p)]
        for page in sorted(rng.sample(pages, min(per_package, len(pages)))):
            text = subprocess.run("man -l %s 2>/dev/null | col -bx" % page, shell=True, capture_output=True, text=True,
                                  env=dict(os.environ, MANWIDTH="90", MAN_KEEP_FORMATTING="0")).stdout
            if len(text) > 400:
                command = os.path.basename(page).split(".")[0]
                docs.append(corpora.Document("man:%s" % command, "code", corpora.clean(text[:MAX_FILE_CHARS * 2])))
    return docs


# ---------------------------------------------------------------- excerpts

LICENCE_WORDS = re.compile(r"copyright|general public license|warranty|licensed under", re.I)


def snippet(rng, text, min_chars=60, max_chars=700):
    """Lines from a random line start; never a stretch of licence text (that is the legal domain's)."""
    lines = text.split("\n")
    for _ in range(20):
        start = rng.randrange(len(lines))
        out = []
        size = rng.randint(min_chars, max_chars)
        for line in lines[start:]:
            out.append(line)
            if sum(len(l) + 1 for l in out) >= size:
                break
        body = "\n".join(out).strip("\n")
        if len(body.strip()) >= min_chars // 2 and len(re.findall(r"\w", body)) > 15 and not LICENCE_WORDS.search(body):
            return body
    return None


def sentences(rng, text, max_chars=450):
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    start = rng.randrange(len(parts))
    out = parts[start]
    for extra in parts[start + 1:start + rng.randint(1, 4)]:
        if len(out) + len(extra) > max_chars:
            break
        out += " " + extra
    return out if len(out) >= 20 else None


def man_excerpt(rng, text):
    """A paragraph of a man page, and an option it documents if it opens with one."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if 60 <= len(p.strip()) <= 700 and not LICENCE_WORDS.search(p)]
    if not paragraphs:
        return None, None
    p = rng.choice(paragraphs)
    option = re.match(r"\s*(--?[A-Za-z][\w-]*)", p)
    return " ".join(p.split()) if rng.random() < 0.5 else p.strip("\n"), option.group(1) if option else None


# ---------------------------------------------------------------- sources

class Source:
    """One named source of prompts in one domain; `make(draw, split)` returns a prompt or None."""

    def __init__(self, domain, name, weight, make):
        self.domain, self.name, self.weight, self.make = domain, name, weight, make


def in_test_split(doc_id):
    return hashlib.sha256(("route:" + doc_id).encode()).digest()[0] % 6 == 0


def split_pool(docs):
    return {"train": [d for d in docs if not in_test_split(d.doc_id)], "test": [d for d in docs if in_test_split(d.doc_id)]}


def corpus_source(domain, name, weight, docs, excerpt):
    pools = split_pool(docs)

    def make(d, split):
        if not pools[split]:
            return None
        doc = d.any(pools[split])
        d.group = doc.doc_id
        return excerpt(d, doc)
    return Source(domain, name, weight, make)


def template_source(domain, name, weight, family):
    return Source(domain, name, weight, lambda d, split: family(d))


def sources(seed):
    rng = random.Random(seed)
    uses = package_list()
    code = code_documents(rng, uses)
    out = []
    weights = {"java": 5, "python": 5, "go": 4, "rust": 4, "javascript": 4, "typescript": 2, "c": 4, "cpp": 3, "sql": 4,
               "shell": 4, "yaml": 3, "json": 2}
    for language, weight in weights.items():
        name = LANGUAGE_NAMES[language]
        out.append(corpus_source("code", "corpus:" + language, weight, code[language],
                                 lambda d, doc, name=name: _some(snippet(d.rng, doc.text), lambda s: t.code_corpus(d, name, s))))
    man = man_documents(rng, uses)

    def man_prompt(d, doc):
        excerpt, option = man_excerpt(d.rng, doc.text)
        return _some(excerpt, lambda e: t.code_man(d, doc.doc_id.split(":", 1)[1], e, option))
    out.append(corpus_source("code", "corpus:man-pages", 5, man, man_prompt))

    legal = corpora.legal_documents(uses["legal"])
    licences = [d for d in legal if d.doc_id.startswith("license:")]
    copyrights = [d for d in legal if not d.doc_id.startswith("license:")]
    legal_prompt = lambda d, doc: _some(sentences(d.rng, doc.text), lambda s: t.around(d, t.LEGAL_CORPUS_ASKS, s))
    out.append(corpus_source("legal", "corpus:common-licenses", 14, licences, legal_prompt))
    out.append(corpus_source("legal", "corpus:copyright-files", 22, copyrights, legal_prompt))

    prose = corpora.prose_documents(rng)
    words = sorted({w for doc in prose if doc.doc_id.startswith("gcide") for w in re.findall(r"\b[a-z]{6,12}\b", doc.text[:2000])})
    prose_prompt = lambda d, doc: _some(sentences(d.rng, doc.text), lambda s: t.around(d, t.PROSE_CORPUS_ASKS, s))
    for name, prefix, weight in (("bible", "bible", 9), ("fortunes", "fortune", 9), ("dictionaries", "gcide devil", 8)):
        docs = [doc for doc in prose if doc.doc_id.split(":")[0] in prefix.split()]
        out.append(corpus_source("prose", "corpus:" + name, weight, docs, prose_prompt))
    out.append(corpus_source("prose", "corpus:edit-requests", 4, [doc for doc in prose if not doc.doc_id.startswith("gcide")],
                             lambda d, doc: _some(sentences(d.rng, doc.text, 250), lambda s: t.prose_edit_corpus(d, s))))

    train_problems, held_problems = arithmetic.split_problems()
    problems = {"train": train_problems, "test": held_problems}

    def arithmetic_prompt(d, split):
        a, op, b = d.any(problems[split])
        d.group = "%d%s%d" % (a, op, b)
        return arithmetic.phrase(d.rng, a, op, b)
    out.append(Source("math", "generated:arithmetic", 22, arithmetic_prompt))

    for domain, families in t.FAMILIES.items():
        for name, family, weight in families:
            if family is None:  # words come from the dictionary corpus
                family = lambda d, words=words: t.prose_words(d, words)
            out.append(template_source(domain, "template:" + name, weight, family))
    return out


def _some(value, then):
    return None if value is None else then(value)


# ---------------------------------------------------------------- the user-style held-out set

def read_heldout(path):
    """Entries of the hand-written file: a line '=== domain' opens each; '#' lines outside entries are notes."""
    entries = []
    domain = None
    lines = []
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n") + ["=== end"]:
            m = re.match(r"=== (\w+)\s*$", line)
            if m:
                if domain:
                    entries.append((domain, "\n".join(lines).strip()))
                domain, lines = m.group(1), []
            elif domain:
                lines.append(line)
    bad = [d for d, _ in entries if d not in DOMAINS]
    if bad:
        raise SystemExit("user-heldout.txt: unknown domains %s" % sorted(set(bad)))
    return entries


def shingles(text):
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + LEAK_WORDS]) for i in range(len(words) - LEAK_WORDS + 1)}


# ---------------------------------------------------------------- writing

def generate(all_sources, split, per_domain, seed, seen, leaks):
    rng = random.Random("%s:%s" % (seed, split))
    rows = []
    counts = collections.Counter()
    for domain in DOMAINS:
        mine = [s for s in all_sources if s.domain == domain]
        total = sum(s.weight for s in mine)
        for s in mine:
            wanted = round(per_domain * s.weight / total)
            made = attempts = 0
            while made < wanted and attempts < wanted * 50:
                attempts += 1
                d = t.Draw(rng)
                prompt = s.make(d, split)
                if not prompt or len(prompt) < 8:
                    continue
                prompt = prompt[:MAX_PROMPT_CHARS]
                key = " ".join(prompt.split())
                if key in seen:
                    continue
                if shingles(prompt) & leaks["shingles"]:
                    leaks["dropped"] += 1
                    continue
                seen.add(key)
                rows.append({"domain": domain, "prompt": prompt, "source": s.name, "group": "%s:%s" % (s.name, d.group)})
                made += 1
            counts[(domain, s.name)] = made
    rng.shuffle(rows)
    for i, row in enumerate(rows):
        row["id"] = "route-%s-%05d" % (split, i)
    return rows, counts


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


def write_sets(out, seed, train_per_domain=1800, test_per_domain=150):
    """Writes user-heldout.jsonl, train.jsonl and test.jsonl into `out`; prints what came from where."""
    heldout = read_heldout(os.path.join(out, "user-heldout.txt"))
    write_jsonl(os.path.join(out, "user-heldout.jsonl"),
                [{"domain": d, "id": "user-%s-%03d" % (d, i), "prompt": p, "source": "written:user-style", "group": "user"}
                 for i, (d, p) in enumerate(heldout)])
    leaks = {"shingles": set().union(*(shingles(p) for _, p in heldout)), "dropped": 0}
    seen = {" ".join(p.split()) for _, p in heldout}

    all_sources = sources(seed)
    train, train_counts = generate(all_sources, "train", train_per_domain, seed, seen, leaks)
    test, test_counts = generate(all_sources, "test", test_per_domain, seed, seen, leaks)
    write_jsonl(os.path.join(out, "train.jsonl"), train)
    write_jsonl(os.path.join(out, "test.jsonl"), test)
    print("user-style held-out: %d prompts %s" % (len(heldout), dict(collections.Counter(d for d, _ in heldout))))
    print("train: %d, corpus split: %d; %d generated items dropped for sharing %d words in a row with the held-out set"
          % (len(train), len(test), leaks["dropped"], LEAK_WORDS))
    for (domain, name), n in sorted(train_counts.items()):
        print("  %-6s %-32s train %5d  test %4d" % (domain, name, n, test_counts[(domain, name)]))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=os.path.join(HERE, "..", "routing"))
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--train-per-domain", type=int, default=1800)
    parser.add_argument("--test-per-domain", type=int, default=150)
    args = parser.parse_args()
    write_sets(args.out, args.seed, args.train_per_domain, args.test_per_domain)


if __name__ == "__main__":
    main()
