"""The instructors' tools, on top of the learning library and the course machinery: the
``vaelearn`` command (doctor, prefetch, notebooks, run, quiz, progress), the headless notebook
runner and its HTML pages, and the export of learners' progress. No notebook imports these
modules, and nothing below imports them.
"""

__all__ = []
