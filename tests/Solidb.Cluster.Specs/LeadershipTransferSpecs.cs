using System.Diagnostics;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Election;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Specs.Harness;
using Xunit;
using Xunit.Abstractions;

namespace Solidb.Cluster.Specs;

/// <summary>
/// Leadership transfer over real Akka.Remote with the shipped timings (election timeout 3-4.5 s):
/// a leader that leaves gracefully hands over first, so the others agree on a new leader well
/// before any of them could have timed out.
/// </summary>
[Collection(SpecCollection.Second)]
public sealed class LeadershipTransferSpecs(ITestOutputHelper output) : TestKit(output: output)
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Below the minimum election timeout (3 s): without a transfer nobody could even have stood by then.</summary>
    private static readonly TimeSpan HandOverBound = TimeSpan.FromMilliseconds(2500);

    private async Task<(InProcessCluster Cluster, int LeaderIndex, long Term)> StartWithLeader()
    {
        var cluster = InProcessCluster.Start(3);
        await AwaitConditionAsync(async () => await cluster.IsConvergedAsync() && await InProcessCluster.AgreedLeaderAsync(cluster.Nodes) is not null, Converge, Poll);
        var (leader, term) = (await InProcessCluster.AgreedLeaderAsync(cluster.Nodes))!.Value;
        return (cluster, cluster.Nodes.ToList().FindIndex(n => n.Context.NodeId == leader), term);
    }

    [Fact]
    public async Task A_leader_that_leaves_gracefully_hands_over_and_the_others_agree_on_a_new_leader_at_once()
    {
        var (cluster, leaderIndex, term) = await StartWithLeader();
        await using var _ = cluster;
        var leaving = cluster[leaderIndex];
        var others = cluster.Nodes.Where((_, i) => i != leaderIndex).ToList();

        var watch = Stopwatch.StartNew();
        leaving.Manager.Tell(LeaveCluster.Instance, ActorRefs.NoSender);

        await AwaitConditionAsync(async () => await InProcessCluster.AgreedLeaderAsync(others) is { } l && l.Term > term, Converge, Poll);
        var agreedAfter = watch.Elapsed;
        var (newLeader, newTerm) = (await InProcessCluster.AgreedLeaderAsync(others))!.Value;
        Output.WriteLine($"{leaving.NodeId} left; {newLeader} leads term {newTerm} on both others after {agreedAfter.TotalMilliseconds:0} ms");
        Assert.True(agreedAfter < HandOverBound, $"the others agreed on a new leader only after {agreedAfter.TotalMilliseconds:0} ms");
        Assert.Equal(term + 1, newTerm); // one transfer campaign, no pre-vote and no split vote

        // And the leave completes: the old leader ends, the others drop it and keep their leader.
        await leaving.System.WhenTerminated.WaitAsync(Converge);
        await AwaitConditionAsync(async () => (await others[0].StatusAsync()).Members.Length == 2, Converge, Poll);
        Assert.Equal((newLeader, newTerm), (await InProcessCluster.AgreedLeaderAsync(others))!.Value);
    }

    [Fact]
    public async Task A_transfer_on_demand_makes_the_named_voter_leader_and_a_follower_refuses_naming_the_leader()
    {
        var (cluster, leaderIndex, term) = await StartWithLeader();
        await using var _ = cluster;
        var leader = cluster[leaderIndex];
        var target = cluster[(leaderIndex + 2) % 3];
        var follower = cluster[(leaderIndex + 1) % 3];

        var refused = await follower.Manager.Ask<LeadershipTransferResult>(new TransferLeadership(null), TimeSpan.FromSeconds(5));
        Assert.False(refused.Accepted);
        Assert.Contains($"ask the leader {leader.NodeId}", refused.Reason);

        var result = await leader.Manager.Ask<LeadershipTransferResult>(new TransferLeadership(target.Context.NodeId), TimeSpan.FromSeconds(5));
        Assert.True(result.Accepted, result.Reason);
        Assert.Equal(target.Context.NodeId, result.Target);

        await AwaitConditionAsync(async () => await InProcessCluster.AgreedLeaderAsync(cluster.Nodes) is { } l && l.Term > term, HandOverBound, Poll);
        Assert.Equal((target.Context.NodeId, term + 1), (await InProcessCluster.AgreedLeaderAsync(cluster.Nodes))!.Value);
    }

    [Fact]
    public async Task An_operators_transfer_asked_through_a_follower_is_forwarded_to_the_leader_which_hands_over()
    {
        var (cluster, leaderIndex, term) = await StartWithLeader();
        await using var _ = cluster;
        var leader = cluster[leaderIndex];
        var follower = cluster[(leaderIndex + 1) % 3];
        var target = cluster[(leaderIndex + 2) % 3];

        var result = await follower.Manager.Ask<LeadershipTransferResult>(
            new Admin.TransferLeadershipRequest(target.Context.NodeId, "spec"), TimeSpan.FromSeconds(5));

        Assert.True(result.Accepted, result.Reason);
        Assert.Equal(target.Context.NodeId, result.Target);
        Assert.Contains($"transferring leadership of term {term} to {target.Context.NodeId}", result.Reason);
        await AwaitConditionAsync(async () => await InProcessCluster.AgreedLeaderAsync(cluster.Nodes) is { } l && l.Term > term, HandOverBound, Poll);
        Assert.Equal((target.Context.NodeId, term + 1), (await InProcessCluster.AgreedLeaderAsync(cluster.Nodes))!.Value);
        Assert.NotEqual(leader.Context.NodeId, target.Context.NodeId);
    }

    [Fact]
    public async Task An_operators_leave_of_another_member_is_forwarded_to_it_and_it_leaves_gracefully()
    {
        var (cluster, leaderIndex, _) = await StartWithLeader();
        await using var _ = cluster;
        var asked = cluster[(leaderIndex + 1) % 3];
        var leaving = cluster[(leaderIndex + 2) % 3];

        var result = await asked.Manager.Ask<Admin.LeaveMemberResult>(new Admin.LeaveMemberRequest(leaving.Context.NodeId, "spec"), TimeSpan.FromSeconds(5));
        var unknown = await asked.Manager.Ask<Admin.LeaveMemberResult>(new Admin.LeaveMemberRequest(NodeId.Parse("node9"), "spec"), TimeSpan.FromSeconds(5));

        Assert.Equal(Admin.LeaveOutcome.Accepted, result.Outcome);
        Assert.Equal(Admin.LeaveOutcome.UnknownMember, unknown.Outcome);
        await leaving.System.WhenTerminated.WaitAsync(Converge);
        await AwaitConditionAsync(async () => (await asked.StatusAsync()).Members.Length == 2, Converge, Poll);
    }
}
