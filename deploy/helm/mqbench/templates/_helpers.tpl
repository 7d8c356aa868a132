{{/* The release's name for every object, at most 63 characters. */}}
{{- define "mqbench.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The labels every object carries. */}}
{{- define "mqbench.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The image, which the user must name. */}}
{{- define "mqbench.image" -}}
{{- $repository := required "image.repository is required: build the image from deploy/Dockerfile and push it where the cluster can pull it" .Values.image.repository -}}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The Secret holding the token. */}}
{{- define "mqbench.tokenSecret" -}}
{{- if .Values.token.existingSecret -}}
{{- .Values.token.existingSecret -}}
{{- else -}}
{{- $_ := required "token.existingSecret or token.value is required: the workers listen beyond loopback, which needs a token" .Values.token.value -}}
{{- printf "%s-token" (include "mqbench.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* The workers' headless Service. */}}
{{- define "mqbench.workersService" -}}
{{- printf "%s-worker" (include "mqbench.fullname" .) -}}
{{- end -}}

{{/* ws:// addresses of every worker, comma-separated (stable StatefulSet DNS names). */}}
{{- define "mqbench.workerUrls" -}}
{{- $service := include "mqbench.workersService" . -}}
{{- $urls := list -}}
{{- range $index := until (int .Values.workers.replicas) -}}
{{- $urls = append $urls (printf "ws://%s-%d.%s.%s.svc:%d" $service $index $service $.Release.Namespace (int $.Values.workers.port)) -}}
{{- end -}}
{{- join "," $urls -}}
{{- end -}}

{{/* The token file, mounted from the Secret, in every pod. */}}
{{- define "mqbench.tokenVolume" -}}
- name: token
  secret:
    secretName: {{ include "mqbench.tokenSecret" . }}
    items:
      - key: {{ .Values.token.key }}
        path: token
{{- end -}}
