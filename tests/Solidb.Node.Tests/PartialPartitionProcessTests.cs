using System.Text.Json;
using Solidb.Node.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Node.Tests;

/// <summary>
/// A partial partition between real processes, each on its own network namespace: the link between
/// the leader and one follower is cut while both still reach the third node (issue 11). Membership
/// must keep working through the cut: a node started during it becomes Active and leaves again,
/// no election happens, and after the heal all are Active under one leader.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class PartialPartitionProcessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(60);

    /// <summary>Beyond Akka's own detector's acceptable pause (7 s), so a node that joins does so against a cut that has taken hold.</summary>
    private const int MissedBeforeJoin = 10;

    [NetworkNamespaceFact]
    public Task A_node_joins_and_leaves_while_the_leader_and_a_follower_are_cut_apart_for_60_s() =>
        PartialPartition(TimeSpan.FromSeconds(60));

    [LongPartitionFact]
    public Task A_node_joins_and_leaves_while_the_leader_and_a_follower_are_cut_apart_for_10_min_or_more() =>
        PartialPartition(TimeSpan.FromSeconds(LongPartitionFactAttribute.Seconds ?? LongPartitionFactAttribute.MinimumSeconds));

    private async Task PartialPartition(TimeSpan cutLength)
    {
        using var lab = NetworkLab.Create(3);
        await using var cluster = ProcessCluster.StartIn(lab, 3);
        try
        {
            await Until.True(cluster.AgreeOnOneLeaderAsync, Formation);
            var before = await cluster.Nodes[0].StatusAsync();
            var leaderId = before.GetProperty("leader").GetString()!;
            var term = before.GetProperty("term").GetInt64();
            var leader = Index(leaderId);
            var follower = Enumerable.Range(0, 3).First(i => i != leader);
            var third = Enumerable.Range(0, 3).First(i => i != leader && i != follower);
            var followerId = ProcessCluster.NodeIdOf(follower);
            var witnesses = new[] { cluster.Nodes[leader], cluster.Nodes[third] };
            output.WriteLine($"leader {leaderId} (term {term}), cut from {followerId}; {ProcessCluster.NodeIdOf(third)} reaches both");

            lab.Cut(leader, follower);
            var healAt = DateTime.UtcNow + cutLength;
            await using var watch = TermWatch.Start(cluster.Nodes.Take(3).ToList(), leaderId, term);

            await Until.Async(cluster.Nodes[leader].TryStatusAsync,
                s => Member(s, followerId) is { } m && m.GetProperty("missed_heartbeats") is { ValueKind: JsonValueKind.Number } n
                    && n.GetInt32() >= MissedBeforeJoin, TimeSpan.FromSeconds(30));

            var joiner = cluster.AddNode();
            var joinerId = ProcessCluster.NodeIdOf(cluster.Nodes.Count - 1);
            await Expect(witnesses, v => v.All(s => State(s, joinerId) == "Active"), TimeSpan.FromSeconds(30),
                $"{joinerId}, started during the cut, Active in the leader's and the third node's status");

            joiner.Terminate();
            await Expect(witnesses, v => v.All(s => s is not null && Member(s, joinerId) is null), TimeSpan.FromSeconds(15),
                $"{joinerId} gone from the leader's and the third node's members after SIGTERM");
            Assert.Equal(0, await joiner.WaitForExitAsync(TimeSpan.FromSeconds(15)));

            // Hold the cut for its whole length; the watch checks every node's term meanwhile.
            await watch.UntilAsync(healAt);
            lab.Heal(leader, follower);

            await Until.True(cluster.AgreeOnOneLeaderAsync, TimeSpan.FromSeconds(30));
            await watch.DisposeAsync();
            Assert.Empty(watch.Changes);
            foreach (var status in await cluster.StatusesAsync())
            {
                Assert.Equal(leaderId, status!.Value.GetProperty("leader").GetString());
                Assert.Equal(term, status.Value.GetProperty("term").GetInt64());
            }
        }
        catch
        {
            foreach (var (node, i) in cluster.Nodes.Select((n, i) => (n, i)))
            {
                output.WriteLine($"--- {ProcessCluster.NodeIdOf(i)} (last lines of its log)");
                output.WriteLine(string.Join('\n', node.StdOut.Split('\n').TakeLast(40)));
            }

            throw;
        }
    }

    private static int Index(string nodeId) => int.Parse(nodeId["node".Length..]) - 1;

    private static JsonElement? Member(JsonElement? status, string id) =>
        status?.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("node_id").GetString() == id)
            .Select(m => (JsonElement?)m).FirstOrDefault();

    private static string? State(JsonElement? status, string id) => Member(status, id)?.GetProperty("state").GetString();

    /// <summary>Polls the nodes' statuses until <paramref name="done"/>; a timeout names what was expected and shows each view.</summary>
    private static async Task Expect(IReadOnlyList<SolidbProcess> nodes, Func<JsonElement?[], bool> done, TimeSpan bound, string what)
    {
        try
        {
            await Until.Async(() => Task.WhenAll(nodes.Select(n => n.TryStatusAsync())), done, bound);
        }
        catch (TimeoutException)
        {
            var views = await Task.WhenAll(nodes.Select(n => n.TryStatusAsync()));
            throw new TimeoutException($"not within {bound.TotalSeconds:F0} s: {what}; now: {string.Join("; ", views.Select(Describe))}");
        }
    }

    private static string Describe(JsonElement? s) => s is not { } v
        ? "(no answer)"
        : $"{v.GetProperty("node_id").GetString()} sees leader {v.GetProperty("leader")} term {v.GetProperty("term")}, members "
          + string.Join(", ", v.GetProperty("members").EnumerateArray().Select(m => $"{m.GetProperty("node_id").GetString()} {m.GetProperty("state").GetString()}"));

    /// <summary>Polls the nodes every 500 ms and records every term, and every leader other than the expected one, seen.</summary>
    private sealed class TermWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _changes = [];
        private Task _loop = Task.CompletedTask;

        public IReadOnlyList<string> Changes
        {
            get { lock (_changes) { return [.. _changes]; } }
        }

        public static TermWatch Start(IReadOnlyList<SolidbProcess> nodes, string leader, long term)
        {
            var watch = new TermWatch();
            watch._loop = watch.Loop(nodes, leader, term);
            return watch;
        }

        /// <summary>Returns at <paramref name="when"/> (the watch keeps polling meanwhile).</summary>
        public async Task UntilAsync(DateTime when)
        {
            var left = when - DateTime.UtcNow;
            if (left > TimeSpan.Zero)
            {
                await Task.Delay(left);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
                await _loop;
            }
        }

        private async Task Loop(IReadOnlyList<SolidbProcess> nodes, string leader, long term)
        {
            while (!_stop.IsCancellationRequested)
            {
                foreach (var s in await Task.WhenAll(nodes.Select(n => n.TryStatusAsync())))
                {
                    if (s is { } v && (v.GetProperty("term").GetInt64() != term || v.GetProperty("leader").GetString() is { } l && l != leader))
                    {
                        lock (_changes)
                        {
                            _changes.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {Describe(v)}");
                        }
                    }
                }

                try
                {
                    await Task.Delay(500, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
