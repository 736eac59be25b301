{{/*
Names and labels, as `helm create` makes them: every name is truncated to 63 characters (the DNS
label limit of some Kubernetes name fields).
*/}}

{{/* The chart's name. */}}
{{- define "guardian.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The fully qualified app name: the release name where it already contains the chart's name
(`helm install guardian` gives `guardian`, not `guardian-guardian`).
*/}}
{{- define "guardian.fullname" -}}
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

{{/*
A name made of a base and a suffix, at most 63 characters (or the third argument): the base is
shortened, never the suffix, so that two suffixes of one long base stay distinct.
  include "guardian.withSuffix" (list (include "guardian.fullname" .) "branding")
*/}}
{{- define "guardian.withSuffix" -}}
{{- $base := index . 0 }}
{{- $suffix := index . 1 }}
{{- $max := 63 }}
{{- if gt (len .) 2 }}{{ $max = index . 2 }}{{ end }}
{{- printf "%s-%s" ($base | trunc (int (sub (sub $max 1) (len $suffix))) | trimSuffix "-") $suffix }}
{{- end }}

{{/* The operator's name: its Deployment, ServiceAccount, ClusterRole and Services. */}}
{{- define "guardian.operator.fullname" -}}
{{- include "guardian.withSuffix" (list (include "guardian.fullname" .) "operator") }}
{{- end }}

{{/* The platform API's name: its Deployment, ServiceAccount, ClusterRole and Service. */}}
{{- define "guardian.platform.fullname" -}}
{{- include "guardian.withSuffix" (list (include "guardian.fullname" .) "platform") }}
{{- end }}

{{/* Chart name and version, for the helm.sh/chart label. */}}
{{- define "guardian.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object the chart renders. */}}
{{- define "guardian.labels" -}}
helm.sh/chart: {{ include "guardian.chart" . }}
{{ include "guardian.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: guardian
{{- end }}

{{/* Selector labels; a component label (operator, platform) is added beside them. */}}
{{- define "guardian.selectorLabels" -}}
app.kubernetes.io/name: {{ include "guardian.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The one image every role runs (`guardian <command>`). */}}
{{- define "guardian.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The Secret the chart creates for settings given by value (database URLs, keys, ...). */}}
{{- define "guardian.secretName" -}}
{{- include "guardian.fullname" . }}
{{- end }}

{{/*
Where each secret setting comes from: a key of an existing Secret, or the chart's own Secret when
given by value. Each yields a secretKeyRef body ("name: ...\nkey: ...").
*/}}
{{- define "guardian.ref.databaseUrl" -}}
{{- if .Values.database.existingSecret -}}
name: {{ .Values.database.existingSecret }}
key: {{ .Values.database.existingSecretKeys.url }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: database-url
{{- end }}
{{- end }}

{{- define "guardian.ref.databaseAdminUrl" -}}
{{- if .Values.database.existingSecret -}}
name: {{ .Values.database.existingSecret }}
key: {{ .Values.database.existingSecretKeys.adminUrl }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: database-admin-url
{{- end }}
{{- end }}

{{- define "guardian.ref.redisUrl" -}}
{{- if .Values.redis.existingSecret -}}
name: {{ .Values.redis.existingSecret }}
key: {{ .Values.redis.existingSecretKey }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: redis-url
{{- end }}
{{- end }}

{{- define "guardian.ref.oidcClientSecret" -}}
{{- if .Values.oidc.existingSecret -}}
name: {{ .Values.oidc.existingSecret }}
key: {{ .Values.oidc.existingSecretKeys.clientSecret }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: oidc-client-secret
{{- end }}
{{- end }}

{{- define "guardian.ref.encryptionKey" -}}
{{- if .Values.platform.encryptionKey.existingSecret -}}
name: {{ .Values.platform.encryptionKey.existingSecret }}
key: {{ .Values.platform.encryptionKey.existingSecretKey }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: encryption-key
{{- end }}
{{- end }}

{{/*
PUBLIC_URL: set explicitly, or derived from the Ingress or HTTPRoute host. Empty means the
platform's default (http://127.0.0.1:<port>), which is what a `kubectl port-forward` reaches.
*/}}
{{- define "guardian.publicUrl" -}}
{{- if .Values.platform.publicUrl }}
{{- .Values.platform.publicUrl }}
{{- else if .Values.ingress.enabled }}
{{- printf "%s://%s" (ternary "https" "http" (not (empty .Values.ingress.tls.secretName))) .Values.ingress.host }}
{{- else if .Values.httpRoute.enabled }}
{{- printf "https://%s" .Values.httpRoute.hostname }}
{{- end }}
{{- end }}

{{/*
Each tenant login role's CONNECTION LIMIT: as set, or 2 pooled connections per platform replica
(the most the autoscaler may run) plus 2 for the operator's migrations, at least 8.
*/}}
{{- define "guardian.tenantConnectionLimit" -}}
{{- if .Values.tenantDatabases.connectionLimit }}
{{- .Values.tenantDatabases.connectionLimit }}
{{- else }}
{{- $replicas := ternary .Values.platform.autoscaling.maxReplicas .Values.platform.replicas .Values.platform.autoscaling.enabled }}
{{- max 8 (add 2 (mul 2 (int $replicas))) }}
{{- end }}
{{- end }}

{{/* The pod and container security settings every Guardian container runs with. */}}
{{- define "guardian.podSecurityContext" -}}
{{- toYaml .Values.podSecurityContext }}
{{- end }}

{{- define "guardian.securityContext" -}}
{{- toYaml .Values.securityContext }}
{{- end }}

{{/*
The platform's environment, shared by the API Deployment and the key-rotation CronJob (both parse
the same configuration, platform/src/config.ts).
*/}}
{{- define "guardian.platform.env" -}}
- name: PORT
  value: {{ .Values.platform.port | quote }}
- name: METRICS_PORT
  value: {{ .Values.platform.metricsPort | quote }}
- name: HOST
  value: "0.0.0.0"
{{- with (include "guardian.publicUrl" .) }}
- name: PUBLIC_URL
  value: {{ . | quote }}
{{- end }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      {{- include "guardian.ref.databaseUrl" . | nindent 6 }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      {{- include "guardian.ref.redisUrl" . | nindent 6 }}
- name: OIDC_ISSUER
{{- if .Values.oidc.issuer }}
  value: {{ .Values.oidc.issuer | quote }}
{{- else }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.oidc.existingSecret }}
      key: {{ .Values.oidc.existingSecretKeys.issuer }}
{{- end }}
- name: OIDC_CLIENT_ID
{{- if .Values.oidc.clientId }}
  value: {{ .Values.oidc.clientId | quote }}
{{- else }}
  valueFrom:
    secretKeyRef:
      name: {{ .Values.oidc.existingSecret }}
      key: {{ .Values.oidc.existingSecretKeys.clientId }}
{{- end }}
- name: OIDC_CLIENT_SECRET
  valueFrom:
    secretKeyRef:
      {{- include "guardian.ref.oidcClientSecret" . | nindent 6 }}
- name: OIDC_SCOPES
  value: {{ .Values.oidc.scopes | quote }}
- name: OIDC_SUBJECT_PREFIX
  value: {{ .Values.oidc.subjectPrefix | quote }}
{{- if or .Values.oidc.caBundle.pem .Values.oidc.caBundle.existingConfigMap }}
- name: OIDC_CA_FILE
  value: /etc/guardian/oidc-ca/ca.crt
{{- end }}
- name: OUTBOUND_ALLOWED_CIDRS
  value: {{ join "," .Values.platform.outboundAllowedCidrs | quote }}
- name: GUARDIAN_SUPER_ADMINS
  value: {{ join "," .Values.platform.superAdmins | quote }}
- name: GUARDIAN_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      {{- include "guardian.ref.encryptionKey" . | nindent 6 }}
- name: TOKEN_TTL_SECONDS
  value: {{ .Values.platform.tokenTtlSeconds | quote }}
- name: SESSION_TTL_SECONDS
  value: {{ .Values.platform.sessionTtlSeconds | quote }}
- name: TRUSTED_PROXIES
  value: {{ .Values.platform.trustedProxies | quote }}
- name: LOG_LEVEL
  value: {{ .Values.platform.logLevel | quote }}
{{- end }}

{{/* The OIDC CA bundle volume, when one is configured. */}}
{{- define "guardian.oidcCaVolume" -}}
{{- if or .Values.oidc.caBundle.pem .Values.oidc.caBundle.existingConfigMap -}}
- name: oidc-ca
  configMap:
    {{- if .Values.oidc.caBundle.existingConfigMap }}
    name: {{ .Values.oidc.caBundle.existingConfigMap }}
    items:
      - key: {{ .Values.oidc.caBundle.key }}
        path: ca.crt
    {{- else }}
    name: {{ include "guardian.withSuffix" (list (include "guardian.fullname" .) "oidc-ca") }}
    items:
      - key: ca.crt
        path: ca.crt
    {{- end }}
{{- end }}
{{- end }}

{{- define "guardian.oidcCaVolumeMount" -}}
{{- if or .Values.oidc.caBundle.pem .Values.oidc.caBundle.existingConfigMap -}}
- name: oidc-ca
  mountPath: /etc/guardian/oidc-ca
  readOnly: true
{{- end }}
{{- end }}

{{/* The storage target's secrets, from an existing Secret or the chart's own (given by value). */}}
{{- define "guardian.ref.s3AccessKeyId" -}}
{{- if .Values.storage.s3.existingSecret -}}
name: {{ .Values.storage.s3.existingSecret }}
key: {{ .Values.storage.s3.existingSecretKeys.accessKeyId }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: s3-access-key-id
{{- end }}
{{- end }}

{{- define "guardian.ref.s3SecretAccessKey" -}}
{{- if .Values.storage.s3.existingSecret -}}
name: {{ .Values.storage.s3.existingSecret }}
key: {{ .Values.storage.s3.existingSecretKeys.secretAccessKey }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: s3-secret-access-key
{{- end }}
{{- end }}

{{- define "guardian.ref.backupKey" -}}
{{- if .Values.backup.encryptionKey.existingSecret -}}
name: {{ .Values.backup.encryptionKey.existingSecret }}
key: {{ .Values.backup.encryptionKey.existingSecretKey }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: backup-key
{{- end }}
{{- end }}

{{- define "guardian.ref.backupUrl" -}}
{{- if .Values.backup.platform.existingSecret -}}
name: {{ .Values.backup.platform.existingSecret }}
key: {{ .Values.backup.platform.existingSecretKey }}
{{- else -}}
name: {{ include "guardian.secretName" . }}
key: database-backup-url
{{- end }}
{{- end }}

{{/*
The storage target (S3 and its admin account, or the folder) and the backup key, for what provisions
storage and writes backups: the operator and the platform backup CronJob.
*/}}
{{- define "guardian.storage.env" -}}
{{- if eq .Values.storage.type "s3" }}
- name: S3_ENDPOINT
  value: {{ .Values.storage.s3.endpoint | quote }}
- name: S3_REGION
  value: {{ .Values.storage.s3.region | quote }}
- name: S3_BUCKET_PREFIX
  value: {{ .Values.storage.s3.bucketPrefix | quote }}
- name: S3_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef:
      {{- include "guardian.ref.s3AccessKeyId" . | nindent 6 }}
- name: S3_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      {{- include "guardian.ref.s3SecretAccessKey" . | nindent 6 }}
{{- else if eq .Values.storage.type "filesystem" }}
- name: STORAGE_DIR
  value: {{ .Values.storage.filesystem.mountPath | quote }}
{{- end }}
{{- include "guardian.backupKey.env" . }}
{{- end }}

{{/* The backup key, for what encrypts or decrypts backups (the operator, the platform, the CronJob). */}}
{{- define "guardian.backupKey.env" -}}
{{- if ne .Values.storage.type "none" }}
- name: BACKUP_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      {{- include "guardian.ref.backupKey" . | nindent 6 }}
{{- end }}
{{- end }}

{{/* The filesystem target's volume and mount, where there is one. */}}
{{- define "guardian.storageVolume" -}}
{{- if eq .Values.storage.type "filesystem" -}}
- name: storage
  persistentVolumeClaim:
    claimName: {{ .Values.storage.filesystem.existingClaim }}
{{- end }}
{{- end }}

{{- define "guardian.storageVolumeMount" -}}
{{- if eq .Values.storage.type "filesystem" -}}
- name: storage
  mountPath: {{ .Values.storage.filesystem.mountPath }}
{{- end }}
{{- end }}
