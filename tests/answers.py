"""What a copy of an exercise's reference solution would hold, to look for it in files."""

import inspect
import textwrap

from vaelearn.exercises import get

# Exercises that rebuild a piece of the library, whose judge compares with it: the library's
# own code may begin alike (two lines of the class and method heads), never hold the reference.
LIBRARY_TWINS = {"scratch_sampling": "vaelearn/networks.py"}


def code_lines(text):
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def reference_pieces(name):
    """Each two consecutive lines of a reference's body (the one line of a one-line body),
    whitespace stripped: what a copy of the reference would hold. Its signature, which the
    notebooks show, is left out."""
    source = textwrap.dedent(inspect.getsource(get(name).reference))
    body = code_lines(source[source.index(":\n") + 2:]).splitlines()
    return ["\n".join(body[i:i + 2]) for i in range(max(1, len(body) - 1))]
