using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>Real processes that list each other form exactly one cluster.</summary>
[Collection(ProcessCollection.Name)]
public sealed class ClusterFormationTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Two_nodes_pointing_at_each_other_form_one_cluster_and_agree_on_the_leader()
    {
        await using var cluster = ProcessCluster.Start(2);

        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);

        var statuses = await cluster.StatusesAsync();
        Assert.All(statuses, s => Assert.Equal(2, s!.Value.GetProperty("members").GetArrayLength()));
        // The formation vote: the lowest address stands first and founds the cluster, and its founder leads term 1.
        var lowest = cluster.Ports.Select((p, i) => (p.Port, i)).Min().i;
        Assert.Equal(ProcessCluster.NodeIdOf(lowest), statuses[0]!.Value.GetProperty("leader").GetString());
    }

    [Fact]
    public async Task Three_nodes_started_together_form_one_cluster()
    {
        await using var cluster = ProcessCluster.Start(3);

        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);

        var statuses = await cluster.StatusesAsync();
        Assert.All(statuses, s => Assert.Equal(3, s!.Value.GetProperty("members").GetArrayLength()));
    }

    [Fact]
    public async Task A_corrupt_formation_promise_file_exits_2_with_one_line_naming_it()
    {
        using var dir = new TempDir();
        var dataDir = dir.Sub("corrupt");
        Directory.CreateDirectory(dataDir);
        await File.WriteAllTextAsync(Path.Combine(dataDir, "formation"), "7 node-b\n");

        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "a"], dataDir);

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"solidb: error: corrupt formation file '{Path.Combine(dataDir, "formation")}': expected \"round candidateId candidateAddress\"", line);
    }
}

/// <summary>Tests of the process harness's own controls: SIGSTOP/SIGCONT and SIGKILL.</summary>
[Collection(ProcessCollection.Second)]
public sealed class ProcessHarnessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_paused_node_stops_answering_and_answers_again_when_resumed()
    {
        await using var node = SolidbProcess.Start(["--node-id", "p"], _dir.Sub("p"));
        await Until.Async(node.TryStatusAsync, s => s is not null, Bound);

        node.Pause();
        Assert.Null(await node.TryStatusAsync());

        node.Resume();
        await Until.Async(node.TryStatusAsync, s => s is not null, Bound);
        Assert.False(node.HasExited);
    }

    [Fact]
    public async Task A_killed_node_exits_at_once_and_its_data_dir_can_be_reused()
    {
        var dataDir = _dir.Sub("k");
        await using (var node = SolidbProcess.Start(["--node-id", "k"], dataDir))
        {
            await Until.Async(node.TryStatusAsync, s => s is not null, Bound);

            node.Kill();

            Assert.Equal(137, await node.WaitForExitAsync(Bound));
        }

        await using var again = SolidbProcess.Start(["--node-id", "k"], dataDir);
        var status = await Until.Async(again.TryStatusAsync, s => s is not null, Bound);
        Assert.Equal(2, status!.Value.GetProperty("incarnation").GetInt64());
    }
}
