"""Every quiz file in quizzes/ is valid; the ELI5 quiz mirrors the source document."""

from pathlib import Path

import pytest
import yaml

import vaelearn.quiz
from vaelearn.quiz.loading import _validator

QUIZ_FILES = sorted(vaelearn.quiz.quiz_dir().glob("*.yaml"))


def test_quiz_dir_is_the_repository_quizzes_folder_in_a_checkout():
    # An installed wheel reads its bundled copy instead: tests/test_wheel.py.
    assert vaelearn.quiz.quiz_dir() == Path(vaelearn.__file__).resolve().parents[1] / "quizzes"
    assert {"eli5", "00_welcome"} <= set(vaelearn.quiz.available())


def test_quiz_dir_can_be_overridden(tmp_path, monkeypatch):
    (tmp_path / "mine.yaml").write_text((vaelearn.quiz.quiz_dir() / "eli5.yaml").read_text())
    monkeypatch.setenv("VAELEARN_QUIZ_DIR", str(tmp_path))
    assert vaelearn.quiz.available() == ["mine"]
    assert vaelearn.quiz.load("mine").name == "mine"


@pytest.mark.parametrize("path", QUIZ_FILES, ids=[p.name for p in QUIZ_FILES])
def test_quiz_file_matches_schema_and_loads(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    _validator().validate(data)
    quiz = vaelearn.quiz.load(path)
    assert quiz.name == path.stem
    assert [q.id for q in quiz.questions] == [entry["id"] for entry in data["questions"]]


def test_load_by_name_and_by_path_agree():
    by_name = vaelearn.quiz.load("eli5")
    by_path = vaelearn.quiz.load(str(vaelearn.quiz.quiz_dir() / "eli5.yaml"))
    assert by_name.questions == by_path.questions


def test_unknown_quiz_lists_the_available_ones():
    with pytest.raises(FileNotFoundError, match="available: .*eli5"):
        vaelearn.quiz.load("no-such-quiz")


# The "Test time" section of /work/shared/seeds/vae-explainer.md, verbatim.
ELI5 = [
    (
        "What is the primary goal of Variational Autoencoders (VAEs)?",
        ["Turning pictures into music.", "Generating new data samples.", "Finding hidden treasure."],
        "B",
        "VAEs learn to generate new data samples by sampling from the learned distribution of the latent "
        "space, enabling them to create diverse and realistic outputs.",
    ),
    (
        "How does a VAE handle data generation?",
        [
            "By turning pictures into secret codes.",
            "By sampling from the learned latent space distribution.",
            "By casting a magic spell.",
        ],
        "B",
        "VAEs generate new data samples by sampling from the learned distribution of the latent space, "
        "allowing them to create diverse and realistic outputs.",
    ),
    (
        "What is a common challenge faced by Variational Autoencoders (VAEs)?",
        ["Mode Collapse", "Time Travel", "Finding Waldo"],
        "A",
        "Mode collapse occurs when a VAE generates only a few distinct samples, failing to capture the full "
        "diversity of the data distribution.",
    ),
]


def test_eli5_quiz_mirrors_the_document():
    quiz = vaelearn.quiz.load("eli5")
    assert len(quiz.questions) == 3
    for question, (prompt, choices, answer, explanation) in zip(quiz.questions, ELI5):
        assert question.type == "single"
        assert question.prompt == prompt
        assert list(question.choices) == choices
        assert question.answer == answer
        assert question.explanation.startswith(explanation)


def test_eli5_mode_collapse_nuance_is_one_added_sentence():
    explanation = vaelearn.quiz.load("eli5").question("challenge").explanation
    added = explanation[len(ELI5[2][3]):].strip()
    assert "posterior collapse" in added and "GAN" in added
    assert added.count(". ") == 0 and added.endswith(".")


def test_welcome_quiz_has_three_questions_including_a_numeric_one():
    quiz = vaelearn.quiz.load("00_welcome")
    assert len(quiz.questions) == 3
    assert "numeric" in {q.type for q in quiz.questions}
