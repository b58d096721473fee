#!/usr/bin/env bash
# Builds the zip-deployable Azure Functions package: a self-contained linux-x64 FuncSync.App (the custom
# runtime brings no .NET), host.json, and one <Function>/function.json per function declared in code.
#
#   eng/package.sh [output-dir]      # default: artifacts/functionapp, zip beside it
#
# Needs only the .NET SDK and zip (or python3); the package is for Linux x64 whatever machine builds it.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-artifacts/functionapp}"
mkdir -p "$(dirname "$out")"
out="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
zipfile="$out.zip"
rm -rf "$out" "$zipfile"

# Azurite is for tests and local runs only; the package never starts it.
dotnet publish src/FuncSync.App/FuncSync.App.csproj \
  --configuration Release \
  --runtime linux-x64 \
  --self-contained true \
  -p:PublishSingleFile=true \
  -p:DebugType=none \
  -p:PublishDocumentationFile=false \
  -p:PublishReferencesDocumentationFiles=false \
  -p:SkipAzuriteRestore=true \
  --output "$out"

# function.json comes from the catalog the app builds at start-up, so bindings are declared once.
if [ "$(uname -sm)" = "Linux x86_64" ]; then
  "$out/FuncSync.App" --write-functions "$out"
else
  dotnet run --project src/FuncSync.App/FuncSync.App.csproj --configuration Release --no-launch-profile \
    -p:SkipAzuriteRestore=true -- --write-functions "$out"
fi

test -f "$out/host.json" || { echo "host.json is missing from $out" >&2; exit 1; }
test -x "$out/FuncSync.App" || chmod +x "$out/FuncSync.App"
count=$(find "$out" -mindepth 2 -maxdepth 2 -name function.json | wc -l)
[ "$count" -gt 0 ] || { echo "no function.json was written" >&2; exit 1; }

# The host runs FuncSync.App straight from the package: the zip must keep its Unix exec bit.
if command -v zip >/dev/null 2>&1; then
  (cd "$out" && zip -q -r -X "$zipfile" .)
else
  python3 - "$out" "$zipfile" <<'PY'
import os, sys, zipfile
root, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
    for folder, _, files in os.walk(root):
        for name in sorted(files):
            path = os.path.join(folder, name)
            info = zipfile.ZipInfo.from_file(path, os.path.relpath(path, root))
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
PY
fi

echo "package: $out ($count functions)"
echo "zip:     $zipfile"
