using Akka.Actor;
using Solidb.Cluster.Manager;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

public sealed class RestartsTests
{
    [Fact]
    public void A_graceful_end_exits_cleanly()
    {
        foreach (var reason in new CoordinatedShutdown.Reason[] { CoordinatedShutdown.ClrExitReason.Instance, CoordinatedShutdown.ClusterLeavingReason.Instance })
        {
            var end = Restarts.Decide(reason);
            Assert.Equal(NextIncarnation.Exit, end.Next);
            Assert.Null(end.Error);
            Assert.False(end.IsRestart);
        }
    }

    [Fact]
    public void A_termination_nothing_asked_for_exits_5_with_one_line_and_no_new_incarnation()
    {
        foreach (var reason in new CoordinatedShutdown.Reason?[] { UnexpectedTerminationReason.Instance, null })
        {
            var end = Restarts.Decide(reason);
            Assert.Equal(NextIncarnation.Exit, end.Next);
            Assert.Equal(5, end.ExitCode);
            Assert.StartsWith("the actor system stopped unexpectedly", end.Error);
            Assert.DoesNotContain('\n', end.Error!);
        }
    }

    [Fact]
    public void A_failed_join_exits_with_one_line()
    {
        var end = Restarts.Decide(CoordinatedShutdown.ClusterJoinUnsuccessfulReason.Instance);
        Assert.Equal(NextIncarnation.Exit, end.Next);
        Assert.Equal("could not join the cluster", end.Error);
    }

    [Theory]
    [InlineData(RestartCause.Isolated, NextIncarnation.RejoinOnly)]
    [InlineData(RestartCause.Quarantined, NextIncarnation.RejoinOnly)]
    [InlineData(RestartCause.JoinTimedOut, NextIncarnation.Bootstrap)]
    [InlineData(RestartCause.ChildFailing, NextIncarnation.RejoinOnly)]
    [InlineData(RestartCause.FormationAbandoned, NextIncarnation.Bootstrap)]
    public void A_self_restart_follows_its_cause(RestartCause cause, NextIncarnation next)
    {
        var end = Restarts.Decide(new SelfRestartReason(cause));
        Assert.Equal(next, end.Next);
        Assert.Equal(cause, end.Cause);
        Assert.Null(end.Error);
    }

    [Fact]
    public void Downed_by_the_cluster_rejoins_only()
    {
        var end = Restarts.Decide(CoordinatedShutdown.ClusterDowningReason.Instance);
        Assert.Equal(NextIncarnation.RejoinOnly, end.Next);
        Assert.Equal(RestartCause.Downed, end.Cause);
    }

    [Fact]
    public void A_self_restart_is_not_a_process_exit()
    {
        Assert.Equal(0, new SelfRestartReason(RestartCause.Isolated).ExitCode);
        Assert.Equal("isolated from a majority", new SelfRestartReason(RestartCause.Isolated).ToString());
    }
}
