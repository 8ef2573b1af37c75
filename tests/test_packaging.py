"""`pip install .` gives a working auditkit: the wheel carries the built-in checks, the
rulebooks, the report templates and the demo, and the installed copy finds them."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)
    [built] = out.glob("auditkit-*.whl")
    return built


def test_the_wheel_carries_checks_rulebooks_templates_and_the_demo(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ("auditkit/checks/settlement.py", "auditkit/rulebooks/nmg.toml", "auditkit/rulebooks/xj.toml",
                     "auditkit/demo/demo-nmg-2025/submission.toml", "auditkit/report_templates/README.md"):
        assert expected in names
    assert any(n.endswith("entry_points.txt") and "auditkit" in n for n in names)


def test_the_installed_copy_runs_its_bundled_checks_on_its_bundled_demo(wheel, tmp_path):
    """Unpacked away from the source tree (first on sys.path), auditkit loads its checks from
    auditkit/checks inside the wheel and runs the demo packed beside them."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import auditkit, auditkit.registry as r, auditkit.cli as c;"
        "assert auditkit.__file__.startswith(sys.argv[1]), auditkit.__file__;"
        "assert str(r.builtin_checks_dir()).startswith(sys.argv[1]);"
        "assert 'ST001' in r.load_checks();"
        "assert str(c.demo_package()).startswith(sys.argv[1]);"
        "res = c.run_check(c.demo_package()); print(len(res.findings))"
    )
    done = subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 0
