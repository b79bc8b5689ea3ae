using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

// The clock actor's API (/user/solidb-cluster/clock), for services in this process or on other nodes.

/// <summary>Ask for a fresh timestamp; the answer is a <see cref="TimestampReply"/>.</summary>
public sealed record GetTimestamp : IProtocolMessage;

/// <summary>
/// Report a timestamp observed on an incoming event; the answer is a <see cref="TimestampReply"/>
/// greater than it, or <see cref="TimestampRejected"/> when it is beyond the max offset.
/// </summary>
public sealed record ObserveTimestamp(HlcTimestamp Timestamp) : IProtocolMessage;

public sealed record TimestampReply(HlcTimestamp Timestamp) : IProtocolMessage;

public sealed record TimestampRejected(HlcTimestamp Received, double OffsetMs, double MaxOffsetMs) : IProtocolMessage;
