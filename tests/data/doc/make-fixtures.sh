#!/bin/bash
# Rebuild the DOCX, ODT and PDF fixtures from the HTML pages beside this script with the real
# producers users have: LibreOffice (headless, Debian libreoffice-writer-nogui) and Chromium.
# Not run by ctest (the outputs are checked in); run it by hand after editing the pages.
set -eu
cd "$(dirname "$0")"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cp report.ar.html report.en.html "$T"/
(cd "$T" &&
    soffice --headless --infilter="HTML (StarWriter)" --convert-to docx:"MS Word 2007 XML" \
        report.ar.html report.en.html &&
    soffice --headless --infilter="HTML (StarWriter)" --convert-to odt report.ar.html report.en.html &&
    chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
        --print-to-pdf=report.ar.pdf report.ar.html)
cp "$T"/report.ar.docx "$T"/report.en.docx "$T"/report.ar.odt "$T"/report.en.odt "$T"/report.ar.pdf .
