"""Byte-level BPE: training, encoding, and a Hugging Face tokenizer.json writer.

The pre-tokenizer is a Split on a regex that means the same in Python's `re` and in
Oniguruma (which the Hugging Face tokenizers library uses), followed by the GPT-2
byte-to-unicode mapping; digits are split one by one so that numbers are spelled the
same way in every context (arithmetic needs it). decode(encode(s)) == s for any UTF-8
text because every byte has a token.
"""
import json
import re
from collections import Counter, defaultdict

EOS = "<|endoftext|>"
EOS_ID = 0
PRETOKEN_PATTERN = r"'(?:s|t|re|ve|m|ll|d)| ?[A-Za-z]+| ?[0-9]| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+"
_PRETOKEN = re.compile(PRETOKEN_PATTERN)


def bytes_to_unicode():
    """GPT-2's reversible map from bytes to printable unicode characters."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) \
        + list(range(ord("®"), ord("ÿ") + 1))
    chars = printable[:]
    n = 0
    for b in range(256):
        if b not in printable:
            printable.append(b)
            chars.append(256 + n)
            n += 1
    return dict(zip(printable, map(chr, chars)))


BYTE_CHAR = bytes_to_unicode()


def pretokens(text):
    return _PRETOKEN.findall(text)


class Tokenizer:
    """Token ids: 0 is <|endoftext|>, 1..256 the bytes in order, then one id per merge."""

    def __init__(self, merges):
        self.merges = merges                      # list of (left id, right id)
        self.rank = {pair: i for i, pair in enumerate(merges)}
        self.pieces = [b""] + [bytes([b]) for b in range(256)]
        for left, right in merges:
            self.pieces.append(self.pieces[left] + self.pieces[right])
        self._cache = {}

    @property
    def vocab_size(self):
        return len(self.pieces)

    def _encode_word(self, word):
        ids = self._cache.get(word)
        if ids is not None:
            return ids
        ids = [b + 1 for b in word.encode("utf-8")]
        while len(ids) > 1:
            best = min(range(len(ids) - 1), key=lambda i: self.rank.get((ids[i], ids[i + 1]), 1 << 30))
            pair = (ids[best], ids[best + 1])
            if pair not in self.rank:
                break
            merged_id = 257 + self.rank[pair]
            out, i = [], 0
            while i < len(ids):
                if i < len(ids) - 1 and (ids[i], ids[i + 1]) == pair:
                    out.append(merged_id)
                    i += 2
                else:
                    out.append(ids[i])
                    i += 1
            ids = out
        self._cache[word] = ids
        return ids

    def encode(self, text):
        ids = []
        for word in pretokens(text):
            ids.extend(self._encode_word(word))
        return ids

    def decode(self, ids):
        return b"".join(self.pieces[i] for i in ids if i != EOS_ID).decode("utf-8", "replace")

    def token_string(self, token_id):
        return "".join(BYTE_CHAR[b] for b in self.pieces[token_id])

    def to_huggingface_json(self):
        vocab = {EOS: EOS_ID}
        for token_id in range(1, self.vocab_size):
            vocab[self.token_string(token_id)] = token_id
        return {
            "version": "1.0",
            "truncation": None,
            "padding": None,
            "added_tokens": [{"id": EOS_ID, "content": EOS, "single_word": False, "lstrip": False,
                              "rstrip": False, "normalized": False, "special": True}],
            "normalizer": None,
            "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Split", "pattern": {"Regex": PRETOKEN_PATTERN}, "behavior": "Isolated",
                 "invert": False},
                {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
            ]},
            "post_processor": None,
            "decoder": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True,
                        "use_regex": False},
            "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                      "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False,
                      "ignore_merges": False, "vocab": vocab,
                      "merges": [[self.token_string(l), self.token_string(r)] for l, r in self.merges]},
        }

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_huggingface_json(), f, ensure_ascii=False, indent=1)


def train(texts, vocab_size):
    """Classic BPE over unique pre-tokens, with pair counts updated only for the words a merge touches."""
    word_freq = Counter()
    for text in texts:
        word_freq.update(pretokens(text))
    words = [[b + 1 for b in w.encode("utf-8")] for w in word_freq]
    freqs = list(word_freq.values())
    pair_count = Counter()
    pair_words = defaultdict(set)
    for index, symbols in enumerate(words):
        for pair in zip(symbols, symbols[1:]):
            pair_count[pair] += freqs[index]
            pair_words[pair].add(index)
    merges = []
    while 257 + len(merges) < vocab_size and pair_count:
        best = max(pair_count.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))[0]
        new_id = 257 + len(merges)
        merges.append(best)
        for index in list(pair_words[best]):
            symbols = words[index]
            freq = freqs[index]
            for pair in zip(symbols, symbols[1:]):
                pair_count[pair] -= freq
                if pair_count[pair] <= 0:
                    del pair_count[pair]
            merged, i = [], 0
            while i < len(symbols):
                if i < len(symbols) - 1 and (symbols[i], symbols[i + 1]) == best:
                    merged.append(new_id)
                    i += 2
                else:
                    merged.append(symbols[i])
                    i += 1
            words[index] = merged
            for pair in zip(merged, merged[1:]):
                pair_count[pair] += freq
                pair_words[pair].add(index)
        del pair_words[best]
    return Tokenizer(merges)


def load(path):
    """Reads back a tokenizer.json written by Tokenizer.save."""
    with open(path, encoding="utf-8") as f:
        model = json.load(f)["model"]
    vocab = model["vocab"]
    return Tokenizer([(vocab[left], vocab[right]) for left, right in model["merges"]])
