using Akka.Actor;

namespace Solidb.Cluster.Manager;

/// <summary>
/// The "reason" of an actor system that terminated although nothing asked it to stop: no
/// CoordinatedShutdown ran before it terminated (its guardian died; one forged
/// DeathWatchNotification naming <c>/system</c> does that, AKKA-NOTES §7). The host exits with
/// <see cref="Code"/> so that a service manager restarts the process.
/// </summary>
public sealed class UnexpectedTerminationReason : CoordinatedShutdown.Reason
{
    public const int Code = 5;

    public static readonly UnexpectedTerminationReason Instance = new();

    private UnexpectedTerminationReason()
    {
    }

    public override int ExitCode => Code;

    public override string ToString() => "the actor system stopped unexpectedly";
}

/// <summary>
/// Records CoordinatedShutdown's reason at the moment the actor system's guardian has stopped.
/// Every stop the node asks for (SIGTERM or Ctrl-C through the host, a leave, the operator's down,
/// a self-healing restart, a clock-skew stop, <c>ActorSystem.Terminate</c>) runs
/// CoordinatedShutdown, which sets its reason before the system terminates; a system that
/// terminates with none set was stopped by nothing the node decided, and <see cref="Reason"/> is
/// then <see cref="UnexpectedTerminationReason"/>. Read at that moment because reasons set
/// afterwards would hide it: Akka.Hosting runs CoordinatedShutdown with ClrExitReason (as for
/// SIGTERM) once it sees the system gone, and Akka.Cluster's daemon with ClusterDowningReason.
/// Not a termination callback: Akka runs those newest first, each completing the WhenTerminated
/// task handed out before it, so a callback registered early may run after the host has already
/// read the reason. Created by <see cref="Hosting.SolidbNode.Start"/>, before anything can stop the system.
/// </summary>
public sealed class TerminationWatch : IExtension
{
    private readonly CoordinatedShutdown _shutdown;
    private volatile CoordinatedShutdown.Reason? _atTermination;

    internal TerminationWatch(ExtendedActorSystem system)
    {
        _shutdown = CoordinatedShutdown.Get(system);
        // Inline when the provider's termination completes: before WhenTerminated, and so before
        // anyone who reacts to it, runs.
        system.Provider.TerminationTask.ContinueWith(
            _ => _atTermination = _shutdown.ShutdownReason ?? UnexpectedTerminationReason.Instance,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Why the system terminated; while it has not (yet) terminated, the reason of a shutdown in
    /// progress, or null.
    /// </summary>
    public CoordinatedShutdown.Reason? Reason => _atTermination ?? _shutdown.ShutdownReason;

    public static TerminationWatch Get(ActorSystem system) => system.WithExtension<TerminationWatch, TerminationWatchProvider>();
}

public sealed class TerminationWatchProvider : ExtensionIdProvider<TerminationWatch>
{
    public override TerminationWatch CreateExtension(ExtendedActorSystem system) => new(system);
}
