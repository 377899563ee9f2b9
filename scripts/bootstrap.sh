# Sourced by the other scripts: make sure uv is there and the locked environment is installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! command -v uv >/dev/null 2>&1; then
    echo "Installing uv (the project's package manager) with pip..." >&2
    python3 -m pip install --quiet --user uv 2>/dev/null || python3 -m pip install --quiet uv
    export PATH="$HOME/.local/bin:$PATH"
fi
uv sync --frozen --quiet

# The Dagster home the demo and the UI share (runs, schedule and sensor state, asset history):
# $DAGSTER_HOME, else data/dagster_home, with the project's instance settings copied in.
use_dagster_home() {
    export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/data/dagster_home}"
    mkdir -p "$DAGSTER_HOME"
    cp orchestration/dagster.yaml "$DAGSTER_HOME/dagster.yaml"
}
