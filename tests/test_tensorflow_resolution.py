"""Installing vaelearn where TensorFlow already is (Colab, Kaggle, JupyterHub images) adds no
second TensorFlow; a fresh environment gets exactly one.

pip itself decides, offline: ``pip install --dry-run --report`` of the built wheel, against a
folder of stand-in wheels (one per dependency the wheel's metadata declares, plus newer
``tensorflow`` and ``tensorflow-cpu`` releases pip could pick), into a fresh venv that holds a
stand-in ``tensorflow`` or nothing.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from email.parser import Parser

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

pytestmark = pytest.mark.slow

NEWER_TENSORFLOWS = {"tensorflow": "2.99.0", "tensorflow-cpu": "2.99.0"}


def stand_in_wheel(folder, name, version):
    """Write an empty wheel of distribution ``name`` ``version`` into ``folder``."""
    stem = f"{canonicalize_name(name).replace('-', '_')}-{version}"
    files = {
        f"{stem}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{stem}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: vaelearn-tests\n"
                                   "Root-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [f"{path},sha256={_digest(text)},{len(text.encode())}" for path, text in files.items()]
    files[f"{stem}.dist-info/RECORD"] = "\n".join(record + [f"{stem}.dist-info/RECORD,,"]) + "\n"
    with zipfile.ZipFile(folder / f"{stem}-py3-none-any.whl", "w") as wheel:
        for path, text in files.items():
            wheel.writestr(path, text)


def _digest(text):
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


def satisfying_version(specifier):
    """A version that ``specifier`` allows: one of the versions it names, or 1.0."""
    candidates = sorted({Version(spec.version) for spec in specifier} | {Version("1.0")})
    return str(next(v for v in candidates if specifier.contains(v, prereleases=True)))


def declared_requirements(wheel):
    metadata = Parser().parsestr(zipfile.ZipFile(wheel).read(next(
        n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".dist-info/METADATA"))).decode())
    requirements = [Requirement(line) for line in metadata.get_all("Requires-Dist")]
    return [r for r in requirements if r.marker is None or r.marker.evaluate({"extra": ""})]


@pytest.fixture(scope="module")
def stand_ins(built_dist, tmp_path_factory):
    """A find-links folder with a stand-in for every dependency of the wheel."""
    folder = tmp_path_factory.mktemp("stand-ins")
    wheel, _ = built_dist
    for requirement in declared_requirements(wheel):
        stand_in_wheel(folder, requirement.name, satisfying_version(requirement.specifier))
    for name, version in NEWER_TENSORFLOWS.items():
        stand_in_wheel(folder, name, version)
    stand_in_wheel(folder, "tensorflow", "2.16.1")
    stand_in_wheel(folder, "tensorflow", "2.19.0")
    return folder


def pip(python, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no configured indexes or find-links: offline
    return subprocess.run([sys.executable, "-m", "pip", "--python", str(python),
                           "--disable-pip-version-check", *args],
                          capture_output=True, text=True, env=env, timeout=300, check=True)


def planned_installs(built_dist, stand_ins, tmp_path, installed_tensorflow=None):
    """The distributions pip would install with vaelearn into a fresh venv."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "env")],
                   check=True, timeout=120)
    python = tmp_path / "env" / "bin" / "python"
    if installed_tensorflow:
        pip(python, "install", "--no-index", "--find-links", str(stand_ins), "-q",
            f"tensorflow=={installed_tensorflow}")
    report = tmp_path / "report.json"
    wheel, _ = built_dist
    pip(python, "install", "--dry-run", "--report", str(report), "--no-index", "--find-links",
        str(stand_ins), "-q", str(wheel))
    return {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
            for item in json.loads(report.read_text())["install"]}


def test_the_wheel_depends_on_tensorflow_itself(built_dist):
    wheel, _ = built_dist
    names = [canonicalize_name(r.name) for r in declared_requirements(wheel)]
    assert [n for n in names if n.startswith("tensorflow")] == ["tensorflow"]


@pytest.mark.parametrize("version", ["2.16.1", "2.19.0"])
def test_an_environment_with_tensorflow_gets_no_other(built_dist, stand_ins, tmp_path, version):
    planned = planned_installs(built_dist, stand_ins, tmp_path, installed_tensorflow=version)
    assert planned.get("vaelearn") and planned.get("keras"), planned  # pip did resolve
    assert not [name for name in planned if name.startswith("tensorflow")], planned


def test_a_fresh_environment_gets_exactly_one_tensorflow(built_dist, stand_ins, tmp_path):
    planned = planned_installs(built_dist, stand_ins, tmp_path)
    assert {n: v for n, v in planned.items() if n.startswith("tensorflow")} == {
        "tensorflow": NEWER_TENSORFLOWS["tensorflow"]}
