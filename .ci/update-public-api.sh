#!/usr/bin/env bash
# Regenerates the public API files of the shipped assemblies (src/Attributes, src/Runtime, src/Onnx) from the code, after public API
# was changed on purpose (README, "Development"):
#   PublicAPI.Unshipped.txt = every public symbol that PublicAPI.Shipped.txt does not list (RS0016), plus a *REMOVED* line for
#                             every shipped symbol that is gone or changed (RS0017);
#   PublicAPI.Shipped.txt   is never touched: moving the Unshipped lines into it is the release step.
# How: it empties the Unshipped files, builds, and writes the symbols that Microsoft.CodeAnalysis.PublicApiAnalyzers reports
# (its messages carry each symbol exactly as the files spell it), then builds again and fails if any RS0016/RS0017 is left.
# Review the diff like code: it is the API change. Usage, from anywhere: bash .ci/update-public-api.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

dirs=(src/Attributes src/Runtime src/Onnx)
build=(src/Runtime/TensorForge.Runtime.csproj src/Onnx/TensorForge.Onnx.csproj)   # the first builds src/Attributes too (a project reference)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for dir in "${dirs[@]}"; do
  printf '#nullable enable\n' > "$dir/PublicAPI.Unshipped.txt"
done

# CI=false: RS0016/RS0017 are CI's errors; here they are the warnings read. --no-incremental: every warning is reported again.
echo "== building to list the public API that PublicAPI.Shipped.txt does not declare"
for project in "${build[@]}"; do
  dotnet build "$project" --no-incremental -p:CI=false >> "$log" 2>&1 || { cat "$log"; echo "public API update: the build failed"; exit 1; }
done

for dir in "${dirs[@]}"; do
  project=$(cd "$dir" && ls ./*.csproj)
  project=$PWD/$dir/${project#./}
  # e.g. ".../Enums.cs(17,9): warning RS0016: Symbol 'TensorForge.Activation.Gelu = 5 -> TensorForge.Activation' is not part
  # of the declared public API (…) [/…/TensorForge.Attributes.csproj]"
  {
    grep -F "[$project]" "$log" | sed -nE "s/.*warning RS0016: Symbol '(.*)' is not part of the declared public API.*/\1/p"
    grep -F "[$project]" "$log" | sed -nE "s/.*warning RS0017: Symbol '(.*)' is part of the declared API, but is either not public or could not be found.*/*REMOVED*\1/p"
  } | LC_ALL=C sort -u >> "$dir/PublicAPI.Unshipped.txt"
done

echo "== building again to check that nothing is left undeclared"
: > "$log"
for project in "${build[@]}"; do
  dotnet build "$project" --no-incremental -p:CI=false >> "$log" 2>&1 || { cat "$log"; echo "public API update: the build failed"; exit 1; }
done
if grep -E 'warning RS00[0-9][0-9]' "$log" | sort -u; then
  echo "public API update: the warnings above are left; edit the PublicAPI.*.txt files by hand"
  exit 1
fi
for dir in "${dirs[@]}"; do
  echo "$dir/PublicAPI.Unshipped.txt: $(($(grep -c . "$dir/PublicAPI.Unshipped.txt") - 1)) lines"
done
git --no-pager diff --stat -- 'src/*/PublicAPI.*.txt' 2>/dev/null || true
