{{/* Names and labels shared by every template. */}}
{{- define "xaivision.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "xaivision.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "xaivision.labels" -}}
{{ include "xaivision.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "xaivision.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Connection settings from the existing Secret: never inlined in values or ConfigMaps. */}}
{{- define "xaivision.connectionEnv" -}}
- name: Transport__RabbitMqUri
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.existingSecret }}
      key: {{ .Values.secrets.rabbitMqUriKey }}
- name: Storage__ConnectionString
  valueFrom:
    secretKeyRef:
      name: {{ .Values.secrets.existingSecret }}
      key: {{ .Values.secrets.storageConnectionStringKey }}
{{- end -}}

{{/* A queue name as the worker names it: "<prefix>-<name>" with Transport:EndpointPrefix, else "<name>". */}}
{{- define "xaivision.queue" -}}
{{- if .prefix -}}{{ printf "%s-%s" .prefix .name }}{{- else -}}{{ .name }}{{- end -}}
{{- end -}}
