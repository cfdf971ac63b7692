#!/bin/sh
# A stand-in SBOM generator for the oracle, speaking BuildKit's scanner protocol: it reads the
# root filesystem at $BUILDKIT_SCAN_SOURCE and writes an in-toto statement of an SPDX 2.3 document
# to $BUILDKIT_SCAN_DESTINATION. BuildKit's default generator (docker/buildkit-syft-scanner)
# cannot be pulled here; what AttestationsIT compares is the envelope BuildKit wraps around any
# generator's output, not the scanner's own fields.
set -e
cat > "$BUILDKIT_SCAN_DESTINATION/scan.spdx.json" <<JSON
{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document","subject":[],"predicate":{"spdxVersion":"SPDX-2.3","dataLicense":"CC0-1.0","SPDXID":"SPDXRef-DOCUMENT","name":"stand-in","documentNamespace":"https://slipway.dev/test/stand-in-scanner","creationInfo":{"created":"2026-01-01T00:00:00Z","creators":["Tool: slipway-test-stand-in"]},"packages":[]}}
JSON
