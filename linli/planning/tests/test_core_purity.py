"""The planning core is pure: no Django, only the standard library, numpy, scipy and osmium."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "core"
REPO_ROOT = Path(__file__).resolve().parents[3]
ALLOWED_THIRD_PARTY = {"numpy", "scipy", "osmium"}


def test_core_imports_only_stdlib_numpy_scipy_osmium() -> None:
    files = sorted(CORE.glob("*.py"))
    assert files
    for f in files:
        for node in ast.walk(ast.parse(f.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in ALLOWED_THIRD_PARTY or top in sys.stdlib_module_names, f"{f.name} imports {name}"


def test_core_imports_with_django_blocked() -> None:
    code = (
        "import sys\n"
        "sys.modules['django'] = None  # any 'import django' now raises ImportError\n"
        "import linli.planning.core as c, pkgutil, importlib\n"
        "for m in pkgutil.iter_modules(c.__path__):\n"
        "    importlib.import_module('linli.planning.core.' + m.name)\n"
        "bad = [m for m, v in sys.modules.items() if v is not None and m.split('.')[0] in\n"
        "       ('django', 'pandas', 'networkx', 'shapely')]\n"
        "assert not bad, bad\n"
        "c.load_rules()\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
