# Sourced by scripts/check-bundle and scripts/check-deb: real Neo4j servers of each release
# line, loaded with Northwind, and a frozen app's --self-test against them under the real
# keyring (scripts/with-keyring). Needs the project's python on PATH; run from the repo root.
#
#   trap stop_self_test_servers EXIT
#   start_northwind_server VERSION PORT
#   self_test_app LABEL VERSION PORT APP [ARGS...]   # over bolt:// and neo4j://
export NEOSENSE_NEO4J_PASSWORD="${NEOSENSE_NEO4J_PASSWORD:-neosense-test}"
self_test_servers_started=()

stop_self_test_servers() {
    local p
    for p in "${self_test_servers_started[@]}"; do python scripts/neo4j-local stop --port "$p"; done
}

start_northwind_server() {
    local version=$1 port=$2 import_dir northwind=tests/fixtures/northwind
    python scripts/neo4j-local start --version "$version" --port "$port" >/dev/null
    self_test_servers_started+=("$port")
    import_dir=$(python scripts/neo4j-local import-dir --port "$port")
    cp "$northwind"/*.csv "$import_dir"/
    python scripts/neo4j-local cypher "$northwind/northwind.cypher" --port "$port" 2>/dev/null || true
}

self_test_app() {
    local label=$1 version=$2 port=$3 scheme out
    shift 3
    for scheme in bolt neo4j; do
        echo "$label: self-test on Neo4j $version over $scheme://"
        out=$(NEO4J_URI="$scheme://127.0.0.1:$port" NEO4J_USERNAME=neo4j \
              NEO4J_PASSWORD="$NEOSENSE_NEO4J_PASSWORD" \
              QT_QPA_PLATFORM=offscreen scripts/with-keyring "$@" --self-test 2>&1) \
            || { echo "$out"; return 1; }
        echo "$out" | grep '^self-test:'
        echo "$out" | grep -q 'keyring backend: ok - keyring.backends.SecretService' \
            || { echo "$label: the frozen app did not use the SecretService keyring"; return 1; }
        echo "$out" | grep -q 'unicode (ICU): ok' \
            || { echo "$label: Qt's ICU services failed in the bundle (scripts/icu_slim.py)"; return 1; }
        echo "$out" | grep -q 'driver codec: ok - rust' \
            || { echo "$label: the frozen app lost the driver's Rust codec (neo4j-rust-ext)"; return 1; }
        echo "$out" | grep -q "self-test: server: ok - Neo4j $version, CYPHER [0-9]*, $scheme://" \
            || { echo "$label: the self-test did not reach Neo4j $version over $scheme://"; return 1; }
    done
}
