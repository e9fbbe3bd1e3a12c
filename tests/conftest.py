import pytest

import vaelearn.data


@pytest.fixture(scope="session")
def digits():
    """The bundled 8x8 digits, loaded once."""
    return vaelearn.data.load("digits")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    """Every test gets a fresh learner home and dataset cache, never the real ones."""
    monkeypatch.setenv("VAELEARN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("VAELEARN_DATA_DIR", str(tmp_path / "datasets"))
    return tmp_path / "home"


@pytest.fixture
def quiz_folder(tmp_path, monkeypatch):
    """Serve quizzes from a temporary folder; returns ``write(name, yaml_text) -> path``."""
    folder = tmp_path / "quizzes"
    folder.mkdir()
    monkeypatch.setenv("VAELEARN_QUIZ_DIR", str(folder))

    def write(name, text):
        path = folder / f"{name}.yaml"
        path.write_text(text)
        return path

    return write
