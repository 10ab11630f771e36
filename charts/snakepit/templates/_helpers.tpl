{{/* Names. */}}
{{- define "snakepit.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "snakepit.fullname" -}}
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

{{/* A component's object name: "<fullname>-<component>", cut so a suffix still fits in 63. */}}
{{- define "snakepit.componentName" -}}
{{- printf "%s-%s" (include "snakepit.fullname" .root | trunc 48 | trimSuffix "-") .component }}
{{- end }}

{{- define "snakepit.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "snakepit.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Labels. Call with (dict "root" $ "component" "snake-api"). */}}
{{- define "snakepit.selectorLabels" -}}
app.kubernetes.io/name: {{ include "snakepit.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "snakepit.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "snakepit.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: snakepit
{{- end }}

{{/* Labels every Pod of the release carries, whatever its component (monitors select on these). */}}
{{- define "snakepit.releaseSelector" -}}
app.kubernetes.io/name: {{ include "snakepit.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "snakepit.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The Secret the chart creates when a URL is given in values. */}}
{{- define "snakepit.connectionSecretName" -}}
{{- include "snakepit.componentName" (dict "root" . "component" "connections") }}
{{- end }}

{{/* env entries for AMQP_URL and DATABASE_URL, from the chart's Secret or an existing one. */}}
{{- define "snakepit.amqpUrlEnv" -}}
- name: AMQP_URL
  valueFrom:
    secretKeyRef:
      {{- if .Values.amqp.url }}
      name: {{ include "snakepit.connectionSecretName" . }}
      key: amqp-url
      {{- else }}
      name: {{ tpl .Values.amqp.existingSecret.name . }}
      key: {{ .Values.amqp.existingSecret.key }}
      {{- end }}
{{- end }}

{{- define "snakepit.databaseUrlEnv" -}}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- if .Values.database.url }}
      name: {{ include "snakepit.connectionSecretName" . }}
      key: database-url
      {{- else }}
      name: {{ tpl .Values.database.existingSecret.name . }}
      key: {{ .Values.database.existingSecret.key }}
      {{- end }}
{{- end }}

{{/* Settings both services read. */}}
{{- define "snakepit.commonEnv" -}}
- name: LOG_LEVEL
  value: {{ .Values.logLevel | quote }}
- name: SHUTDOWN_TIMEOUT_MS
  value: {{ .Values.shutdownTimeoutMs | int64 | quote }}
- name: TURNS_EXCHANGE
  value: {{ .Values.broker.exchange | quote }}
- name: TURNS_QUEUE
  value: {{ .Values.broker.queue | quote }}
- name: DEAD_LETTER_QUEUE
  value: {{ .Values.broker.deadLetterQueue | quote }}
- name: DELIVERY_LIMIT
  value: {{ .Values.broker.deliveryLimit | int64 | quote }}
{{- if .Values.telemetry.otlpEndpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ .Values.telemetry.otlpEndpoint | quote }}
{{- end }}
{{- end }}

{{/*
The graceful-shutdown timeline, in seconds: the preStop pause, then SIGTERM and the services'
own shutdown budget, then 5 s of margin before the kubelet sends SIGKILL.
*/}}
{{- define "snakepit.terminationGracePeriodSeconds" -}}
{{- add .Values.preStopSleepSeconds (div (add .Values.shutdownTimeoutMs 999) 1000) 5 }}
{{- end }}

{{/* Restricted Pod Security Standard: non-root, no privilege escalation, no capabilities. */}}
{{- define "snakepit.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "snakepit.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/*
Probes on a container's admin port (by name): startup and liveness /healthz, readiness
`readyPath` (/readyz). Call with (dict "port" "api-admin" "readyPath" "/readyz").
*/}}
{{- define "snakepit.probes" -}}
startupProbe:
  httpGet: { path: /healthz, port: {{ .port }} }
  periodSeconds: 2
  failureThreshold: 30
livenessProbe:
  httpGet: { path: /healthz, port: {{ .port }} }
  periodSeconds: 10
  timeoutSeconds: 2
  failureThreshold: 3
readinessProbe:
  httpGet: { path: {{ .readyPath }}, port: {{ .port }} }
  periodSeconds: 5
  timeoutSeconds: 2
  failureThreshold: 2
{{- end }}

{{/* The snake-api container, shared by its own Deployment and the low-cost Pod. */}}
{{- define "snakepit.snakeApiContainer" -}}
- name: snake-api
  image: {{ include "snakepit.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command: [node, --import, ./services/common/dist/telemetry/register.js, services/snake-api/dist/main.js]
  ports:
    - { name: http, containerPort: {{ .Values.snakeApi.port }}, protocol: TCP }
    - { name: api-admin, containerPort: {{ .Values.snakeApi.adminPort }}, protocol: TCP }
  env:
    - name: PORT
      value: {{ .Values.snakeApi.port | int64 | quote }}
    - name: ADMIN_PORT
      value: {{ .Values.snakeApi.adminPort | int64 | quote }}
    {{- include "snakepit.commonEnv" . | nindent 4 }}
    {{- with .Values.snakeApi.defaultStrategy }}
    - name: DEFAULT_STRATEGY
      value: {{ . | quote }}
    {{- end }}
    - name: PERSIST_MODE
      value: {{ .Values.snakeApi.persistMode | quote }}
    - name: SPOOL_DIR
      value: /var/spool/snakepit
    - name: SPOOL_MAX_BYTES
      value: {{ .Values.snakeApi.spool.maxBytes | int64 | quote }}
    - name: PUBLISH_BUFFER_MAX
      value: {{ .Values.snakeApi.publishBufferMax | int64 | quote }}
    - name: MOVE_LATENCY_RESERVE_MS
      value: {{ .Values.snakeApi.moveLatencyReserveMs | int64 | quote }}
    - name: MAX_BODY_BYTES
      value: {{ .Values.snakeApi.maxBodyBytes | int64 | quote }}
    - name: OTEL_SERVICE_NAME
      value: snake-api
    {{- if ne .Values.snakeApi.persistMode "off" }}
    {{- include "snakepit.amqpUrlEnv" . | nindent 4 }}
    {{- end }}
    {{- if eq .Values.snakeApi.persistMode "sync" }}
    {{- include "snakepit.databaseUrlEnv" . | nindent 4 }}
    {{- end }}
  {{- include "snakepit.probes" (dict "port" "api-admin" "readyPath" "/readyz") | nindent 2 }}
  lifecycle:
    preStop:
      sleep:
        seconds: {{ .Values.preStopSleepSeconds }}
  resources:
    {{- toYaml .Values.snakeApi.resources | nindent 4 }}
  securityContext:
    {{- include "snakepit.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - { name: spool, mountPath: /var/spool/snakepit }
    - { name: tmp, mountPath: /tmp }
{{- end }}

{{/* The turn-persister container, shared by its own Deployment and the low-cost Pod. */}}
{{- define "snakepit.turnPersisterContainer" -}}
- name: turn-persister
  image: {{ include "snakepit.image" . }}
  imagePullPolicy: {{ .Values.image.pullPolicy }}
  command: [node, --import, ./services/common/dist/telemetry/register.js, services/turn-persister/dist/main.js]
  ports:
    - { name: persister-admin, containerPort: {{ .Values.turnPersister.adminPort }}, protocol: TCP }
  env:
    - name: ADMIN_PORT
      value: {{ .Values.turnPersister.adminPort | int64 | quote }}
    {{- include "snakepit.commonEnv" . | nindent 4 }}
    - name: DATABASE_POOL_SIZE
      value: {{ .Values.turnPersister.databasePoolSize | int64 | quote }}
    - name: BATCH_SIZE
      value: {{ .Values.turnPersister.batchSize | int64 | quote }}
    - name: BATCH_MAX_WAIT_MS
      value: {{ .Values.turnPersister.batchMaxWaitMs | int64 | quote }}
    - name: PREFETCH
      value: {{ .Values.turnPersister.prefetch | int64 | quote }}
    - name: MIGRATE_ON_START
      value: {{ not .Values.migrations.hook | quote }}
    - name: OTEL_SERVICE_NAME
      value: turn-persister
    {{- if .Values.telemetry.otlpEndpoint }}
    {{- /* A batch's insert span links every turn in it; the SDK keeps only 128 links unless told. */}}
    - name: OTEL_SPAN_LINK_COUNT_LIMIT
      value: {{ .Values.turnPersister.batchSize | int64 | quote }}
    {{- end }}
    {{- include "snakepit.amqpUrlEnv" . | nindent 4 }}
    {{- include "snakepit.databaseUrlEnv" . | nindent 4 }}
  {{- /*
  A Pod is ready only when all its containers are. In the low-cost Pod the persister takes no
  traffic, and its /readyz fails while PostgreSQL is away; were it the readiness check, a
  database outage would take the snake off the Service. There its readiness is /healthz, so the
  snake keeps answering moves (turns wait in RabbitMQ) while the persister waits for the database.
  */}}
  {{- include "snakepit.probes" (dict "port" "persister-admin" "readyPath" (ternary "/healthz" "/readyz" .Values.lowCost)) | nindent 2 }}
  resources:
    {{- toYaml .Values.turnPersister.resources | nindent 4 }}
  securityContext:
    {{- include "snakepit.containerSecurityContext" . | nindent 4 }}
  volumeMounts:
    - { name: tmp, mountPath: /tmp }
{{- end }}

{{/* Pod-level settings shared by every workload of the chart. */}}
{{- define "snakepit.podCommon" -}}
serviceAccountName: {{ include "snakepit.serviceAccountName" . }}
automountServiceAccountToken: false
# Service links would add <SERVICE>_PORT-style variables that no service reads.
enableServiceLinks: false
terminationGracePeriodSeconds: {{ include "snakepit.terminationGracePeriodSeconds" . }}
securityContext:
  {{- include "snakepit.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end }}

{{/* Pod metadata: the component's selector labels plus the user's labels and annotations. */}}
{{- define "snakepit.podMetadata" -}}
metadata:
  labels:
    {{- include "snakepit.labels" . | nindent 4 }}
    {{- with .root.Values.podLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .root.Values.podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{- define "snakepit.spoolVolume" -}}
- name: spool
  emptyDir:
    sizeLimit: {{ .Values.snakeApi.spool.sizeLimit }}
{{- end }}

{{- define "snakepit.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 64Mi
{{- end }}
