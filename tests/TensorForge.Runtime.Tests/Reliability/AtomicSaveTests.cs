using System.Diagnostics;
using TensorForge.Runtime.Tests.Infrastructure;
using TensorForge.Runtime.Tests.Serialization;
using TensorForge.Serialization;

namespace TensorForge.Runtime.Tests.Reliability;

/// <summary>Saving never loses the previous file: whatever fails (a write after N bytes, the flush, the close, a full disk, a
/// file-size limit, a folder that refuses new files, a rename onto a folder), the old file keeps its bytes and no temporary
/// file is left.</summary>
public class AtomicSaveTests
{
    private static readonly byte[] OldContents = "the previous checkpoint, which must survive"u8.ToArray();

    private static (TensorInfo[] Tensors, float[] Values, int FileLength) Model()
    {
        float[] values = SafetensorsFiles.Values();
        var stream = new MemoryStream();
        Safetensors.Save(stream, SafetensorsFiles.Model(), values);
        return (SafetensorsFiles.Model(), values, (int)stream.Length);
    }

    [Fact]
    public void A_failure_at_any_byte_or_in_flush_or_close_keeps_the_previous_file_and_leaves_no_temporary_file()
    {
        (TensorInfo[] tensors, float[] values, int length) = Model();
        int cases = 0;
        var failures = new List<string>();
        foreach (FailurePoint point in Enum.GetValues<FailurePoint>())
        {
            // Every byte count for writes; flush and close failures after the whole file.
            IEnumerable<int> counts = point == FailurePoint.Write ? Enumerable.Range(0, length) : [length];
            foreach (int after in counts)
            {
                cases++;
                using var folder = new TemporaryFolder();
                string path = folder.File("model.safetensors");
                File.WriteAllBytes(path, OldContents);
                FailingStream? opened = null;
                Exception? error = Record.Exception(() => Safetensors.Save(path, tensors, values, temporaryPath =>
                    opened = new FailingStream(AtomicFile.OpenTemporaryFile(temporaryPath), after, point)));
                string context = $"{point} failure after {after} bytes";
                if (error is not IOException { Message: FailingStream.Message })
                    failures.Add($"{context}: expected the simulated IOException, got {error?.GetType().Name ?? "no exception"}");
                if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(OldContents))
                    failures.Add($"{context}: the previous file changed");
                if (folder.Files() is not ["model.safetensors"])
                    failures.Add($"{context}: the folder holds {string.Join(", ", folder.Files())}");
                if (opened is null)
                    failures.Add($"{context}: the seam was not used");
            }
        }
        ReliabilityReport.Line($"atomic save failures: {cases} simulated, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void A_full_disk_keeps_the_previous_file_even_when_closing_the_temporary_file_fails_too()
    {
        // On a full disk the write fails, and so does the flush that closing the buffered file attempts. Before the fix the
        // second exception escaped Dispose, replaced the first and skipped deleting the temporary file.
        (TensorInfo[] tensors, float[] values, int length) = Model();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllBytes(path, OldContents);
        var e = Assert.Throws<IOException>(() => Safetensors.Save(path, tensors, values, temporaryPath =>
            new FailingStream(AtomicFile.OpenTemporaryFile(temporaryPath), length / 2, FailurePoint.Write, failOnDispose: true)));
        Assert.Equal(FailingStream.Message, e.Message);
        Assert.Equal(OldContents, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], folder.Files());
    }

    [FileSizeLimitFact]
    public void A_file_size_limit_gives_an_IOException_naming_the_path_keeps_the_previous_file_and_leaves_no_temporary_file()
    {
        // A real process under `prlimit --fsize=LIMIT` that ignores SIGXFSZ, so that write(2) past the limit fails with EFBIG
        // (as a quota or `ulimit -f` makes it) instead of killing the process. .NET reports EFBIG as an
        // ArgumentOutOfRangeException; before the fix that escaped Save, and when the buffered stream's close hit the limit
        // again it also skipped deleting the temporary file.
        const int Large = 100_000, Small = 2_000; // 400 KB: data written past FileStream's 64 KiB buffer; 8 KB: all buffered
        int largeLength = FileLength(Large), smallLength = FileLength(Small);
        (int Floats, long Limit, string Where)[] cases =
        [
            (Large, 8, "inside the header"),
            (Large, 1_000, "at the first data write"),
            (Large, 200_000, "in the middle of the data"),
            (Large, largeLength - 1, "at the last byte"),
            (Small, 4_096, "at the flush of a file that fits in the buffer"),
            (Small, smallLength - 1, "at the last byte of a file that fits in the buffer"),
        ];
        var failures = new List<string>();
        foreach ((int floats, long limit, string where) in cases)
        {
            using var folder = new TemporaryFolder();
            string path = folder.File("model.safetensors");
            File.WriteAllBytes(path, OldContents);
            string result = SaveInChildProcess(path, floats, limit);
            string context = $"a {FileLength(floats):N0}-byte file under a {limit:N0}-byte limit ({where})";
            if (!result.StartsWith($"System.IO.IOException: Could not save '{path}': the file system refused to grow", StringComparison.Ordinal))
                failures.Add($"{context}: expected an IOException naming the path, got: {result}");
            if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(OldContents))
                failures.Add($"{context}: the previous file changed");
            if (folder.Files() is not ["model.safetensors"])
                failures.Add($"{context}: the folder holds {string.Join(", ", folder.Files())}");
        }

        // The same child, with a limit the file just fits, saves: the limit is what failed above, not the set-up.
        using (var folder = new TemporaryFolder())
        {
            string path = folder.File("model.safetensors");
            File.WriteAllBytes(path, OldContents);
            string result = SaveInChildProcess(path, Small, smallLength);
            if (result != "saved" || new FileInfo(path).Length != smallLength || folder.Files() is not ["model.safetensors"])
                failures.Add($"a {smallLength:N0}-byte file under a limit of its size: expected it saved, got: {result}, " +
                    $"folder: {string.Join(", ", folder.Files())}");
        }
        ReliabilityReport.Line($"file-size limit saves: {cases.Length + 1} child processes under prlimit, {failures.Count} failures");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static int FileLength(int floats)
    {
        var stream = new MemoryStream();
        Safetensors.Save(stream, [new TensorInfo("weight", [floats], 0)], new float[floats]);
        return (int)stream.Length;
    }

    /// <summary>Runs <see cref="ChildProcess"/> <c>save PATH FLOATS</c> under <c>prlimit --fsize=LIMIT</c> with SIGXFSZ ignored
    /// (an ignored signal stays ignored across exec) and returns the line it prints.</summary>
    private static string SaveInChildProcess(string path, int floats, long limit)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["-c", "trap '' XFSZ; exec prlimit --fsize=\"$0\" -- \"$@\"", limit.ToString(),
            DotnetHost(), "exec", typeof(ChildProcess).Assembly.Location, "save", path, floats.ToString()])
            start.ArgumentList.Add(argument);
        // W^X maps the JIT's code through a file that a small limit would refuse: .NET could not start.
        start.Environment["DOTNET_EnableWriteXorExecute"] = "0";
        using var child = Process.Start(start)!;
        Task<string> output = child.StandardOutput.ReadToEndAsync();
        Task<string> error = child.StandardError.ReadToEndAsync();
        if (!child.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            child.Kill(entireProcessTree: true);
            return "the child process timed out";
        }
        if (child.ExitCode != 0)
            return $"the child process exited with {child.ExitCode} (a signal if above 128): {output.Result}{error.Result}";
        return output.Result.Trim();
    }

    /// <summary>The <c>dotnet</c> host running the tests (the SDK sets DOTNET_HOST_PATH for <c>dotnet test</c>).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
            return host;
        if (Environment.ProcessPath is { } process && Path.GetFileNameWithoutExtension(process) == "dotnet")
            return process;
        return "dotnet";
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void A_folder_that_refuses_new_files_keeps_the_previous_file()
    {
        (TensorInfo[] tensors, float[] values, _) = Model();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllBytes(path, OldContents);

        // A read-only folder, if the permissions hold for this user (they do not for root, whom chmod does not stop).
        File.SetUnixFileMode(folder.Path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        bool permissionsHold;
        try
        {
            File.WriteAllText(folder.File("probe"), "");
            File.Delete(folder.File("probe"));
            permissionsHold = false;
        }
        catch (UnauthorizedAccessException)
        {
            permissionsHold = true;
        }
        try
        {
            if (permissionsHold)
                Assert.Throws<UnauthorizedAccessException>(() => Safetensors.Save(path, tensors, values));
            else // Simulate it: the temporary file cannot be created.
                Assert.Throws<UnauthorizedAccessException>(() => Safetensors.Save(path, tensors, values,
                    temporaryPath => throw new UnauthorizedAccessException($"Access to the path '{temporaryPath}' is denied.")));
        }
        finally
        {
            File.SetUnixFileMode(folder.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        Assert.Equal(OldContents, File.ReadAllBytes(path));
        Assert.Equal(["model.safetensors"], folder.Files());
    }

    [Fact]
    public void A_path_whose_folder_is_a_file_fails_and_changes_nothing()
    {
        (TensorInfo[] tensors, float[] values, _) = Model();
        using var folder = new TemporaryFolder();
        string notAFolder = folder.File("weights");
        File.WriteAllBytes(notAFolder, OldContents);
        Assert.ThrowsAny<IOException>(() => Safetensors.Save(Path.Combine(notAFolder, "model.safetensors"), tensors, values));
        Assert.Equal(OldContents, File.ReadAllBytes(notAFolder));
        Assert.Equal(["weights"], folder.Files());
    }

    [Fact]
    public void A_rename_that_fails_removes_the_temporary_file()
    {
        // The target is a folder: the new file is complete but cannot replace it.
        (TensorInfo[] tensors, float[] values, _) = Model();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        Directory.CreateDirectory(path);
        File.WriteAllBytes(Path.Combine(path, "inside"), OldContents);
        Assert.ThrowsAny<IOException>(() => Safetensors.Save(path, tensors, values));
        Assert.Empty(folder.Files());
        Assert.Equal(OldContents, File.ReadAllBytes(Path.Combine(path, "inside")));
    }

    [Fact]
    public void After_failures_a_successful_save_replaces_the_file()
    {
        (TensorInfo[] tensors, float[] values, int length) = Model();
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllBytes(path, OldContents);
        Assert.Throws<IOException>(() => Safetensors.Save(path, tensors, values, temporaryPath =>
            new FailingStream(AtomicFile.OpenTemporaryFile(temporaryPath), 10, FailurePoint.Write)));
        Safetensors.Save(path, tensors, values);
        var loaded = new float[values.Length];
        Safetensors.Load(path, tensors, loaded);
        Assert.Equal(values, loaded);
        Assert.Equal(length, new FileInfo(path).Length);
        Assert.Equal(["model.safetensors"], folder.Files());
    }

    public enum FailurePoint { Write, Flush, Dispose }

    /// <summary>Passes writes to a real temporary file until <c>after</c> bytes, then fails as a full disk would (ENOSPC).</summary>
    private sealed class FailingStream(Stream inner, int after, FailurePoint point, bool failOnDispose = false) : Stream
    {
        public const string Message = "No space left on device (simulated)";
        private long _written;
        private bool _disposed;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _written;
        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (point == FailurePoint.Write && _written + buffer.Length > after)
            {
                int fits = (int)(after - _written);
                inner.Write(buffer[..fits]);
                _written += fits;
                throw Full();
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }

        public override void WriteByte(byte value) => Write([value]);

        public override void Flush()
        {
            if (point == FailurePoint.Flush)
                throw Full();
            inner.Flush();
        }

        protected override void Dispose(bool disposing)
        {
            if (_disposed)
                return;
            _disposed = true;
            inner.Dispose();
            base.Dispose(disposing);
            if (point == FailurePoint.Dispose || failOnDispose)
                throw Full();
        }

        private static IOException Full() => new(Message, 28);

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}

/// <summary>A test that runs a child process under <c>prlimit</c> (util-linux): skipped where there is no such command.</summary>
internal sealed class FileSizeLimitFactAttribute : FactAttribute
{
    public FileSizeLimitFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
            Skip = "needs Linux (prlimit, SIGXFSZ)";
        else if (!File.Exists("/bin/sh") || !OnPath("prlimit"))
            Skip = "needs /bin/sh and prlimit (util-linux) on PATH";
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, command)));
}
