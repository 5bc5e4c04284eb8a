#!/usr/bin/env bash
# Makes TorchSharp's native shim load on machines whose libstdc++ is older than GCC 13 (Debian 12 ships GCC 12's).
#
# libLibTorchSharp.so from TorchSharp 0.107.0 asks for GLIBCXX_3.4.32, but the only symbol it uses from that version is
# std::ios_base_library_init(), which it does not need when libstdc++ is older. Marking that version requirement weak
# (VER_FLG_WEAK) lets the loader accept the older libstdc++. This patches the COPY in the benchmark's output folder only,
# never the NuGet cache, and keeps the file's timestamp so that an incremental build does not copy the original back.
#
# usage: tests/Benchmarks/prepare-torchsharp.sh [OUTPUT_DIR]      (default: tests/Benchmarks/bin/Release/net10.0)
# needs: python3 and weaken_verneed.py from the shared tools (WEAKEN_VERNEED=path, default ../shared/tools/ beside the repo)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$here/bin/Release/net10.0}"
tool="${WEAKEN_VERNEED:-$repo/../shared/tools/weaken_verneed.py}"
version="GLIBCXX_3.4.32"

if [[ ! -d "$out" ]]; then
    echo "no build output at $out: run 'dotnet build -c Release tests/Benchmarks' first" >&2
    exit 1
fi
if [[ ! -f "$tool" ]]; then
    echo "weaken_verneed.py not found at $tool (set WEAKEN_VERNEED)" >&2
    exit 1
fi

# Does the system libstdc++ already provide the version? Then there is nothing to do.
libstdcxx="$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ { print $NF; exit }')"
if [[ -n "$libstdcxx" ]] && grep -qa "$version" "$libstdcxx"; then
    echo "$libstdcxx provides $version: no patch needed"
    exit 0
fi

mapfile -t shims < <(find "$out" -name libLibTorchSharp.so -type f)
if [[ ${#shims[@]} -eq 0 ]]; then
    echo "no libLibTorchSharp.so under $out" >&2
    exit 1
fi
for shim in "${shims[@]}"; do
    stamp="$(mktemp)"
    touch -r "$shim" "$stamp"
    python3 "$tool" "$shim" "$version"
    touch -r "$stamp" "$shim"
    rm -f "$stamp"
done
