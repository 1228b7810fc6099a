#!/bin/sh
# Render a .docx report to PDF with LibreOffice, then each page to PNG, to look at the layout.
# Needs: apt-get install -y libreoffice-writer poppler-utils (not run in CI).
# Usage: scripts/render_report.sh REPORT.docx [OUTPUT_DIR]
set -eu
docx=${1:?usage: scripts/render_report.sh REPORT.docx [OUTPUT_DIR]}
out=${2:-$(dirname "$docx")}
mkdir -p "$out"
# A private profile, so a running LibreOffice or a read-only home does not get in the way.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
soffice -env:UserInstallation=file://"$profile" --headless --convert-to pdf --outdir "$out" "$docx" >/dev/null
pdf="$out/$(basename "${docx%.*}").pdf"
pdftoppm -png -r 80 "$pdf" "${pdf%.pdf}"
ls "${pdf%.pdf}"*.png
