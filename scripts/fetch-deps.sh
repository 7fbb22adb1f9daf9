#!/usr/bin/env bash
# Fetch the third-party source tarballs named in deps.lock from the Debian
# mirror this machine's apt configuration uses, check their SHA-256, cache
# them under ~/.cache/ftl/downloads/ and unpack them into build/deps/NAME/.
#
# Usage: scripts/fetch-deps.sh [NAME...]     (default: every entry)
#
# Environment:
#   FTL_DEBIAN_MIRROR   mirror base URL (the folder that holds pool/); wins
#                       over the apt configuration
#   FTL_APT_CONFIG_DIR  where apt's configuration is read (default /etc/apt)
#   FTL_DEPS_LOCK       lock file (default: deps.lock at the repository root)
#   FTL_CACHE_DIR       cache folder (default ~/.cache/ftl)
#   FTL_BUILD_DIR       build folder (default build, relative to the repo root)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

LOCK_FILE="${FTL_DEPS_LOCK:-$ROOT/deps.lock}"
LOCK_SHOWN="${FTL_DEPS_LOCK:-deps.lock}" # how error messages name the lock file
CACHE_DIR="${FTL_CACHE_DIR:-$HOME/.cache/ftl}"
DL_DIR="$CACHE_DIR/downloads"
BUILD_DIR="${FTL_BUILD_DIR:-build}"
[[ "$BUILD_DIR" == /* ]] || BUILD_DIR="$ROOT/$BUILD_DIR"
DEPS_DIR="$BUILD_DIR/deps"

# Filled by load_lock, one element per entry.
LOCK_NAMES=()
LOCK_VERSIONS=()
LOCK_PATHS=()
LOCK_SHAS=()

MIRROR=""     # resolved on first download, ends in "/"
TEMP_PATHS=() # removed on exit if still there

cleanup() {
    local p
    for p in "${TEMP_PATHS[@]+"${TEMP_PATHS[@]}"}"; do
        rm -rf -- "$p"
    done
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

die() {
    printf '%s\n' "$*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
}

# Shows a path relative to the repository root when it is inside it.
shown_path() {
    local p="$1"
    if [[ "$p" == "$ROOT"/* ]]; then
        printf '%s\n' "${p#"$ROOT"/}"
    else
        printf '%s\n' "$p"
    fi
}

sha256_of() {
    local out
    out="$(sha256sum -- "$1")"
    printf '%s\n' "${out%% *}"
}

# Reads and checks the lock file into the LOCK_* arrays. Every malformed
# line is reported as "LOCKFILE:LINE: what is wrong"; then it exits 1.
load_lock() {
    local file="$1" lineno=0 errors=0 line
    local -a cols
    [[ -f "$file" ]] || die "error: lock file $LOCK_SHOWN not found"

    while IFS= read -r line || [[ -n "$line" ]]; do
        lineno=$((lineno + 1))
        line="${line%%#*}"
        read -r -a cols <<<"$line" || true
        ((${#cols[@]} == 0)) && continue

        local where="$LOCK_SHOWN:$lineno:"
        if ((${#cols[@]} != 4)); then
            echo "$where expected 4 columns (NAME VERSION POOL_PATH SHA256), found ${#cols[@]}" >&2
            errors=$((errors + 1))
            continue
        fi
        local name="${cols[0]}" version="${cols[1]}" path="${cols[2]}" sha="${cols[3]}"
        if [[ ! "$name" =~ ^[a-z0-9][a-z0-9._+-]*$ ]]; then
            echo "$where bad name '$name' (lower-case letters, digits, . _ + -)" >&2
            errors=$((errors + 1))
            continue
        fi
        if [[ ! "$sha" =~ ^[0-9a-fA-F]{64}$ ]]; then
            echo "$where $name: SHA-256 must be 64 hex characters, got '$sha'" >&2
            errors=$((errors + 1))
            continue
        fi
        if [[ "$path" == /* || "$path" == */ || "/$path/" == */../* ]]; then
            echo "$where $name: pool path must be relative, without '..', and name a file: '$path'" >&2
            errors=$((errors + 1))
            continue
        fi
        local existing
        for existing in "${LOCK_NAMES[@]+"${LOCK_NAMES[@]}"}"; do
            if [[ "$existing" == "$name" ]]; then
                echo "$where $name is listed twice" >&2
                errors=$((errors + 1))
                continue 2
            fi
        done
        LOCK_NAMES+=("$name")
        LOCK_VERSIONS+=("$version")
        LOCK_PATHS+=("$path")
        LOCK_SHAS+=("${sha,,}")
    done <"$file"

    ((errors == 0)) || exit 1
}

# Prints every candidate archive URL from the apt configuration in $1, in
# order: deb822 stanzas of sources.list.d/*.sources, then sources.list,
# then sources.list.d/*.list. Disabled stanzas and -security suites are left
# out (the security archive holds only a few packages).
apt_source_uris() {
    local dir="$1" f
    local -a files
    shopt -s nullglob
    files=("$dir"/sources.list.d/*.sources)
    for f in "${files[@]}"; do
        awk '
            function flush() {
                if (uris != "" && enabled != "no" && !security &&
                    types ~ /(^|[ \t])deb(-src)?([ \t]|$)/) {
                    split(uris, u, /[ \t]+/)
                    print u[1]
                }
                types = ""; uris = ""; suites = ""; enabled = ""; key = ""; security = 0
            }
            function value(s) { sub(/^[^:]*:[ \t]*/, "", s); return s }
            /^[ \t]*$/ { flush(); next }
            /^#/ { next }
            /^[ \t]/ {                       # continuation of the previous field
                v = $0; sub(/^[ \t]+/, "", v)
                if (key == "uris") uris = uris " " v
                else if (key == "suites") suites = suites " " v
                else if (key == "types") types = types " " v
                next
            }
            /^[A-Za-z0-9-]+:/ {
                key = tolower($0); sub(/:.*/, "", key)
                v = value($0)
                if (key == "types") types = v
                else if (key == "uris") uris = v
                else if (key == "suites") suites = v
                else if (key == "enabled") enabled = tolower(v)
                if (key == "suites") {
                    n = split(suites, s, /[ \t]+/)
                    for (i = 1; i <= n; i++) if (s[i] ~ /-security$/) security = 1
                }
                next
            }
            END { flush() }
        ' "$f"
    done
    files=()
    [[ -f "$dir/sources.list" ]] && files+=("$dir/sources.list")
    files+=("$dir"/sources.list.d/*.list)
    shopt -u nullglob
    for f in "${files[@]}"; do
        # deb [options] URI SUITE COMPONENT...
        awk '
            /^[ \t]*#/ { next }
            $1 == "deb" || $1 == "deb-src" {
                i = 2
                if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if (i > NF || $(i + 1) ~ /-security$/) next
                print $i
            }
        ' "$f"
    done
}

# Sets MIRROR: $FTL_DEBIAN_MIRROR, else the first usable archive of the apt
# configuration. Among those, an archive whose URL mentions "debian" is
# preferred, so that a third-party repository listed first is not used.
resolve_mirror() {
    [[ -n "$MIRROR" ]] && return 0
    if [[ -n "${FTL_DEBIAN_MIRROR:-}" ]]; then
        MIRROR="${FTL_DEBIAN_MIRROR%/}/"
        return 0
    fi
    local apt_dir="${FTL_APT_CONFIG_DIR:-/etc/apt}" uri first="" debian=""
    while IFS= read -r uri; do
        [[ "$uri" =~ ^(https?|ftp|file):// ]] || continue
        [[ -z "$first" ]] && first="$uri"
        if [[ -z "$debian" && "${uri,,}" == *debian* ]]; then
            debian="$uri"
        fi
    done < <(apt_source_uris "$apt_dir")
    MIRROR="${debian:-$first}"
    if [[ -z "$MIRROR" ]]; then
        die "error: no Debian mirror found in the apt configuration under $apt_dir; set FTL_DEBIAN_MIRROR to the mirror's base URL (the folder that holds pool/)"
    fi
    MIRROR="${MIRROR%/}/"
}

# Downloads entry $1 into the cache and checks its SHA-256.
download() {
    local i="$1"
    local name="${LOCK_NAMES[i]}" path="${LOCK_PATHS[i]}" sha="${LOCK_SHAS[i]}"
    local file="${path##*/}"
    resolve_mirror
    local url="$MIRROR$path"

    echo "download $name ${LOCK_VERSIONS[i]}"
    mkdir -p "$DL_DIR"
    local tmp rc=0
    tmp="$(mktemp "$DL_DIR/.$file.XXXXXX.part")"
    TEMP_PATHS+=("$tmp")
    curl --fail --silent --show-error --location \
        --connect-timeout 15 --retry 2 \
        --output "$tmp" "$url" || rc=$?
    if ((rc != 0)); then
        rm -f -- "$tmp"
        die "error: $name: cannot download $url (curl exit $rc); check the mirror or set FTL_DEBIAN_MIRROR"
    fi

    local got
    got="$(sha256_of "$tmp")"
    if [[ "$got" != "$sha" ]]; then
        rm -f -- "$tmp"
        die "error: $name: SHA-256 mismatch for $url: expected $sha, got $got"
    fi
    chmod 644 "$tmp"
    mv -f -- "$tmp" "$DL_DIR/$file"
}

# Unpacks entry $1 into build/deps/NAME/ (top-level folder stripped) unless
# its stamp already holds the tarball's SHA-256.
unpack() {
    local i="$1"
    local name="${LOCK_NAMES[i]}" path="${LOCK_PATHS[i]}" sha="${LOCK_SHAS[i]}"
    local tarball="$DL_DIR/${path##*/}" dest="$DEPS_DIR/$name"

    echo "unpack $name ${LOCK_VERSIONS[i]} -> $(shown_path "$dest")"
    mkdir -p "$DEPS_DIR"
    local tmp
    tmp="$(mktemp -d "$DEPS_DIR/.$name.XXXXXX")"
    TEMP_PATHS+=("$tmp")
    chmod 755 "$tmp"
    if ! tar -xf "$tarball" -C "$tmp" --strip-components=1 --no-same-owner; then
        die "error: $name: cannot unpack $tarball"
    fi
    if [[ -z "$(ls -A "$tmp")" ]]; then
        die "error: $name: $tarball unpacked to nothing (expected one top-level folder)"
    fi
    printf '%s\n' "$sha" >"$tmp/.ftl-stamp"
    rm -rf -- "$dest"
    mv -- "$tmp" "$dest"
}

fetch_one() {
    local i="$1"
    local name="${LOCK_NAMES[i]}" path="${LOCK_PATHS[i]}" sha="${LOCK_SHAS[i]}"
    local cached="$DL_DIR/${path##*/}" stamp="$DEPS_DIR/$name/.ftl-stamp"

    if [[ -f "$cached" ]]; then
        local got
        got="$(sha256_of "$cached")"
        if [[ "$got" != "$sha" ]]; then
            echo "warning: $name: cached $cached has SHA-256 $got, expected $sha; fetching it again" >&2
            rm -f -- "$cached"
        fi
    fi
    [[ -f "$cached" ]] || download "$i"

    if [[ -f "$stamp" && "$(<"$stamp")" == "$sha" ]]; then
        echo "cached $name ${LOCK_VERSIONS[i]}"
    else
        unpack "$i"
    fi
}

main() {
    case "${1:-}" in
    -h | --help)
        usage
        exit 0
        ;;
    esac

    load_lock "$LOCK_FILE"

    local -a wanted=("$@") indexes=()
    local want i found
    if ((${#wanted[@]} == 0)); then
        for i in "${!LOCK_NAMES[@]}"; do indexes+=("$i"); done
    fi
    for want in "${wanted[@]+"${wanted[@]}"}"; do
        found=""
        for i in "${!LOCK_NAMES[@]}"; do
            [[ "${LOCK_NAMES[i]}" == "$want" ]] && found="$i"
        done
        [[ -n "$found" ]] || die "error: $want is not listed in $LOCK_SHOWN (known: ${LOCK_NAMES[*]})"
        indexes+=("$found")
    done

    for i in "${indexes[@]+"${indexes[@]}"}"; do
        fetch_one "$i"
    done
}

main "$@"
