using TensorForge.Serialization;

namespace TensorForge.Runtime.Tests;

/// <summary>The entry point of the test assembly when a test runs it as a child process (<c>dotnet exec
/// TensorForge.Runtime.Tests.dll COMMAND …</c>), for what one process cannot do to itself without disturbing the other tests,
/// such as saving under a file-size limit (<c>AtomicSaveTests</c>). The test host never calls it; the
/// csproj sets <c>GenerateProgramFile</c> to false so that this replaces the empty <c>Main</c> the test SDK would generate.</summary>
internal static class ChildProcess
{
    public static int Main(string[] args)
    {
        switch (args)
        {
            case ["save", string path, string count]:
                return Save(path, int.Parse(count, System.Globalization.CultureInfo.InvariantCulture));
            default:
                Console.Error.WriteLine("usage: save PATH FLOATS");
                return 2;
        }
    }

    /// <summary>Saves one tensor of <paramref name="count"/> floats to <paramref name="path"/> and prints one line:
    /// <c>saved</c>, or the exception's type and message (<c>System.IO.IOException: …</c>).</summary>
    private static int Save(string path, int count)
    {
        float[] values = Enumerable.Range(0, count).Select(i => 0.25f * i).ToArray();
        try
        {
            Safetensors.Save(path, [new TensorInfo("weight", [count], 0)], values);
            Console.WriteLine("saved");
        }
        catch (Exception e)
        {
            Console.WriteLine($"{e.GetType().FullName}: {e.Message}");
        }
        return 0;
    }
}
