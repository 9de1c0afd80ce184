"""Run every benchmark: each benchmarks/*/bench_*.py in turn, in its own process. `make bench` calls this."""

import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
failed = 0
for script in sorted(here.glob("*/bench_*.py")):
    print(f"== {script.relative_to(here.parent)}", flush=True)
    failed += subprocess.call([sys.executable, str(script)], cwd=here.parent) != 0
sys.exit(1 if failed else 0)
