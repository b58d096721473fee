#!/usr/bin/env bash
# Builds the zip-deployable Azure Functions package: the `dotnet publish` output of FuncSync.App, a dotnet-isolated
# app (functions.metadata, worker.config.json, host.json and the .azurefunctions/ WebJobs extensions are written by
# the Worker SDK). Framework-dependent: the Functions host on Flex Consumption brings .NET 10.
#
#   eng/package.sh [output-dir]      # default: artifacts/functionapp, zip beside it
#
# Needs only the .NET SDK and zip (or python3). People with Core Tools can `func azure functionapp publish` instead.
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
  -p:DebugType=none \
  -p:PublishDocumentationFile=false \
  -p:PublishReferencesDocumentationFiles=false \
  -p:SkipAzuriteRestore=true \
  --output "$out"

for file in host.json functions.metadata worker.config.json FuncSync.App.dll .azurefunctions/function.deps.json; do
  test -f "$out/$file" || { echo "$file is missing from $out" >&2; exit 1; }
done
count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$out/functions.metadata" 2>/dev/null || grep -c '"name"' "$out/functions.metadata")

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
            z.write(path, os.path.relpath(path, root))
PY
fi

echo "package: $out ($count functions)"
echo "zip:     $zipfile"
