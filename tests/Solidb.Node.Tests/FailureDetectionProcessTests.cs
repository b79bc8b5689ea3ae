using System.Text.Json;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>The health policy against real processes: kill -9, SIGSTOP/SIGCONT, restart with the same id.</summary>
[Collection(ProcessCollection.Name)]
public sealed class FailureDetectionProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static JsonElement? Member(JsonElement? status, string id) =>
        status?.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("node_id").GetString() == id)
            .Select(m => (JsonElement?)m).FirstOrDefault();

    private static long Stat(JsonElement status, string name) => status.GetProperty("stats").GetProperty(name).GetInt64();

    [Fact]
    public async Task A_killed_node_is_confirmed_Failed_by_both_survivors_and_comes_back_Active_after_a_restart()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var survivors = cluster.Nodes.Take(2).ToList();

        cluster.Nodes[2].Kill();

        // Each survivor shows it Failed: confirmed by its own detector, or downed by the survivor
        // that confirmed first (whichever comes first); the majority then removes it.
        foreach (var survivor in survivors)
        {
            await Until.Async(() => Task.FromResult(survivor.StdOut), log => log.Contains("Member node3: Unknown -> Failed"), Bound);
        }

        Assert.True(Stat((await survivors[0].StatusAsync()), "failures_confirmed") + Stat((await survivors[1].StatusAsync()), "failures_confirmed") >= 1);

        await Until.Async(survivors[0].TryStatusAsync, s => Member(s, "node3") is null, Bound);

        cluster.Restart(2);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var restarted = await cluster.Nodes[2].StatusAsync();
        Assert.Equal(2, restarted.GetProperty("incarnation").GetInt64());
        var seenBySurvivor = Member(await survivors[0].StatusAsync(), "node3")!.Value;
        Assert.Equal("Active", seenBySurvivor.GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_node_paused_for_3_s_is_never_Failed()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var survivors = cluster.Nodes.Take(2).ToList();
        var paused = cluster.Nodes[2];

        paused.Pause();
        // Hold the pause until both survivors have missed 3 heartbeats (about 3 s).
        foreach (var survivor in survivors)
        {
            await Until.Async(survivor.TryStatusAsync,
                s => Member(s, "node3") is { } m && m.GetProperty("missed_heartbeats").GetInt32() >= 3, Bound, TimeSpan.FromMilliseconds(50));
        }

        paused.Resume();

        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        foreach (var survivor in survivors)
        {
            var status = await survivor.StatusAsync();
            Assert.Equal(0, Stat(status, "failures_confirmed"));
            Assert.True(Stat(status, "suspicions_raised") >= 1);
            Assert.DoesNotContain("node3: Unknown -> Failed", survivor.StdOut);
        }
    }

    [Fact]
    public async Task Leave_over_http_removes_the_node_without_Failed_and_the_process_exits_0()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var leaving = cluster.Nodes[2];

        var response = await leaving.AdminPostAsync("/_api/cluster/leave");

        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(0, await leaving.WaitForExitAsync(Bound));
        await Until.Async(cluster.Nodes[0].TryStatusAsync, s => Member(s, "node3") is null, Bound);
        Assert.Contains("Member node3: Active -> Leaving", cluster.Nodes[0].StdOut);
        Assert.DoesNotContain("node3: Unknown -> Failed", cluster.Nodes[0].StdOut);
    }
}

/// <summary>Leader failover with real processes.</summary>
[Collection(ProcessCollection.Name)]
public sealed class LeaderFailoverProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Killing_the_leader_of_3_makes_both_survivors_agree_on_a_new_leader_with_a_higher_term()
    {
        await using var cluster = ProcessCluster.Start(3);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var before = await cluster.Nodes[0].StatusAsync();
        var oldLeader = before.GetProperty("leader").GetString()!;
        var oldTerm = before.GetProperty("term").GetInt64();
        var leaderIndex = int.Parse(oldLeader["node".Length..]) - 1;
        var survivors = cluster.Nodes.Where((_, i) => i != leaderIndex).ToList();

        cluster.Nodes[leaderIndex].Kill();

        var statuses = await Until.Async(() => Task.WhenAll(survivors.Select(s => s.TryStatusAsync())),
            s => s.All(x => x is { } v && v.GetProperty("leader").GetString() is { } l && l != oldLeader
                && v.GetProperty("term").GetInt64() > oldTerm && v.GetProperty("has_quorum").GetBoolean())
                && s.Select(x => x!.Value.GetProperty("leader").GetString()).Distinct().Count() == 1, Bound);
        Assert.All(statuses, s => Assert.Equal(1, s!.Value.GetProperty("failure_tolerance").GetInt32()));
        var ready = await survivors[0].GetAsync("/_api/cluster/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task A_node_without_quorum_is_live_but_not_ready()
    {
        await using var cluster = ProcessCluster.Start(2);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);

        cluster.Nodes[1].Kill();

        var survivor = cluster.Nodes[0];
        await Until.Async(survivor.TryStatusAsync, s => s is { } v && !v.GetProperty("has_quorum").GetBoolean() && v.GetProperty("leader").ValueKind == JsonValueKind.Null, Bound);
        var ready = await survivor.GetAsync("/_api/cluster/health/ready");
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("no quorum", await ready.Content.ReadAsStringAsync());
        var live = await survivor.GetAsync("/_api/cluster/health/live");
        Assert.Equal(System.Net.HttpStatusCode.OK, live.StatusCode);
        // Two nodes tolerate no failure: the survivor never downs its peer.
        var status = await survivor.StatusAsync();
        Assert.Equal(2, status.GetProperty("members").GetArrayLength());
        Assert.Equal(0, status.GetProperty("failure_tolerance").GetInt32());
    }
}
