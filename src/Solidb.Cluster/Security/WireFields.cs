using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Security;

/// <summary>
/// Field checks every wire message passes before any actor acts on it: no null strings, no
/// oversize text, no negative sequence numbers, terms below <see cref="Terms.Max"/>, enums in
/// range. A deserializer builds whatever the bytes say, so none of this is guaranteed by the types.
/// </summary>
public static class WireFields
{
    /// <summary>Longest address or version text accepted ("host:port" of a DNS name fits easily).</summary>
    public const int MaxText = 300;

    /// <summary>The field named for a message type with no case here: refused, not passed unchecked (WireFieldsTests lists every wire type).</summary>
    public const string UnknownType = "type";

    /// <summary>Null when every field is in range; otherwise the reason and the field's name.</summary>
    public static (RejectionReason Reason, string Field)? Check(IProtocolMessage message) => message switch
    {
        Heartbeat m => Seq(m.Seq, "seq") ?? Term(m.Term) ?? Id(m.From, "from") ?? Wall(m.WallMs),
        HeartbeatAck m => Seq(m.Seq, "seq") ?? Term(m.Term) ?? Id(m.From, "from") ?? Wall(m.WallMs),
        ProbeRequest m => Seq(m.Seq, "seq") ?? Id(m.From, "from") ?? Id(m.Target, "target") ?? Text(m.TargetAddress, "target_address"),
        ProbePing m => Seq(m.Seq, "seq") ?? Id(m.From, "from"),
        ProbePingAck m => Seq(m.Seq, "seq") ?? Id(m.From, "from"),
        ProbeAck m => Seq(m.Seq, "seq") ?? Id(m.From, "from") ?? Id(m.Target, "target"),
        HealthReport m => Id(m.Observer, "observer") ?? Id(m.Target, "target")
            ?? (Enum.IsDefined(m.Signal) ? null : (RejectionReason.InvalidField, "signal")),
        RequestVote m => Term(m.Term) ?? Id(m.Candidate, "candidate"),
        VoteReply m => Term(m.Term) ?? Id(m.From, "from"),
        TimeoutNow m => Term(m.Term) ?? Id(m.From, "from"),
        Introduce m => Id(m.NodeId, "node_id") ?? Text(m.HttpAddress, "http_address") ?? Text(m.Version, "version")
            ?? (m.Incarnation > 0 ? null : (RejectionReason.InvalidField, "incarnation")),
        FormationQuery m => Seq(m.Seq, "seq") ?? Wall(m.WallMs) ?? Id(m.From, "from"),
        FormationReply m => Seq(m.Seq, "seq") ?? Wall(m.WallMs) ?? Round(m.Round) ?? Id(m.NodeId, "node_id"),
        FormationVoteRequest m => Wall(m.WallMs) ?? Round(m.Round) ?? Id(m.Candidate, "candidate"),
        FormationVoteReply m => Wall(m.WallMs) ?? Round(m.Round) ?? Id(m.From, "from"),
        OperatorDownRequest m => Id(m.From, "from") ?? Id(m.Target, "target"),
        OperatorDownReply m => Id(m.From, "from") ?? Id(m.Target, "target") ?? Text(m.Reason, "reason")
            ?? (OperatorDownOutcomes.IsValid(m.Outcome) ? null : (RejectionReason.InvalidField, "outcome")),
        OperatorDownNotice m => Term(m.Term) ?? Id(m.From, "from") ?? Id(m.Target, "target") ?? Id(m.RequestedVia, "requested_via"),
        LeadershipTransferRequest m => Id(m.From, "from") ?? OptionalId(m.To, "to"),
        LeadershipTransferReply m => Id(m.From, "from") ?? Text(m.Reason, "reason") ?? OptionalId(m.Target, "target"),
        MemberLeaveRequest m => Id(m.From, "from") ?? Id(m.Target, "target"),
        MemberLeaveReply m => Id(m.From, "from") ?? Id(m.Target, "target") ?? Text(m.Reason, "reason"),

        // The clock API: a timestamp is judged by the clock gate (ClockGate), not by its range here.
        GetTimestamp or ObserveTimestamp or TimestampReply => null,
        TimestampRejected m => Finite(m.OffsetMs, "offset_ms") ?? Finite(m.MaxOffsetMs, "max_offset_ms"),
        ClockUnavailable m => Text(m.Reason, "reason"),
        _ => (RejectionReason.InvalidField, UnknownType),
    };

    private static (RejectionReason, string)? Seq(long seq, string field) =>
        seq >= 0 ? null : (RejectionReason.InvalidField, field);

    /// <summary>A wall-clock reading in Unix ms: 0 (none) up to the HLC's physical range; its plausibility is the clock check's business.</summary>
    public static (RejectionReason, string)? Wall(long wallMs) =>
        wallMs >= 0 && (ulong)wallMs <= Clock.HlcPacking.MaxPhysical ? null : (RejectionReason.InvalidField, "wall_ms");

    /// <summary>Formation rounds live in the same range as terms (a next round always exists).</summary>
    private static (RejectionReason, string)? Round(long round) =>
        Terms.IsValid(round) ? null : (RejectionReason.TermOutOfRange, "round");

    private static (RejectionReason, string)? Term(long term) =>
        Terms.IsValid(term) ? null : (RejectionReason.TermOutOfRange, "term");

    private static (RejectionReason, string)? Id(string? text, string field) =>
        NodeId.TryParse(text ?? "", out _) ? null : (RejectionReason.MalformedNodeId, field);

    private static (RejectionReason, string)? OptionalId(string? text, string field) =>
        text is null ? null : Id(text, field);

    private static (RejectionReason, string)? Finite(double value, string field) =>
        double.IsFinite(value) ? null : (RejectionReason.InvalidField, field);

    private static (RejectionReason, string)? Text(string? text, string field) =>
        text is { Length: > 0 and <= MaxText } ? null : (RejectionReason.InvalidField, field);
}
