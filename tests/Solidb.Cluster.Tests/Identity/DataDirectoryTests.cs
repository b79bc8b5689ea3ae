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
}
