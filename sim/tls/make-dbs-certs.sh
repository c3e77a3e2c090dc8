#!/usr/bin/env bash
# Regenerates the test-only TLS material for the simulator served under real DBS host names:
#   dbs-test-ca.crt          a CA that signs nothing else (its key is thrown away)
#   dbs.crt / dbs.key        the DBS host names the proxy tests use, and localhost for a TLS proxy; valid 2025-2125
#   dbs-expired.crt / .key   dbs-api.me-east-1.aliyuncs.com, expired in 2021
# Trusted only by the servers under test, through NODE_EXTRA_CA_CERTS. Needs openssl 3.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/ca.cnf" <<'CNF'
[ ca ]
default_ca = test_ca
[ test_ca ]
database = index.txt
new_certs_dir = .
serial = serial
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
CNF
touch "$work/index.txt"
echo 01 > "$work/serial"

ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -keyout "$work/ca.key" -out dbs-test-ca.crt -days 36500 \
  -subj "/CN=dbs-backup-mcp test CA (tests only)" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

sign() { # name start end subject-alt-names
  openssl req "${ec[@]}" -keyout "$1.key" -out "$work/$1.csr" -subj "/CN=${4%%,*}" \
    -addext "subjectAltName=DNS:${4//,/,DNS:}"
  (cd "$work" && openssl ca -batch -notext -config ca.cnf -cert "$OLDPWD/dbs-test-ca.crt" -keyfile ca.key \
    -in "$1.csr" -out "$OLDPWD/$1.crt" -startdate "$2" -enddate "$3")
}
sign dbs 20250101000000Z 21250101000000Z dbs-api.cn-hangzhou.aliyuncs.com,dbs.cn-guangzhou.aliyuncs.com,dbs-api.ap-southeast-1.aliyuncs.com,localhost
sign dbs-expired 20200101000000Z 20210101000000Z dbs-api.me-east-1.aliyuncs.com
