using System.Text.Json;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.Election;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Stats;

namespace Solidb.Cluster.Manager;

/// <summary>The node's own types in the client library's flat models, which the HTTP API, the event stream and the remote API serve.</summary>
public static class StatusModels
{
    public static StatusResponse ToResponse(this ClusterStatus s) => new(
        s.NodeId.Value, s.Address, s.HttpAddress, s.Incarnation, s.State.ToModel(), s.Election.Leader?.Value,
        s.Members.Select(ToResponse).ToList(), s.MembershipVersion, s.StartedAt, s.Version, s.Hlc.ToString(),
        s.Election.Term, s.Election.ElectedAt?.ToString(), s.Election.HasQuorum, s.Election.Voters, s.Election.FailureTolerance,
        s.Counters.ToResponse(), s.Restarts.ToResponse(), s.Clock is { } c ? c.ToResponse() : null);

    public static MemberResponse ToResponse(this MemberInfo m) => new(
        m.NodeId.Value, m.Address, m.HttpAddress, m.Incarnation, m.State.ToModel(),
        Ms(m.LastHeartbeatAgo), m.MissedHeartbeats, m.RoundTrip is { } rtt ? Math.Round(rtt.TotalMilliseconds, 3) : null,
        m.ObservedBy.Select(o => o.Value).ToList(), Ms(m.ClockOffset), m.Reason);

    public static ClockResponse ToResponse(this Clock.Sync.ClockStatus c) =>
        new(c.OffsetToMajorityMs is { } o ? (long)Math.Round(o) : null, (long)Math.Round(c.MaxOffset.TotalMilliseconds), c.InSync);

    public static RestartsResponse ToResponse(this RestartHistory h) =>
        new(h.Count, h.LastCause is { } cause ? JsonNamingPolicy.SnakeCaseLower.ConvertName(cause.ToString()) : null, h.LastAt);

    public static StatisticsResponse ToResponse(this CountersSnapshot c) => new(
        c.HeartbeatsSent, c.HeartbeatsReceived, c.MissedHeartbeats, c.SuspicionsRaised, c.SuspicionsRefuted, c.FailuresConfirmed,
        c.RejectedTransitions, c.MessagesDropped, c.ClockSkewRejections, c.IndirectProbesSent, c.PreVotesStarted, c.ElectionsStarted,
        c.Rejections);

    public static LeaderResponse ToResponse(this LeaderInfo l) => new(
        l.Leader?.Value, l.Term, l.ElectedAt?.ToString(), l.HasQuorum,
        l.Token is { } t ? new FencingTokenResponse(t.Term, t.Leader.Value, t.ElectedAt.ToString()) : null);

    public static MemberState ToModel(this NodeState state) => state switch
    {
        NodeState.Joining => MemberState.Joining,
        NodeState.Active => MemberState.Active,
        NodeState.Leaving => MemberState.Leaving,
        NodeState.Failed => MemberState.Failed,
        NodeState.Unknown => MemberState.Unknown,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static long? Ms(TimeSpan? t) => t is { } v ? (long)Math.Round(v.TotalMilliseconds) : null;
}
