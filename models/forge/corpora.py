"""Reads the four domains' documents from files that Debian packages install.

Nothing is downloaded. Each document keeps a stable id so that the train/held-out
split is decided by document before anything is trained, and exact duplicates
(after whitespace folding) are dropped across all sources of a domain.
"""
import glob
import gzip
import hashlib
import os
import random
import re
import subprocess
import zipfile

JDK_SRC = "/usr/lib/jvm/java-17-openjdk-amd64/lib/src.zip"
PY_STDLIB = "/usr/lib/python3.11"
DOC_DIR = "/usr/share/doc"
COMMON_LICENSES = "/usr/share/common-licenses"
FORTUNES = "/usr/share/games/fortunes"
DICTD = "/usr/share/dictd"

# Java modules that hold ordinary library code (jdk.localedata and friends are tables, not code).
JAVA_MODULES = ("java.base", "java.desktop", "java.xml", "java.sql", "java.net.http",
                "java.logging", "java.management", "jdk.compiler", "jdk.httpserver", "jdk.jshell")
MAX_DOC_CHARS = 12000
# Legal has the fewest documents, so it holds out a larger share to give 300+ evaluation items.
HELD_OUT_PERCENT = {"code": 10, "legal": 20, "prose": 10}
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Document:
    __slots__ = ("doc_id", "domain", "text")

    def __init__(self, doc_id, domain, text):
        self.doc_id = doc_id
        self.domain = domain
        self.text = text

    def held_out(self):
        """Split by a hash of the document id, so the split does not depend on reading order."""
        digest = hashlib.sha256(self.doc_id.encode()).digest()
        return digest[0] * 100 // 256 < HELD_OUT_PERCENT[self.domain]


def clean(text):
    text = text.replace("\r\n", "\n").replace("\t", "    ")
    text = CONTROL_CHARS.sub("", text)
    return text.strip("\n") + "\n"


def strip_license_header(source):
    """Code files open with a licence block; it belongs to the legal domain, not code."""
    stripped = source.lstrip()
    if stripped.startswith("/*"):
        end = stripped.find("*/")
        if end >= 0 and "opyright" in stripped[:end]:
            return stripped[end + 2:].lstrip("\n")
    if stripped.startswith("#"):
        lines = stripped.split("\n")
        i = 0
        while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
            i += 1
        if any("opyright" in line or "icense" in line for line in lines[:i]):
            return "\n".join(lines[i:])
    return source


def code_documents(rng, java_files=2200, python_files=600):
    docs = []
    with zipfile.ZipFile(JDK_SRC) as archive:
        names = sorted(n for n in archive.namelist()
                       if n.endswith(".java") and n.split("/")[0] in JAVA_MODULES)
        for name in rng.sample(names, min(java_files, len(names))):
            text = strip_license_header(archive.read(name).decode("utf-8", "replace"))
            docs.append(Document("java:" + name, "code", clean(text[:MAX_DOC_CHARS])))
    paths = sorted(p for p in glob.glob(PY_STDLIB + "/**/*.py", recursive=True)
                   if "/test" not in p and "/idlelib/" not in p and "site-packages" not in p)
    for path in rng.sample(paths, min(python_files, len(paths))):
        with open(path, encoding="utf-8", errors="replace") as f:
            text = strip_license_header(f.read())
        docs.append(Document("py:" + os.path.relpath(path, PY_STDLIB), "code", clean(text[:MAX_DOC_CHARS])))
    return [d for d in docs if len(d.text) > 400]


def legal_packages():
    """The fixed package list (legal-packages.txt); a missing copyright file is an error, not a smaller corpus."""
    with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "legal-packages.txt")) as f:
        packages = [line.strip() for line in f if line.strip() and not line.startswith("#")]
    missing = [p for p in packages if not os.path.isfile(os.path.join(DOC_DIR, p, "copyright"))]
    if missing:
        raise SystemExit("forge: install these packages first (their copyright files are the legal corpus): "
                         + " ".join(missing))
    return packages


def legal_documents(packages=None):
    """Licence texts first, then every package's copyright file (of `packages`, by default the forge's
    fixed list) with paragraphs already seen removed (the same GPL paragraphs stand in hundreds of
    copyright files)."""
    seen_paragraphs = set()
    docs = []

    def unseen_paragraphs(text):
        kept = []
        for paragraph in re.split(r"\n\s*\n", text):
            key = " ".join(paragraph.split())
            if len(key) < 20 or key in seen_paragraphs:
                continue
            seen_paragraphs.add(key)
            kept.append(paragraph.rstrip())
        return "\n\n".join(kept)

    for path in sorted(glob.glob(COMMON_LICENSES + "/*")):
        if os.path.isfile(path) and not os.path.islink(path):
            with open(path, encoding="utf-8", errors="replace") as f:
                docs.append(Document("license:" + os.path.basename(path), "legal",
                                     clean(unseen_paragraphs(f.read())[:MAX_DOC_CHARS])))
    for package in packages if packages is not None else legal_packages():
        path = os.path.join(DOC_DIR, package, "copyright")
        with open(path, encoding="utf-8", errors="replace") as f:
            text = unseen_paragraphs(f.read())
        docs.append(Document("copyright:" + path.split("/")[-2], "legal", clean(text[:MAX_DOC_CHARS])))
    return [d for d in docs if len(d.text) > 300]


def bible_chapters():
    out = subprocess.run(["bible", "Gen1:1-Rev22:21"], capture_output=True, text=True, check=True,
                         env=dict(os.environ, COLUMNS="80")).stdout
    docs = []
    for i, chapter in enumerate(re.split(r"\n(?=\S[^\n]* \d+\n\n)", out)):
        lines = chapter.strip().split("\n")
        if len(lines) < 3:
            continue
        title = lines[0].strip()
        verses = re.sub(r"^\s*\d+ ", "", "\n".join(lines[1:]).strip(), flags=re.M)
        docs.append(Document("bible:%04d:%s" % (i, title), "prose", clean(" ".join(verses.split()))))
    return docs


def fortune_documents(per_doc=25):
    docs = []
    for path in sorted(glob.glob(FORTUNES + "/*")):
        if "." in os.path.basename(path) or os.path.isdir(path):
            continue
        with open(path, encoding="utf-8", errors="replace") as f:
            items = [c.strip("\n") for c in f.read().split("\n%\n") if c.strip()]
        items = [c for c in items if not re.search(r"[|\\_/]{3}", c)]  # ascii art is not prose
        for start in range(0, len(items), per_doc):
            docs.append(Document("fortune:%s:%d" % (os.path.basename(path), start), "prose",
                                 clean("\n\n".join(items[start:start + per_doc]))))
    return docs


def dictionary_documents(rng, name, entries_per_doc=40, max_docs=400):
    with gzip.open(os.path.join(DICTD, name + ".dict.dz"), "rt", encoding="utf-8", errors="replace") as f:
        raw = f.read()
    entries = []
    for entry in re.split(r"\n\n(?=\S)", raw):
        if entry.startswith("00-database") or len(entry) < 80:
            continue
        entry = re.sub(r"\\[^\\\n]*\\", "", entry)            # pronunciation marks
        entry = re.sub(r"\[(1913 Webster|PJC|Webster 1913 Suppl\.)\]", "", entry)
        entries.append(" ".join(entry.split()))
    groups = [entries[i:i + entries_per_doc] for i in range(0, len(entries), entries_per_doc)]
    chosen = sorted(rng.sample(range(len(groups)), min(max_docs, len(groups))))
    return [Document("%s:%d" % (name, i), "prose", clean("\n\n".join(groups[i]))) for i in chosen]


def prose_documents(rng):
    return bible_chapters() + fortune_documents() + dictionary_documents(rng, "gcide") \
        + dictionary_documents(rng, "devil", entries_per_doc=10)


def deduplicate(docs):
    seen = set()
    unique = []
    for doc in docs:
        key = hashlib.sha256(" ".join(doc.text.split()).encode()).hexdigest()
        if key not in seen:
            seen.add(key)
            unique.append(doc)
    return unique


def read_all(seed):
    """All text documents of code, legal and prose (math is generated, see arithmetic.py)."""
    rng = random.Random(seed)
    return {
        "code": deduplicate(code_documents(rng)),
        "legal": deduplicate(legal_documents()),
        "prose": deduplicate(prose_documents(rng)),
    }
