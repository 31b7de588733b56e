#!/bin/sh
# Writes the `.env` of docker-compose.yml: docker/env.example with the five secrets filled in
# with fresh random values. An existing file is left alone (its secrets encrypt the stack's data).
#   sh docker/make-env.sh [FILE]      # FILE defaults to .env next to docker-compose.yml
set -eu
here=$(dirname "$0")
target=${1:-$here/../.env}
if [ -e "$target" ]; then
    echo "$target exists: left unchanged" >&2
    exit 0
fi

# 32 random bytes in URL-safe base64: the format of a Fernet key; without '=' it is also
# safe in the database URLs, where the password goes unescaped.
random() { head -c 32 /dev/urandom | base64 | tr '+/' '-_'; }

fill=""
for name in AIRFLOW_FERNET_KEY POSTGRES_PASSWORD AIRFLOW_ADMIN_PASSWORD AIRFLOW_JWT_SECRET AIRFLOW_API_SECRET_KEY; do
    value=$(random)
    [ "$name" = AIRFLOW_FERNET_KEY ] || value=$(printf %s "$value" | tr -d =)
    fill="$fill
s|^$name=\$|&$value|"
done
umask 077
sed "$fill" "$here/env.example" > "$target"
echo "wrote $target"
