using System.Text.Json;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>The restart budget (solidb.restart) in a real process: the back-off line, the wait, and the status.</summary>
[Collection(ProcessCollection.Second)]
public sealed class RestartBudgetProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_node_that_keeps_restarting_backs_off_beyond_max_restarts_and_its_status_counts_the_restarts()
    {
        // A short rejoin-after, and a budget of 1 restart with a 3 s back-off, to keep the test short
        // (join-timeout stays 15 s: at 2 s a loaded machine restarted a node while the cluster formed).
        Directory.CreateDirectory(_dir.Path);
        var config = _dir.Sub("restart.conf");
        File.WriteAllText(config, """
            solidb.election.rejoin-after = 2s
            solidb.restart { max-restarts = 1, backoff = 3s }
            """);
        await using var cluster = ProcessCluster.Start(3, "--config", config);
        var survivor = cluster.Nodes[0];
        await Explained(survivor, async () =>
        {
            await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
            cluster.Nodes[1].Kill();
            cluster.Nodes[2].Kill();

            // Both peers Failed, no quorum: after rejoin-after it restarts join-only; nobody lets it
            // in, so after join-timeout it restarts again, then waits as the lowest node for a
            // majority to form a cluster with. (On a loaded machine a join-timeout restart while the
            // cluster formed may come first: the second restart backs off all the same.)
            var stderr = await Until.Async(() => Task.FromResult(survivor.StdErr), e => e.Contains("backing off"), Bound);
            var line = stderr.Split('\n').First(l => l.Contains("backing off")).TrimEnd();
            Assert.Matches("^solidb: backing off 3s before the next incarnation: 2 restarts within 5m \\(solidb.restart.max-restarts = 1\\), " +
                           "2 since the process started; the last one: (isolated from a majority|join timed out)$", line);

            // Every incarnation after the back-off started: the status counts every restart so far.
            var status = (await Until.Async(survivor.TryStatusAsync, s => s?.GetProperty("incarnation").GetInt64() >= 3, Bound))!.Value;
            var restarts = status.GetProperty("restarts");
            Assert.Equal(status.GetProperty("incarnation").GetInt64() - 1, restarts.GetProperty("count").GetInt32());
            Assert.Contains(restarts.GetProperty("last_cause").GetString(), new[] { "isolated", "join_timed_out" });
            var startedAt = status.GetProperty("started_at").GetDateTimeOffset();
            var lastAt = restarts.GetProperty("last_at").GetDateTimeOffset();
            Assert.True(startedAt - lastAt >= TimeSpan.FromSeconds(3), $"the incarnation started {(startedAt - lastAt).TotalMilliseconds} ms after the restart");
            Assert.False(survivor.HasExited);
        });
    }

    /// <summary>Runs the checks; a failure carries the survivor's stderr and the end of its log, to say which restarts happened.</summary>
    private static async Task Explained(SolidbProcess node, Func<Task> checks)
    {
        try
        {
            await checks();
        }
        catch (Exception e)
        {
            var log = node.StdOut;
            throw new Xunit.Sdk.XunitException($"{e.Message}\n--- stderr:\n{node.StdErr}\n--- log (end):\n{log[Math.Max(0, log.Length - 6000)..]}");
        }
    }

    [Fact]
    public async Task Sigterm_during_a_backoff_exits_0_at_once()
    {
        // Every restart backs off, for 45 s: the process must not sit out the wait when told to stop.
        Directory.CreateDirectory(_dir.Path);
        var config = _dir.Sub("restart.conf");
        File.WriteAllText(config, """
            solidb.election { rejoin-after = 2s }
            solidb.restart { max-restarts = 0, backoff = 45s }
            """);
        await using var cluster = ProcessCluster.Start(3, "--config", config);
        var survivor = cluster.Nodes[0];
        await Explained(survivor, async () =>
        {
            await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
            cluster.Nodes[1].Kill();
            cluster.Nodes[2].Kill();
            await Until.Async(() => Task.FromResult(survivor.StdErr), e => e.Contains("solidb: backing off 45s before the next incarnation: 1 restart within 5m"), Bound);

            survivor.Terminate();

            Assert.Equal(0, await survivor.WaitForExitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("solidb: stopped while backing off; exiting", survivor.StdErr);
            Assert.Equal("1", File.ReadAllText(Path.Combine(survivor.DataDir, "incarnation")).Trim()); // no next incarnation started
        });
    }
}
