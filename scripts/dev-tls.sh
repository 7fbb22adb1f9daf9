#!/usr/bin/env bash
# Makes a development CA and, signed by it, a certificate for localhost and
# 127.0.0.1 (ECDSA P-256), for the tls service of an image that has no
# certificate of its own (docs/guides/tls.md):
#   OUT/ca.pem     the CA's certificate: what `curl --cacert` trusts
#   OUT/ca.key     the CA's key: stays in OUT, never packed into an image
#   OUT/cert.pem   the server's certificate, then the CA's (its chain)
#   OUT/key.pem    the server's key, packed into the image for tls only
# An existing set is kept (so a browser or curl that trusts the CA goes on
# trusting it) unless it expires within 30 days. openssl's output goes to
# OUT/openssl.log, not to the build log; keys are made mode 600.
#
# Usage: scripts/dev-tls.sh OUT [NAME...]  (more DNS names for the cert)
set -euo pipefail

out=$1
shift
mkdir -p "$out"
if [[ -s $out/cert.pem && -s $out/key.pem && -s $out/ca.pem ]] &&
    openssl x509 -checkend $((30 * 86400)) -noout -in "$out/cert.pem" \
        >/dev/null 2>&1; then
    exit 0
fi

umask 077
log=$out/openssl.log
: >"$log"
san="DNS:localhost,IP:127.0.0.1"
for name in "$@"; do
    san="$san,DNS:$name"
done
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
if ! [[ -s $out/ca.pem && -s $out/ca.key ]] ||
    ! openssl x509 -checkend $((30 * 86400)) -noout -in "$out/ca.pem" \
        >/dev/null 2>&1; then
    openssl req -x509 "${ec[@]}" -days 3650 -sha256 \
        -subj "/CN=FTL development CA" -keyout "$out/ca.key" -out "$out/ca.pem" \
        -addext "basicConstraints=critical,CA:TRUE" \
        -addext "keyUsage=critical,keyCertSign,cRLSign" >>"$log" 2>&1
fi
openssl req "${ec[@]}" -subj "/CN=localhost" -keyout "$out/key.pem" \
    -out "$out/cert.csr" >>"$log" 2>&1
printf '%s\n' "subjectAltName=$san" "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" \
    >"$out/cert.ext"
openssl x509 -req -in "$out/cert.csr" -CA "$out/ca.pem" -CAkey "$out/ca.key" \
    -CAcreateserial -days 825 -sha256 -extfile "$out/cert.ext" \
    -out "$out/leaf.pem" >>"$log" 2>&1
cat "$out/leaf.pem" "$out/ca.pem" >"$out/cert.pem"
rm -f "$out/cert.csr" "$out/cert.ext" "$out/leaf.pem"
chmod 644 "$out/ca.pem" "$out/cert.pem"
