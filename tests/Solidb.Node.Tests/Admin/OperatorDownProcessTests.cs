using System.Net;
using System.Text.Json;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests.Admin;

/// <summary>
/// An operator's down of live members with real processes: on the leader and forwarded by a
/// follower, the downed process exits with code 4 and its line, stays out on a later start, and a
/// node without quorum refuses.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class OperatorDownProcessTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static bool Lists(JsonElement? status, string id) =>
        status?.GetProperty("members").EnumerateArray().Any(m => m.GetProperty("node_id").GetString() == id) ?? true;

    private static async Task<string> Error(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;

    [Fact]
    public async Task Down_by_the_leader_and_forwarded_by_a_follower_end_the_members_for_good_and_no_quorum_refuses()
    {
        await using var cluster = ProcessCluster.Start(4);
        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);
        await cluster.EstablishedAsync(Bound); // two downs take it to 2 of 4 configured nodes
        var leaderId = (await cluster.Nodes[0].StatusAsync()).GetProperty("leader").GetString()!;
        var leader = cluster.Nodes[int.Parse(leaderId["node".Length..]) - 1];
        var followers = cluster.Nodes.Where(n => n != leader).ToList();
        var (direct, forwarded, via) = (followers[0], followers[1], followers[2]);
        var ids = cluster.Nodes.ToDictionary(n => n, n => ProcessCluster.NodeIdOf(cluster.Nodes.IndexOf(n)));
        string Id(SolidbProcess n) => ids[n];

        // On the leader.
        var response = await leader.AdminPostAsync($"/_api/cluster/members/{Id(direct)}/down");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await AssertDownedForGood(cluster, direct, Id(direct), [leader, forwarded, via]);

        // On a follower: forwarded to the leader over the cluster transport.
        response = await via.AdminPostAsync($"/_api/cluster/members/{Id(forwarded)}/down");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains($"\"leader\":\"{leaderId}\"", await response.Content.ReadAsStringAsync());
        await AssertDownedForGood(cluster, forwarded, Id(forwarded), [leader, via]);
        Assert.Contains($"Forwarding the operator's down of {Id(forwarded)}", via.StdOut);
        Assert.Contains($"Downing {Id(forwarded)} at 127.0.0.1:{forwarded.Port}: requested by the operator via {Id(via)}", leader.StdOut);
        Assert.DoesNotContain("still a member after the operator's down", leader.StdOut); // both left on the notice
        Assert.Contains($"Member {Id(direct)}: Active -> Leaving", leader.StdOut);

        // A node without quorum refuses: one whose two peers never come has none, ever (a leader left
        // alone by pausing its last follower loses it only after the election timeout, and only while
        // nothing else removes that follower first).
        using var dir = new TempDir();
        await using var lonely = SolidbProcess.Start(
            ["--node-id", "node1", "--cluster-peers", $"127.0.0.1:{FreePorts.Next()},127.0.0.1:{FreePorts.Next()}"], dir.Sub("lonely"));
        await Until.Async(lonely.TryStatusAsync, s => s is not null, Bound);
        response = await lonely.AdminPostAsync("/_api/cluster/members/node2/down");
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.StartsWith("no quorum", await Error(response));
    }

    private static async Task AssertDownedForGood(ProcessCluster cluster, SolidbProcess downed, string id, IReadOnlyList<SolidbProcess> others)
    {
        int code;
        try
        {
            code = await downed.WaitForExitAsync(Bound);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; stdout: {downed.StdOut}");
        }

        Assert.Equal(4, code);
        var line = Assert.Single(downed.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("solidb: error: ", StringComparison.Ordinal));
        Assert.StartsWith("solidb: error: downed by the operator (at ", line);
        var record = Path.Combine(downed.DataDir, "operator-down");
        Assert.Contains($"recorded in '{record}'", line);
        foreach (var other in others)
        {
            await Until.Async(other.TryStatusAsync, s => !Lists(s, id), Bound);
        }

        // A later start refuses to run until the operator removes the record.
        var again = cluster.Restart(int.Parse(id["node".Length..]) - 1);
        Assert.Equal(2, await again.WaitForExitAsync(Bound));
        var refusal = Assert.Single(again.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("solidb: error: this node was downed by the operator (at ", refusal);
        Assert.Contains($"remove '{record}' to start it again", refusal);
    }
}
