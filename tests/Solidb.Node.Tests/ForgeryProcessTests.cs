using System.Security.Cryptography;
using System.Text.Json;
using Akka.Actor;
using Solidb.Cluster.Clock;
using Solidb.Node.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Node.Tests;

/// <summary>
/// Issue 20's forging client against three real solidb processes on loopback (no TLS): a separate
/// actor system that is no member sends every forgery with the leader's or a follower's sender path
/// and ids. No process exits, no term, leader, membership or data-dir file changes, and the drops
/// are in each node's stats.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class ForgeryProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Long enough for a forged term to reach every node by heartbeats (1 s) and a Down by gossip.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);

    [Fact]
    public async Task A_process_that_is_no_member_cannot_speak_for_the_leader_or_a_follower()
    {
        await using var cluster = ProcessCluster.Start(3);
        await cluster.EstablishedAsync(Bound);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var before = await Snapshot(cluster);
        var leaderIndex = Enumerable.Range(0, 3).Single(i => ProcessCluster.NodeIdOf(i) == before.Leader);
        var (followerIndex, otherIndex) = ((leaderIndex + 1) % 3, (leaderIndex + 2) % 3);

        var forger = Forgery.StartSystem();
        try
        {
            var stamp = new HlcTimestamp((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0);
            Forgery.SendAll(forger, Target(cluster, leaderIndex), Target(cluster, followerIndex), Target(cluster, otherIndex), before.Term, stamp);

            // Identify through the same associations, so answered only after the attack arrived.
            foreach (var i in Enumerable.Range(0, 3))
            {
                var identity = await forger.ActorSelection($"{Target(cluster, i).Address}{Forgery.Supervisor}").Ask<ActorIdentity>(new Identify(i), Bound);
                Assert.NotNull(identity.Subject);
            }

            var deadline = DateTimeOffset.UtcNow + Window;
            while (DateTimeOffset.UtcNow < deadline)
            {
                Assert.All(cluster.Nodes, n => Assert.False(n.HasExited, $"{n.Address} exited: {n.StdErr}"));
                Assert.Equal(before, await Snapshot(cluster));
                await Task.Delay(250);
            }
        }
        finally
        {
            await forger.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        }

        var rejections = await Task.WhenAll(cluster.Nodes.Select(async n => (await n.StatusAsync()).GetProperty("stats").GetProperty("rejections")));
        long Sum(string reason) => rejections.Sum(r => r.GetProperty(reason).GetInt64());
        output.WriteLine($"forged_sender {Sum("forged_sender")}, system_message {Sum("system_message")}");
        Assert.True(Sum("forged_sender") >= Forgery.ForgedSenderPaths, $"only {Sum("forged_sender")} forged_sender drops");
        Assert.True(Sum("system_message") >= Forgery.DeadPaths.Count + 1, $"only {Sum("system_message")} system_message drops");
    }

    private static ForgeryTarget Target(ProcessCluster cluster, int index) =>
        new(new Address("akka.tcp", "solidb", "127.0.0.1", cluster.Ports[index].Port), ProcessCluster.NodeIdOf(index), 1);

    /// <summary>What must not change: each node's term, leader, members (id, state, HTTP address) and data-dir files.</summary>
    private static async Task<ClusterView> Snapshot(ProcessCluster cluster)
    {
        var statuses = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        var leaders = statuses.Select(s => s.GetProperty("leader").GetString()).Distinct().ToList();
        var terms = statuses.Select(s => s.GetProperty("term").GetInt64()).Distinct().ToList();
        var members = string.Join(" | ", statuses.Select(s => string.Join(", ", s.GetProperty("members").EnumerateArray().Select(m =>
            $"{m.GetProperty("node_id").GetString()}:{m.GetProperty("state").GetString()}:{m.GetProperty("http_address").GetString()}"))));
        var files = string.Join(" | ", cluster.Nodes.Select(n => string.Join(", ", Directory.EnumerateFiles(n.DataDir)
            .Where(f => Path.GetFileName(f) != ".lock" && !Path.GetFileName(f).StartsWith("hlc-bound", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)}={Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))[..12]}"))));
        return new ClusterView(string.Join(",", leaders), terms.Count == 1 ? terms[0] : -1, members, files);
    }

    private sealed record ClusterView(string Leader, long Term, string Members, string Files);
}
