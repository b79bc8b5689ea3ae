using Akka.Actor;
using Akka.Event;
using Akka.TestKit.Xunit2;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Testing;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

public sealed class ChildRestartBudgetTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_child_gets_three_restarts_within_a_minute_and_not_a_fourth()
    {
        var budget = new ChildRestartBudget(_time);
        for (var i = 1; i <= 3; i++)
        {
            Assert.True(budget.TryRestart("election", out var used));
            Assert.Equal(i, used);
            _time.Advance(TimeSpan.FromSeconds(10));
        }

        Assert.False(budget.TryRestart("election", out var spent));
        Assert.Equal(3, spent);
    }

    [Fact]
    public void Restarts_older_than_the_window_no_longer_count()
    {
        var budget = new ChildRestartBudget(_time);
        Assert.True(budget.TryRestart("heartbeat", out _));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(budget.TryRestart("heartbeat", out _));
        Assert.True(budget.TryRestart("heartbeat", out _));

        _time.Advance(TimeSpan.FromSeconds(30)); // the first restart is now a minute old
        Assert.True(budget.TryRestart("heartbeat", out var used));
        Assert.Equal(3, used);
        Assert.False(budget.TryRestart("heartbeat", out _));
    }

    [Fact]
    public void Each_child_has_its_own_budget()
    {
        var budget = new ChildRestartBudget(_time, maxRestarts: 1);
        Assert.True(budget.TryRestart("election", out _));
        Assert.False(budget.TryRestart("election", out _));
        Assert.True(budget.TryRestart("failure-detector", out _));
    }
}

public sealed class ChildWiringTests : TestKit
{
    private static readonly MembershipSnapshot Membership = new(7, [], null);

    [Theory]
    [InlineData(ElectionActor.Name)]
    [InlineData(FailureDetectorActor.Name)]
    public void A_restarted_election_or_detector_actor_gets_the_heartbeat_actor_and_the_current_membership(string child)
    {
        var heartbeat = CreateTestProbe().Ref;
        var plan = ChildWiring.Plan(child, heartbeat, Membership);

        var (to, message) = Assert.Single(plan);
        Assert.Equal(child, to);
        Assert.Equal(new Wiring(heartbeat, Membership), message);
    }

    [Fact]
    public void A_restarted_heartbeat_actor_gets_its_peers_from_the_detector_and_its_election_view_from_the_election_actor()
    {
        var heartbeat = CreateTestProbe().Ref;
        var plan = ChildWiring.Plan(HeartbeatActor.Name, heartbeat, Membership);

        Assert.Equal(
            [(FailureDetectorActor.Name, (object)new MembershipChanged(Membership)), (ElectionActor.Name, new ElectionActor.UseHeartbeat(heartbeat))],
            plan);
    }

    [Theory]
    [InlineData("clock")]
    [InlineData("bootstrap")]
    public void Children_that_hold_no_wiring_get_nothing(string child) =>
        Assert.Empty(ChildWiring.Plan(child, ActorRefs.Nobody, Membership));
}

/// <remarks>Expectations wait up to 15 s (TestKit's 3 s default failed once on a loaded 2-core machine): they wait for events, so a passing run is as fast as before.</remarks>
public sealed class ChildSupervisorTests() : TestKit("akka.test.single-expect-default = 15s")
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task A_failing_child_is_restarted_three_times_then_stopped_and_the_incarnation_ends_for_a_restart()
    {
        var (parent, child) = await StartParent();
        Watch(child);
        for (var i = 0; i < 3; i++)
        {
            ActorFaults.Crash(child);
            await ExpectMsgAsync("restarted");
            parent.Tell("ping");
            await ExpectMsgAsync("ping"); // the same reference answers: restarted, not replaced
        }

        ActorFaults.Crash(child);
        await ExpectTerminatedAsync(child);
        var reason = Assert.IsType<SelfRestartReason>(CoordinatedShutdown.Get(Sys).ShutdownReason);
        Assert.Equal(RestartCause.ChildFailing, reason.Cause);
    }

    [Fact]
    public async Task A_child_that_fails_rarely_is_restarted_every_time()
    {
        var (_, child) = await StartParent();
        for (var i = 0; i < 6; i++)
        {
            ActorFaults.Crash(child);
            await ExpectMsgAsync("restarted");
            _time.Advance(TimeSpan.FromSeconds(21)); // 3 failures a minute at most
        }

        Assert.Null(CoordinatedShutdown.Get(Sys).ShutdownReason);
    }

    private async Task<(IActorRef Parent, IActorRef Child)> StartParent()
    {
        var time = _time;
        var probe = TestActor;
        var parent = Sys.ActorOf(Props.Create(() => new Parent(time, probe)));
        return (parent, await ExpectMsgAsync<IActorRef>());
    }

    private sealed class Parent : ReceiveActor
    {
        private readonly TimeProvider _time;

        public Parent(TimeProvider time, IActorRef probe)
        {
            _time = time;
            var child = Context.ActorOf(Props.Create(() => new Child(probe)), "election");
            probe.Tell(child);
            ReceiveAny(m => child.Forward(m));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new ChildSupervisor(_time, Context.System, Context.GetLogger());
    }

    private sealed class Child : ReceiveActor
    {
        private readonly IActorRef _probe;

        public Child(IActorRef probe)
        {
            _probe = probe;
            Receive<string>(s => Sender.Tell(s));
        }

        protected override void PostRestart(Exception reason) => _probe.Tell("restarted");
    }
}
