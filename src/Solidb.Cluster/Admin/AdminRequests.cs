using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Identity;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security;

namespace Solidb.Cluster.Admin;

/// <summary>
/// The supervisor's side of an operator's down: the local request from the HTTP API, a follower's
/// forwarded request, and the leader's notice to the member it downs. The rules are
/// <see cref="OperatorDown"/>'s; this class only carries them out (wire, Akka, data dir).
/// </summary>
/// <param name="later">Sends a message to the supervisor itself after a delay (its keyed timers).</param>
internal sealed class AdminRequests(NodeContext node, AkkaSide akka, NodeCoordinator coordinator, ActorSystem system, ILoggingAdapter log,
    Action<object, TimeSpan> later)
{
    /// <summary>How long a follower waits for the leader's answer to a forwarded down.</summary>
    public static readonly TimeSpan ForwardTimeout = TimeSpan.FromSeconds(3);

    /// <summary>From this node's HTTP API.</summary>
    public void Local(DownMemberRequest request, IActorRef sender, IActorRef self)
    {
        switch (OperatorDown.Decide(request.Target, coordinator.Snapshot, node.NodeId, coordinator.Leader, forwarded: false))
        {
            case DownIt down:
                sender.Tell(Carry(down.Member, node.NodeId, request.RequestedBy, self));
                break;
            case ForwardToLeader forward:
                Forward(request, forward, sender, self);
                break;
            case AnswerDown answer:
                sender.Tell(answer.Result);
                break;
        }
    }

    /// <summary>A follower's forwarded request: only from a member (<see cref="Inbound"/>), acted on only by the leader.</summary>
    public void Forwarded(OperatorDownRequest m, IActorRef sender, IActorRef self)
    {
        if (!node.Accept(m, m.From, null, sender, log, out var from))
        {
            return;
        }

        var target = NodeId.Parse(m.Target);
        var result = OperatorDown.Decide(target, coordinator.Snapshot, node.NodeId, coordinator.Leader, forwarded: true) switch
        {
            DownIt down => Carry(down.Member, from, $"node {from}", self),
            AnswerDown answer => answer.Result,
            var other => new DownMemberResult(DownOutcome.Refused, $"cannot act on it here ({other.GetType().Name})", coordinator.Leader.Leader),
        };
        sender.Tell(new OperatorDownReply(node.NodeId.Value, m.Target, Outcome(result.Outcome), Truncate(result.Reason), node.Gate.Stamp()), self);
    }

    /// <summary>The leader downed this node on an operator's request: record it, so no later start rejoins, and exit.</summary>
    public void Notice(OperatorDownNotice m, IActorRef sender)
    {
        if (!node.Accept(m, m.From, null, sender, log, out var from))
        {
            return;
        }

        var leader = coordinator.Leader;
        if (m.Target != node.NodeId.Value || leader.Leader != from || m.Term < leader.Term)
        {
            node.Refuse(RejectionReason.SenderMismatch, m,
                $"an operator's down of {Rejections.Quote(m.Target)} from {from} in term {m.Term}, but this node is {node.NodeId} and knows {leader.Leader?.ToString() ?? "no leader"} as the leader of term {leader.Term}", log);
            return;
        }

        var record = $"at {node.Time.GetUtcNow():yyyy-MM-ddTHH:mm:ssZ}, requested via {m.RequestedVia}, carried out by the leader {from} in term {m.Term}";
        try
        {
            OperatorDownRecord.Write(node.Settings.DataDir, record);
        }
        catch (DataDirectoryException e)
        {
            log.Error("The operator downed this node but the record could not be written ({0}): a later start would rejoin", e.Message);
        }

        var line = OperatorDownRecord.ExitLine(node.Settings.DataDir, record);
        log.Warning("Downed by the operator: {0}; exiting with code {1}", record, OperatorDownRecord.ExitCode);
        CoordinatedShutdown.Get(system).Run(new OperatorDownReason(line));
    }

    /// <summary>
    /// Tells the member (it records the down, leaves gracefully and exits), and downs it in
    /// Akka.Cluster only if it is still a member after an election timeout (it was hung or did
    /// not get the notice). Downing at once would race the notice: a member that learns of its
    /// Akka down first restarts and rejoins as after an automatic down.
    /// </summary>
    private DownMemberResult Carry(MemberView member, NodeId via, string requestedBy, IActorRef self)
    {
        var leader = coordinator.Leader;
        var grace = node.Settings.Election.TimeoutMax;
        log.Info("Downing {0} at {1}: requested by the operator via {2} (from {3}); this node leads term {4} with a quorum; "
            + "told it to record the down and leave, and downs it in {5} ms if it is still a member",
            member.NodeId, member.Address, via, requestedBy, leader.Term, grace.TotalMilliseconds);
        akka.ManagerAt(member.Address)?.Tell(new OperatorDownNotice(node.NodeId.Value, member.NodeId.Value, leader.Term, via.Value, node.Gate.Stamp()), self);
        later(new ConfirmOperatorDown(member), grace);
        return new DownMemberResult(DownOutcome.Accepted, $"{member.NodeId} is told to record the down and leave, by the leader {node.NodeId} in term {leader.Term}", node.NodeId);
    }

    /// <summary>The grace after a notice ran out: a member still there (same incarnation) is downed in Akka.Cluster.</summary>
    public void Confirm(ConfirmOperatorDown m)
    {
        if (coordinator.Snapshot.Find(m.Member.NodeId) is { } member && member.Uid == m.Member.Uid && !member.Downed)
        {
            log.Warning("{0} is still a member after the operator's down (no answer to the notice?): downing it in Akka.Cluster", member.NodeId);
            akka.Down(new DownMember(member.NodeId, member.Address, member.Uid));
        }
    }

    private void Forward(DownMemberRequest request, ForwardToLeader forward, IActorRef sender, IActorRef self)
    {
        var leaderManager = akka.ManagerAt(forward.LeaderAddress);
        if (leaderManager is null)
        {
            sender.Tell(new DownMemberResult(DownOutcome.Refused, "the leader's address is this node's own; retry", forward.Leader));
            return;
        }

        log.Info("Forwarding the operator's down of {0} (from {1}) to the leader {2}", request.Target, request.RequestedBy, forward.Leader);
        leaderManager.Ask<OperatorDownReply>(new OperatorDownRequest(node.NodeId.Value, request.Target.Value, node.Gate.Stamp()), ForwardTimeout)
            .ContinueWith(t => t.IsCompletedSuccessfully ? FromReply(t.Result, forward.Leader)
                    : new DownMemberResult(DownOutcome.Refused, $"the leader {forward.Leader} did not answer within {ForwardTimeout.TotalSeconds:0} s; retry", forward.Leader),
                TaskScheduler.Default)
            .PipeTo(sender, self);
    }

    /// <summary>The leader's reply, checked as any wire message is (it came back to a temporary actor, past <see cref="Inbound"/>).</summary>
    private static DownMemberResult FromReply(OperatorDownReply reply, NodeId leader) =>
        WireFields.Check(reply) is { } bad
            ? new DownMemberResult(DownOutcome.Refused, $"the leader's answer had an invalid {bad.Field}", leader)
            : new DownMemberResult(reply.Outcome switch
            {
                OperatorDownOutcomes.Accepted => DownOutcome.Accepted,
                OperatorDownOutcomes.Unknown => DownOutcome.UnknownMember,
                _ => DownOutcome.Refused,
            }, Rejections.Quote(reply.Reason), leader);

    private static string Outcome(DownOutcome outcome) => outcome switch
    {
        DownOutcome.Accepted => OperatorDownOutcomes.Accepted,
        DownOutcome.UnknownMember => OperatorDownOutcomes.Unknown,
        _ => OperatorDownOutcomes.Refused,
    };

    private static string Truncate(string text) => text.Length <= WireFields.MaxText ? text : text[..WireFields.MaxText];
}

/// <summary>The supervisor to itself: the grace after an operator's down notice ran out.</summary>
internal sealed record ConfirmOperatorDown(MemberView Member);
