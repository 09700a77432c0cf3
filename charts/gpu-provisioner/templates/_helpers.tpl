{{/* Chart name, or nameOverride. */}}
{{- define "gpu-provisioner.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Object name prefix: the release name with the chart name, or fullnameOverride. */}}
{{- define "gpu-provisioner.fullname" -}}
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

{{- define "gpu-provisioner.selectorLabels" -}}
app.kubernetes.io/name: {{ include "gpu-provisioner.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gpu-provisioner.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "gpu-provisioner.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "gpu-provisioner.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gpu-provisioner.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The release namespace first, then secretNamespaces, without repeats. */}}
{{- define "gpu-provisioner.secretNamespaces" -}}
{{- $all := list .Release.Namespace }}
{{- range .Values.secretNamespaces }}
{{- if not (has . $all) }}
{{- $all = append $all . }}
{{- end }}
{{- end }}
{{- join "," $all }}
{{- end }}

{{/*
V8's old-space limit in MiB: three fifths of the container's memory limit, so that the
heap is collected before the kernel kills the container (node sizes its heap from the
machine's memory, not the container's). The rest is node, its code and native memory,
and the young generation. Empty without a limit in Mi or Gi. bench/heap-limit.ts holds
the same formula; test/chart/chart.test.ts checks they agree.
*/}}
{{- define "gpu-provisioner.heapLimitMi" -}}
{{- $limit := toString (dig "limits" "memory" "" .Values.resources) -}}
{{- if regexMatch "^[0-9]+Mi$" $limit -}}
{{- div (mul (trimSuffix "Mi" $limit | atoi) 3) 5 -}}
{{- else if regexMatch "^[0-9]+Gi$" $limit -}}
{{- div (mul (trimSuffix "Gi" $limit | atoi) 3072) 5 -}}
{{- end -}}
{{- end }}
