"""The ``vaelearn`` command: prepare a machine for the course and practise outside notebooks.

Each subcommand imports what it needs when it runs, so ``vaelearn quiz`` and
``vaelearn progress`` start instantly; only ``vaelearn doctor`` imports Keras and its backend.
"""

import argparse
import os
import sys
import warnings
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

from ..errors import QuizFormatError, UnwritablePathError, UsageError, VaelearnError
from ..files import atomic_write, same_file, write_error_message
from .interrupts import signals_raised
from .notebook_copy import DEFAULT_DEST

__all__ = ["build_parser", "main"]


def doctor_command(args):
    """Print the readiness report; exit code 1 if any check failed."""
    from . import doctor

    text, code = doctor.report(doctor.run_checks())
    print(text)
    return code


def prefetch_command(args):
    """Put datasets in the cache, from the internet or from ``--from DIR``."""
    from ..download import ensure
    from ..sources import PREFETCH_DEFAULT, data_dir, remote_files

    names = args.datasets or list(PREFETCH_DEFAULT)
    for name in names:
        remote_files(name)  # reject a misspelt name before downloading anything
    failed = []
    for name in names:
        try:
            action = ensure(name, folder=args.source, timeout=args.timeout)
        except VaelearnError as e:
            print(f"error: {e}", file=sys.stderr)
            failed.append(name)
        else:
            print(f"{name}: {action} (checksums verified) in {data_dir()}")
    if failed:
        print(f"Failed: {', '.join(failed)}.", file=sys.stderr)
    return int(bool(failed))


def run_command(args):
    """Execute notebooks headless; print a table and the failing cells."""
    from .pages import check_renderer
    from .runner import check_notebooks, check_output, find_notebooks, format_table, run_all

    notebooks = find_notebooks(args.notebooks)
    # Every input, the output folder and the pages' math renderer are checked before the
    # first notebook runs.
    problems = check_notebooks(notebooks) if notebooks else ["no notebooks in notebooks/"]
    problems += check_renderer()
    try:
        check_output(args.out)
    except UnwritablePathError as e:
        problems.append(str(e))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    results = run_all(notebooks, args.out, cell_timeout=args.timeout)
    print(format_table(results))
    failed = [result for result in results if result.error]
    for result in failed:
        print(f"\n{result.notebook} failed in this cell:\n{result.error}", file=sys.stderr)
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed; "
          f"executed notebooks and HTML pages are in {args.out}/")
    return int(bool(failed))


def quiz_command(args):
    """Take a quiz in the terminal, or print its answer key."""
    import vaelearn.quiz

    if args.name is None:
        names = vaelearn.quiz.available()
        if not names:
            print(f"error: no quizzes in {vaelearn.quiz.quiz_dir()}: reinstall vaelearn "
                  "(pip install --force-reinstall vaelearn) or set VAELEARN_QUIZ_DIR",
                  file=sys.stderr)
            return 1
        print("Quizzes:", ", ".join(names))
        return 0
    try:
        loaded = vaelearn.quiz.load(args.name)
    except (FileNotFoundError, QuizFormatError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    if args.answers:
        print(loaded.answer_key())
        return 0
    from ..quiz.terminal import take

    take(loaded)
    return 0


def notebooks_command(args):
    """Copy the course's notebooks into a folder of the learner's."""
    from .notebook_copy import copy_notebooks

    _print_actions(copy_notebooks(args.dest, force=args.force),
                   kept="you changed it; --force replaces it, keeping yours as a backup",
                   replaced="yours is kept as {backup.name}")
    print(f"The course is in {args.dest}/: open it with `jupyter lab {args.dest}`.")
    return 0


def _print_actions(results, *, kept, replaced):
    """One line per file written: what happened to it, and a note on those kept or replaced
    (``replaced`` may name ``{backup}``)."""
    for result in results:
        note = {"kept": f" ({kept})", "replaced": f" ({replaced})"}.get(result.action, "")
        print(f"{result.action:<9}  {result.path}{note.format(backup=result.backup)}")


def assignments_command(args):
    """Write the course as an nbgrader course folder."""
    from .assignments import write_assignments

    _print_actions(write_assignments(args.dest, force=args.force),
                   kept="changed since it was written; --force replaces it, keeping a backup",
                   replaced="the changed one is kept as {backup}")
    print(f"Points: {args.dest / 'points.yaml'} (edit, then run this again). Next, in "
          f"{args.dest}/: `nbgrader generate_assignment NAME` for each lesson.")
    return 0


def progress_command(args):
    """Print the learner's summary, or export their attempts as CSV."""
    from ..progress import report
    from ..records import record_path

    if args.export is None and args.output is None:
        print(report())
        print(f"\n(attempts are recorded in {record_path()})")
        return 0
    from .progress_export import FIELDS, own_rows, write_rows

    _refuse_overwriting(args.output, [record_path()])
    rows, skipped = own_rows()
    with _csv_output(args.output) as file:
        write_rows(rows, file, FIELDS)
    for problem in skipped:
        print(f"skipped {record_path()}: {problem}", file=sys.stderr)
    return int(bool(skipped))


def collect_command(args):
    """Merge many learners' progress files into one CSV; exit code 1 if any was skipped."""
    from .progress_export import COLLECT_FIELDS, collect, write_rows

    if args.output and args.collect_output and not same_file(args.output, args.collect_output):
        raise UsageError(f"--output is given twice ({args.output} and {args.collect_output}); "
                         "give it once.")
    output = args.collect_output or args.output
    _refuse_overwriting(output, args.files)
    result = collect(args.files)
    for path, problem in result.skipped_files + result.skipped_attempts:
        print(f"skipped {path}: {problem}", file=sys.stderr)
    for path, learner in result.renamed:
        print(f"note: {path} is learner {learner!r} (another file gives the same name)",
              file=sys.stderr)
    if not result.merged:
        print("error: no progress file could be read", file=sys.stderr)
        return 1
    with _csv_output(output) as file:
        write_rows(result.rows, file, COLLECT_FIELDS)
    summary = (f"merged {len(result.rows)} attempts from {len(result.merged)} of "
               f"{len(args.files)} files")
    skipped = len(result.skipped_files), len(result.skipped_attempts)
    if any(skipped):
        summary += (f"; skipped {skipped[0]} file{'s' * (skipped[0] != 1)} and {skipped[1]} "
                    f"attempt{'s' * (skipped[1] != 1)}, listed above")
    print(summary, file=sys.stderr)
    return int(any(skipped))


def _refuse_overwriting(output, inputs):
    """Stop before the CSV replaces one of the files it is made from."""
    for path in inputs if output is not None else ():
        if same_file(output, path):
            raise UsageError(f"--output {output} is the progress file {path}, which the CSV "
                             "would replace. Write the CSV to another file, e.g. class.csv.")


@contextmanager
def _csv_output(path):
    """The open text file to write CSV to: ``path``, replaced atomically, or stdout."""
    if path is None:
        yield sys.stdout
        return
    try:
        with atomic_write(path, newline="", encoding="utf-8") as file:
            yield file
    except OSError as e:
        raise UnwritablePathError(write_error_message(e, path, "choose another --output FILE")) from None


def build_parser():
    """The argument parser of ``vaelearn`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="vaelearn",
        description="Tools for the vaelearn Variational Autoencoder course.",
    )
    parser.add_argument("--version", action="version",
                        version=f"vaelearn {metadata.version('vaelearn')}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub = commands.add_parser(
        "doctor", help="check that this machine is ready for the course",
        description="Report package versions, the Keras backend and its devices, the "
                    "JupyterLab widget extension, the course's quizzes and notebooks, the "
                    "cached datasets and whether VAELEARN_HOME is writable. "
                    "Exit code 0 when every check passes, 1 otherwise.")
    sub.set_defaults(handler=doctor_command)

    sub = commands.add_parser(
        "prefetch", help="download datasets, or import them from a folder",
        description="Put datasets into the data directory ($VAELEARN_DATA_DIR, default "
                    "~/.keras/datasets), verifying every checksum. Valid cached files are "
                    "kept; an interrupted transfer leaves no partial file.")
    sub.add_argument("datasets", nargs="*", metavar="DATASET",
                     help="mnist, fashion_mnist and/or cifar10 (default: mnist and "
                          "fashion_mnist; cifar10, 170 MB, only when named)")
    sub.add_argument("--from", dest="source", type=Path, metavar="DIR",
                     help="copy the files from DIR (a USB stick, a share) instead of downloading")
    sub.add_argument("--timeout", type=float, default=30, metavar="SECONDS",
                     help="network timeout per connection (default: %(default)s)")
    sub.set_defaults(handler=prefetch_command)

    sub = commands.add_parser(
        "run", help="execute notebooks headless and export them to HTML",
        description="Execute notebooks in a fresh python3 kernel each, from the notebook's "
                    "folder, and write executed copies and HTML pages. Exit code 1 if any "
                    "notebook fails.")
    sub.add_argument("notebooks", nargs="*", type=Path, metavar="NOTEBOOK",
                     help="notebooks to run (default: notebooks/*.ipynb, sorted)")
    sub.add_argument("--out", type=Path, default=Path("build"), metavar="DIR",
                     help="output folder (default: %(default)s)")
    sub.add_argument("--timeout", type=float, default=600, metavar="SECONDS",
                     help="longest time one cell may run (default: %(default)s)")
    sub.set_defaults(handler=run_command)

    sub = commands.add_parser(
        "quiz", help="take a quiz in the terminal",
        description="Answer a quiz's questions on stdin (a letter, letters separated by "
                    "commas, or a number). Attempts are recorded like the notebook widgets' "
                    "ones. Without NAME, list the quizzes.")
    sub.add_argument("name", nargs="?", metavar="NAME", help="quiz name, e.g. eli5")
    sub.add_argument("--answers", action="store_true",
                     help="print the answer key (for instructors) instead")
    sub.set_defaults(handler=quiz_command)

    sub = commands.add_parser(
        "notebooks", help="copy the course's notebooks into a folder of yours",
        description="Copy the course's notebooks into DEST, to open with JupyterLab. A "
                    "notebook you changed is never replaced unless you add --force (which "
                    "first saves yours as NAME.backup.ipynb); one you did not change is "
                    "updated to this version of the course.")
    sub.add_argument("dest", nargs="?", type=Path, default=DEFAULT_DEST,
                     metavar="DEST", help="folder to copy into (default: %(default)s)")
    sub.add_argument("--force", action="store_true",
                     help="also replace notebooks you changed (yours are kept as backups)")
    sub.set_defaults(handler=notebooks_command)

    sub = commands.add_parser(
        "assignments", help="write the course as nbgrader assignments (for instructors)",
        description="Write an nbgrader course folder into DEST: one assignment per lesson "
                    "(source/NAME/NAME.ipynb) with the reference solutions in solution "
                    "regions, each exercise's check as a locked test cell with points (and a "
                    "hidden test on other cases), and the quiz as graded questions; "
                    "nbgrader_config.py; and points.yaml, the points and lessons to edit. "
                    "Needs the instructor's installation (with solutions).")
    sub.add_argument("dest", type=Path, metavar="DEST", help="the nbgrader course folder")
    sub.add_argument("--force", action="store_true",
                     help="also replace files changed since this command wrote them "
                          "(the changed ones are moved to DEST/backups/)")
    sub.set_defaults(handler=assignments_command)

    sub = commands.add_parser(
        "progress", help="show or export your quiz progress",
        description="Summarise your quiz attempts, export them as CSV, or (collect) merge "
                    "several learners' progress files for an instructor.")
    sub.add_argument("--export", choices=["csv"], help="write every attempt as CSV")
    sub.add_argument("--output", type=Path, metavar="FILE",
                     help="write the CSV to FILE (implies --export csv; default: stdout)")
    sub.set_defaults(handler=progress_command)
    progress_commands = sub.add_subparsers(metavar="COMMAND")
    sub = progress_commands.add_parser(
        "collect", help="merge learners' progress files into one CSV",
        description="Merge progress files into one CSV, one row per attempt, with a learner "
                    "column (the file's stem, or its folder's name for progress.json, with "
                    "parent folders added where two files give the same name). Unreadable "
                    "files and incomplete records are reported and skipped, with exit code 1.")
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="progress files")
    sub.add_argument("--output", dest="collect_output", type=Path, metavar="FILE",
                     help="CSV file to write, not one of the inputs (default: stdout)")
    sub.set_defaults(handler=collect_command)
    return parser


def main(argv=None):
    """Run the ``vaelearn`` command.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: the command line's).

    Returns
    -------
    int
        The exit code.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        with signals_raised(), _warnings_as_lines():
            code = args.handler(args)
            sys.stdout.flush()  # a closed pipe shows here rather than at exit
        return code
    except VaelearnError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as e:
        print("\nInterrupted.", file=sys.stderr)
        return getattr(e, "exit_code", 130)
    except BrokenPipeError:
        _discard_stdout()
        print("error: cannot write to standard output: the reader closed the pipe, so the "
              "output is incomplete. Write it to a file instead (--output FILE).", file=sys.stderr)
        return 1
    except OSError as e:  # one the command did not expect: still one line, not a traceback
        print(f"error: {e.filename or 'a file'}: {e.strerror or e}. Check that path and its "
              "folder, then try again.", file=sys.stderr)
        return 1


@contextmanager
def _warnings_as_lines():
    """Show each warning as one ``warning: ...`` line, without Python's source lines."""
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, *args, **kwargs: print(f"warning: {message}",
                                                                      file=sys.stderr)
        yield


def _discard_stdout():
    """Send what is left in stdout's buffer to devnull, so that exiting raises nothing."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor (e.g. captured)
        pass
