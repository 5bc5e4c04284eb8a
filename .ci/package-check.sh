#!/usr/bin/env bash
# Proves what `dotnet add package TensorForge` gives a user (issue 10, "One package"):
#   1. packs src/Package into artifacts/package-feed (TensorForge.<version>.nupkg and .snupkg) and checks its contents;
#   2. restores tests/PackageConsumer, which takes TensorForge only from that folder (its nuget.config) into a private,
#      emptied packages folder, and checks that the restored package is the one just packed;
#   3. builds and runs it (JIT): a small network trains (the loss must fall), saves, loads into a second instance
#      (outputs must be bit-identical); so do two token sequence networks (LSTM + additive attention, causal Transformer)
#      and a small convolutional VAE (Reparameterize, Unflatten, ConvTranspose2D, Upsample), which must also allocate
#      nothing per call after the first;
#   4. publishes it with Native AOT (any IL/AOT, compiler or TensorForge warning fails) and runs the native binary.
# Prints the package's size and file list and the time of each step. Exits non-zero with "PACKAGE CHECK FAILED: …" on any
# failure. Run from anywhere after `dotnet build` (CI=true makes the build reproducible: ContinuousIntegrationBuild).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

feed=$root/artifacts/package-feed
work=$root/artifacts/package-consumer
consumer=tests/PackageConsumer
step="start"
started=$SECONDS
step_started=$SECONDS

fail() {
  echo "PACKAGE CHECK FAILED: $*"
  step="done"
  exit 1
}
on_exit() {
  local status=$?
  if [ "$status" -ne 0 ] && [ "$step" != "done" ]; then
    echo "PACKAGE CHECK FAILED during: $step (exit code $status; logs in artifacts/package-consumer/)"
  fi
}
trap on_exit EXIT
begin() {
  step=$1
  step_started=$SECONDS
  echo "== package check: $step"
}
took() {
  echo "   ($step: $((SECONDS - step_started)) s)"
}

rm -rf "$feed" "$work" "$consumer/bin" "$consumer/obj"
mkdir -p "$feed" "$work"

begin "dotnet pack src/Package"
version=$(dotnet msbuild src/Package/TensorForge.Package.csproj -getProperty:PackageVersion)
[ -n "$version" ] || fail "could not read the package version of src/Package"
timeout 15m dotnet pack src/Package/TensorForge.Package.csproj -c Release -o "$feed" > "$work/pack.log" 2>&1 \
  || { cat "$work/pack.log"; fail "dotnet pack failed (artifacts/package-consumer/pack.log)"; }
package=$feed/TensorForge.$version.nupkg
symbols=$feed/TensorForge.$version.snupkg
[ -f "$package" ] || fail "dotnet pack did not produce $package"
[ -f "$symbols" ] || fail "dotnet pack did not produce the symbol package $symbols"
took

begin "package contents"
echo "TensorForge $version: $(stat -c %s "$package") bytes ($(basename "$package")), symbols $(stat -c %s "$symbols") bytes ($(basename "$symbols"))"
unzip -l "$package"
unzip -l "$symbols" | grep -E '\.pdb$'
files=$(unzip -Z1 "$package")
for expected in TensorForge.nuspec README.md LICENSE \
  lib/net10.0/TensorForge.Runtime.dll lib/net10.0/TensorForge.Runtime.xml \
  lib/net10.0/TensorForge.Attributes.dll lib/net10.0/TensorForge.Attributes.xml \
  analyzers/dotnet/cs/TensorForge.Generator.dll analyzers/dotnet/cs/TensorForge.CodeFixes.dll; do
  grep -qxF "$expected" <<< "$files" || fail "the package has no $expected"
done
unexpected=$(grep -E '\.dll$' <<< "$files" \
  | grep -vE '^(lib/net10\.0|analyzers/dotnet/cs)/TensorForge\.(Runtime|Attributes|Generator|CodeFixes)\.dll$' || true)
[ -z "$unexpected" ] || fail "the package holds an unexpected assembly: $(tr '\n' ' ' <<< "$unexpected")"
symbol_files=$(unzip -Z1 "$symbols")
for expected in lib/net10.0/TensorForge.Runtime.pdb lib/net10.0/TensorForge.Attributes.pdb; do
  grep -qxF "$expected" <<< "$symbol_files" || fail "the symbol package has no $expected"
done
nuspec=$(unzip -p "$package" TensorForge.nuspec)
grep -q '<license type="expression">MIT</license>' <<< "$nuspec" || fail "the nuspec has no MIT licence expression"
unzip -p "$package" LICENSE | grep -q '^MIT License$' || fail "the package's LICENSE is not the MIT licence of its expression"
unzip -p "$package" LICENSE | cmp -s - LICENSE || fail "the package's LICENSE is not the repository's LICENSE"
grep -q '<repository type="git" url="https://' <<< "$nuspec" || fail "the nuspec has no repository URL"
grep -q '<readme>README.md</readme>' <<< "$nuspec" || fail "the nuspec names no README"
dependencies=$(grep -oE '<dependency id="[^"]+"' <<< "$nuspec" | sed -E 's/<dependency id="([^"]+)"/\1/' | sort -u | tr '\n' ' ')
[ "$dependencies" = "System.Numerics.Tensors " ] || fail "the package's dependencies are '$dependencies', expected System.Numerics.Tensors only"
echo "dependencies: $dependencies"
took

begin "restore $consumer from the local feed"
timeout 15m dotnet restore "$consumer" -p:TensorForgeVersion="$version" > "$work/restore.log" 2>&1 \
  || { cat "$work/restore.log"; fail "dotnet restore of $consumer failed (artifacts/package-consumer/restore.log)"; }
restored=$work/packages/tensorforge/$version
[ -d "$restored" ] || fail "TensorForge $version was not restored into the consumer's private packages folder ($restored)"
grep -qF "\"source\": \"$feed" "$restored/.nupkg.metadata" \
  || fail "TensorForge was not restored from the local feed: $(cat "$restored/.nupkg.metadata")"
unzip -p "$package" lib/net10.0/TensorForge.Runtime.dll | cmp -s - "$restored/lib/net10.0/TensorForge.Runtime.dll" \
  || fail "the restored TensorForge.Runtime.dll is not the one just packed"
echo "restored TensorForge $version from $feed"
took

begin "build and run $consumer (JIT)"
timeout 15m dotnet build "$consumer" -c Release --no-restore -p:TensorForgeVersion="$version" > "$work/build.log" 2>&1 \
  || { cat "$work/build.log"; fail "dotnet build of $consumer failed (artifacts/package-consumer/build.log)"; }
if grep -E 'warning (IL|AOT|CS|TF)[0-9]+' "$work/build.log"; then
  fail "the consumer's build has warnings (artifacts/package-consumer/build.log)"
fi
timeout 10m dotnet run --project "$consumer" -c Release --no-build -p:TensorForgeVersion="$version" 2>&1 | tee "$work/run-jit.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "the consumer failed under the JIT (artifacts/package-consumer/run-jit.log)"
took

begin "publish $consumer with Native AOT"
timeout 20m dotnet publish "$consumer" -c Release -r linux-x64 -p:TensorForgeVersion="$version" -o "$work/aot" \
  > "$work/publish.log" 2>&1 \
  || { cat "$work/publish.log"; fail "the AOT publish of $consumer failed (artifacts/package-consumer/publish.log)"; }
if grep -E 'warning (IL[0-9]+|AOT|CS[0-9]+|TF[0-9]+)' "$work/publish.log"; then
  fail "the AOT publish has warnings (artifacts/package-consumer/publish.log)"
fi
[ -x "$work/aot/PackageConsumer" ] || fail "the AOT publish produced no native binary"
echo "native binary: $(stat -c %s "$work/aot/PackageConsumer") bytes"
took

begin "run the native binary"
timeout 10m "$work/aot/PackageConsumer" 2>&1 | tee "$work/run-aot.log"
[ "${PIPESTATUS[0]}" -eq 0 ] || fail "the native consumer failed (artifacts/package-consumer/run-aot.log)"
took

step="done"
echo "package check passed: TensorForge $version, $(stat -c %s "$package") bytes, in $((SECONDS - started)) s"
