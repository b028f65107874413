"""Held-out evaluation sets and the labelled routing set.

Evaluation items come only from held-out documents (and held-out arithmetic problems).
Routing prompts come only from training documents, so they are disjoint from every
evaluation item; the routing set's own train/held-out split is by document too.
"""
import hashlib
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


# ---- routing set: prompts phrased as users phrase them ----

CODE_ASKS = ["What does this code do?", "Can you explain this function?", "Find the bug in this code:",
             "Why does this throw an exception?", "Refactor this to be more readable:",
             "Add comments to this snippet.", "Is this thread-safe?", "Write unit tests for this:",
             "Convert this to Python.", "Convert this to Java.", "Review this code please:",
             "How can I make this faster?", "What is the time complexity of this?", ""]
CODE_TASKS = ["reverse a linked list", "parse a CSV file", "read a file line by line", "sort a map by value",
              "open a socket connection", "format a date as ISO 8601", "remove duplicates from a list",
              "check if a string is a palindrome", "merge two sorted arrays", "make an HTTP request",
              "implement a thread pool", "serialize an object to JSON", "compute a SHA-256 hash",
              "walk a directory tree", "write a binary search", "handle a null pointer exception",
              "use a regular expression to match emails", "implement an LRU cache", "spawn a subprocess",
              "split a string on commas", "convert an int to a string", "iterate over a dictionary",
              "define an abstract class", "catch multiple exceptions", "use generics in a method",
              "write a unit test with JUnit", "create a virtual environment", "decode base64"]
CODE_LANGS = ["Java", "Python", "Kotlin", "C", "JavaScript", "Go", "Rust", "Python 3", "Java 17"]
CODE_FORMS = ["How do I {task} in {lang}?", "Write a {lang} function to {task}.",
              "What's the best way to {task} in {lang}?", "Show me how to {task} using {lang}.",
              "In {lang}, how would you {task}?", "Give me {lang} code to {task}."]

LEGAL_ASKS = ["What does this clause mean?", "Summarize this license text:", "Is this a permissive license?",
              "Explain in plain words:", "Does this allow commercial use?", "What are my obligations under this?",
              "Can I modify and redistribute under these terms?", "Is there a warranty here?", ""]
LICENSES = ["the GPL", "GPL-3", "GPL version 2", "the LGPL", "the MIT license", "Apache 2.0",
            "the Apache License", "the BSD license", "the Artistic License", "MPL 2.0", "the GFDL",
            "CC0", "a 3-clause BSD license", "the Expat license", "AGPL"]
LEGAL_FORMS = ["Can I use a library under {lic} in a closed-source product?",
               "Is {lic} compatible with {lic2}?", "What are the obligations of {lic} when I distribute binaries?",
               "Do I have to release my source code if I link against software under {lic}?",
               "What is the difference between {lic} and {lic2}?",
               "Who holds the copyright if my employer paid for the code, and can it be licensed under {lic}?",
               "Does {lic} include a patent grant?", "Can I relicense code from {lic} to {lic2}?",
               "What notice must I keep when I copy files licensed under {lic}?",
               "Is it legal to sell copies of software released under {lic}?",
               "What happens to my license under {lic} if I violate its terms?"]

PROSE_ASKS = ["Rewrite this passage in modern English:", "Summarize this passage:", "What is the moral here?",
              "Explain this quote:", "Continue this story:", "Translate this into simpler words:",
              "What does this mean?", "Who might have said this?", ""]
PROSE_TOPICS = ["the sea", "an old lighthouse", "a winter morning", "friendship", "a lost dog", "the harvest",
                "a king and his daughter", "the first snow", "a journey across the desert", "a quiet village",
                "the stars", "a broken promise", "the river in spring", "an honest merchant", "a storm at night",
                "growing old", "a letter never sent", "the city at dawn", "a garden", "courage"]
PROSE_FORMS = ["Write a short story about {topic}.", "Tell me a fable about {topic}.",
               "Describe {topic} in a few sentences.", "Write a poem about {topic}.",
               "What does the word '{word}' mean?", "Define '{word}'.", "Use the word '{word}' in a sentence.",
               "Give me a synonym for '{word}'.", "Tell me a joke about {topic}.",
               "Write a paragraph about {topic} in the style of an old book."]


def _snippet(rng, text, min_chars=60, max_chars=600):
    lines = text.split("\n")
    start = rng.randrange(len(lines))
    out = []
    size = rng.randint(min_chars, max_chars)
    for line in lines[start:]:
        out.append(line)
        if sum(len(l) + 1 for l in out) >= size:
            break
    return "\n".join(out).strip()


def _sentence(rng, text, max_chars=400):
    parts = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    start = rng.randrange(len(parts))
    out = parts[start]
    for extra in parts[start + 1:start + rng.randint(1, 4)]:
        if len(out) + len(extra) > max_chars:
            break
        out += " " + extra
    return out


def _compose(rng, ask, body):
    if not ask:
        return body
    return ask + ("\n\n" if "\n" in body or rng.random() < 0.5 else " ") + body


def _route_prompt(rng, domain, docs, words):
    doc = rng.choice(docs) if docs else None
    if domain == "code":
        if rng.random() < 0.4:
            return rng.choice(CODE_FORMS).format(task=rng.choice(CODE_TASKS), lang=rng.choice(CODE_LANGS))
        return _compose(rng, rng.choice(CODE_ASKS), _snippet(rng, doc.text))
    if domain == "legal":
        if rng.random() < 0.4:
            a, b = rng.sample(LICENSES, 2)
            return rng.choice(LEGAL_FORMS).format(lic=a, lic2=b)
        return _compose(rng, rng.choice(LEGAL_ASKS), _sentence(rng, doc.text))
    if domain == "prose":
        if rng.random() < 0.4:
            return rng.choice(PROSE_FORMS).format(topic=rng.choice(PROSE_TOPICS), word=rng.choice(words))
        return _compose(rng, rng.choice(PROSE_ASKS), _sentence(rng, doc.text))
    if rng.random() < 0.75:
        a, op, b = rng.choice(arithmetic.all_problems())
        return arithmetic.phrase(rng, a, op, b)
    a, b = rng.randint(2, 999), rng.randint(2, 99)
    return rng.choice(["What is {a} times {b}?", "Divide {a} by {b}.", "What is {b}% of {a}?",
                       "Solve for x: x + {b} = {a}", "Is {a} a prime number?", "What is the square of {b}?",
                       "Round {a}.{b} to the nearest whole number.", "A train travels {a} km in {b} hours. "
                       "What is its average speed?", "What is {a} mod {b}?"]).format(a=a, b=b)


def _doc_in_test_split(doc_id):
    return hashlib.sha256(("route:" + doc_id).encode()).digest()[0] % 6 == 0


def routing_sets(documents, seed, train_per_domain, test_per_domain):
    """Balanced (train, test) lists of {id, prompt, domain}; no text is in both."""
    rng = random.Random(seed)
    words = sorted({w for d in documents.get("prose", []) for w in re.findall(r"\b[a-z]{6,12}\b", d.text[:2000])})
    sets = {"train": [], "test": []}
    seen = set()  # across both splits, so no prompt is in both
    for split, wanted in (("train", train_per_domain), ("test", test_per_domain)):
        for domain in ("code", "legal", "prose", "math"):
            trainable = [d for d in documents.get(domain, []) if not d.held_out()]
            pool = [d for d in trainable if _doc_in_test_split(d.doc_id) == (split == "test")]
            made = 0
            while made < wanted:
                prompt = _route_prompt(rng, domain, pool, words)
                if len(prompt) < 8 or prompt in seen:
                    continue
                seen.add(prompt)
                sets[split].append({"domain": domain, "prompt": prompt})
                made += 1
    for split, rows in sets.items():
        rng.shuffle(rows)
        for i, row in enumerate(rows):
            row["id"] = "route-%s-%05d" % (split, i)
    return sets["train"], sets["test"]
