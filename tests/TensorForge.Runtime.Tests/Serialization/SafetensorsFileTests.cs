using System.Text;
using TensorForge.Runtime.Tests.Infrastructure;
using TensorForge.Serialization;

namespace TensorForge.Runtime.Tests.Serialization;

public class SafetensorsFileTests
{
    [Fact]
    public void Save_to_a_path_then_load_it_back_leaving_no_temporary_file()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        float[] values = SafetensorsFiles.Values();
        Safetensors.Save(path, SafetensorsFiles.Model(), values);
        Safetensors.Save(path, SafetensorsFiles.Model(), values.Select(v => v * 2).ToArray()); // replaces

        var loaded = new float[SafetensorsFiles.ParameterCount];
        Safetensors.Load(path, SafetensorsFiles.Model(), loaded);
        Assert.Equal(values.Select(v => v * 2), loaded);
        Assert.Equal(["model.safetensors"], folder.Files());
    }

    [Fact]
    public void A_write_that_fails_leaves_the_old_file_intact_and_no_temporary_file()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllText(path, "old contents");

        void WriteHalfThenFail()
        {
            using var file = new AtomicFile(path);
            file.Stream.Write("half a new fi"u8);
            Assert.True(File.Exists(file.TemporaryPath));
            Assert.Equal(folder.Path, Path.GetDirectoryName(file.TemporaryPath));
            throw new IOException("disk full");
        }

        Assert.Throws<IOException>(WriteHalfThenFail);

        Assert.Equal("old contents", File.ReadAllText(path));
        Assert.Equal(["model.safetensors"], folder.Files());
    }

    [Fact]
    public void Save_with_an_invalid_tensor_list_leaves_the_old_file_intact()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllText(path, "old contents");
        Assert.Throws<ArgumentException>(() => Safetensors.Save(path, SafetensorsFiles.Model(), new float[3]));
        Assert.Equal("old contents", File.ReadAllText(path));
        Assert.Equal(["model.safetensors"], folder.Files());
    }

    [Fact]
    public void Commit_replaces_the_file_atomically()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("data.bin");
        File.WriteAllText(path, "old");
        using (var file = new AtomicFile(path))
        {
            file.Stream.Write("new"u8);
            Assert.Equal("old", File.ReadAllText(path)); // untouched until the commit
            file.Commit();
        }
        Assert.Equal("new", File.ReadAllText(path, Encoding.UTF8));
        Assert.Equal(["data.bin"], folder.Files());
    }

    [Fact]
    public void Load_of_a_missing_file_throws_file_not_found()
    {
        using var folder = new TemporaryFolder();
        var parameters = new float[SafetensorsFiles.ParameterCount];
        var e = Assert.Throws<FileNotFoundException>(() => Safetensors.Load(folder.File("none.safetensors"), SafetensorsFiles.Model(), parameters));
        Assert.EndsWith("none.safetensors", e.FileName);
        Assert.Throws<FileNotFoundException>(() => Safetensors.Load(folder.File("no/such/folder/x.safetensors"), SafetensorsFiles.Model(), parameters));
    }

    [Fact]
    public void Load_of_a_corrupt_file_on_disk_changes_nothing()
    {
        using var folder = new TemporaryFolder();
        string path = folder.File("model.safetensors");
        File.WriteAllBytes(path, SafetensorsFiles.Build(SafetensorsFiles.ValidHeader.Replace("[3,2]", "[2,3]")));
        var parameters = new float[SafetensorsFiles.ParameterCount];
        Array.Fill(parameters, 7f);
        Assert.Throws<InvalidDataException>(() => Safetensors.Load(path, SafetensorsFiles.Model(), parameters));
        Assert.All(parameters, p => Assert.Equal(7f, p));
    }
}
