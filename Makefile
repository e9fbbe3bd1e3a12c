# Two commands on a fresh machine:  `make lab` opens the course, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# Containers and lab images often run as root, where JupyterLab refuses to start unless told.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--ServerApp.allow_root=True)

COMPARE := .venv-compare
NBGRADER := .venv-nbgrader
HUB      := .hub
AXE      := .axe/node_modules/axe-core/axe.min.js
SITE     ?= build/site

.PHONY: lab test test-browser test-backends site site-clean bench bench-compare bench-class graded-wheel clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when pyproject.toml changes, so `make lab` works offline once installed.
# vaelearn now needs `tensorflow`; a venv made before has `tensorflow-cpu`, which installs the
# same tensorflow/ folder, so it goes first.
DROP_TF_CPU := $(BIN)/python -m pip show -q tensorflow-cpu 2>/dev/null && \
	$(PIP) uninstall -y tensorflow-cpu || true

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(DROP_TF_CPU)
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(DROP_TF_CPU)
	$(PIP) install -e '.[test,site]'
	touch $(VENV)/.installed $(VENV)/.installed-site $@

$(VENV)/.installed-site: pyproject.toml | $(BIN)/python
	$(DROP_TF_CPU)
	$(PIP) install -e '.[site]'
	touch $(VENV)/.installed $@

# axe-core, the accessibility audit that the browser tests run in each page (from npm).
$(AXE):
	npm install --prefix .axe --no-audit --no-fund --silent axe-core@4

# pythae and PyOD run on PyTorch: their comparisons get an environment of their own (a CPU-only
# PyTorch first, then the course's `compare` extra), so that `make lab` stays lean.
$(COMPARE)/.installed-compare: pyproject.toml tools/compare_env.py tools/venvs.py
	$(PYTHON) tools/compare_env.py $(COMPARE)
	touch $@

# nbgrader and its pins get an environment of their own too, beside a graded install of the
# course (no answers): tests/test_nbgrader.py grades two lessons there. Python >= 3.11.
$(NBGRADER)/.installed-nbgrader: pyproject.toml tools/nbgrader_env.py tools/graded_wheel.py | $(VENV)/.installed-test
	$(BIN)/python tools/nbgrader_env.py $(NBGRADER)

lab: $(VENV)/.installed
	$(BIN)/python -m jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=notebooks $(ALLOW_ROOT)

# Every notebook runs twice: on the bundled MNIST sample (with the unit tests), then on the 8x8 digits;
# each run keeps its executed copies in build/executed/. The website is built from the MNIST ones
# (no notebook runs again) and checked in Chromium (tests/browser/site/). Then the comparisons
# with pythae and PyOD, in their environment (tests/compare/conftest.py).
test: $(VENV)/.installed-test $(COMPARE)/.installed-compare $(NBGRADER)/.installed-nbgrader $(AXE)
	rm -rf build/executed build/site-test
	VAELEARN_EXECUTED=build/executed/mnist_sample $(BIN)/python -m pytest
	VAELEARN_DATASET=digits VAELEARN_EXECUTED=build/executed/digits $(BIN)/python -m pytest notebooks
	$(BIN)/python tools/build_site.py --out build/site-test --executed build/executed/mnist_sample
	VAELEARN_SITE=build/site-test/html $(BIN)/python -m pytest tests/browser/site
	$(COMPARE)/bin/python -m pytest -o addopts= tests/compare

test-browser: $(VENV)/.installed-test $(AXE)
	$(BIN)/python -m pytest -m browser tests/browser

# The course as a website in $(SITE)/html/ (tools/build_site.py; its settings in site/conf.py).
# Launch links need the repository, e.g. make site REPOSITORY_URL=https://github.com/ORG/vaelearn
# (SITE_BRANCH=... if not main), and HUB_URL=https://hub.example.edu adds a JupyterHub
# (nbgitpuller) link; none when unset. Executions are cached: a rebuild runs only the notebooks
# whose code changed.
SITE_BRANCH ?= main
site: $(VENV)/.installed-site
	VAELEARN_SITE_REPOSITORY="$(REPOSITORY_URL)" VAELEARN_SITE_HUB="$(HUB_URL)" \
		VAELEARN_SITE_BRANCH="$(SITE_BRANCH)" $(BIN)/python tools/build_site.py --out $(SITE)

site-clean:
	rm -rf $(SITE)

# The unit tests and the notebooks under KERAS_BACKEND=tensorflow, jax and torch, in
# .venv-backends (JAX and a CPU-only PyTorch installed there if missing); a table at the end.
test-backends:
	$(PYTHON) tools/test_backends.py

bench: $(VENV)/.installed
	$(BIN)/python bench/import_time.py
	$(BIN)/python bench/train_throughput.py
	$(BIN)/python bench/time_to_quality.py
	$(BIN)/python bench/course_runtime.py
	$(BIN)/python bench/nan_guard_overhead.py
	$(BIN)/python bench/progress_overhead.py
	$(BIN)/python bench/fraction_of_peak.py
	$(BIN)/python bench/folder_load.py
	$(BIN)/python bench/diagnose_time.py
	$(BIN)/python bench/capstone_grids.py

# The comparisons with what learners would pick instead (about 50 minutes; BENCHMARKS.md).
bench-compare: $(COMPARE)/.installed-compare
	$(COMPARE)/bin/python bench/compare_pythae.py
	$(COMPARE)/bin/python bench/compare_pyod.py

# A simulated class through a real JupyterHub on this machine: memory per learner and slow-down
# (about 10 minutes on 2 idle cores; bench/class_load.py). The hub's proxy is a Node package.
$(VENV)/.installed-hub: pyproject.toml | $(BIN)/python
	$(DROP_TF_CPU)
	$(PIP) install -e '.[hub]'
	touch $(VENV)/.installed $@

$(HUB)/node_modules/.bin/configurable-http-proxy:
	npm install --prefix $(HUB) --no-audit --no-fund configurable-http-proxy@4

bench-class: $(VENV)/.installed-hub $(HUB)/node_modules/.bin/configurable-http-proxy
	$(BIN)/python bench/class_load.py

# The wheel of a graded class: the course without the exercises' answers (dist/graded/).
graded-wheel: $(VENV)/.installed-test
	$(BIN)/python tools/graded_wheel.py dist/graded

clean:
	rm -rf build .pytest_cache
