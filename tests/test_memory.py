"""The memory limit a kernel runs under, read from a faked machine, and the first-cell warning.

Every test builds its own ``/proc`` and ``/sys/fs/cgroup`` under a temporary folder (the
``root`` of :func:`vaelearn.memory.read_limit`); none reads the real machine's limit.
"""

import os
import sys
from types import SimpleNamespace

import pytest

from vaelearn import course, memory
from vaelearn.memory import MemoryLimit, read_limit, warn_if_short

MIB = 2**20
GIB = 2**30
MEMINFO_16_GIB = "MemTotal:       16777216 kB\nMemFree:         1000000 kB\n"
total_from_os = memory._total_from_os  # before the fixture below replaces it


def fake_machine(root, files):
    """Write ``files`` ({path under root: text}) and return ``root``."""
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


@pytest.fixture(autouse=True)
def no_os_total(monkeypatch):
    """A faked machine is never completed from the real one's operating system."""
    def asked():
        raise AssertionError("read_limit(root=...) asked the operating system")

    monkeypatch.setattr(memory, "_total_from_os", asked)


def test_cgroup_v2_limit_of_a_group_above_the_process(tmp_path):
    root = fake_machine(tmp_path, {
        "proc/self/cgroup": "0::/user.slice/user-1000.slice/session-1.scope\n",
        "proc/meminfo": MEMINFO_16_GIB,
        "sys/fs/cgroup/user.slice/user-1000.slice/session-1.scope/memory.max": "max\n",
        "sys/fs/cgroup/user.slice/user-1000.slice/memory.max": f"{GIB}\n",
        "sys/fs/cgroup/user.slice/user-1000.slice/memory.current": f"{300 * MIB}\n",
        "sys/fs/cgroup/user.slice/memory.max": "max\n",
    })
    assert read_limit(root=root) == MemoryLimit(
        GIB, "cgroup v2", root / "sys/fs/cgroup/user.slice/user-1000.slice/memory.max", 300 * MIB)


def test_the_tightest_cgroup_v2_limit_wins(tmp_path):
    root = fake_machine(tmp_path, {
        "proc/self/cgroup": "0::/hub/alice\n",
        "sys/fs/cgroup/hub/alice/memory.max": f"{2 * GIB}\n",
        "sys/fs/cgroup/hub/memory.max": f"{8 * GIB}\n",
    })
    found = read_limit(root=root)
    assert (found.limit_bytes, found.source, found.usage_bytes) == (2 * GIB, "cgroup v2", None)
    assert found.path == root / "sys/fs/cgroup/hub/alice/memory.max"


def test_a_container_sees_its_own_group_as_the_root(tmp_path):
    root = fake_machine(tmp_path, {
        "proc/self/cgroup": "0::/kubepods/burstable/pod-1234/abcd\n",  # the host's name for it
        "proc/meminfo": MEMINFO_16_GIB,
        "sys/fs/cgroup/memory.max": f"{1536 * MIB}\n",
    })
    assert read_limit(root=root).limit_mib == 1536


def test_cgroup_v2_max_means_the_machines_memory(tmp_path):
    root = fake_machine(tmp_path, {
        "proc/self/cgroup": "0::/\n",
        "proc/meminfo": MEMINFO_16_GIB,
        "sys/fs/cgroup/memory.max": "max\n",
    })
    assert read_limit(root=root) == MemoryLimit(16 * GIB, "machine", root / "proc/meminfo")


def test_cgroup_v1_limit(tmp_path):
    root = fake_machine(tmp_path, {
        "proc/self/cgroup": "5:cpu,cpuacct:/docker/abc\n4:memory:/docker/abc\n0::/\n",
        "proc/meminfo": MEMINFO_16_GIB,
        "sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
        "sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes": f"{2 * GIB}\n",
        "sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes": f"{500 * MIB}\n",
        "sys/fs/cgroup/unified/cgroup.procs": "",  # the hybrid layout's v2 tree, without memory
    })
    assert read_limit(root=root) == MemoryLimit(
        2 * GIB, "cgroup v1", root / "sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes",
        500 * MIB)


def test_cgroup_v1s_huge_number_means_the_machines_memory(tmp_path):
    root = fake_machine(tmp_path, {
        "proc/self/cgroup": "4:memory:/\n",
        "proc/meminfo": MEMINFO_16_GIB,
        "sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n",
    })
    assert read_limit(root=root).source == "machine"


def test_a_cgroup_limit_above_the_machines_memory_is_the_machines(tmp_path):
    root = fake_machine(tmp_path, {
        "proc/self/cgroup": "0::/\n",
        "proc/meminfo": MEMINFO_16_GIB,
        "sys/fs/cgroup/memory.max": f"{64 * GIB}\n",
    })
    assert read_limit(root=root) == MemoryLimit(16 * GIB, "machine", root / "proc/meminfo")


def test_unreadable_files_are_no_limit(tmp_path):
    root = fake_machine(tmp_path, {
        "proc/meminfo": "MemTotal: lots\n",
        "sys/fs/cgroup/memory.max": "not a number\n",
    })
    (root / "proc/self/cgroup").mkdir(parents=True)  # a folder: reading it fails
    assert read_limit(root=root) == MemoryLimit(None, "unknown")
    assert read_limit(root=tmp_path / "nothing here") == MemoryLimit(None, "unknown")


def test_without_sysconf_psutil_is_asked(monkeypatch):
    monkeypatch.delattr(os, "sysconf", raising=False)  # as on Windows
    monkeypatch.setitem(sys.modules, "psutil",
                        SimpleNamespace(virtual_memory=lambda: SimpleNamespace(total=8 * GIB)))
    assert total_from_os() == 8 * GIB
    monkeypatch.setitem(sys.modules, "psutil", None)  # not installed
    assert total_from_os() is None


def test_every_notebook_has_a_memory_figure():
    names = {path.stem for path in course.notebooks()}
    assert set(course.MEMORY_MIB_BY_NOTEBOOK) == names == set(course.EXERCISES_BY_NOTEBOOK)
    assert all(isinstance(mib, int) and 500 <= mib <= 4000
               for mib in course.MEMORY_MIB_BY_NOTEBOOK.values())


def limited_to(tmp_path, mib):
    return fake_machine(tmp_path, {"proc/self/cgroup": "0::/\n", "proc/meminfo": MEMINFO_16_GIB,
                                   "sys/fs/cgroup/memory.max": f"{mib * MIB}\n"})


def test_first_cell_warns_in_one_line_below_the_notebooks_need(tmp_path, capsys):
    need = course.MEMORY_MIB_BY_NOTEBOOK["12_your_own_images"]
    assert warn_if_short("12_your_own_images", root=limited_to(tmp_path, 1024)) is None
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("Warning: ")
    assert f"needs about {need:,} MiB" in err
    assert "may use only 1,024 MiB (its cgroup v2 limit)" in err
    assert f"ask for a memory limit of at least {need:,} MiB" in err


def test_first_cell_is_silent_where_the_notebook_fits(tmp_path, capsys):
    need = course.MEMORY_MIB_BY_NOTEBOOK["05_vae_from_scratch"]
    warn_if_short("05_vae_from_scratch", root=limited_to(tmp_path / "a", need))
    warn_if_short("05_vae_from_scratch", root=limited_to(tmp_path / "b", 4096))
    warn_if_short("05_vae_from_scratch", root=tmp_path / "nothing readable")
    assert capsys.readouterr() == ("", "")


def test_first_cell_warns_of_a_small_machine(tmp_path, capsys):
    root = fake_machine(tmp_path, {"proc/meminfo": "MemTotal:  524288 kB\n"})
    warn_if_short("16_road_to_diffusion", root=root)
    assert "this machine has only 512 MiB" in capsys.readouterr().err


def test_an_unknown_notebook_name_is_one_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown notebook '05_vae'; choose one of 00_welcome"):
        warn_if_short("05_vae", root=tmp_path)


def test_each_notebooks_first_cell_warns_for_its_own_needs():
    import json

    from vaelearn.course import notebooks

    for path in notebooks():
        first = next(c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
        assert f'vl.memory.warn_if_short("{path.stem}")' in "".join(first["source"]), path.name
