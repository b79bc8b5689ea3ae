using System.Text.Json;
using Akka.Actor;
using Solidb.Cluster.Clock;
using Solidb.Node.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Node.Tests;

/// <summary>
/// Issue 20's forging client against three real solidb processes on loopback: a separate actor
/// system that is no member sends every forgery with the leader's or a follower's sender path and
/// ids, without a certificate (no TLS), with a service certificate, and with node3's real
/// certificate (TLS). No process exits, no term, leader, membership or data-dir file changes, and
/// the drops are in each node's stats.
/// </summary>
[Collection(ProcessCollection.Second)]
public sealed class ForgeryProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    /// <summary>Long enough for a forged term to reach every node by heartbeats (1 s) and a Down by gossip.</summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(4);

    public enum Credential
    {
        None,
        Service,
        OtherNode,
    }

    [Theory]
    [InlineData(Credential.None)]
    [InlineData(Credential.Service)]
    [InlineData(Credential.OtherNode)]
    public async Task A_process_that_is_no_member_cannot_speak_for_the_leader_or_a_follower(Credential credential)
    {
        using var certs = TestCertificates.Create(["node1", "node2", "node3"], ["billing"]);
        var tls = credential != Credential.None;
        await using var cluster = tls ? ProcessCluster.Start(3, i => certs.For(ProcessCluster.NodeIdOf(i)).Args) : ProcessCluster.Start(3);
        await cluster.EstablishedAsync(Bound);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        var before = await Snapshot(cluster);
        var leaderIndex = Enumerable.Range(0, 3).Single(i => ProcessCluster.NodeIdOf(i) == before.Leader);
        var (followerIndex, otherIndex) = ((leaderIndex + 1) % 3, (leaderIndex + 2) % 3);

        var forger = Forgery.StartSystem(tls: credential switch
        {
            Credential.Service => certs.ForService("billing"),
            Credential.OtherNode => certs.For("node3"),
            _ => null,
        });
        var scheme = tls ? "akka.ssl.tcp" : "akka.tcp";
        try
        {
            var stamp = new HlcTimestamp((ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0);
            var (leader, follower, other) = (Target(cluster, leaderIndex, scheme), Target(cluster, followerIndex, scheme), Target(cluster, otherIndex, scheme));
            Forgery.SendAll(forger, leader, follower, other, before.Term, stamp);
            Forgery.SendClaims(forger, leader, follower, other, before.Term, stamp);

            // Identify through the same associations, so answered only after the attack arrived.
            foreach (var i in Enumerable.Range(0, 3))
            {
                var identity = await forger.ActorSelection($"{Target(cluster, i, scheme).Address}{Forgery.Supervisor}").Ask<ActorIdentity>(new Identify(i), Bound);
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
        output.WriteLine($"{credential}: forged_sender {Sum("forged_sender")}, system_message {Sum("system_message")}, not_permitted {Sum("not_permitted")}, unknown_sender {Sum("unknown_sender")}");
        Assert.True(Sum("forged_sender") >= Forgery.ForgedSenderPaths, $"only {Sum("forged_sender")} forged_sender drops");
        Assert.True(Sum("system_message") >= Forgery.DeadPaths.Count + 1, $"only {Sum("system_message")} system_message drops");
    }

    private static ForgeryTarget Target(ProcessCluster cluster, int index, string scheme) =>
        new(new Address(scheme, "solidb", "127.0.0.1", cluster.Ports[index].Port), ProcessCluster.NodeIdOf(index), 1);

    /// <summary>What must not change: each node's term, leader, members (id, state, HTTP address) and data-dir files.</summary>
    private static async Task<ClusterView> Snapshot(ProcessCluster cluster)
    {
        var statuses = await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()));
        var leaders = statuses.Select(s => s.GetProperty("leader").GetString()).Distinct().ToList();
        var terms = statuses.Select(s => s.GetProperty("term").GetInt64()).Distinct().ToList();
        var members = string.Join(" | ", statuses.Select(s => string.Join(", ", s.GetProperty("members").EnumerateArray().Select(m =>
            $"{m.GetProperty("node_id").GetString()}:{m.GetProperty("state").GetString()}:{m.GetProperty("http_address").GetString()}"))));
        var files = string.Join(" | ", cluster.Nodes.Select(n => string.Join(", ", DataDirHashes.Of(n.DataDir).Select(f => $"{f.Key}={f.Value[..12]}"))));
        return new ClusterView(string.Join(",", leaders), terms.Count == 1 ? terms[0] : -1, members, files);
    }

    private sealed record ClusterView(string Leader, long Term, string Members, string Files);
}
