//go:build tools

// Package tools names the helm command build.sh builds, so go.mod and go.sum cover it.
package tools

import _ "helm.sh/helm/v3/cmd/helm"
