using Solidb.Cluster.Identity;
using Xunit;

namespace Solidb.Cluster.Tests.Identity;

public sealed class DataFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-df-" + Guid.NewGuid().ToString("N"));

    public DataFilesTests() => Directory.CreateDirectory(_dir);

    private string FileIn(string name) => Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_write_fsyncs_the_directory_after_the_rename()
    {
        var file = FileIn("election");
        var synced = new List<(string Dir, string? ContentThen)>();

        DataFiles.WriteAtomically(file, "3 node1 3\n", dir => synced.Add((dir, File.ReadAllText(file))));

        // Once, for the file's directory, after the new content was in place under the final name.
        Assert.Equal([(_dir, "3 node1 3\n")], synced);
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Fact]
    public void A_failed_directory_fsync_is_reported_with_the_file_and_the_cause()
    {
        var file = FileIn("hlc-bound");

        var e = Assert.Throws<DataDirectoryException>(() =>
            DataFiles.WriteAtomically(file, "x\n", _ => throw new IOException("fsync failed", 28)));

        Assert.Equal($"cannot fsync the directory '{_dir}' after writing '{file}': no space left on device", e.Message);
        Assert.Equal(FileErrorKind.NoSpace, e.Kind);
    }

    [Fact]
    public void The_real_directory_fsync_runs_and_reports_its_errors()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // a no-op elsewhere (see DirectorySync)
        }

        DirectorySync.Flush(_dir);

        var missing = Path.Combine(_dir, "missing");
        var e = Assert.Throws<IOException>(() => DirectorySync.Flush(missing));
        Assert.Equal(2, e.HResult); // ENOENT from open(2), so the P/Invoke really ran
        Assert.Contains(missing, e.Message);
        var notADirectory = FileIn("plain");
        File.WriteAllText(notADirectory, "x");
        Assert.Equal(20, Assert.Throws<IOException>(() => DirectorySync.Flush(notADirectory)).HResult); // ENOTDIR: O_DIRECTORY is right for this architecture
    }

    [Fact]
    public void A_write_failure_names_the_file_and_leaves_no_temp_file()
    {
        var file = FileIn("incarnation");
        Directory.CreateDirectory(file); // the rename onto a directory fails

        var e = Assert.Throws<DataDirectoryException>(() => DataFiles.WriteAtomically(file, "1\n", _ => { }));

        Assert.StartsWith($"cannot write '{file}': ", e.Message);
        Assert.False(File.Exists(file + ".tmp"));
    }

    [Fact]
    public void A_hostile_temp_symlink_is_replaced_not_followed()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // symbolic links need privileges there
        }

        var victim = Path.Combine(Path.GetTempPath(), "solidb-victim-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(victim, "precious");
        try
        {
            var file = FileIn("node-id");
            File.CreateSymbolicLink(file + ".tmp", victim);

            DataFiles.WriteAtomically(file, "node1\n", _ => { });

            Assert.Equal("precious", File.ReadAllText(victim));
            Assert.Equal("node1\n", File.ReadAllText(file));
            Assert.Null(new FileInfo(file).LinkTarget);
        }
        finally
        {
            File.Delete(victim);
        }
    }

    [Fact]
    public void Reads_are_bounded_so_a_huge_or_endless_file_is_corrupt_not_read()
    {
        var big = FileIn("incarnation");
        File.WriteAllText(big, new string('1', DataFiles.MaxBytes + 1));
        Assert.Equal($"corrupt file '{big}': longer than {DataFiles.MaxBytes} bytes",
            Assert.Throws<DataDirectoryException>(() => DataFiles.ReadSmall(big)).Message);

        File.WriteAllText(big, new string('1', DataFiles.MaxBytes));
        Assert.Equal(DataFiles.MaxBytes, DataFiles.ReadSmall(big)!.Length);

        if (OperatingSystem.IsLinux())
        {
            var endless = FileIn("node-id");
            File.CreateSymbolicLink(endless, "/dev/zero");
            Assert.Throws<DataDirectoryException>(() => DataFiles.ReadSmall(endless));
        }

        Assert.Null(DataFiles.ReadSmall(FileIn("absent")));
    }
}
