using Solidb.Cluster.Bootstrap;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Membership;
using Xunit;

namespace Solidb.Cluster.Tests.Bootstrap;

public sealed class FormationPromiseFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-formation-" + Guid.NewGuid().ToString("N"));

    public FormationPromiseFileTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string FilePath => Path.Combine(_dir, "formation");

    [Fact]
    public void A_missing_file_is_no_promise_and_a_saved_one_is_loaded_back()
    {
        Assert.Equal(FormationPromise.None, FormationPromiseFile.In(_dir).Load());

        FormationPromiseFile.In(_dir).Save(new FormationPromise(7, NodeId.Parse("node-b"), "10.0.0.2:6745"));

        Assert.Equal("7 node-b 10.0.0.2:6745\n", File.ReadAllText(FilePath));
        Assert.Equal(new FormationPromise(7, NodeId.Parse("node-b"), "10.0.0.2:6745"), FormationPromiseFile.In(_dir).Load());
    }

    [Theory]
    [InlineData("", "expected \"round candidateId candidateAddress\"")]
    [InlineData("7 node-b", "expected \"round candidateId candidateAddress\"")]
    [InlineData("-1 node-b 10.0.0.2:6745", "expected")]
    [InlineData("0 node-b 10.0.0.2:6745", "round 0 is not between 1")]
    [InlineData("4611686018427387904 node-b 10.0.0.2:6745", "is not between 1")]
    [InlineData("3 bad/id 10.0.0.2:6745", "'bad/id' is not a node id")]
    [InlineData("3 node-b 10.0.0.2:notaport", "is not a host:port address")]
    public void A_corrupt_file_is_one_line_naming_the_file(string content, string why)
    {
        File.WriteAllText(FilePath, content);

        var e = Assert.Throws<DataDirectoryException>(() => FormationPromiseFile.In(_dir).Load());

        Assert.StartsWith($"corrupt formation file '{FilePath}': ", e.Message);
        Assert.Contains(why, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_file_longer_than_4_KiB_is_corrupt_and_a_failed_save_is_reported_to_storage_health()
    {
        File.WriteAllText(FilePath, new string('1', 5000));
        Assert.Throws<DataDirectoryException>(() => FormationPromiseFile.In(_dir).Load());

        var health = new StorageHealth();
        var missing = new FormationPromiseFile(Path.Combine(_dir, "no-such-dir", "formation"), health);
        var e = Assert.Throws<DataDirectoryException>(() => missing.Save(new FormationPromise(1, NodeId.Parse("n1"), "h:1")));

        Assert.StartsWith("cannot persist the formation promise to", e.Message);
        Assert.Equal(e.Message, health.Problem);
    }
}
