using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch.SysMsg;
using Solidb.Cluster.Manager;
using Xunit;

namespace Solidb.Cluster.Tests.Manager;

/// <summary>Why an actor system terminated, as the host decides on it: asked for, or not.</summary>
public sealed class TerminationWatchTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private static ActorSystem NewSystem() =>
        ActorSystem.Create("watch", ConfigurationFactory.ParseString("akka.loglevel = OFF, akka.coordinated-shutdown.run-by-clr-shutdown-hook = off"));

    [Fact]
    public async Task A_system_whose_guardian_dies_records_an_unexpected_termination()
    {
        var system = NewSystem();
        var watch = TerminationWatch.Get(system);
        Assert.Null(watch.Reason);

        // What one forged DeathWatchNotification did over the wire (AKKA-NOTES §7), delivered locally.
        var provider = ((ExtendedActorSystem)system).Provider;
        provider.RootGuardian.SendSystemMessage(new DeathWatchNotification(provider.SystemGuardian, existenceConfirmed: true, addressTerminated: false));
        // The provider's termination, which the watch observes. (WhenTerminated fetched this early is
        // the newest termination callback's task; under load it sometimes did not complete within 20 s.)
        await provider.TerminationTask.WaitAsync(Bound);

        Assert.Same(UnexpectedTerminationReason.Instance, watch.Reason);
        Assert.Equal(UnexpectedTerminationReason.Code, Restarts.Decide(watch.Reason).ExitCode);
        // That a reason set afterwards (Akka.Hosting's ClrExitReason) does not hide it is
        // NodeHostTerminationTests' case, with the real host. (CoordinatedShutdown run here, on a
        // plain system already terminated, sometimes did not finish within 20 s.)
    }

    [Fact]
    public async Task A_shutdown_the_host_asked_for_records_its_reason()
    {
        var system = NewSystem();
        var watch = TerminationWatch.Get(system);

        // SIGTERM or Ctrl-C: the host's stop runs CoordinatedShutdown with ClrExitReason.
        await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(Bound);
        await system.WhenTerminated.WaitAsync(Bound);

        Assert.IsType<CoordinatedShutdown.ClrExitReason>(watch.Reason);
        Assert.Null(Restarts.Decide(watch.Reason).Error);
    }

    [Fact]
    public async Task A_self_healing_restart_records_its_reason()
    {
        var system = NewSystem();
        var watch = TerminationWatch.Get(system);

        await CoordinatedShutdown.Get(system).Run(new SelfRestartReason(RestartCause.Isolated)).WaitAsync(Bound);
        await system.WhenTerminated.WaitAsync(Bound);

        Assert.True(Restarts.Decide(watch.Reason).IsRestart);
    }

    [Fact]
    public async Task ActorSystem_Terminate_runs_CoordinatedShutdown_so_it_is_no_unexpected_termination()
    {
        var system = NewSystem();
        var watch = TerminationWatch.Get(system);

        await system.Terminate().WaitAsync(Bound);

        Assert.IsNotType<UnexpectedTerminationReason>(watch.Reason);
        Assert.NotNull(watch.Reason);
    }
}
