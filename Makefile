# Two commands on a fresh machine:  `make lab` opens the course, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# Containers and lab images often run as root, where JupyterLab refuses to start unless told.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u 2>/dev/null)),--ServerApp.allow_root=True)

.PHONY: lab test test-browser test-backends bench clean

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
	$(PIP) install -e '.[test]'
	touch $(VENV)/.installed $@

lab: $(VENV)/.installed
	$(BIN)/python -m jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		--ServerApp.root_dir=notebooks $(ALLOW_ROOT)

# Every notebook runs twice: on the bundled MNIST sample (with the unit tests), then on the 8x8 digits.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest
	VAELEARN_DATASET=digits $(BIN)/python -m pytest notebooks

test-browser: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m browser tests/browser

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

clean:
	rm -rf build .pytest_cache
