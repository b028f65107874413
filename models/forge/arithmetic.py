"""Generated arithmetic with exact answers: the math domain.

Difficulty: addition of two whole numbers from 0 to 99, and subtraction a - b of two
whole numbers from 0 to 99 with a >= b (no negative answers). That is the level at which
a one-million-parameter specialist reaches a meaningful exact-match accuracy on two
cores in minutes. Problems are phrased as bare expressions, questions and short word
problems. The held-out split is by problem (a, op, b): a held-out problem is never
trained on in any phrasing.
"""
import hashlib
import random

BARE = ["What is {a} {op} {b}?", "Compute {a} {op} {b}.", "Calculate {a} {op} {b}.",
        "{a} {op} {b} =", "What is the value of {a} {op} {b}?", "Evaluate {a} {op} {b}."]
ADD_WORDS = [
    "{name} has {a} {thing} and gets {b} more. How many {thing} does {name} have now?",
    "There are {a} {thing} in a box and {b} more are added. How many {thing} are in the box?",
    "What is the sum of {a} and {b}?",
    "Add {a} and {b}.",
    "{name} read {a} pages on Monday and {b} pages on Tuesday. How many pages did {name} read in total?",
]
SUB_WORDS = [
    "{name} has {a} {thing} and gives away {b}. How many {thing} are left?",
    "There are {a} {thing} in a box and {b} are taken out. How many {thing} are in the box?",
    "What is the difference between {a} and {b}?",
    "Subtract {b} from {a}.",
    "A shop had {a} {thing} and sold {b}. How many {thing} does the shop have left?",
]
NAMES = ["Ann", "Ben", "Carla", "Dev", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jon", "Kira", "Liam"]
THINGS = ["apples", "books", "coins", "marbles", "stamps", "pencils", "cards", "eggs", "shells", "cups"]


def problem_held_out(a, op, b, share_percent=10):
    digest = hashlib.sha256(("%d%s%d" % (a, op, b)).encode()).digest()
    return digest[0] * 100 // 256 < share_percent


def all_problems():
    problems = [(a, "+", b) for a in range(100) for b in range(100)]
    problems += [(a, "-", b) for a in range(100) for b in range(a + 1)]
    return problems


def answer(a, op, b):
    return a + b if op == "+" else a - b


def phrase(rng, a, op, b):
    """A prompt for the problem; a third are word problems."""
    if rng.random() < 0.34:
        template = rng.choice(ADD_WORDS if op == "+" else SUB_WORDS)
    else:
        template = rng.choice(BARE)
    return template.format(a=a, b=b, op=op, name=rng.choice(NAMES), thing=rng.choice(THINGS))


def split_problems():
    train, held = [], []
    for p in all_problems():
        (held if problem_held_out(*p) else train).append(p)
    return train, held


def examples(rng, problems, count):
    """(prompt, answer text) pairs drawn with replacement from the given problems."""
    out = []
    for _ in range(count):
        a, op, b = rng.choice(problems)
        out.append((phrase(rng, a, op, b), str(answer(a, op, b))))
    return out


if __name__ == "__main__":
    r = random.Random(0)
    tr, ho = split_problems()
    print(len(tr), len(ho))
    for p, ans in examples(r, ho, 5):
        print(p, "->", ans)
