# Shared by the everyday scripts (up, down, status, env, psql, logs, check, clean):
# sourced, never run. Sets ROOT, SCRIPT, CALLER_DIR (where the command was started),
# STATE_DIR and EMULATOR_PORT, and after parse_stack_args: stack, offline and args (what
# the command passes on).
#
# An offline stack is `local`, a stack named with --offline, or one scripts/up created
# offline (its passphrase is in $STATE_DIR/stacks). Offline, every pulumi command runs
# with a backend, a passphrase and AWS credentials of its own, set for that command only:
#   PULUMI_BACKEND_URL=file://$STATE_DIR/pulumi     (not your `pulumi login`)
#   PULUMI_CONFIG_PASSPHRASE_FILE=$STATE_DIR/stacks/<stack>.passphrase   (mode 0600)
#   AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing, AWS_PROFILE unset
# Environment:
#   TESTENV_STACK          the default stack (else dev-$USER)
#   TESTENV_STATE_DIR      where offline state lives (default .cache in the repository)
#   TESTENV_EMULATOR_PORT  the emulator's port on 127.0.0.1 (default 5000)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Where the command was started: a path argument is relative to it, not to ROOT.
CALLER_DIR="$PWD"
SCRIPT="scripts/$(basename "$0")"
export TESTENV_SCRIPT="$SCRIPT"
cd "$ROOT"

STATE_DIR="${TESTENV_STATE_DIR:-$ROOT/.cache}"
case "$STATE_DIR" in /*) ;; *) STATE_DIR="$ROOT/$STATE_DIR" ;; esac
EMULATOR_DIR="$STATE_DIR/emulator"
STACKS_DIR="$STATE_DIR/stacks"
BACKEND_URL="file://$STATE_DIR/pulumi"
EMULATOR_PORT="${TESTENV_EMULATOR_PORT:-5000}"
LIB_PY=(python3 "$ROOT/scripts/_lib.py")

[ -x "$HOME/.pulumi/bin/pulumi" ] && PATH="$PATH:$HOME/.pulumi/bin"
[ -x "$HOME/.local/bin/uv" ] && PATH="$PATH:$HOME/.local/bin"
export PATH

say() { echo "$SCRIPT: $*" >&2; }
# fail REASON FIX: one line, exit 1.
fail() { echo "$SCRIPT: $1; fix: $2" >&2; exit 1; }
# usage REASON FIX: a bad argument, exit 2 before anything ran.
usage() { echo "$SCRIPT: $1; fix: $2" >&2; exit 2; }

[[ "$EMULATOR_PORT" =~ ^[0-9]+$ ]] && [ "$EMULATOR_PORT" -ge 1024 ] && [ "$EMULATOR_PORT" -le 65535 ] \
    || usage "TESTENV_EMULATOR_PORT is '$EMULATOR_PORT', not a port from 1024 to 65535" \
        "unset it (port 5000) or export TESTENV_EMULATOR_PORT=5001"

# parse_stack_args "$@": [--offline] [STACK] [--offline] [more...]
parse_stack_args() {
    offline=""
    stack="${TESTENV_STACK:-dev-${USER:-$(id -un)}}"
    local named=""
    if [ "${1:-}" = "--offline" ]; then offline=1; shift; fi
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then stack="$1"; named=1; shift; fi
    if [ "${1:-}" = "--offline" ]; then offline=1; shift; fi
    # --offline alone names the offline stack `local`.
    if [ -n "$offline" ] && [ -z "$named" ]; then stack=local; fi
    args=("$@")
    [[ "$stack" =~ ^[A-Za-z0-9._-]+$ ]] \
        || usage "stack name '$stack' may hold only letters, digits, '-', '_' and '.'" \
            "name it like this: $SCRIPT dev-alice"
    if [ "$stack" = local ] || [ -f "$STACKS_DIR/$stack.passphrase" ]; then offline=1; fi
    return 0
}

passphrase_file() { echo "$STACKS_DIR/$stack.passphrase"; }
emulator_url() { echo "http://127.0.0.1:$EMULATOR_PORT"; }

# A passphrase for this stack alone, made once, readable by you alone.
ensure_passphrase() {
    local file
    file="$(passphrase_file)"
    mkdir -p "$STATE_DIR/pulumi" "$STACKS_DIR"
    chmod 700 "$STACKS_DIR"
    if [ ! -s "$file" ]; then
        (umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(32))' >"$file")
        say "generated the passphrase of stack $stack in $file (mode 0600)"
    fi
    chmod 600 "$file"
}

# The offline stack's passphrase must exist before any command but up can read it.
require_offline_stack() {
    [ -s "$(passphrase_file)" ] \
        || fail "offline stack $stack has not been created here (no $(passphrase_file))" \
            "scripts/up $stack${offline:+ --offline}"
}

# with_stack_env COMMAND...: COMMAND with the stack's backend, passphrase and credentials.
with_stack_env() {
    if [ -n "$offline" ]; then
        env -u PULUMI_CONFIG_PASSPHRASE -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_SESSION_TOKEN \
            PULUMI_BACKEND_URL="$BACKEND_URL" \
            PULUMI_CONFIG_PASSPHRASE_FILE="$(passphrase_file)" \
            AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
            AWS_ENDPOINT_URL="$(emulator_url)" \
            "$@"
    else
        "$@"
    fi
}

need_pulumi() {
    command -v pulumi >/dev/null 2>&1 \
        || fail "the Pulumi CLI is not installed" "curl -fsSL https://get.pulumi.com | sh (or run scripts/up once)"
}

# The stack must exist in its backend (the offline one, or your login).
require_stack() {
    local where="your Pulumi backend"
    [ -n "$offline" ] && where="the offline backend $BACKEND_URL"
    with_stack_env pulumi stack select "$stack" >/dev/null 2>&1 \
        || fail "stack $stack does not exist in $where" "scripts/up $stack${offline:+ --offline}"
}

# --- objects the state lists and the bucket no longer holds --------------------------------

# "GONE TOTAL BUCKET KEY" (KEY: the first object gone, "-" if none), or nothing when there
# is nothing to compare: no object in the state, or the listing failed (it says why).
# The bucket's lifecycle rule deletes every object lifecycleDays after its upload, while
# Pulumi's state still lists them: `up` alone would report no changes.
objects_gone() {
    command -v uv >/dev/null 2>&1 || { say "uv is not installed: not looking for expired objects"; return 0; }
    with_stack_env uv run --locked --quiet python "$ROOT/scripts/_state.py" missing --stack "$stack" || true
}

# --- the emulator -----------------------------------------------------------------------

# Starts the emulator unless one already answers; prints "started" or "reused".
emulator_start() {
    "${LIB_PY[@]}" start --port "$EMULATOR_PORT" --state "$EMULATOR_DIR" \
        --timeout "${TESTENV_EMULATOR_TIMEOUT:-120}"
}
emulator_stop() { "${LIB_PY[@]}" stop --state "$EMULATOR_DIR"; }
# The pid of the emulator the scripts started, if it runs (else status 1).
emulator_running() { "${LIB_PY[@]}" running --state "$EMULATOR_DIR"; }
emulator_instance() { "${LIB_PY[@]}" instance --port "$EMULATOR_PORT"; }
# Where the emulator instance of the stack's last successful up is recorded.
instance_record() { echo "$STACKS_DIR/$stack.emulator"; }

# The services scripts/offline.yaml sends to the emulator (tests/stack/test_offline_stack.py
# checks the two lists agree, and scripts/_lib.py's EMULATED_SERVICES).
EMULATED_SERVICES="s3 glue sts iam ec2 athena lakeformation"
# The stack's aws:endpoints must name the emulator's port (scripts/offline.yaml says 5000).
ensure_endpoints() {
    local want current service
    want="$(emulator_url)"
    current="$(with_stack_env pulumi config get --stack "$stack" --path 'aws:endpoints[0].s3' 2>/dev/null || true)"
    [ "$current" = "$want" ] && return 0
    say "pointing the AWS provider of stack $stack at $want (was: ${current:-not set}; pulumi config set --path aws:endpoints[0].*)"
    for service in $EMULATED_SERVICES; do
        with_stack_env pulumi config set --stack "$stack" --path "aws:endpoints[0].$service" "$want"
    done
}

# Ready for a pulumi command that talks to the emulator: it runs, and the state does
# not point at resources of an earlier emulator instance (refreshed if it does).
offline_prepare() {
    emulator_start >/dev/null
    instance="$(emulator_instance)" || exit 1
    local record previous
    record="$(instance_record)"
    if [ -s "$record" ]; then
        previous="$(cat "$record")"
        if [ "$previous" != "$instance" ]; then
            say "the AWS emulator was restarted since the last up of $stack (instance $previous, now $instance): its resources are gone; running pulumi refresh --yes first"
            with_stack_env pulumi refresh --stack "$stack" --yes --skip-preview \
                || fail "pulumi refresh of stack $stack failed" "read the error above, or start over: pulumi stack rm --force $stack"
            echo "$instance" >"$record"
        fi
    fi
}
