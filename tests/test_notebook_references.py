"""Notebook titles and cross-references: a learner who follows "notebook 06" lands where the
topic is taught.

Each notebook's title starts with its file's number. Each "notebook NN" (or "notebooks NN and
MM") in the course's text names a notebook that exists, and the sentence around it mentions a
topic that notebook teaches: TAUGHT lists, per notebook, the phrases of what it teaches (its
title and headings, in the words the course uses elsewhere). A reference whose sentence names
none of them points at the wrong notebook, or is too vague to follow; both are worth fixing.
"""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
QUIZZES = sorted((Path(__file__).resolve().parents[1] / "quizzes").glob("*.yaml"))

TAUGHT = {
    "00": ["pipeline", "progress", "loss", "quiz", "exercise", "welcome", "memoris"],
    "01": ["latent space", "autoencoder", "blur", "grey pixels", "sampl", "interpolat", "walk",
           "fingerprint", "manifold", "prior", "encoder", "decoder"],
    "02": ["reconstruction", "cross-entropy", "bernoulli", "gaussian", "likelihood", "entropy",
           "sum", "mean-reduc", "effective", "grey pixels", "binaris", "law", "active unit",
           "kl per dimension", "decoder", "log p"],
    "03": ["kl", "elbo", "bound", "rate", "binaris", "log-likelihood", "log p", "importance",
           "inference gap", "identity", "ma(?:x|k)imis"],
    "04": ["reparameteri", "gradient", "score function", "sampling step", "encoder"],
    "05": ["scratch", "compute_loss", "keras", "layer", "encoder", "decoder", "elbo"],
    "06": ["collapse", "free bits", "anneal", "temperature", "mode", "ring", "active unit", "hole",
           "beta", "kl per dimension", "factorised pixel decoder", "β"],
    "07": ["anomal", "likelihood trap", "auroc", "threshold"],
    "08": ["generat", "conditional", "prior", "posterior", "temperature", "interpolat", "walk",
           "arithmetic", "direction", "attribute", "judge", "1s into 7s", "sampling"],
    "09": ["interpretab", "disentangl", "mig", "travers", "rotation"],
    "10": ["text", "sentence", "sequence", "collapse"],
    "11": ["augmentation", "100 labels"],
    "12": ["your own", "colour", "folder", "likelihood", "bits per dimension", "diagnos", "sharp",
           "capstone", "predicted"],
    "13": ["discrete", "vq-vae", "codebook", "quantis", "perplexity", "dead code", "straight-through"],
    "14": ["learned prior", "vampprior", "mixture prior", "prior hole", "aggregate posterior"],
    "15": ["hierarch", "two stochastic layers", "ladder", "top-down", "second layer"],
    "16": ["diffusion", "fixed encoder", "noise schedule", "latent diffusion"],
    "17": ["recap", "eli5", "progress", "magic box"],
}
REFERENCE = re.compile(r"\bnotebooks? (\d\d)((?:(?:,| and| or) \d\d)*)")


def text_of(path):
    cells = json.loads(path.read_text())["cells"]
    return "\n\n".join("".join(cell["source"]) for cell in cells)


def sentences(text):
    """Sentences, roughly: split at a full stop, a blank line or a list item."""
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(*`$])|\n\s*\n|\n\s*[-|] ", text) if s.strip()]


TABLE = re.compile(r"(?:^\|.*\|[ \t]*\n?)+", re.MULTILINE)
TABLE_ROW = re.compile(r"^\|(.*)\|\s*(\d\d(?:,\s*\d\d)*)\s*\|\s*$", re.MULTILINE)


def notebook_tables(text):
    """The tables whose last column lists notebooks (its header names them)."""
    for table in TABLE.finditer(text):
        header = table.group(0).splitlines()[0].strip().strip("|").split("|")[-1]
        if re.search(r"notebook|where we met", header, re.IGNORECASE):
            yield table.group(0)


def references(text):
    """(sentence, [numbers]) for every "notebook NN" in the text, and for every table row whose
    last column lists notebooks (as the recap's "where we met it")."""
    found = []
    for sentence in sentences(text):
        for match in REFERENCE.finditer(sentence):
            numbers = [match.group(1)] + re.findall(r"\d\d", match.group(2))
            found.append((" ".join(sentence.split()), numbers))
    for table in notebook_tables(text):
        for row in TABLE_ROW.finditer(table):
            found.append((row.group(1).strip(), re.findall(r"\d\d", row.group(2))))
    return found


def wrong_references(text, own_number):
    problems = []
    existing = {path.name[:2] for path in NOTEBOOKS}
    for sentence, numbers in references(text):
        for number in numbers:
            if number == own_number:
                continue
            if number not in existing:
                problems.append(f"notebook {number} does not exist: {sentence!r}")
            elif not any(re.search(topic, sentence, re.IGNORECASE) for topic in TAUGHT[number]):
                problems.append(f"nothing that notebook {number} teaches is named in {sentence!r}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_title_carries_the_files_number(path):
    first = json.loads(path.read_text())["cells"][0]
    title = "".join(first["source"]).splitlines()[0]
    assert first["cell_type"] == "markdown" and title.startswith(f"# {path.name[:2]} ·"), title


@pytest.mark.parametrize("path", NOTEBOOKS + QUIZZES, ids=lambda p: p.name)
def test_every_reference_points_at_the_notebook_that_teaches_it(path):
    text = text_of(path) if path.suffix == ".ipynb" else path.read_text()
    assert wrong_references(text, path.name[:2]) == []


def test_every_notebook_has_its_topics():
    assert sorted(TAUGHT) == [path.name[:2] for path in NOTEBOOKS]


def test_the_check_finds_a_wrong_reference():
    good = "The decoder's blur comes from averaging (notebook 01)."
    wrong = "The decoder's blur is explained in notebook 09."
    missing = "See notebook 42 for the proof."
    several = "Posterior collapse (notebooks 06 and 10) and the bound of notebook 03."
    table_row = ("| The story | Where we met it |\n|---|---|\n"
                 "| Sampling: draw z from the prior, then decode. | 01, 09 |\n")
    assert wrong_references(good, "12") == []
    assert wrong_references(several, "12") == []
    assert len(wrong_references(wrong, "12")) == 1
    assert "does not exist" in wrong_references(missing, "12")[0]
    assert len(wrong_references(table_row, "12")) == 1  # 09 teaches no sampling
