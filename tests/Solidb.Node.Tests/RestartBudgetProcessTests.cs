using System.Text.Json;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>The restart budget (solidb.restart) in a real process: the back-off line, the wait, and the status.</summary>
[Collection(ProcessCollection.Name)]
public sealed class RestartBudgetProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_node_whose_peers_died_restarts_twice_and_the_restart_beyond_max_restarts_waits_the_backoff()
    {
        // Short self-healing times, and a budget of 1 restart with a 3 s back-off, to keep the test short.
        Directory.CreateDirectory(_dir.Path);
        var config = _dir.Sub("restart.conf");
        File.WriteAllText(config, """
            solidb.election { rejoin-after = 2s, join-timeout = 2s }
            solidb.restart { max-restarts = 1, backoff = 3s }
            """);
        await using var cluster = ProcessCluster.Start(3, "--config", config);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var survivor = cluster.Nodes[0];

        cluster.Nodes[1].Kill();
        cluster.Nodes[2].Kill();

        // Both peers Failed, no quorum: after rejoin-after it restarts join-only (restart 1, at once);
        // nobody lets it in, so after join-timeout it restarts again (restart 2, beyond the budget: it
        // backs off), then waits as the lowest node for a majority to form a cluster with.
        var stderr = await Until.Async(() => Task.FromResult(survivor.StdErr), e => e.Contains("backing off"), Bound);
        var line = stderr.Split('\n').Single(l => l.Contains("backing off"));
        Assert.Equal("solidb: backing off 3s before the next incarnation: 2 restarts within 5m (solidb.restart.max-restarts = 1), " +
                     "2 since the process started; the last one: join timed out", line.TrimEnd());

        var status = (await Until.Async(survivor.TryStatusAsync, s => s?.GetProperty("incarnation").GetInt64() == 3, Bound))!.Value;
        var restarts = status.GetProperty("restarts");
        Assert.Equal(2, restarts.GetProperty("count").GetInt32());
        Assert.Equal("join_timed_out", restarts.GetProperty("last_cause").GetString());
        var lastAt = restarts.GetProperty("last_at").GetDateTimeOffset();
        var startedAt = status.GetProperty("started_at").GetDateTimeOffset();
        Assert.True(startedAt - lastAt >= TimeSpan.FromSeconds(3), $"incarnation 3 started {(startedAt - lastAt).TotalMilliseconds} ms after the restart");
        Assert.False(survivor.HasExited);
    }
}
