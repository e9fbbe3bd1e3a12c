"""Take a quiz in a terminal: ``vaelearn quiz NAME``.

Grading and progress are the widgets' own (:meth:`Quiz.check`), so an attempt made
here counts exactly like one made in a notebook. Each question gets one graded try,
then the answer and its explanation are shown.
"""

__all__ = ["take"]

ASK = {
    "single": "Your answer (a letter)",
    "multiple": "Your answers (letters separated by commas)",
    "numeric": "Your answer (a number)",
}


def take(quiz, *, read=input, write=print):
    """Ask every question of a quiz in a terminal.

    Parameters
    ----------
    quiz : Quiz
    read : callable
        ``read(prompt)`` returns one line of input and raises ``EOFError`` at the end of it.
    write : callable
        Prints a line.

    Returns
    -------
    Score or None
        None if the input ended first.
    """
    write(f"{quiz.title}\n{'=' * len(quiz.title)}")
    if quiz.intro:
        write(f"\n{quiz.intro.strip()}")
    for number, question in enumerate(quiz.questions, 1):
        write(f"\nQuestion {number} of {len(quiz.questions)}\n{question.prompt.strip()}")
        for label in question.labels():
            write(f"  {label}")
        try:
            result = _ask(quiz, question, read, write)
        except EOFError:
            write(f"\nInput ended: {number - 1} of {len(quiz.questions)} questions answered.")
            return None
        if result.correct:
            write(result.feedback)
        else:
            write(f"Not quite. The answer is: {question.answer_text()}")
        write(result.explanation.strip())
    score = quiz.score()
    write(f"\n{score}")
    return score


def _ask(quiz, question, read, write):
    """Read responses until one names a valid choice or number; return its grade."""
    while True:
        response = read(f"{ASK[question.type]}: ")
        try:
            return quiz.check(question.id, response)
        except ValueError as e:
            write(f"  {e}")
