#!/usr/bin/env bash
# Installs the Debian packages the app needs (CJK fonts, Pango and HarfBuzz subsetting for PDFs,
# poppler-utils to check them),
# plus any extra ones named as arguments. Without root it prints the exact command and goes on.
set -u
packages=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils postgresql-client "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
line="apt-get update && apt-get install -y ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统软件包 (installing system packages): ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null && exit 0
  echo "系统软件包安装失败，请手动执行 (install failed; run by hand): sudo $line" >&2
else
  echo "缺少系统软件包，请执行 (missing system packages; please run): sudo $line" >&2
fi
exit 0
