using Solidb.Cluster.Client.Models;

namespace Solidb.Cmd.Output;

/// <summary>The tables and lines of the cluster commands, built from the node's models (pure: unit-tested).</summary>
public static class ClusterViews
{
    public static readonly IReadOnlyList<string> MemberHeaders =
        ["node id", "address", "state", "incarnation", "last heartbeat", "round trip", "clock offset", "observed by"];

    /// <summary>The line above the members: the election and quorum as the asked node sees them.</summary>
    public static string Header(StatusResponse s) =>
        $"term {s.Term}, leader {s.Leader ?? "none"}, quorum {Format.YesNo(s.HasQuorum)}, voters {s.Voters}, " +
        $"failure tolerance {s.FailureTolerance} (as seen by {s.NodeId}, {s.HttpAddress})";

    /// <summary>The members (all, or those <paramref name="include"/> keeps), the leader marked "(leader)", the asked node "(this)".</summary>
    public static TableData Members(StatusResponse s, Func<MemberResponse, bool>? include = null) =>
        new(MemberHeaders, s.Members.Where(include ?? (_ => true)).Select(m => (IReadOnlyList<string>)
        [
            m.NodeId + (m.NodeId == s.Leader ? " (leader)" : "") + (m.NodeId == s.NodeId ? " (this)" : ""),
            m.Address,
            m.State + (m.Reason is { } r ? $" ({r})" : ""),
            m.Incarnation.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Format.Ago(m.LastHeartbeatMsAgo),
            Format.Rtt(m.RttMs),
            Format.Offset(m.ClockOffsetMs),
            Format.List(m.ObservedBy),
        ]).ToList());

    public static bool IsUnreachable(MemberResponse m) => m.State is MemberState.Unknown or MemberState.Failed;

    /// <summary>This node alone (<c>cluster status</c>).</summary>
    public static TableData Node(StatusResponse s) => TableData.Fields(
        ("node id", s.NodeId),
        ("address", s.Address),
        ("http address", s.HttpAddress),
        ("state", s.State.ToString()),
        ("incarnation", s.Incarnation.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("leader", s.Leader ?? "none"),
        ("term", s.Term.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("elected at", Format.Hlc(s.ElectedAt)),
        ("quorum", Format.YesNo(s.HasQuorum)),
        ("voters", s.Voters.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("failure tolerance", s.FailureTolerance.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("members", s.Members.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("hlc", Format.Hlc(s.Hlc)),
        ("clock offset to majority", Format.Offset(s.Clock?.OffsetToMajorityMs) + (s.Clock is { InSync: false } ? " (out of sync)" : "")),
        ("restarts", s.Restarts.Count + (s.Restarts.LastCause is { } c ? $" (last: {c} at {Format.Time(s.Restarts.LastAt)})" : "")),
        ("started at", Format.Time(s.StartedAt)),
        ("version", s.Version));

    public static TableData Leader(LeaderResponse l) => TableData.Fields(
        ("leader", l.Leader ?? "none"),
        ("term", l.Term.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("elected at", Format.Hlc(l.ElectedAt)),
        ("quorum", Format.YesNo(l.HasQuorum)),
        ("fencing token", l.FencingToken is { } f ? $"term {f.Term}, leader {f.Leader}, elected at {f.ElectedAt}" : "none"));

    /// <summary>Every counter of <c>stats</c>, the rejections by reason as <c>rejections.REASON</c>.</summary>
    public static TableData Stats(StatisticsResponse s) => new(["counter", "value"],
    [
        .. new (string, long)[]
        {
            ("heartbeats_sent", s.HeartbeatsSent), ("heartbeats_received", s.HeartbeatsReceived), ("missed_heartbeats", s.MissedHeartbeats),
            ("suspicions_raised", s.SuspicionsRaised), ("suspicions_refuted", s.SuspicionsRefuted), ("failures_confirmed", s.FailuresConfirmed),
            ("rejected_transitions", s.RejectedTransitions), ("messages_dropped", s.MessagesDropped), ("clock_skew_rejections", s.ClockSkewRejections),
            ("indirect_probes_sent", s.IndirectProbesSent), ("pre_votes_started", s.PreVotesStarted), ("elections_started", s.ElectionsStarted),
        }.Concat(s.Rejections.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => ("rejections." + r.Key, r.Value)))
         .Select(c => (IReadOnlyList<string>)[c.Item1, c.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)]),
    ]);
}
