#!/bin/sh
# The image's entrypoint: `meetlink <app> [args]` (or APP=<app>) runs one app's compiled main.js;
# `meetlink healthcheck URL…` is the compose health check.
# VAR_FILE=/path sets VAR from that file's contents first (Docker and compose secrets), so a secret
# need not sit in the container's environment; the app still reads only VAR. Only the secrets named
# here: other *_FILE variables (SSL_CERT_FILE…) mean what they mean to their own readers.
set -eu

SECRET_VARIABLES='ADMIN_TOKEN ADMIN_PASSWORD WEBHOOK_SECRETS TOKEN_ENCRYPTION_KEY CONNECT_LINK_SECRET
  ZOOM_CLIENT_SECRET ZOOM_USER_CLIENT_SECRET ZOOM_WEBHOOK_SECRET_TOKEN GOOGLE_CLIENT_SECRET
  GOOGLE_SERVICE_ACCOUNT_JSON MS_CLIENT_SECRET SMTP_URL'

for var in $SECRET_VARIABLES; do
  eval "path=\${${var}_FILE:-}"
  [ -n "$path" ] || continue
  if [ ! -r "$path" ]; then
    echo "meetlink: ${var}_FILE names $path, which cannot be read" >&2
    exit 1
  fi
  # Trailing newlines of the file are dropped, as $(...) does.
  value=$(cat "$path")
  export "$var=$value"
  unset "${var}_FILE"
done

app=${1:-${APP:-}}
[ $# -gt 0 ] && shift
case "$app" in
  intake-api | conference-worker | calendar-worker | email-worker | ops)
    exec node "/app/apps/$app/dist/main.js" "$@"
    ;;
  healthcheck)
    # For compose's healthcheck (the image has no curl): healthy when every URL answers 2xx in 3 s.
    exec node -e '
      const urls = process.argv.slice(1);
      Promise.all(urls.map((url) => fetch(url, { signal: AbortSignal.timeout(3000) }))).then(
        (answers) => process.exit(answers.every((answer) => answer.ok) ? 0 : 1),
        () => process.exit(1),
      );' "$@"
    ;;
  *)
    echo "usage: meetlink intake-api|conference-worker|calendar-worker|email-worker|ops [args] (or APP=...)" >&2
    exit 64
    ;;
esac
