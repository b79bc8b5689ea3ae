using Akka.Actor;

namespace Solidb.Cluster.Manager;

/// <summary>Why an incarnation ended itself so that the host starts the next one.</summary>
public enum RestartCause
{
    /// <summary>No quorum and cut off from a majority for rejoin-after (the minority side of a partition).</summary>
    Isolated,

    /// <summary>A peer's Akka.Remote quarantined this incarnation and this node has no quorum.</summary>
    Quarantined,

    /// <summary>The join did not complete within the join timeout.</summary>
    JoinTimedOut,

    /// <summary>The cluster's leader downed this incarnation.</summary>
    Downed,

    /// <summary>A module actor kept failing: it spent its restart budget (<see cref="ChildSupervisor"/>).</summary>
    ChildFailing,

    /// <summary>
    /// This node formed (or joined) a new cluster that no majority of the configured nodes was Up
    /// in within half a formation lease: it ends it before its formation promises expire
    /// (Bootstrap.FormationVote), so that it is in no cluster when others may form one.
    /// </summary>
    FormationAbandoned,

    /// <summary>
    /// A join-only incarnation was Up for the join timeout and never heard a leader. Seen in the
    /// specs: the leader's Akka.Remote, still probing the quarantined previous incarnation at the
    /// same address, kept its link to the new one one-way (the leader heard it, it never heard the
    /// leader); a fresh incarnation makes the leader associate anew.
    /// </summary>
    LeaderUnheard,
}

/// <summary>
/// The shutdown reason of an incarnation that ends itself for a restart (the coordinator's
/// <see cref="RestartCause"/>). Not a process exit: the host starts the next incarnation.
/// </summary>
public sealed class SelfRestartReason(RestartCause cause) : CoordinatedShutdown.Reason
{
    public RestartCause Cause { get; } = cause;

    public override int ExitCode => 0;

    public override string ToString() => Restarts.Describe(Cause);
}

/// <summary>The shutdown reason of a node whose clock stayed out of sync with <c>solidb.clock.on-skew = stop</c>: exit code 3.</summary>
public sealed class ClockSkewStopReason(string problem) : CoordinatedShutdown.Reason
{
    public const int Code = 3;

    public string Problem { get; } = problem;

    public override int ExitCode => Code;

    public override string ToString() => Problem;
}

/// <summary>What follows an incarnation.</summary>
public enum NextIncarnation
{
    /// <summary>The process exits (graceful leave, SIGTERM, or a fault a new incarnation would repeat).</summary>
    Exit,

    /// <summary>A new incarnation that only joins an existing cluster, never forms one.</summary>
    RejoinOnly,

    /// <summary>A new incarnation under the normal bootstrap rule.</summary>
    Bootstrap,
}

/// <summary>How an incarnation ended, as the host acts on it.</summary>
/// <param name="Error">For an exit that is a failure: the one line to print; null for a clean exit or a restart.</param>
/// <param name="ExitCode">The process's exit code when <paramref name="Error"/> is set.</param>
public sealed record IncarnationEnd(NextIncarnation Next, RestartCause? Cause, string? Error, int ExitCode = 1)
{
    public bool IsRestart => Next != NextIncarnation.Exit;
}

/// <summary>
/// The host's restart decision, from the reason the actor system shut down (as
/// <see cref="TerminationWatch"/> recorded it at termination): the one place both the <c>solidb</c>
/// host and the in-process test harness ask, so specs run what production runs.
/// </summary>
public static class Restarts
{
    public static IncarnationEnd Decide(CoordinatedShutdown.Reason? reason) => reason switch
    {
        // Nothing asked the actor system to stop (no reason at termination): exit non-zero so that a
        // service manager (systemd's Restart=on-failure) restarts the process, rather than restart in
        // this process. Not a cluster condition the node decided on, as the restarts below are: its
        // cause is outside the module (a forged system message, an Akka fault), so a fresh process
        // and the service manager's record and limits are the safer answer (docs/operations.md).
        null or UnexpectedTerminationReason => new(NextIncarnation.Exit, null,
            "the actor system stopped unexpectedly (nothing asked it to stop; see the log); exiting so that the service manager restarts the node",
            UnexpectedTerminationReason.Code),
        CoordinatedShutdown.ClrExitReason or CoordinatedShutdown.ClusterLeavingReason => new(NextIncarnation.Exit, null, null),
        CoordinatedShutdown.ClusterJoinUnsuccessfulReason => new(NextIncarnation.Exit, null, "could not join the cluster"),
        // Akka.Remote stops a node whose outbound TLS handshake failed (a peer of another CA, or
        // without TLS): a new incarnation would fail the same way. (The reason type is internal.)
        { } r when r.GetType().Name == "TlsHandshakeFailureReason" => new(NextIncarnation.Exit, null,
            "a TLS handshake with a peer failed and Akka.Remote stopped the node (does every node use a certificate of the same CA, and TLS?); see the log"),
        // The operator downed this live node: it stays out until the operator removes the record (docs/security.md).
        Admin.OperatorDownReason d => new(NextIncarnation.Exit, null, d.Line, Admin.OperatorDownRecord.ExitCode),
        ClockSkewStopReason c => new(NextIncarnation.Exit, null, $"{c.Problem}; stopped (solidb.clock.on-skew = stop)", ClockSkewStopReason.Code),
        SelfRestartReason { Cause: RestartCause.JoinTimedOut } => new(NextIncarnation.Bootstrap, RestartCause.JoinTimedOut, null),
        // It was never part of an established cluster: the next incarnation takes part in the vote again.
        SelfRestartReason { Cause: RestartCause.FormationAbandoned } => new(NextIncarnation.Bootstrap, RestartCause.FormationAbandoned, null),
        SelfRestartReason s => new(NextIncarnation.RejoinOnly, s.Cause, null),
        // Downed by the cluster's leader (Akka runs the shutdown with the downing reason).
        CoordinatedShutdown.ClusterDowningReason => new(NextIncarnation.RejoinOnly, RestartCause.Downed, null),
        // Any other reason (an unexpected one from a library): restart rather than stay down.
        _ => new(NextIncarnation.RejoinOnly, RestartCause.Downed, null),
    };

    public static string Describe(RestartCause cause) => cause switch
    {
        RestartCause.Isolated => "isolated from a majority",
        RestartCause.Quarantined => "quarantined by a peer",
        RestartCause.JoinTimedOut => "join timed out",
        RestartCause.Downed => "downed by the cluster",
        RestartCause.ChildFailing => "a module actor kept failing",
        RestartCause.FormationAbandoned => "abandoned a new cluster that no majority joined in time",
        RestartCause.LeaderUnheard => "rejoined but never heard a leader",
        _ => cause.ToString(),
    };
}
