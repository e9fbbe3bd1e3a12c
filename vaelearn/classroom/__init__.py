"""Classroom tools, apart from the learning library: the ``vaelearn`` command (doctor,
prefetch, run, quiz, progress), the headless notebook runner, dataset downloads and the
export of quiz progress. No notebook imports these modules.
"""
