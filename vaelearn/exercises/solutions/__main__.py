"""``python -m vaelearn.exercises.solutions``: rewrite the answer key after changing an exercise."""

from ..engine import ANSWER_KEY
from . import write_answer_key

__all__ = []

if __name__ == "__main__":
    write_answer_key()
    print(f"Wrote {ANSWER_KEY}.")
