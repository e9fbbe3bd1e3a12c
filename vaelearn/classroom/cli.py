"""The ``vaelearn`` command: prepare a machine for the course and practise outside notebooks.

Each subcommand imports what it needs when it runs, so ``vaelearn quiz`` and
``vaelearn progress`` start instantly; only ``vaelearn doctor`` imports Keras and its backend.
"""

import argparse
import sys
from contextlib import nullcontext
from importlib import metadata
from pathlib import Path

from ..errors import VaelearnError
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
    from .fetch import ensure
    from ..sources import REMOTE_DATASETS, data_dir, remote_files

    names = args.datasets or list(REMOTE_DATASETS)
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
    from .runner import find_notebooks, format_table, run_all

    notebooks = find_notebooks(args.notebooks)
    missing = [str(path) for path in notebooks if not path.is_file()]
    if missing or not notebooks:
        problem = f"not found: {', '.join(missing)}" if missing else "no notebooks in notebooks/"
        print(f"error: {problem}", file=sys.stderr)
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
    except (FileNotFoundError, vaelearn.quiz.QuizFormatError) as e:
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

    results = copy_notebooks(args.dest, force=args.force)
    for result in results:
        note = ""
        if result.action == "kept":
            note = " (you changed it; --force replaces it, keeping yours as a backup)"
        elif result.action == "replaced":
            note = f" (yours is kept as {result.backup.name})"
        print(f"{result.action:<9}  {result.path}{note}")
    print(f"The course is in {args.dest}/: open it with `jupyter lab {args.dest}`.")
    return 0


def progress_command(args):
    """Print the learner's summary, or export their attempts as CSV."""
    import vaelearn.quiz

    if args.export is None and args.output is None:
        print(vaelearn.quiz.progress())
        print(f"\n(attempts are recorded in {vaelearn.quiz.record_path()})")
        return 0
    from .progress_export import FIELDS, own_rows, write_rows

    try:
        rows = own_rows()
    except vaelearn.quiz.ProgressFileError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    with _open_output(args.output) as file:
        write_rows(rows, file, FIELDS)
    return 0


def collect_command(args):
    """Merge many learners' progress files into one CSV."""
    from .progress_export import COLLECT_FIELDS, collect, write_rows

    def skip(path, error):
        print(f"skipped {path}: {error}", file=sys.stderr)

    rows, merged = collect(args.files, on_error=skip)
    if not merged:
        print("error: no progress file could be read", file=sys.stderr)
        return 1
    with _open_output(args.output) as file:
        write_rows(rows, file, COLLECT_FIELDS)
    print(f"merged {len(rows)} attempts from {len(merged)} of {len(args.files)} files",
          file=sys.stderr)
    return 0


def _open_output(path):
    """``path`` opened for CSV writing, or stdout (left open) when path is None."""
    if path is None:
        return nullcontext(sys.stdout)
    return open(path, "w", newline="", encoding="utf-8")


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
                     help="mnist and/or fashion_mnist (default: both)")
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
                    "column (the file's stem, or its folder's name for progress.json). "
                    "Unreadable files are reported and skipped.")
    sub.add_argument("files", nargs="+", type=Path, metavar="FILE", help="progress files")
    sub.add_argument("--output", type=Path, metavar="FILE",
                     help="CSV file to write (default: stdout)")
    sub.set_defaults(handler=collect_command)
    return parser


def main(argv=None):
    """Run ``vaelearn`` with ``argv`` (default: the command line); return the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.handler(args)
    except VaelearnError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nInterrupted.", file=sys.stderr)
        return 130
