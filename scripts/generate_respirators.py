#!/usr/bin/env python3
"""Generates the bundled respirator product names for CRF tagging (data/respirators_*.csv).

Each row: name, tokens (text[] literal), tags (text[] literal) with the labels brand,
model, filter_type, size and O. The test split uses brands, series names and model
numbers the training split never contains verbatim, so its scores measure
generalisation, not memory. The noisy split (respirators_noisy.csv) goes further, as
real listings do: brands and model shapes of its own ("Type 900", "SR-179"), typos in
brands, lower- and upper-case names, marketing words tagged O ("NIOSH approved",
"box of 10"), the filter type moved to the front. Its noise comes from a generator of
its own, with its own random stream drawn after the other two files: training never
sees it, and the train and test files stay byte for byte what they were.
Deterministic: same seed, same files.
"""
import csv
import random
import sys

TRAIN_BRANDS = ["3M", "Honeywell", "Moldex", "Drager", "MSA", "Uvex", "GVS", "Alpha", "Makrite", "Ansell",
                "JSP", "Sundstrom", "Gerson", "Dentec", "Medline", "Prestige", "Powecom", "Harley", "Benehal",
                "Cardinal", "Vogmask", "Kimberly Clark", "Delta Plus", "Blue Eagle", "Sas", "Tecnol"]
TEST_BRANDS = ["Halyard", "Respokare", "Lakeland", "Portwest", "Sperian", "Bullard", "Scott", "Kolon",
               "Northern Safety", "Dynarex", "Aero", "Irema", "Maxiguard", "Kappler"]
TRAIN_SERIES = ["Aura", "Vflex", "Silv-Air", "Saf-T-Fit", "Airgo", "Pro", "Elite", "Comfort", "Flexi",
                "Aerolite", "Classic", "Ventex", "Duraflex", "Secure", "Optima", "Mistral", "Zephyr"]
TEST_SERIES = ["Fluidshield", "Airwave", "Cleanguard", "Breathe-Easy", "Tempest", "Nova", "Vector", "Summit"]
FILTERS = ["N95", "N99", "N100", "P95", "P100", "R95", "FFP1", "FFP2", "FFP3", "KN95", "KF94"]
SIZES = ["S", "M", "L", "XL", "Small", "Medium", "Large", "Regular", "One-Size"]
EXTRAS = [["Respirator"], ["Mask"], ["Disposable", "Respirator"], ["Valved"], ["with", "Valve"],
          ["Particulate", "Respirator"], ["Box", "of", "20"], ["10-Pack"], ["Face", "Mask"]]


def model_number(rng, test):
    letters = "BDFHKMPT" if test else "ACEGJNRV"
    kind = rng.random()
    digits = str(rng.randint(1000, 9999))
    # Train numbers are even, test numbers odd: never the same number in both splits.
    digits = digits[:-1] + str((int(digits[-1]) // 2) * 2 + (1 if test else 0))
    if kind < 0.4:
        return digits
    if kind < 0.6:
        return digits + rng.choice(["+", "V", "N", "-S"])
    if kind < 0.8:
        return rng.choice(letters) + rng.choice(letters) + str(rng.randint(100, 999) // 2 * 2 + (1 if test else 0))
    return digits[:2] + "-" + digits[2:]


def product(rng, test):
    brands, series = (TEST_BRANDS, TEST_SERIES) if test else (TRAIN_BRANDS, TRAIN_SERIES)
    tokens, tags = [], []

    def add(words, label):
        for w in words:
            tokens.append(w)
            tags.append(label)

    add(rng.choice(brands).split(" "), "brand")
    model = ([rng.choice(series)] if rng.random() < 0.55 else []) + [model_number(rng, test)]
    filt = [rng.choice(FILTERS)]
    if rng.random() < 0.75:
        add(model, "model")
        add(filt, "filter_type")
    else:
        add(filt, "filter_type")
        add(model, "model")
    if rng.random() < 0.5:
        add([rng.choice(SIZES)], "size")
    if rng.random() < 0.5:
        add(rng.choice(EXTRAS), "O")
    return tokens, tags


NOISY_BRANDS = ["Pyramex", "Sellstrom", "Radnor", "Ergodyne", "Magid", "Elvex", "Bolle", "Cordova",
                "Lift Safety", "Ocean Blue", "Jackson", "Zenith", "Hexarmor", "Neiko", "Global Glove"]
NOISY_SERIES = ["Breeze", "Guardian", "Falcon", "Sentinel", "Apex", "Ultra-Lite", "Easy-Fit", "Shield"]
NOISY_SIZES = SIZES + ["S/M", "M/L", "X-Large", "Med"]
MARKETING = [["NIOSH", "approved"], ["box", "of", "10"], ["Pack", "of", "50"], ["FDA", "cleared"],
             ["Latex", "Free"], ["Cool", "Flow", "Valve"], ["Individually", "Wrapped"], ["(20/box)"],
             ["Adjustable", "Nose", "Clip"], ["Made", "in", "USA"], ["New"], ["Premium", "Quality"]]


def noisy_model(rng):
    kind = rng.random()
    if kind < 0.2:
        return [rng.choice(["Type", "Series"]), str(rng.randint(100, 999))]
    if kind < 0.45:
        return ["".join(rng.choice("ABCHKLSWXZ") for _ in range(rng.randint(1, 3))) + "-" + str(rng.randint(10, 999))]
    if kind < 0.6:
        return [str(rng.randint(100, 999))]
    if kind < 0.75:
        return [str(rng.randint(1000, 99999)) + rng.choice(["CN", "X", "-B", "/M"])]
    model = [str(rng.randint(1000, 9999))]
    return [rng.choice(NOISY_SERIES)] + model if rng.random() < 0.7 else model


def typo(rng, word):
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(3)
    if kind == 0:
        return word[:i] + word[i + 1:]                       # a letter dropped
    if kind == 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]  # two letters swapped
    return word[:i] + word[i] + word[i:]                      # a letter doubled


def noisy_product(rng):
    """One name with several kinds of noise, each drawn on its own."""
    if rng.random() < 0.6:
        brand = rng.choice(NOISY_BRANDS).split(" ")
    else:
        brand = [typo(rng, w) for w in rng.choice(TRAIN_BRANDS + TEST_BRANDS).split(" ")]
        if rng.random() < 0.3:
            brand = [typo(rng, w) for w in brand]
    chunks = [(brand, "brand"), (noisy_model(rng), "model"), ([rng.choice(FILTERS)], "filter_type")]
    if rng.random() < 0.35:
        chunks.insert(0, chunks.pop(2))  # the filter type first
    elif rng.random() < 0.3:
        chunks[1], chunks[2] = chunks[2], chunks[1]
    if rng.random() < 0.5:
        chunks.append(([rng.choice(NOISY_SIZES)], "size"))
    if rng.random() < 0.6:
        chunks.insert(rng.choice([0, len(chunks)]) if rng.random() < 0.3 else len(chunks),
                      (rng.choice(MARKETING), "O"))
    tokens = [w for words, _ in chunks for w in words]
    tags = [label for words, label in chunks for _ in words]
    case = rng.random()
    if case < 0.3:
        tokens = [w.lower() for w in tokens]
    elif case < 0.4:
        tokens = [w.upper() for w in tokens]
    return tokens, tags


def literal(words):
    return "{" + ",".join('"' + w.replace("\\", "\\\\").replace('"', '\\"') + '"' for w in words) + "}"


def write(path, rows):
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["name", "tokens", "tags"])
        for tokens, tags in rows:
            out.writerow([" ".join(tokens), literal(tokens), literal(tags)])


def main():
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 2026)
    root = sys.argv[2] if len(sys.argv) > 2 else "data"
    write(f"{root}/respirators_train.csv", [product(rng, False) for _ in range(10000)])
    write(f"{root}/respirators_test.csv", [product(rng, True) for _ in range(2000)])
    noisy = random.Random(rng.random())
    write(f"{root}/respirators_noisy.csv", [noisy_product(noisy) for _ in range(2000)])


if __name__ == "__main__":
    main()
