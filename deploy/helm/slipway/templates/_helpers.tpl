{{/* The chart's name, shortened to the 63 characters a label value may hold. */}}
{{- define "slipway.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object's name: the release name, with the chart's name in front unless
the release name already holds it.
*/}}
{{- define "slipway.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The operator's objects: Deployment, Service, RBAC. */}}
{{- define "slipway.operatorName" -}}
{{- printf "%s-operator" (include "slipway.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "slipway.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "slipway.labels" -}}
helm.sh/chart: {{ include "slipway.chart" . }}
{{ include "slipway.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: slipway
{{- end }}

{{/* What the Deployment, the metrics Service and the ServiceMonitor select the operator by. */}}
{{- define "slipway.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slipway.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "slipway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "slipway.operatorName" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name the existing ServiceAccount the operator runs as, or set serviceAccount.create=true" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "slipway.operatorImage" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "slipway.builderImage" -}}
{{- printf "%s:%s" .Values.builder.image.repository (default .Chart.AppVersion .Values.builder.image.tag) }}
{{- end }}

{{/* The Lease the operator replicas elect their leader on, one per release. */}}
{{- define "slipway.leaseName" -}}
{{- printf "%s-leader" (include "slipway.operatorName" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The operator's least-privilege rules on the resources it reconciles, the same in a ClusterRole
(the whole cluster) or in a Role per watched namespace. Each rule says why it is there.
*/}}
{{- define "slipway.operatorRules" -}}
# builders, buildrequests: watched (informers), finalizers added and removed (update, patch),
# finished BuildRequests deleted after ttlSecondsAfterFinished (delete). Builders are never
# created; a BuildRequest split per platform creates one child BuildRequest per platform, which
# it owns, and cancels (patch) or deletes them with it.
- apiGroups: ["slipway.dev"]
  resources: ["builders"]
  verbs: ["get", "list", "watch", "update", "patch", "delete"]
- apiGroups: ["slipway.dev"]
  resources: ["buildrequests"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# */status: the operator is the only writer of both resources' status.
- apiGroups: ["slipway.dev"]
  resources: ["builders/status", "buildrequests/status"]
  verbs: ["get", "update", "patch"]
# builders/scale: an autoscaled Builder's spec.replicas is written here, as an HPA would.
- apiGroups: ["slipway.dev"]
  resources: ["builders/scale"]
  verbs: ["get", "update"]
# */finalizers: owner references with blockOwnerDeletion on the objects a Builder owns.
- apiGroups: ["slipway.dev"]
  resources: ["builders/finalizers", "buildrequests/finalizers"]
  verbs: ["update"]
# statefulsets, services, poddisruptionbudgets: the dependents of a Builder.
- apiGroups: ["apps"]
  resources: ["statefulsets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# secrets: read one by one (get), never listed or watched, so the operator holds no copy of the
# cluster's Secrets. It creates each Builder's signing and TLS Secrets and each BuildRequest's
# session Secret, and updates only those (after checking they are its own: a renewed certificate,
# the grant of a build's next attempt). Never deleted: owner references delete them with their
# Builder or BuildRequest.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create", "update"]
# pods: builder pods are watched for readiness and loss; the only change is the autoscaler's
# slipway.dev/draining annotation (patch) on a pod it is about to remove. A GitOps build's output
# writer pod (outputs with volumeClaimName) is created in the request's namespace, the writer is
# exec'd in it (websocket exec is authorized as get, the older protocol as create) and it is
# deleted when the build ends.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "patch", "delete", "deletecollection"]
- apiGroups: [""]
  resources: ["pods/exec"]
  verbs: ["create", "get"]
# configmaps: a configMap context is read once per build.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get"]
# events: Normal and Warning events on Builders and BuildRequests, each under a new name
# (create only).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create"]
{{- end }}
