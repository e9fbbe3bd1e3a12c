"""Build the course's website: ``make site`` (or ``python tools/build_site.py``).

Sphinx with MyST-NB turns the executed notebooks into build/site/html/ (open its index.html;
``python -m http.server -d build/site/html`` serves it). Executions are cached with
jupyter-cache in build/site/cache/, keyed by the notebook's code: a rebuild after one edit
re-runs that notebook only, and Sphinx re-reads only the pages that changed. ``--executed DIR``
adds executed copies made elsewhere to the cache first (``make test`` passes the ones its
nbval run wrote, so the site runs no notebook again). A change in the vaelearn package does
not invalidate the cache: ``make site-clean`` forgets every execution.

Each notebook runs as ``vaelearn run`` runs it (a fresh kernel in notebooks/, on the dataset
that VAELEARN_DATASET names, the bundled MNIST by default). The settings of the site, launch
links included, are in site/conf.py.
"""

import argparse
import sys
import time
from importlib import resources
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn

from vaelearn.classroom import runner
from vaelearn.classroom.pages import MATHJAX_COMPONENT
from vaelearn.classroom.site import EXERCISE_STYLE, site_notebook
from vaelearn.course import notebooks
from vaelearn.quiz import form

ROOT = Path(__file__).resolve().parents[1]


def cache_executed(cache, folder):
    """Add the executed notebooks of ``folder`` to the cache; return how many."""
    paths = sorted(Path(folder).glob("*.ipynb"))
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        cache.cache_notebook_bundle(CacheBundleIn(nb, str(path)), check_validity=False,
                                    overwrite=True)
    return len(paths)


def executed(cache, path, *, cell_timeout):
    """The notebook at ``path`` with its outputs: from the cache, else run and cached.

    Returns ``(notebook, ran)``; if the run fails, exits naming the notebook, its failing cell
    and the error.
    """
    nb = nbformat.read(path, as_version=4)
    try:
        _, merged = cache.merge_match_into_notebook(nb)
        return merged, False
    except KeyError:
        pass
    start = time.perf_counter()
    kernelspec = nb.metadata.get("kernelspec")
    failure = runner.execute(nb, path.parent, cell_timeout)
    if failure:
        sys.exit(f"{path.name} failed, so the site was not built:\n{failure}")
    print(f"ran {path.name} in {time.perf_counter() - start:.0f} s", flush=True)
    # The cache matches a notebook by its code cells (metadata included) and its kernelspec:
    # leave out what the run added to them (timings, the kernel's own kernelspec).
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata.pop("kernelspec", None)
    if kernelspec is not None:
        nb.metadata.kernelspec = kernelspec
    cache.cache_notebook_bundle(CacheBundleIn(nb, str(path)), check_validity=False, overwrite=True)
    return nb, True


def write_if_changed(path, text):
    """Write ``text`` unless the file holds it already (Sphinx rebuilds pages by their time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def prepare_sources(src, cache, *, cell_timeout):
    """Write Sphinx's source folder; return how many notebooks ran."""
    ran = 0
    wanted = {"_static"}
    for path in notebooks():
        nb, did_run = executed(cache, path, cell_timeout=cell_timeout)
        ran += did_run
        write_if_changed(src / path.name, nbformat.writes(site_notebook(nb)) + "\n")
        wanted.add(path.name)
    for path in (ROOT / "site").rglob("*"):  # the settings, the home page, templates
        if path.is_file():
            relative = path.relative_to(ROOT / "site")
            write_if_changed(src / relative, path.read_text(encoding="utf-8"))
            wanted.add(relative.parts[0])
    static = src / "_static"
    mathjax = resources.files("mathjax").joinpath(MATHJAX_COMPONENT).read_text(encoding="utf-8")
    write_if_changed(static / "tex-svg-full.js", mathjax)
    write_if_changed(static / "vaelearn-quiz.js", form.script_source())
    write_if_changed(static / "vaelearn.css", form.STYLE + EXERCISE_STYLE)
    for stale in set(p.name for p in src.iterdir()) - wanted:  # a notebook renamed or removed
        (src / stale).unlink()
    return ran


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "site",
                        help="the build folder (default: build/site)")
    parser.add_argument("--executed", type=Path, action="append", default=[],
                        help="a folder of executed notebooks to reuse (repeatable)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a cell may run")
    args = parser.parse_args(argv)

    from sphinx.cmd.build import build_main

    start = time.perf_counter()
    cache = get_cache(args.out / "cache")
    for folder in args.executed:
        print(f"reused {cache_executed(cache, folder)} executed notebooks from {folder}")
    ran = prepare_sources(args.out / "src", cache, cell_timeout=args.timeout)
    status = build_main(["-b", "html", "-q", "-W", "--keep-going", "-d",
                         str(args.out / "doctrees"), str(args.out / "src"),
                         str(args.out / "html")])
    if status:
        return status
    pages = len(list((args.out / "html").glob("*.html"))) - 1  # search.html is not a page
    print(f"site: {pages} pages in {args.out / 'html'}, {ran} notebooks run, "
          f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
