using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Identity;

public sealed class DataDirectoryTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-dd-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void A_generated_id_is_persisted_and_kept_across_restarts()
    {
        NodeId first;
        using (var dd = DataDirectory.Open(_dir, requested: null))
        {
            first = dd.Identity.NodeId;
            Assert.True(dd.IdGenerated);
        }

        using var again = DataDirectory.Open(_dir, requested: null);
        Assert.Equal(first, again.Identity.NodeId);
        Assert.False(again.IdGenerated);
    }

    [Fact]
    public void A_requested_id_is_persisted_and_a_different_one_is_refused_later()
    {
        using (DataDirectory.Open(_dir, NodeId.Parse("node3")))
        {
        }

        var e = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(_dir, NodeId.Parse("node4")));
        Assert.Contains("belongs to node 'node3'", e.Message);
        Assert.Contains("node4", e.Message);

        using var same = DataDirectory.Open(_dir, NodeId.Parse("node3"));
        Assert.Equal("node3", same.Identity.NodeId.Value);
    }

    [Fact]
    public void An_id_named_by_a_node_certificate_that_differs_from_the_persisted_one_is_refused_naming_the_certificate()
    {
        using (DataDirectory.Open(_dir, NodeId.Parse("node-0a1b2c3d")))
        {
        }

        var e = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(_dir, NodeId.Parse("node1"), "/etc/solidb/node1.crt"));

        Assert.Contains("belongs to node 'node-0a1b2c3d', not 'node1' that the TLS certificate '/etc/solidb/node1.crt' (--tls-cert) names", e.Message);
        Assert.DoesNotContain("--node-id", e.Message);
    }

    [Fact]
    public void Each_start_is_a_new_incarnation()
    {
        long first;
        using (var dd = DataDirectory.Open(_dir, null))
        {
            first = dd.Identity.Incarnation;
        }

        using var second = DataDirectory.Open(_dir, null);
        Assert.Equal(first + 1, second.Identity.Incarnation);
    }

    [Fact]
    public void A_second_node_on_the_same_directory_is_refused_until_the_first_stops()
    {
        var first = DataDirectory.Open(_dir, NodeId.Parse("node1"));

        var e = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(_dir, NodeId.Parse("node1")));
        Assert.Contains("locked by another running node", e.Message);

        first.Dispose();
        using var afterwards = DataDirectory.Open(_dir, NodeId.Parse("node1"));
        Assert.Equal("node1", afterwards.Identity.NodeId.Value);
    }

    [Fact]
    public void A_corrupt_id_file_is_reported_by_name()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, DataDirectory.NodeIdFileName), "not a valid id!\n");

        var e = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(_dir, null));
        Assert.Contains(Path.Combine(_dir, DataDirectory.NodeIdFileName), e.Message);
    }

    [Fact]
    public void A_corrupt_incarnation_file_is_reported_by_name()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, DataDirectory.IncarnationFileName), "x1");

        var e = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(_dir, null));
        Assert.Contains(DataDirectory.IncarnationFileName, e.Message);
    }

    [Fact]
    public void An_incarnation_at_the_largest_value_stops_start_up_naming_the_file()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, DataDirectory.IncarnationFileName);
        File.WriteAllText(file, long.MaxValue + "\n");

        var e = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(_dir, null));

        Assert.Equal($"corrupt incarnation file '{file}': {long.MaxValue} is the largest incarnation, there is no next one", e.Message);
        Assert.Equal(long.MaxValue + "\n", File.ReadAllText(file)); // untouched
    }

    [Fact]
    public void The_incarnation_below_the_largest_still_grows_to_it()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, DataDirectory.IncarnationFileName), (long.MaxValue - 1) + "\n");

        using var dd = DataDirectory.Open(_dir, null);

        Assert.Equal(long.MaxValue, dd.Identity.Incarnation);
    }

    [Fact]
    public void A_lock_file_that_is_a_symlink_is_refused_and_its_target_untouched()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var victim = Path.Combine(Path.GetTempPath(), "solidb-victim-" + Guid.NewGuid().ToString("N"));
        File.WriteAllText(victim, "precious");
        try
        {
            Directory.CreateDirectory(_dir);
            File.CreateSymbolicLink(Path.Combine(_dir, DataDirectory.LockFileName), victim);

            var e = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(_dir, null));

            Assert.Contains("is a symbolic link", e.Message);
            Assert.Equal("precious", File.ReadAllText(victim));
        }
        finally
        {
            File.Delete(victim);
        }
    }

    [Fact]
    public void A_data_dir_path_under_a_file_is_reported_with_its_cause()
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "plain");
        File.WriteAllText(file, "x");

        var e = Assert.Throws<DataDirectoryException>(() => DataDirectory.Open(Path.Combine(file, "data"), null));

        Assert.StartsWith($"cannot create data dir '{Path.Combine(file, "data")}': ", e.Message);
        Assert.DoesNotContain("Exception", e.Message);
    }
}
