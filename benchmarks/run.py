"""Run every benchmark: each benchmarks/<domain>/bench_*.py, as its own process, in name order."""

import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
failed = 0
for script in sorted(here.glob("*/bench_*.py")):
    print(f"== {script.relative_to(here)}", flush=True)
    failed += subprocess.call([sys.executable, str(script), *sys.argv[1:]], cwd=here.parent) != 0
sys.exit(1 if failed else 0)
